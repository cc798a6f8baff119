"""Atom feeds of what changed: ``/feed/`` for the whole archive, ``/recaps/<slug>/feed/``.

One item per changed entry and change (a curator's save, an import, a revert), newest
first, linking to the entry, saying in words what changed ("New entry", "Summary
edited", "Speaker added: …"). The versions and their changes come from the
entries' history, as curators see them (``explorer.curation.history``).

Nothing private: no curator's name or e-mail, no change reason but "reverted", and
only what attendees see (the order and anchor of an entry are left out). Only
committed history is read, so a dry-run or failed import never shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .curation.history import Change, Version, versions_of_entries
from .models import Entry, Recap

# The feed's items: the newest changes of the most recently changed entries.
FEED_ITEMS = 50
# Fields attendees do not see: their changes are not news.
UNSEEN_FIELDS = {"order", "anchor"}
# Words for a field whose values are lists: one of them, several of them.
MANY_WORDS = {
    "topics": ("Topic", "Topics"),
    "credits": ("Speaker", "Speakers"),
    "links": ("Link", "Links"),
    "photos": ("Photo", "Photos"),
    "dishes": ("Dish", "Dishes"),
}


@dataclass(frozen=True)
class FeedItem:
    """One entry's change: what it is called, what changed, when, and where it is now."""

    entry_id: int
    title: str
    headline: str
    words: list[str]
    when: dt.datetime
    url: str


def change_words(change: Change) -> list[str]:
    """A change of a version, in words: ``["Speaker added: Sarah Boyce (Speaker)"]``."""
    if change.many:
        one, several = MANY_WORDS.get(change.field, (change.label, change.label))
        added = [value for value in change.new if value not in change.old]
        removed = [value for value in change.old if value not in change.new]
        words = []
        for values, verb in ((added, "added"), (removed, "removed")):
            if values:
                words.append(f"{one if len(values) == 1 else several} {verb}: {', '.join(values)}")
        return words
    old, new = ", ".join(change.old), ", ".join(change.new)
    if change.field == "summary":
        if not old or not new:
            return ["Summary written" if new else "Summary removed"]
        return ["Summary edited"]
    if change.field == "title":
        return [f"Title changed from “{old}” to “{new}”"]
    if change.field == "slug":
        return ["Address changed"]
    if not new:
        return [f"{change.label} removed ({old})"]
    return [f"{change.label}: {new}" if not old else f"{change.label} changed from {old} to {new}"]


def version_words(version: Version) -> list[str]:
    """Everything a version changed that attendees see, in words."""
    if version.created:
        # "New entry: Talk, Day 2, with Élodie Dupont (Speaker)"
        new = {change.field: change.new for change in version.changes}
        facts = [", ".join(new.get(name, [])) for name in ("kind", "day")]
        if new.get("credits"):
            facts.append("with " + ", ".join(new["credits"]))
        facts = [fact for fact in facts if fact]
        return ["New entry" + (": " + ", ".join(facts) if facts else "")]
    if version.state.record.history_type == "-":
        return ["Entry removed"]
    words = ["Reverted to an earlier version"] if version.kind == "Reverted" else []
    for change in version.changes:
        if change.field not in UNSEEN_FIELDS:
            words += change_words(change)
    return words


def changes(recap: Recap | None = None, limit: int = FEED_ITEMS) -> list[FeedItem]:
    """The newest ``limit`` changes of entries (of ``recap``), in a fixed number of queries."""
    History = Entry.history.model
    rows = History.objects.all()
    if recap is not None:
        rows = rows.filter(recap_id=recap.pk)
    latest = list(
        rows.values("id")
        .annotate(last=Max("history_date"))
        .order_by("-last", "-id")
        .values_list("id", flat=True)[: limit * 2]  # some changed nothing attendees see
    )
    entries = Entry.objects.select_related("recap").in_bulk(latest)
    explore = reverse("explore")
    items = []
    for entry_id, versions in versions_of_entries(latest).items():
        entry = entries.get(entry_id)
        for version in versions:
            record = version.state.record
            if record is None or not version.shown:
                continue
            if recap is not None and record.recap_id != recap.pk:
                continue
            words = version_words(version)
            if words:
                url = entry.get_absolute_url() if entry else explore
                headline = "New entry" if version.created else words[0]
                items.append(FeedItem(entry_id, record.title, headline, words, version.when, url))
    items.sort(key=lambda item: (item.when, item.entry_id), reverse=True)
    return items[:limit]


class ChangesFeed(Feed):
    """What curators and imports changed in the archive."""

    feed_type = Atom1Feed
    title = "Recap Explorer: what changed"
    subtitle = "The latest changes curators and imports made to the recaps' entries."
    author_name = "Recap Explorer"

    def link(self, obj: Recap | None = None) -> str:
        return reverse("explore")

    def items(self, obj: Recap | None = None) -> list[FeedItem]:
        return changes(obj)

    def item_title(self, item: FeedItem) -> str:
        return f"{item.title}: {item.headline}"

    def item_description(self, item: FeedItem) -> str:
        return "; ".join(item.words) + "."

    def item_link(self, item: FeedItem) -> str:
        return item.url

    def item_guid(self, item: FeedItem) -> str:
        # An entry's version is its rows written together: their time names it.
        return f"urn:recap-explorer:entry:{item.entry_id}:{item.when.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        return item.when

    def item_updateddate(self, item: FeedItem) -> dt.datetime:
        return item.when


class RecapChangesFeed(ChangesFeed):
    """What changed in one recap."""

    def get_object(self, request: HttpRequest, slug: str) -> Recap:
        return get_object_or_404(Recap, slug=slug)

    def title(self, obj: Recap) -> str:
        return f"{obj.name}: what changed"

    def subtitle(self, obj: Recap) -> str:
        return f"The latest changes curators and imports made to the entries of {obj.name}."
