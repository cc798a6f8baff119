"""Settings for Recap Explorer, read from the environment.

Every setting that differs between a laptop and a deployment comes from an
environment variable. For local commands, a git-ignored ``.env`` file beside
``manage.py`` (``make`` writes one with ``DJANGO_DEBUG=1`` the first time) fills in
what the environment does not set: the environment always wins, and
``DJANGO_ENV_FILE`` names another file (empty: none; the tests set it so). A
deployment sets real variables and has no ``.env``: with debug off, the app
refuses to start without ``DJANGO_SECRET_KEY``. A bad value stops the app with
one sentence naming the variable (``ImproperlyConfigured``; ``manage.py`` and
``config.wsgi`` print it without a traceback).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_ENV_LINE = re.compile(r"(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)")


def load_env_file(path: Path) -> None:
    """Set the ``NAME=value`` lines of ``path`` that the environment does not set.

    Blank lines and ``#`` comments are skipped; a value may be quoted. A missing
    file is fine (a deployment has none).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as error:
        raise ImproperlyConfigured(f"Cannot read the settings file {path}: {error}.") from None
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(line)
        if match is None:
            raise ImproperlyConfigured(
                f"The settings file {path} has a line {number} that is not NAME=value."
            )
        value = match["value"].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(match["name"], value)


ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_env_file(Path(ENV_FILE))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read a whole number from the environment, refusing anything else in one sentence."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not “{value[:40]}”.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(for local development, run `make` once or set DJANGO_DEBUG=1)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_filters",
    "django_htmx",
    "neapolitan",
    "simple_history",
    "template_partials",
    "explorer",
]

MIDDLEWARE = [
    # Takes from WhiteNoise's static files the security headers only documents use.
    "config.middleware.StaticFileHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serving (see "Static files and serving" below): static files from the app server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses every other answer of 200 bytes or more for clients that accept gzip
    # (static files come compressed from WhiteNoise). Against BREACH it pads each
    # answer with random bytes, and the CSRF token in a page is masked anew for every
    # request. It makes ETags weak: the explorer's are weak already.
    "django.middleware.gzip.GZipMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below):
    # django-csp's middleware, building the header once (config/middleware.py); pages
    # with photos also allow their origins in img-src (explorer.csp.photo_sources).
    "config.middleware.SitePolicyCSPMiddleware",
    # Faults (explorer.resilience): a POST cut off halfway is refused before any
    # view reads it (400); an unavailable database is the 503 page, not a 500.
    "explorer.resilience.WholeBodyMiddleware",
    "explorer.resilience.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the logged-in user on every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project root is a template folder only so that the shared
        # partials resolve as "partials/<name>.html#<partial>".
        "DIRS": [BASE_DIR],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    reason = str(error).rstrip(".")
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {reason}.") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a server's database: readers never wait for a writer (WAL), a
    # write transaction takes its lock up front instead of failing halfway
    # (IMMEDIATE), and each connection reads the file through a memory map with
    # a 64 MiB page cache instead of copying pages in with a system call each.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;"
        ),
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # While the database is away, a request waits at most this long to connect
    # before it is answered 503 (a refused connection fails at once); libpq's
    # minimum is 2 s. A connect_timeout in DATABASE_URL wins.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5),
        **DATABASES["default"].get("OPTIONS", {}),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Alpine.js (its CSP build) is installed by npm from package-lock.json and served
# as a static file under vendor/alpinejs/, never from a CDN.
ALPINE_DIST_DIR = BASE_DIR / "node_modules" / "@alpinejs" / "csp" / "dist"
if ALPINE_DIST_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/alpinejs", ALPINE_DIST_DIR))

# -- Static files and serving (WhiteNoise, gunicorn: `make serve`) ------------------
# WhiteNoise serves the collected files itself, gzip- and Brotli-compressed ahead of
# time by collectstatic (Brotli because the `brotli` package is installed); with
# the manifest storage every {% static %} URL carries a content hash and is cached
# "forever" (immutable), other static files for WHITENOISE_MAX_AGE.
# The manifest storage (config/storage.py) also minifies our own CSS and JavaScript
# (static/) as it collects them. It needs `collectstatic` first: on by default when
# debug is off, DJANGO_STATIC_MANIFEST=0 turns it off (the tests do), and the files
# are then served as written.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.storage.MinifiedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 24 * 3600
# Every static file is used by this site's own pages (no fonts or scripts fetched
# from another origin), so none needs `Access-Control-Allow-Origin: *`, WhiteNoise's
# default: 32 bytes less on every static response.
WHITENOISE_ALLOW_ALL_ORIGINS = False
# The default file storage: recaps' own copies of their images (import_recap
# --images). Served by Django only with debug on; in production the web server (or
# an object store named in STORAGES["default"]) serves MEDIA_ROOT at MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
# -- end of static files and serving ---------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses to authenticate while a username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "explore"
LOGOUT_REDIRECT_URL = "explore"

# Largest recap file import_recap accepts, in bytes.
RECAP_MAX_BYTES = env_int("RECAP_MAX_BYTES", 2 * 1024 * 1024)
# How long a recap uploaded in the browser (/manage/import/) waits for its review
# and import before it is discarded, in days.
PENDING_IMPORT_DAYS = env_int("PENDING_IMPORT_DAYS", 7)

# How long a repeated anonymous explorer fragment or JSON answer is served from the
# cache (keyed by its ETag, so never stale); 0 turns the answer cache off.
EXPLORER_CACHE_SECONDS = env_int("EXPLORER_CACHE_SECONDS", 300)
# How many rendered entry cards each process keeps (explorer.cards: keyed by what
# they show, so never stale); 0 turns the card cache off.
EXPLORER_CARD_CACHE_ENTRIES = env_int("EXPLORER_CARD_CACHE_ENTRIES", 10000)
# Whether the explorer keeps its facet values and unfiltered facets under the data
# version (explorer.filters: never stale); 0 counts every facet afresh.
EXPLORER_FACET_CACHE = env_bool("EXPLORER_FACET_CACHE", True)

# The caches live in each process's memory: their keys name the data they hold,
# so a server never serves what another has changed, and nothing is shared.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "explorer-answers",
    },
    "cards": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "explorer-cards",
        # Kept until crowded out: a card's key changes with its data, never its age.
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": max(EXPLORER_CARD_CACHE_ENTRIES, 1)},
    },
    # The explorer's facet values and unfiltered facets (explorer.filters), under
    # the data version: a handful of small entries per version of the data.
    "facets": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "explorer-facets",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
}

# HTTPS hardening, on whenever debug is off (turn individual pieces off behind a
# TLS-terminating proxy that already does them).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A load balancer may probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
# htmx sends the CSRF token from the page (hx-headers on <body>), never from the
# cookie, so scripts need not read it.
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4): only this site's own files, no inline
# scripts or styles, no eval. htmx, Alpine's CSP build and our scripts are static
# files; htmx is configured (base.html) to inject no styles and evaluate nothing.
# The Django admin works under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login rate limiting (django-axes): after AXES_FAILURE_LIMIT failed log-ins for
# one username from one address, that pair is refused for AXES_COOLOFF_TIME with
# the lockout page (status 429). Attempts are kept in the database, so every app
# server sees the same counts. Behind a proxy, REMOTE_ADDR is the proxy's address:
# see the README's "Security" section.
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
# registration/locked_out.html says "15 minutes": change both together.
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
