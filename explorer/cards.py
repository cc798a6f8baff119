"""Entry cards rendered once per version of what they show: ``{% card entry %}``.

A card's HTML (``partials/cards.html#card``) depends only on its entry, the rows
it shows (day, recap, place, speakers, topics, dishes and their places, the first
photo, shown from the recap's image base) and
whether the viewer may edit it. So it is kept in the ``cards`` cache under a key
made of exactly that: the entry's id, ``version`` and last change, the last change
of each row it shows (``updated_at``; for topics, credits, dishes and photos,
which have none, the shown values themselves), the edit flag and the card template's source.
Any edit, by any writer (curator screens, imports, the admin, a script that calls
``save()``), makes a new key; a stale card is never found, on this app server or
another, and nothing needs invalidating. The data is loaded anyway
(``explorer.views.card_entries``): keying costs no query.

The one part of an editable card that depends on the request, its Edit link's
``next`` (the page to return to), is cached as a mark and filled in per request.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.template import Context
from django.template.defaultfilters import urlencode
from django.utils.safestring import SafeString, mark_safe

from .models import Entry

CARD_TEMPLATE = "partials/cards.html#card"
# Stands for the Edit link's ``next`` in a cached card. The closing quote makes it
# unique: text from the data cannot hold a bare " (it is escaped).
RETURN_MARK = "__card_return_url__"
RETURN_LINK = f'?next={RETURN_MARK}"'
# A deploy may change the card's markup: a cache shared by servers must not serve
# the old one.
TEMPLATE_HASH = hashlib.sha256(
    (settings.BASE_DIR / "partials" / "cards.html").read_bytes()
).hexdigest()[:12]


def card_key(entry: Entry, can_edit: bool) -> str:
    """The cache key of ``entry``'s card: changes whenever anything the card shows does."""
    place, day, recap = entry.place, entry.day, entry.recap
    shown = (
        entry.pk,
        entry.version,
        entry.updated_at,
        day.updated_at,
        recap.updated_at,
        place.updated_at if place else None,
        [(c.pk, c.person_id, c.role, c.order, c.person.updated_at) for c in entry.credits.all()],
        [(t.pk, t.name, t.slug) for t in entry.topics.all()],
        [
            (d.pk, d.name, d.order, d.place_id, d.place.updated_at if d.place else None)
            for d in entry.dishes.all()
        ],
        [(p.pk, p.image, p.caption, p.order) for p in entry.photos.all()[:1]],
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"card:{TEMPLATE_HASH}:{entry.pk}:{'edit' if can_edit else 'read'}:{digest}"


def render_card(context: Context, entry: Entry) -> SafeString:
    """``entry``'s card in ``context`` (a page's), from the cache when it is there."""
    request = context.get("request")
    if request is None or not settings.EXPLORER_CARD_CACHE_ENTRIES or context.get("focus_card"):
        return _render(context, entry, context.get("return_url"))
    can_edit = request.user.has_perm("explorer.change_entry")
    return_url = context.get("return_url") or request.get_full_path()
    cache = caches["cards"]
    key = card_key(entry, can_edit)
    html = cache.get(key)
    if html is None:
        html = _render(context, entry, RETURN_MARK if can_edit else return_url)
        cache.set(key, str(html))
    if can_edit:
        html = html.replace(RETURN_LINK, f'?next={urlencode(return_url)}"')
    return mark_safe(html)


def _render(context: Context, entry: Entry, return_url: str | None) -> SafeString:
    template = context.template.engine.get_template(CARD_TEMPLATE)
    with context.push(entry=entry, return_url=return_url):
        return template.render(context)
