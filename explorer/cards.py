"""Entry cards rendered once per version of the data: ``{% card entry %}``.

A card's HTML (``partials/cards.html#card``) depends only on its entry, the rows
it shows (day, recap, place, speakers, topics, dishes and their places, the first
photo, shown from the recap's image base) and whether the viewer may edit it. So
it is kept in the ``cards`` cache under a key made of the data version
(``explorer.versions``: any save, delete or import changes it), the entry's id
and ``version``, the edit flag and the card template's source. A stale card is
never found, on this app server or another, and nothing needs invalidating; a
write renders each card afresh once.

The key comes from the entry's own row, so a list of cards (``load_cards``) asks
the cache for all of them at once and loads the rows the cards show
(``CARD_PARTS``) only for those it did not find: a page of cached cards costs
no query beyond the entries themselves. Each card's photos are kept beside its
HTML, for the page's link preview (``preview_photo``).

The one part of an editable card that depends on the request, its Edit link's
``next`` (the page to return to), is cached as a mark and filled in per request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template import Context
from django.template.defaultfilters import urlencode
from django.utils.safestring import SafeString, mark_safe

from .models import Credit, Dish, Entry, Photo
from .photos import photo_src
from .versions import request_data_version, version_key

CARD_TEMPLATE = "partials/cards.html#card"
# Stands for the Edit link's ``next`` in a cached card. The closing quote makes it
# unique: text from the data cannot hold a bare " (it is escaped).
RETURN_MARK = "__card_return_url__"
RETURN_LINK = f'?next={RETURN_MARK}"'
# What the cache keeps per card, named in its key: (its HTML, its photos as
# ``(image, caption)`` pairs or None when they were not loaded), the photos for
# the page's link preview.
CARD_FORMAT = 2
# A deploy may change the card's markup: a cache shared by servers must not serve
# the old one.
TEMPLATE_HASH = hashlib.sha256(
    (settings.BASE_DIR / "partials" / "cards.html").read_bytes()
).hexdigest()[:12]


# What a card shows beyond its entry's row and the day, recap and place beside it
# (``select_related``), for ``prefetch_related``. Each entry's rows in their order:
# the models' default ordering ("entry", "order") would join every row to its
# entry and recap, to sort them by the entries' order first.
CARD_PHOTOS = Prefetch("photos", queryset=Photo.objects.order_by("order", "pk"))
CARD_PARTS = (
    Prefetch("credits", queryset=Credit.objects.select_related("person").order_by("order", "pk")),
    "topics",
    Prefetch("dishes", queryset=Dish.objects.select_related("place").order_by("order", "pk")),
    CARD_PHOTOS,
)


@dataclass(frozen=True)
class PreviewPhoto:
    """A page's link-preview photo: where to show it from, and its caption."""

    src: str
    caption: str


def preview_photo(entries: Sequence[Entry]) -> PreviewPhoto | None:
    """The first photo that can be shown of ``entries`` (each entry's in their order).

    Every page's link preview is picked here, from each entry's photos as its card
    knows them: kept with the card in the card cache (``load_cards``), or loaded
    with the entry (cards that were not in the cache, an entry's own page,
    picks). Only entries with neither cost a query: one, for three columns.
    """
    photos = {entry.pk: _card_photos(entry) for entry in entries}
    if unknown := [pk for pk, known in photos.items() if known is None]:
        rows = (
            Photo.objects.filter(entry_id__in=unknown)
            .order_by("order", "pk")
            .values_list("entry_id", "image", "caption")
        )
        found: dict[int, list[tuple[str, str]]] = {pk: [] for pk in unknown}
        for entry_id, image, caption in rows:
            found[entry_id].append((image, caption))
        photos.update(found)
    # Entry by entry, up to the first photo that can be shown.
    for entry in entries:
        for image, caption in photos[entry.pk]:
            if src := photo_src(image, entry.recap.image_base):
                return PreviewPhoto(src, caption)
    return None


def _card_photos(entry: Entry) -> Sequence[tuple[str, str]] | None:
    """``entry``'s photos (image, caption) in their order, if known without a query."""
    kept = getattr(entry, "_cached_photos", None)
    if kept is not None:
        return kept
    if "photos" in getattr(entry, "_prefetched_objects_cache", ()):
        return tuple((photo.image, photo.caption) for photo in entry.photos.all())
    return None


def card_key(request: HttpRequest, entry: Entry, can_edit: bool) -> str:
    """The cache key of ``entry``'s card: changes whenever anything the card shows may have."""
    data_key = version_key(request_data_version(request))
    mode = "edit" if can_edit else "read"
    return f"card:{CARD_FORMAT}:{TEMPLATE_HASH}:{data_key}:{entry.pk}:{entry.version}:{mode}"


def _caching(request: HttpRequest | None) -> bool:
    return request is not None and bool(settings.EXPLORER_CARD_CACHE_ENTRIES)


def _can_edit(request: HttpRequest) -> bool:
    """Whether the viewer may edit entries: asked once per request, not once per card."""
    if not hasattr(request, "_can_edit_entries"):
        request._can_edit_entries = request.user.has_perm("explorer.change_entry")
    return request._can_edit_entries


def load_cards(request: HttpRequest | None, entries: Sequence[Entry]) -> None:
    """Take ``entries``' cards from the cache, and load what the others show.

    One ``get_many`` for the page; the rows of ``CARD_PARTS`` (four queries, or
    none) only for the entries whose card was not found.
    """
    missing = list(entries)
    if _caching(request) and missing:
        can_edit = _can_edit(request)
        keys = {card_key(request, entry, can_edit): entry for entry in missing}
        found = caches["cards"].get_many(list(keys))
        for key, (html, photos) in found.items():
            keys[key]._cached_card = html
            keys[key]._cached_photos = photos
        missing = [entry for key, entry in keys.items() if key not in found]
    prefetch_related_objects(missing, *CARD_PARTS)


def render_card(context: Context, entry: Entry) -> SafeString:
    """``entry``'s card in ``context`` (a page's), from the cache when it is there."""
    request = context.get("request")
    if not _caching(request) or context.get("focus_card"):
        return _render(context, entry, context.get("return_url"))
    can_edit = _can_edit(request)
    html = getattr(entry, "_cached_card", None)
    if html is None:
        cache = caches["cards"]
        key = card_key(request, entry, can_edit)
        kept = cache.get(key)
        if kept is None:
            return_url = RETURN_MARK if can_edit else _return_url(context, request)
            html = _render(context, entry, return_url)
            cache.set(key, (str(html), _card_photos(entry)))
        else:
            html = kept[0]
    if can_edit:
        html = html.replace(RETURN_LINK, f'?next={urlencode(_return_url(context, request))}"')
    return mark_safe(html)


def _return_url(context: Context, request: HttpRequest) -> str:
    """The page an editable card's Edit link returns to: this one, unless the page says."""
    return context.get("return_url") or request.get_full_path()


def _render(context: Context, entry: Entry, return_url: str | None) -> SafeString:
    template = context.template.engine.get_template(CARD_TEMPLATE)
    with context.push(entry=entry, return_url=return_url):
        return template.render(context)
