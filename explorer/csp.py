"""The Content-Security-Policy's image sources: this site, plus where the photos are.

``img-src`` in ``config/settings.py`` allows this site (and ``data:``) only. Pages
show photos from each recap's image base (``explorer.photos``), so every HTML page
also allows exactly the origins those photos come from: the image bases' origins
and those of photos stored with an absolute address. They are read from the data
once per data version (``explorer.views.data_version``, which any edit or import
changes) and kept in the cache under it, so they are never stale and cost no query
while the data stays the same. Every page gets them, not only the ones showing
photos now: htmx swaps new cards into a page whose policy was sent with it (and
htmx answers themselves need none: they are never documents of their own).
"""

from __future__ import annotations

import hashlib
import logging

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase

from .models import Photo, Recap
from .photos import origin
from .views import request_data_version

logger = logging.getLogger(__name__)

# The origins stay valid as long as the data version they were read at.
CACHE_SECONDS = 24 * 3600


def image_origins(version: str) -> list[str]:
    """The origins of every recap's image base and absolute photo address, sorted."""
    key = "image-origins:" + hashlib.sha256(version.encode()).hexdigest()[:32]
    cached = cache.get(key)
    if cached is not None:
        return cached
    bases = Recap.objects.exclude(image_base="").order_by().values_list("image_base")
    absolute = Q(image__istartswith="http://") | Q(image__istartswith="https://")
    photos = Photo.objects.filter(absolute).order_by().values_list("image")
    addresses = bases.union(photos)  # one query, without duplicates
    origins = sorted({origin(address) for (address,) in addresses} - {""})
    cache.set(key, origins, CACHE_SECONDS)
    return origins


class PhotoCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the photos' origins added to ``img-src`` of pages."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # An htmx answer is swapped into a page that came with its own policy.
        if report_only or request.headers.get("HX-Request") or not _is_page(response):
            return parts
        try:
            origins = image_origins(request_data_version(request))
        except DatabaseError:
            # The page itself got an answer: send it with the site's own images only.
            logger.warning("Photo origins unavailable for the CSP", exc_info=True)
            return parts
        if origins:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), *origins]
            parts.update = update
        return parts


def _is_page(response: HttpResponseBase) -> bool:
    """An HTML answer that shows something (not an error page, not a redirect).

    A 304 counts too: the browser replaces the cached page's headers with its own.
    """
    if response.status_code == 304:
        return True
    content_type = response.get("Content-Type", "")
    return 200 <= response.status_code < 300 and content_type.startswith("text/html")
