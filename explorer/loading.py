"""Write a RecapData document to the database, keeping what curators edited.

Every source (a Markdown recap, the bundled curated JSON, an export) goes through
``load_recap``. Rows are matched by slug, so loading the same document twice
changes nothing. Each tracked row stores, in ``imported``, the values the last
load wrote; a field whose current value differs from that snapshot was edited by
a curator since, and a new load keeps it (and says so) unless ``force`` is set.
The whole load runs in one transaction: on any error nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from . import search
from .models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic
from .photos import default_image_base
from .recap_data import DayData, EntryData, RecapData
from .text import person_key

MISSING = object()


class LoadError(ValueError):
    """The document holds a value the database cannot take; the message names it."""


@dataclass
class LoadReport:
    """What a load created, updated, left alone, and which curated values it kept."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    def count(self, what: str, outcome: str, n: int = 1) -> None:
        getattr(self, outcome)[what] += n

    def lines(self) -> list[str]:
        """Human-readable summary, one line per kind of thing."""
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.removed),
            key=_summary_order,
        )
        lines = []
        for name in names:
            parts = [
                f"{self.created[name]} created",
                f"{self.updated[name]} updated",
                f"{self.unchanged[name]} unchanged",
            ]
            if self.removed[name]:
                parts.append(f"{self.removed[name]} removed")
            lines.append(f"{name}: " + ", ".join(parts))
        for note in self.kept:
            lines.append(f"kept curated value: {note}")
        for note in self.overwritten:
            lines.append(f"overwrote curated value (--force): {note}")
        return lines


_SUMMARY_ORDER = ["recap", "days"] + [f"entries ({kind.label.lower()})" for kind in Entry.Kind]


def _summary_order(name: str) -> tuple[int, str]:
    try:
        return (_SUMMARY_ORDER.index(name), name)
    except ValueError:
        return (len(_SUMMARY_ORDER), name)


@dataclass
class Tracked:
    """One importable field: its comparable (JSON) value and how to write it.

    Plain fields are written with ``setattr(obj, name, raw)``; relations pass
    ``write``, called with the saved object.
    """

    value: Any
    raw: Any = None
    write: Callable[[Any], None] | None = None


def _plain(value: Any) -> Tracked:
    return Tracked(_jsonable(value), raw=value)


def load_recap(
    data: RecapData, *, force: bool = False, force_entries: Collection[str] = ()
) -> tuple[Recap, LoadReport]:
    """Create or update the recap described by ``data``, atomically.

    ``force`` overwrites every curated value; ``force_entries`` (entry slugs)
    only those of these entries (the web import's per-entry choice).
    """
    report = LoadReport()
    with transaction.atomic(), search.deferred() as changed:
        loader = _Loader(data, report, force, frozenset(force_entries))
        recap = loader.run()
        # Credits and dishes are bulk-created (no signals): reindex the whole recap.
        changed.update(recap.entries.values_list("pk", flat=True))
    return recap, report


# The tables the explorer's queries read, for ``refresh_planner_statistics``.
PLANNER_TABLES = (
    "explorer_recap",
    "explorer_day",
    "explorer_person",
    "explorer_place",
    "explorer_topic",
    "explorer_entry",
    "explorer_entry_topics",
    "explorer_credit",
    "explorer_dish",
    "explorer_searchdocument",
)


def refresh_planner_statistics(using: str = "default", *, vacuum: bool = True) -> None:
    """``ANALYZE`` the explorer's tables after a bulk load or removal.

    Without statistics SQLite guesses, and at 100,000 entries it guesses wrong:
    the unfiltered explorer sorted every entry (50 ms) instead of walking the
    recap-order indexes (under 1 ms). PostgreSQL's autovacuum would get there
    eventually; this gets there before the first visitor. With ``vacuum``
    PostgreSQL also vacuums, which lets its index-only scans skip the table; it
    reads the tables whole, so a web request (a curator waiting) leaves that to
    autovacuum and only analyzes, which samples them.

    On PostgreSQL it does nothing inside a transaction (``VACUUM`` cannot run
    there): an ``ANALYZE`` in a transaction that is then rolled back (as every
    test is) still leaves the tables' sizes it measured in ``pg_class``, and the
    planner, believing a few rows, then picks plans that take minutes once
    there are thousands.
    """
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
            cursor.execute(f"{command} {', '.join(PLANNER_TABLES)}")
        else:
            for table in PLANNER_TABLES:
                cursor.execute(f"ANALYZE {table}")


class _Loader:
    def __init__(
        self, data: RecapData, report: LoadReport, force: bool, force_entries: frozenset[str]
    ) -> None:
        self.data = data
        self.report = report
        self.force = force
        self.force_entries = force_entries
        # By ``person_key`` for people, by slug for places and topics.
        self.people: dict[str, Person] = {}
        self.places: dict[str, Place] = {}
        self.topics: dict[str, Topic] = {}
        self._aliases: dict[type[Any], dict[str, int]] = {}

    def run(self) -> Recap:
        data = self.data
        recap = Recap.objects.filter(slug=data.slug).first()
        recap = self._merge(
            recap or Recap(slug=data.slug),
            "recap",
            data.name,
            {
                name: _plain(getattr(data, name))
                for name in (
                    "name",
                    "city",
                    "venue",
                    "start_date",
                    "end_date",
                    "source_url",
                    "author",
                )
            }
            # Relative photo paths resolve against the post's address unless the document says.
            | {"image_base": _plain(data.image_base or default_image_base(data.source_url))},
        )
        for topic in data.topics:
            self._topic(topic.name, topic.slug, topic.description, topic.keywords)
        for person in data.people:
            self._person(person.name, person.affiliation)
        for place in data.places:
            self._place(place.name, place.kind, place.url, place.city)

        for day_order, day_data, planned in planned_days(data):
            day_slug = day_slug_of(day_data)
            day = Day.objects.filter(recap=recap, slug=day_slug).first()
            day = self._merge(
                day or Day(recap=recap, slug=day_slug),
                "days",
                day_data.label,
                {
                    "label": _plain(day_data.label),
                    "date": _plain(day_data.date),
                    "order": _plain(day_order),
                    "summary": _plain(day_data.summary),
                },
            )
            for entry_data, slug, order in planned:
                self._entry(recap, day, entry_data, slug, order)
        return recap

    # -- shared rows ------------------------------------------------------------------

    def _aliased(self, model: type[Any], key: str, key_of: Callable[[str], str]) -> Any:
        """The ``model`` row that has a name with ``key`` among its ``aliases`` (merges).

        Only merged rows have aliases: they are read once per load, in one query.
        """
        if model not in self._aliases:
            self._aliases[model] = {
                key_of(alias): pk
                for pk, aliases in model.objects.exclude(aliases=[])
                .order_by("-pk")
                .values_list("pk", "aliases")
                for alias in aliases
            }
        pk = self._aliases[model].get(key)
        return model.objects.filter(pk=pk).first() if pk else None

    def _person(self, name: str, affiliation: str = "") -> Person:
        """The one Person of ``name`` in every recap, whatever its spelling.

        Names are compared by ``person_key`` (case, accents, spacing and honorifics
        ignored), then by the names merged into someone (``aliases``), then by slug
        (a person a curator renamed). A person found again keeps their name and
        slug: the first spelling stays until a curator changes it, so loading two
        recaps in any order gives the same result.
        """
        key = person_key(name)
        if key in self.people:
            return self.people[key]
        slug = slugify(name)
        person = Person.objects.filter(key=key).order_by("pk").first() or self._aliased(
            Person, key, person_key
        )
        values = {}
        if person is None:
            # Not found by key: a renamed person is still found by their slug, and
            # then the new name is a curated value, kept unless forced.
            person = Person.objects.filter(slug=slug).first() or Person(slug=slug)
            values["name"] = _plain(name)
        if affiliation or person.pk is None:
            values["affiliation"] = _plain(affiliation)
        person = self._merge(person, "people", name, values)
        self.people[key] = person
        return person

    def _place(self, name: str, kind: str = "", url: str = "", city: str = "") -> Place:
        slug = slugify(name)
        if slug in self.places:
            return self.places[slug]
        place = Place.objects.filter(slug=slug).first()
        values = {"name": _plain(name)}
        if place is None and (place := self._aliased(Place, slug, slugify)):
            # A name merged into another place: that place keeps its own name.
            del values["name"]
        place = place or Place(slug=slug)
        # A bare reference (a dish naming its place) must not blank a described place.
        for attr, value in (("kind", kind), ("url", url), ("city", city)):
            if value or place.pk is None:
                values[attr] = _plain(value or ("other" if attr == "kind" else ""))
        place = self._merge(place, "places", name, values)
        self.places[slug] = place
        return place

    def _topic(self, name: str, slug: str = "", description: str = "", keywords=()) -> Topic:
        """Topics belong to curators once they exist: a load only adds missing ones."""
        slug = slug or slugify(name)
        if slug in self.topics:
            return self.topics[slug]
        topic = (
            Topic.objects.filter(slug=slug).first()
            or Topic.objects.filter(name=name).first()
            or self._aliased(Topic, slugify(name), slugify)
        )
        if topic is None:
            topic = Topic.objects.create(
                name=name, slug=slug, description=description, keywords="\n".join(keywords)
            )
            self.report.count("topics", "created")
        else:
            self.report.count("topics", "unchanged")
        self.topics[slug] = topic
        self.topics.setdefault(slugify(name), topic)
        return topic

    def _topic_by_name(self, name: str) -> Topic:
        for topic in self.topics.values():
            if topic.name == name:
                return topic
        return self._topic(name)

    # -- entries ----------------------------------------------------------------------

    def _entry(self, recap: Recap, day: Day, data: EntryData, slug: str, order: int) -> None:
        entry = Entry.objects.filter(recap=recap, slug=slug).first()
        entry = entry or Entry(recap=recap, slug=slug)
        place = self._place(data.place) if data.place else None
        credits = [(self._person(c.name), c.role) for c in data.people]
        topics = [self._topic_by_name(name) for name in data.topics]
        dishes = [
            (d.name, d.description, self._place(d.place) if d.place else None) for d in data.dishes
        ]
        expected = entry_import_values(
            data,
            day_slug=day.slug,
            order=order,
            topic_slugs=[topic.slug for topic in topics],
            person_slug=lambda name: self._person(name).slug,
            place_slug=lambda name: self._place(name).slug,
        )
        values = {
            "title": Tracked(expected["title"], raw=data.title),
            "kind": Tracked(expected["kind"], raw=data.kind),
            "summary": Tracked(expected["summary"], raw=data.summary),
            "anchor": Tracked(expected["anchor"], raw=data.anchor),
            "order": Tracked(expected["order"], raw=order),
            "day": Tracked(expected["day"], raw=day),
            "place": Tracked(expected["place"], raw=place),
        }
        related = {
            "people": Tracked(
                expected["people"], write=lambda e: self._replace_credits(e, credits)
            ),
            "topics": Tracked(expected["topics"], write=lambda e: e.topics.set(topics)),
            "links": Tracked(
                expected["links"],
                write=lambda e: self._replace(
                    e, "links", [Link(title=li.title, url=li.url) for li in data.links]
                ),
            ),
            "photos": Tracked(
                expected["photos"],
                write=lambda e: self._replace(
                    e, "photos", [Photo(image=p.image, caption=p.caption) for p in data.photos]
                ),
            ),
            "dishes": Tracked(
                expected["dishes"],
                write=lambda e: self._replace(
                    e,
                    "dishes",
                    [Dish(name=name, description=desc, place=p) for name, desc, p in dishes],
                ),
            ),
        }
        kind_label = Entry.Kind(data.kind).label.lower() if data.kind in Entry.Kind else data.kind
        self._merge(
            entry,
            f"entries ({kind_label})",
            data.title,
            values,
            related=related,
            current_related=_current_entry_relations,
            force=self.force or slug in self.force_entries,
        )

    def _replace_credits(self, entry: Entry, credits: list[tuple[Person, str]]) -> None:
        entry.credits.all().delete()
        seen: set[int] = set()
        rows = []
        for order, (person, role) in enumerate(credits):
            if person.pk in seen:  # a name listed twice is one credit
                continue
            seen.add(person.pk)
            credit = Credit(entry=entry, person=person, role=role, order=order)
            _validate(credit, "credits", f"{entry.title}: {person.name}")
            rows.append(credit)
        bulk_create_with_history(rows, Credit)

    def _replace(self, entry: Entry, relation: str, rows: list[Any]) -> None:
        manager = getattr(entry, relation)
        removed, _ = manager.all().delete()
        seen: set[str] = set()
        unique_rows = []
        for row in rows:
            key = getattr(row, "url", None) or getattr(row, "image", None) or row.name
            if key in seen:
                continue
            seen.add(key)
            row.entry = entry
            row.order = len(unique_rows)
            _validate(row, relation, f"{entry.title}: {key}")
            unique_rows.append(row)
        bulk_create_with_history(unique_rows, manager.model)
        self.report.count(relation, "removed", removed)
        self.report.count(relation, "created", len(unique_rows))

    # -- the merge --------------------------------------------------------------------

    def _merge(
        self,
        obj: Any,
        what: str,
        label: str,
        values: dict[str, Tracked],
        *,
        related: dict[str, Tracked] | None = None,
        current_related: Callable[[Any], dict[str, Any]] | None = None,
        force: bool | None = None,
    ) -> Any:
        """Apply ``values`` (and ``related``) to ``obj``, keeping curators' edits."""
        related = related or {}
        force = self.force if force is None else force
        if obj.pk is None:
            for name, tracked in values.items():
                setattr(obj, name, tracked.raw)
            obj.imported = {name: t.value for name, t in {**values, **related}.items()}
            _validate(obj, what, label)
            obj.save()
            for tracked in related.values():
                tracked.write(obj)
            self.report.count(what, "created")
            return obj

        current = {name: _jsonable(_field_value(obj, name)) for name in values}
        if current_related:
            current.update(current_related(obj))
        snapshot = dict(obj.imported or {})
        changed_fields: list[str] = []
        related_writes: list[Tracked] = []
        for name, tracked in {**values, **related}.items():
            now = current.get(name)
            before = snapshot.get(name, MISSING)
            snapshot[name] = tracked.value
            if now == tracked.value:
                continue
            if is_curated(now, before):
                note = f"{what.split(' ')[0]} “{label}”: {name}"
                if not force:
                    self.report.kept.append(note)
                    continue
                self.report.overwritten.append(note)
            if name in related:
                related_writes.append(tracked)
            else:
                setattr(obj, name, tracked.raw)
                changed_fields.append(name)
        snapshot_changed = snapshot != (obj.imported or {})
        obj.imported = snapshot
        if changed_fields or related_writes:
            if isinstance(obj, Entry):
                obj.version += 1
            _validate(obj, what, label)
            obj.save()
            for tracked in related_writes:
                tracked.write(obj)
            self.report.count(what, "updated")
        else:
            if snapshot_changed:
                obj.save(update_fields=["imported"])
            self.report.count(what, "unchanged")
        return obj


# -- What a load compares (shared with the web import's diff) ------------------------


def is_curated(now: Any, before: Any) -> bool:
    """Whether a current value differs from what the last import wrote (``before``).

    ``before`` is MISSING when no import wrote the field: then any value is a
    curator's.
    """
    if before is MISSING:
        return now not in (None, "", [])
    return now != before


def day_slug_of(day: DayData) -> str:
    return day.slug or slugify(day.label)


def planned_days(
    data: RecapData,
) -> Iterator[tuple[int, DayData, list[tuple[EntryData, str, int]]]]:
    """Each day with its entries, their slugs (unique in the recap) and their order."""
    order = 0
    taken: set[str] = set()
    for day_order, day in enumerate(data.days):
        planned = []
        for entry in day.entries:
            planned.append((entry, _unique_slug(entry.slug or slugify(entry.title), taken), order))
            order += 1
        yield day_order, day, planned


def _unique_slug(slug: str, taken: set[str]) -> str:
    candidate, n = slug or "entry", 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def entry_import_values(
    data: EntryData,
    *,
    day_slug: str,
    order: int,
    topic_slugs: list[str],
    person_slug: Callable[[str], str],
    place_slug: Callable[[str], str],
) -> dict[str, Any]:
    """The comparable values a load writes for an entry (what ``imported`` keeps).

    ``person_slug`` and ``place_slug`` give the slug of the row a name is matched
    to (the loader's ``_person`` and ``_place``; the web import's diff finds the
    same rows in bulk).
    """
    return {
        "title": data.title,
        "kind": data.kind,
        "summary": data.summary,
        "anchor": data.anchor,
        "order": order,
        "day": day_slug,
        "place": place_slug(data.place) if data.place else None,
        "people": [[person_slug(credit.name), credit.role] for credit in data.people],
        "topics": sorted(topic_slugs),
        "links": [[link.title, link.url] for link in data.links],
        "photos": [[photo.image, photo.caption] for photo in data.photos],
        "dishes": [
            [dish.name, dish.description, place_slug(dish.place) if dish.place else None]
            for dish in data.dishes
        ],
    }


def entry_current_values(entry: Entry) -> dict[str, Any]:
    """An entry's comparable values now; reads prefetched relations when there are."""
    values = {name: _jsonable(_field_value(entry, name)) for name in ENTRY_FIELDS}
    values.update(_current_entry_relations(entry))
    return values


#: The entry's own fields a load tracks (besides its relations).
ENTRY_FIELDS = ("title", "kind", "summary", "anchor", "order", "day", "place")


# Foreign keys are set by the loader itself; validation checks the text fields
# (lengths, choices, URLs) so bad documents fail with a clear message.
_FK_EXCLUDE = ["recap", "day", "place", "entry", "person", "imported"]


def _validate(obj: Any, what: str, label: str) -> None:
    """Check lengths, choices and URLs, naming the row when something is wrong."""
    try:
        obj.full_clean(exclude=_FK_EXCLUDE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise LoadError(f"{what} “{label[:80]}” is invalid ({problems})") from error


def _field_value(obj: Any, name: str) -> Any:
    if name == "day":
        return obj.day.slug if obj.day_id else None
    if name == "place":
        return obj.place.slug if obj.place_id else None
    return getattr(obj, name)


def _rows(entry: Entry, relation: str, *related: str) -> list[Any]:
    """An entry's related rows in order: the prefetched ones if any, else one query."""
    manager = getattr(entry, relation)
    if relation in getattr(entry, "_prefetched_objects_cache", {}):
        return sorted(manager.all(), key=lambda row: (row.order, row.pk))
    return list(manager.select_related(*related).order_by("order", "pk"))


def _current_entry_relations(entry: Entry) -> dict[str, Any]:
    return {
        "people": [
            [credit.person.slug, credit.role] for credit in _rows(entry, "credits", "person")
        ],
        "topics": sorted(topic.slug for topic in entry.topics.all()),
        "links": [[link.title, link.url] for link in _rows(entry, "links")],
        "photos": [[photo.image, photo.caption] for photo in _rows(entry, "photos")],
        "dishes": [
            [dish.name, dish.description, dish.place.slug if dish.place_id else None]
            for dish in _rows(entry, "dishes", "place")
        ],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
