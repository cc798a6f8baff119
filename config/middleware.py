"""Middleware of the site's own (see ``MIDDLEWARE`` in ``config/settings.py``)."""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from whitenoise.middleware import WhiteNoiseFileResponse

# Where django-csp's view decorators (``@csp_update`` and the like) change the policy
# of one response.
PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class SitePolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's one policy built once instead of per response.

    django-csp 4 builds the header from the settings anew for every response,
    copying the policy's dataclasses: a third of what the whole middleware stack
    costs a request. A response that no view decorator changed, whose request used
    no nonce, gets that same header every time, so it is built once (again when
    the setting is replaced, as tests do). Anything else (a decorated view, a
    nonce, a report-only policy, an exempt or excluded URL, debug error pages)
    goes through django-csp as it is.
    """

    _built: tuple[object, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        excluded = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES") or ())
        if (
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in PER_RESPONSE)
            or getattr(response, "_csp_exempt", False)
            or HEADER in response
            or (settings.DEBUG and response.status_code in (404, 500))
            or (excluded and request.path_info.startswith(excluded))
        ):
            return super().process_response(request, response)
        if self._built is None or self._built[0] is not policy:
            self._built = (policy, build_policy())
        if self._built[1]:
            response[HEADER] = self._built[1]
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


# What SecurityMiddleware adds for documents, which a static file makes no use of.
DOCUMENT_ONLY_HEADERS = ("Cross-Origin-Opener-Policy", "Referrer-Policy")


class StaticFileHeadersMiddleware:
    """Drops the two security headers that only documents use from WhiteNoise's files.

    WhiteNoise answers below SecurityMiddleware (so that static files keep HSTS,
    `nosniff` and the HTTPS redirect), and so its CSS and JavaScript would get every
    header a page gets. `Cross-Origin-Opener-Policy` applies to documents only, and
    a static file's `Referrer-Policy` governs only what it fetches itself (our
    stylesheets fetch nothing from another origin): on a first visit they are 280
    bytes on the four static answers, changing nothing. It sits above
    SecurityMiddleware, which stays Django's own, so `check --deploy` still checks
    its settings.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if isinstance(response, WhiteNoiseFileResponse):
            for name in DOCUMENT_ONLY_HEADERS:
                if name in response:
                    del response[name]
        return response
