"""``/healthz``: whether this app server can answer, for a load balancer.

It checks what every page needs, the database (``SELECT 1``) and the static files
(the site's stylesheet resolves), and answers 200 ``{"status": "ok", "checks":
{...}}`` or 503 naming the check that failed. It reads no session and sets no
cookie, is never cached, and is exempt from the HTTPS redirect
(``SECURE_REDIRECT_EXEMPT``) so that a load balancer may call it over plain HTTP.
Failures are logged (an unavailable database in one line, anything else with its
traceback); the answer says only which check failed, not why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .resilience import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

#: A static file every page links to.
STATIC_PROBE = "css/site.css"

OK = "ok"
FAILED = "failed"


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_static() -> None:
    # url() fails for a manifest storage that lacks the file (collectstatic not run).
    staticfiles_storage.url(STATIC_PROBE)
    if not (staticfiles_storage.exists(STATIC_PROBE) or finders.find(STATIC_PROBE)):
        raise FileNotFoundError(f"{STATIC_PROBE} is neither collected nor found")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "static": check_static,
}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except DATABASE_UNAVAILABLE as error:
            # An outage (a restart, a lost connection): expected now and then.
            logger.error("Health check %r failed: %s", name, error)
            results[name] = FAILED
        except Exception:
            logger.exception("Health check %r failed", name)
            results[name] = FAILED
        else:
            results[name] = OK
    return results


@csrf_exempt
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(result == OK for result in checks.values())
    return JsonResponse(
        {"status": OK if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
