"""Middleware of the site's own (see ``MIDDLEWARE`` in ``config/settings.py``)."""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

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
