"""The Content-Security-Policy's image sources: this site, plus where the photos are.

``img-src`` in ``config/settings.py`` allows this site (and ``data:``) only. Pages
that show entries' photos (``@photo_sources`` on their view) also allow exactly
the origins those photos come from: the recaps' image bases' origins and those
of photos stored with an absolute address. They are read from the data once per
data version (``explorer.versions.data_version``, which any edit or import changes)
and kept in the cache under it, so they are never stale and cost no query while
the data stays the same. A page allows all of them, not only those of the photos
it shows now: htmx swaps more cards into a page whose policy came with it. (An
htmx answer itself needs none: it is never a document of its own.)

Every view that shows cards or photos takes the decorator; other pages (the
curators' screens, the admin, log-in) keep the site's own policy and pay nothing.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase

from .models import Photo, Recap
from .photos import origin
from .versions import request_data_version, version_key

logger = logging.getLogger(__name__)

# The origins stay valid as long as the data version they were read at.
CACHE_SECONDS = 24 * 3600


def image_origins(version: str) -> list[str]:
    """The origins of every recap's image base and absolute photo address, sorted."""
    key = f"image-origins:{version_key(version)}"
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


def photo_sources(view):
    """Let the page's images come from where the recaps' photos are (see above)."""

    @wraps(view)
    def inner(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if request.headers.get("HX-Request") or not _is_page(response):
            return response
        try:
            origins = image_origins(request_data_version(request))
        except DatabaseError:
            # The page itself got an answer: send it with the site's own images only.
            logger.warning("Photo origins unavailable for the CSP", exc_info=True)
            return response
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["img-src"] = [*update.get("img-src", []), *origins]
            response._csp_update = update
        return response

    return inner


def _is_page(response: HttpResponseBase) -> bool:
    """An HTML answer that shows something (not an error page, not a redirect).

    A 304 counts too: the browser replaces the cached page's headers with its own.
    """
    if response.status_code == 304:
        return True
    content_type = response.get("Content-Type", "")
    return 200 <= response.status_code < 300 and content_type.startswith("text/html")
