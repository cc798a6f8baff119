"""Production settings: the app refuses to start without a secret key, and a
deployment configured from the environment passes ``check --deploy``."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings

from config.settings import BASE_DIR

# What a deployment sets; the tests' own environment (pyproject.toml) turns HTTPS off.
ENV_SETTINGS = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_HSTS_SECONDS",
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a fresh process with the deployment's variables only from ``env``."""
    environ = {k: v for k, v in os.environ.items() if k not in ENV_SETTINGS}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def strong_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check")

    assert result.returncode != 0
    assert result.stderr == (
        "Recap Explorer cannot start: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
        "(for local development, run `make` once or set DJANGO_DEBUG=1).\n"
    )


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        ({"EXPLORER_CACHE_SECONDS": "soon"}, "EXPLORER_CACHE_SECONDS must be a whole number"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL is not a database URL"),
    ],
)
def test_a_bad_setting_is_one_sentence_not_a_traceback(env, sentence):
    result = manage("check", DJANGO_DEBUG="1", **env)

    assert result.returncode == 1
    assert result.stderr.startswith(f"Recap Explorer cannot start: {sentence}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_the_wsgi_application_reports_a_bad_setting_in_one_sentence():
    """gunicorn imports config.wsgi in each worker: exit 4 makes it stop, not respawn."""
    environ = {k: v for k, v in os.environ.items() if k not in ENV_SETTINGS}
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 4
    assert result.stderr.startswith("Recap Explorer cannot start: DJANGO_SECRET_KEY must be set")
    assert "Traceback" not in result.stderr


WORKER_IMPORT = """
import gc, json, sys
import config.wsgi
from django.conf import settings
from django.template import engines
def compiled(loaders):  # the names the cached loader keeps compiled
    for loader in loaders:
        yield from getattr(loader, "get_template_cache", {})
        yield from compiled(getattr(loader, "loaders", []))
loaders = engines["django"].engine.template_loaders
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "walked": len(gc.get_objects()),
    "urlconf_loaded": settings.ROOT_URLCONF in sys.modules,
    "explorer_compiled": "explorer/explore.html" in compiled(loaders),
}))
"""


def test_a_worker_freezes_what_it_keeps_for_life_out_of_full_collections():
    """A full garbage collection walks only what requests leave behind, not the
    modules, URLconf and compiled templates a worker loaded at start."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER_IMPORT],
        cwd=BASE_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    # The URLconf and the explorer's template were loaded before freezing.
    assert state["urlconf_loaded"]
    assert state["explorer_compiled"]
    # Tens of thousands frozen; the collector walks (almost) nothing yet.
    assert state["frozen"] > 20_000
    assert state["walked"] < state["frozen"] / 100


# -- The development settings file (.env) --------------------------------------------


def test_local_commands_read_development_settings_from_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# written by make\n\nexport DJANGO_DEBUG='1'\n")

    result = manage("check", DJANGO_ENV_FILE=str(env_file))

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\n")

    result = manage("check", DJANGO_ENV_FILE=str(env_file), DJANGO_DEBUG="0")

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_broken_env_file_is_one_sentence(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nthis is not a setting\n")

    result = manage("check", DJANGO_ENV_FILE=str(env_file))

    assert result.returncode == 1
    assert result.stderr == (
        f"Recap Explorer cannot start: The settings file {env_file} has a line 2 "
        "that is not NAME=value.\n"
    )


def test_the_tests_never_read_an_env_file(tmp_path):
    """A developer's .env (debug on, another key) does not change what the tests see."""
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=from-the-env-file\n")
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import config.settings\n\n\n"
        "def test_probe():\n"
        "    assert config.settings.DEBUG is False\n"
        "    assert config.settings.SECRET_KEY.startswith('test-only-secret-key')\n"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ENV_SETTINGS}
    environ["DJANGO_ENV_FILE"] = str(env_file)
    # The probe's own pytest: the same configuration as this run (pyproject.toml).

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            "pyproject.toml",
            "-p",
            "no:cacheprovider",
            str(probe),
        ],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_an_empty_secret_key_counts_as_none():
    result = manage("check", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_starts_without_a_key_in_debug_mode():
    result = manage("check", DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_production_configuration_passes_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=strong_key(),
        DJANGO_ALLOWED_HOSTS="recaps.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_turned_off():
    """The test above is not vacuous: the same check does complain about HTTP."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=strong_key(),
        DJANGO_ALLOWED_HOSTS="recaps.example.org",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_debug_is_off_and_cookies_are_hardened():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_HTTPONLY is True
    # htmx reads the token from hx-headers in the page, not from the cookie.
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
    assert settings.SECURE_CROSS_ORIGIN_OPENER_POLICY == "same-origin"
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]


def test_content_security_policy_is_strict():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    assert "EXCLUDE_URL_PREFIXES" not in settings.CONTENT_SECURITY_POLICY
    assert "config.middleware.SitePolicyCSPMiddleware" in settings.MIDDLEWARE


def test_axes_locks_out_username_and_address_pairs_in_the_database():
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AXES_LOCKOUT_TEMPLATE == "registration/locked_out.html"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
