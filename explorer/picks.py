"""Picks: entries an attendee starred, kept in their browser, shown and shared by address.

A pick is named ``<recap slug>/<entry slug>`` (the ``data-pick`` of a card, what
``static/js/app.js`` keeps in local storage). ``/picks/?e=<pick>&e=…`` shows
those entries as cards to anyone, without an account and without JavaScript: it
is the share link. ``/picks/`` alone is the viewer's own picks: the page asks for
``/picks/?e=…`` of everything in local storage with one htmx request and shows
the ``#picks`` fragment it gets back.

Picks that name nothing any more (the entry was deleted, or renamed) are listed
as gone, with the new address when the entry's history knows it; values that
are not picks at all are named in a message. Neither is ever an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.vary import vary_on_headers

from .cards import preview_photo
from .models import Entry
from .views import card_entries

PICKS_TEMPLATE = "explorer/picks_page.html"
# A share link names at most this many entries; the rest are left out, and said so.
MAX_PICKS = 200
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,300}")


@dataclass(frozen=True)
class Gone:
    """A pick that names no entry now; ``now`` is where it went, if it was renamed."""

    key: str
    now: Entry | None = None


def parse_pick(value: str) -> tuple[str, str] | None:
    """``"dcus-2024/keynote"`` -> ``("dcus-2024", "keynote")``; None if it is not a pick."""
    recap, slash, entry = value.strip().strip("/").partition("/")
    if not slash or not _SLUG.fullmatch(recap) or not _SLUG.fullmatch(entry):
        return None
    return recap, entry


def share_query(keys: list[str]) -> str:
    """The share link's query string: ``e=a/b&e=c/d`` (slugs need no escaping)."""
    return "&".join(f"e={key}" for key in keys)


def find_picks(values: list[str]) -> dict:
    """The entries ``values`` name, in archive order, and what they fail to name.

    A fixed number of queries: the cards (with their links), and only when some
    pick names nothing, the entries' history (for renamed ones) and where they are now.
    """
    keys = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    left_out = max(0, len(keys) - MAX_PICKS)
    keys = keys[:MAX_PICKS]
    wanted: dict[tuple[str, str], str] = {}
    malformed: list[str] = []
    for key in keys:
        pair = parse_pick(key)
        if pair is None:
            malformed.append(key[:80])
        else:
            wanted.setdefault(pair, f"{pair[0]}/{pair[1]}")

    entries: list[Entry] = []
    if wanted:
        queryset = Entry.objects.filter(
            recap__slug__in={recap for recap, _ in wanted}, slug__in={slug for _, slug in wanted}
        )
        # Recap and entry slugs are matched separately: keep the exact pairs.
        entries = [
            entry
            for entry in card_entries(queryset).prefetch_related("links")
            if (entry.recap.slug, entry.slug) in wanted
        ]
    found = {(entry.recap.slug, entry.slug) for entry in entries}
    gone = _gone({pair: key for pair, key in wanted.items() if pair not in found})
    return {
        "entries": entries,
        "found_keys": " ".join(f"{e.recap.slug}/{e.slug}" for e in entries),
        "gone": gone,
        "malformed": malformed,
        "left_out": left_out,
        "max_picks": MAX_PICKS,
        "several_recaps": len({entry.recap_id for entry in entries}) > 1,
    }


def _gone(missing: dict[tuple[str, str], str]) -> list[Gone]:
    """The missing picks, in the order given, each with the entry it became if renamed."""
    if not missing:
        return []
    History = Entry.history.model
    renamed: dict[tuple[str, str], int] = {}
    rows = (
        History.objects.filter(
            slug__in={slug for _, slug in missing},
            recap__slug__in={recap for recap, _ in missing},
        )
        .order_by("history_date", "history_id")
        .values_list("recap__slug", "slug", "id")
    )
    for recap, slug, pk in rows:
        if (recap, slug) in missing:
            renamed[(recap, slug)] = pk  # the last entry that had this address
    now = Entry.objects.select_related("recap").in_bulk(set(renamed.values())) if renamed else {}
    return [Gone(key, now.get(renamed.get(pair))) for pair, key in missing.items()]


@vary_on_headers("HX-Request")
def picks_page(request: HttpRequest) -> HttpResponse:
    """Shared picks (``?e=…``) as cards, or the viewer's own picks (filled in by the page)."""
    values = request.GET.getlist("e")
    context = {"shared": bool(values), **find_picks(values)}
    context["count"] = len(context["entries"])
    context["share_query"] = share_query(context["found_keys"].split())
    # The link preview's photo (the cards' photos are loaded: no query).
    context["preview_photo"] = None if request.htmx else preview_photo(context["entries"])
    template = f"{PICKS_TEMPLATE}#picks" if request.htmx else PICKS_TEMPLATE
    return TemplateResponse(request, template, context)
