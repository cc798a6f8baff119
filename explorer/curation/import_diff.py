"""What importing a recap document would do to the recap already in the database, per entry.

The loader's own notion decides (``explorer.loading``): an entry's comparable
values now (``entry_current_values``), what the last import wrote (its
``imported`` snapshot) and what this document would write
(``entry_import_values``); a field that differs from the snapshot was edited by
a curator, and the load keeps it unless told to overwrite. Each entry is

* ``new``: no entry with its slug in the recap;
* ``changed``: fields the import will update, old → new;
* ``kept``: fields a curator edited that the import would otherwise change
  (also listed, with the per-entry "overwrite" choice: ``load_recap``'s
  ``force_entries``);
* ``unchanged``.

Built in a fixed number of queries whatever the number of entries. ``recap_state``
is the recap's data version, to notice a recap that changed since a review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
from django.utils.text import slugify

from ..loading import (
    MISSING,
    day_slug_of,
    entry_current_values,
    entry_import_values,
    is_curated,
    planned_days,
)
from ..models import Credit, Day, Dish, Entry, Person, Place, Recap, Topic
from ..recap_data import RecapData
from ..text import person_key

FIELD_LABELS = {
    "title": "Title",
    "kind": "Kind",
    "summary": "Summary",
    "anchor": "Anchor",
    "order": "Position",
    "day": "Day",
    "place": "Place",
    "people": "Speakers",
    "topics": "Topics",
    "links": "Links",
    "photos": "Photos",
    "dishes": "Dishes",
}
#: Fields whose old and new values are too long to show: only "changed" is said.
SUMMARISED = {"summary"}


@dataclass
class FieldChange:
    name: str
    old: str
    new: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.name, self.name)


@dataclass
class EntryDiff:
    status: str  # "new", "changed", "kept", "unchanged"
    changes: list[FieldChange] = field(default_factory=list)
    kept: list[FieldChange] = field(default_factory=list)
    entry_id: int | None = None


@dataclass
class RecapDiff:
    recap: Recap
    entries: dict[str, EntryDiff]
    #: Entries in the database that the document does not hold (left as they are).
    untouched: int = 0

    def count(self, status: str) -> int:
        return sum(1 for diff in self.entries.values() if diff.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ("new", "changed", "kept", "unchanged")}


def recap_state(slug: str) -> str:
    """The recap's data version: it moves with any change to the recap, its days or entries.

    One query; "none" when there is no such recap.
    """
    entries = Entry.objects.filter(recap=OuterRef("pk")).values("recap")
    days = Day.objects.filter(recap=OuterRef("pk")).values("recap")
    row = (
        Recap.objects.filter(slug=slug)
        .annotate(
            entries_changed=Subquery(entries.annotate(m=Max("updated_at")).values("m")),
            entry_count=Subquery(entries.annotate(n=Count("pk")).values("n")),
            days_changed=Subquery(days.annotate(m=Max("updated_at")).values("m")),
        )
        .values_list("pk", "updated_at", "entries_changed", "entry_count", "days_changed")
        .first()
    )
    if row is None:
        return "none"
    return "|".join("" if value is None else str(value) for value in row)


def changed_since(slug: str, state: str) -> list[str]:
    """What changed in the recap since ``state`` (from ``recap_state``), one line each."""
    if state == recap_state(slug):
        return []
    if state == "none":
        return ["The recap has been imported meanwhile."]
    recap = Recap.objects.filter(slug=slug).first()
    if recap is None:
        return ["The recap has been deleted meanwhile."]
    parts = state.split("|")
    lines = []
    if parts[1] != str(recap.updated_at):
        lines.append(f"The recap “{recap.name}” itself was edited.")
    entries = recap.entries.order_by("day__order", "order")
    if parts[2]:
        entries = entries.filter(updated_at__gt=parts[2])
    titles = list(entries.values_list("title", flat=True)[:20])
    lines += [f"“{title}” was edited." for title in titles]
    count = recap.entries.count()
    if parts[3] and count != int(parts[3]):
        lines.append(f"The recap had {parts[3]} entries, it now has {count}.")
    return lines or ["Its days were edited."]


def _topic_slugs(data: RecapData) -> dict[str, str]:
    """Topic name → the slug the loader would use (``_Loader._topic_by_name``'s lookups)."""
    by_name = {topic.name: topic.slug or slugify(topic.name) for topic in data.topics}
    names = {name for entry in data.entries() for name in entry.topics} - set(by_name)
    if not names:
        return by_name
    found = Topic.objects.filter(Q(name__in=names) | Q(slug__in={slugify(n) for n in names}))
    slugs = {topic.slug for topic in found}
    named = {topic.name: topic.slug for topic in found}
    for name in names:
        slug = slugify(name)
        by_name[name] = slug if slug in slugs else named.get(name, slug)
    return by_name


class ArchiveMatches:
    """The people and places already in the archive that the document's names match.

    As the loader matches them (``_Loader._person``, ``_place``): a person by
    ``person_key``, then by the names merged into someone (``aliases``); a place
    by slug, then by aliases; anything else is a new row, with the slug of its
    name. Four queries, whatever the number of names.
    """

    def __init__(self, people: set[str], places: set[str]) -> None:
        keys = {person_key(name) for name in people}
        self.people: dict[str, tuple[str, str]] = {}  # key → (slug, name)
        for person in Person.objects.filter(key__in=keys).order_by("-pk"):
            self.people[person.key] = (person.slug, person.name)
        for person in Person.objects.exclude(aliases=[]).order_by("-pk"):
            for alias in person.aliases:
                if person_key(alias) in keys:
                    self.people.setdefault(person_key(alias), (person.slug, person.name))
        slugs = {slugify(name) for name in places}
        self.places: dict[str, tuple[str, str]] = {
            place.slug: (place.slug, place.name) for place in Place.objects.filter(slug__in=slugs)
        }
        for place in Place.objects.exclude(aliases=[]).order_by("-pk"):
            for alias in place.aliases:
                if slugify(alias) in slugs:
                    self.places.setdefault(slugify(alias), (place.slug, place.name))

    def person(self, name: str) -> tuple[str, str] | None:
        """The (slug, name) of the person ``name`` is, if they are in the archive."""
        return self.people.get(person_key(name))

    def place(self, name: str) -> tuple[str, str] | None:
        return self.places.get(slugify(name))

    def person_slug(self, name: str) -> str:
        found = self.person(name)
        return found[0] if found else slugify(name)

    def place_slug(self, name: str) -> str:
        found = self.place(name)
        return found[0] if found else slugify(name)

    @classmethod
    def of(cls, data: RecapData) -> ArchiveMatches:
        people, places = set(), set()
        for entry in data.entries():
            people.update(credit.name for credit in entry.people)
            places.update(dish.place for dish in entry.dishes if dish.place)
            if entry.place:
                places.add(entry.place)
        return cls(people, places)


def diff_recap(data: RecapData, matches: ArchiveMatches | None = None) -> RecapDiff | None:
    """Per entry, what importing ``data`` would do; None for a recap not in the database."""
    recap = Recap.objects.filter(slug=data.slug).first()
    if recap is None:
        return None
    existing = {
        entry.slug: entry
        for entry in Entry.objects.filter(recap=recap)
        .select_related("day", "place")
        .prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("person")),
            "topics",
            "links",
            "photos",
            Prefetch("dishes", queryset=Dish.objects.select_related("place")),
        )
    }
    topic_slugs = _topic_slugs(data)
    matches = matches or ArchiveMatches.of(data)
    names = _Names(data, existing.values(), matches)
    diffs: dict[str, EntryDiff] = {}
    for _day_order, day, planned in planned_days(data):
        for entry_data, slug, order in planned:
            new = entry_import_values(
                entry_data,
                day_slug=day_slug_of(day),
                order=order,
                topic_slugs=[topic_slugs.get(name, slugify(name)) for name in entry_data.topics],
                person_slug=matches.person_slug,
                place_slug=matches.place_slug,
            )
            entry = existing.get(slug)
            key = entry_data.slug or slug
            if entry is None:
                diffs[key] = EntryDiff("new")
                continue
            now = entry_current_values(entry)
            snapshot = entry.imported or {}
            diff = EntryDiff("unchanged", entry_id=entry.pk)
            for name, value in new.items():
                if now.get(name) == value:
                    continue
                change = FieldChange(name, names.show(name, now.get(name)), names.show(name, value))
                if is_curated(now.get(name), snapshot.get(name, MISSING)):
                    diff.kept.append(change)
                else:
                    diff.changes.append(change)
            if diff.kept:
                diff.status = "kept"
            elif diff.changes:
                diff.status = "changed"
            diffs[key] = diff
    planned_slugs = {slug for _, _, planned in planned_days(data) for _, slug, _ in planned}
    untouched = sum(1 for slug in existing if slug not in planned_slugs)
    return RecapDiff(recap, diffs, untouched)


class _Names:
    """Readable values for the slugs the loader compares (people, places, days, topics)."""

    def __init__(self, data: RecapData, entries: Iterable[Entry], matches: ArchiveMatches) -> None:
        self.people: dict[str, str] = {}
        self.places: dict[str, str] = {}
        self.days = {day_slug_of(day): day.label for day in data.days}
        for entry in entries:
            for credit in entry.credits.all():
                self.people[credit.person.slug] = credit.person.name
            if entry.place_id:
                self.places[entry.place.slug] = entry.place.name
            self.days.setdefault(entry.day.slug, entry.day.label)
        for entry in data.entries():
            for credit in entry.people:
                self.people.setdefault(matches.person_slug(credit.name), credit.name)
            if entry.place:
                self.places.setdefault(matches.place_slug(entry.place), entry.place)

    def show(self, name: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if name in SUMMARISED:
            return f"{len(value):,} characters"
        match name:
            case "day":
                return self.days.get(value, value)
            case "place":
                return self.places.get(value, value)
            case "people":
                return ", ".join(f"{self.people.get(slug, slug)} ({role})" for slug, role in value)
            case "topics":
                return ", ".join(value)
            case "links":
                return ", ".join(title or url for title, url in value)
            case "photos":
                return f"{len(value)} photo{'s' if len(value) != 1 else ''}"
            case "dishes":
                return ", ".join(dish[0] for dish in value)
        return str(value)
