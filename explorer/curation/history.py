"""An entry's history for curators: its versions, what each changed, and reverting.

django-simple-history writes one history row per saved row: an entry's own rows
(with its topics), and the rows of its credits, links, photos and dishes. One
curator action writes several of them (saving an entry and its speakers, say), so
the rows are grouped into *versions*:

* rows written by one curator action share one timestamp and user (the curator
  screens ``mark`` every row they save with the same ``when``);
* rows with no user (an import, a script) are one version while they follow
  each other within ``WINDOW`` and the entry's ``version`` stays the same.

A version's state is the entry, its topics and its parts as they were once its
rows were written. Versions that change nothing are left out, except creations
and reverts. Reverting to a version restores that state with
``Model.history.as_of(when)`` as a new version (nothing is lost); a curator
refused for saving an outdated form is shown what changed since the version
they started from (``conflict``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import to_historic

from .. import search
from ..models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic

#: Rows without a user closer than this belong to the same version (an import).
WINDOW = dt.timedelta(seconds=5)
#: The entry's own fields a version shows and a revert restores, in form order.
ENTRY_FIELDS = ("recap", "day", "kind", "title", "slug", "summary", "order", "anchor", "place")
#: The fields of the entry form (a conflict lists those only).
FORM_FIELDS = (*ENTRY_FIELDS, "topics", "credits")
#: Everything a version shows.
ALL_FIELDS = (*ENTRY_FIELDS, "topics", "credits", "links", "photos", "dishes")
REVERT_REASON = "Reverted to version of {when}"

TopicHistory = Entry.history.model.topics.model


def mark(obj: models.Model, *, when: dt.datetime, user: Any = None, reason: str = "") -> None:
    """Make the history row ``obj``'s next save (or deletion) writes say when, who and why."""
    obj._history_date = when
    if user is not None and user.is_authenticated:
        obj._history_user = user
    if reason:
        obj._change_reason = reason[:100]


#: Every model whose rows have history (an import writes them all).
TRACKED_MODELS = (Recap, Day, Person, Topic, Place, Entry, Credit, Dish, Link, Photo)


def stamp_as_one_action(user: Any, since: dt.datetime) -> None:
    """Make the history rows ``user`` wrote since ``since`` one action, at ``since``.

    An import by a curator (the web import) writes an entry's row, its credits,
    topics, links and photos one after another; a version is the rows of one
    action, which for a curator means one timestamp (see ``Version.takes``). Run
    inside the import's transaction: one UPDATE per model.
    """
    for model in TRACKED_MODELS:
        model.history.filter(history_user=user, history_date__gte=since).update(history_date=since)


def touch_entries(entry_ids: Iterable[int | None], *, when: dt.datetime, user: Any = None) -> None:
    """Record a version of entries whose dishes, links or photos were just changed.

    Each takes its next ``version``, as an entry form's save does: a form opened
    before the change (the card's, which holds the dishes, or the entry's screen)
    is then refused as stale instead of saving over it, and shows what changed.
    The change gets an entry history row, so it is a version one can revert to.
    """
    ids = {pk for pk in entry_ids if pk is not None}
    with transaction.atomic():
        for entry in Entry.objects.select_for_update().filter(pk__in=ids):
            mark(entry, when=when, user=user)
            entry.version += 1
            entry.save(update_fields=["updated_at", "version"])


# -- What a version holds -----------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """Rows an entry owns, shown and restored with it."""

    key: str
    label: str
    model: type[models.Model]
    #: Restored attributes, besides the entry.
    fields: tuple[str, ...]
    describe: Callable[[dict[str, Any], Names], str]


def _credit(values: dict[str, Any], names: Names) -> str:
    role = Credit.Role(values["role"]).label if values["role"] in Credit.Role else values["role"]
    return f"{names.get('person', values['person_id'])} ({role})"


def _link(values: dict[str, Any], names: Names) -> str:
    return f"{values['title']} <{values['url']}>"


def _photo(values: dict[str, Any], names: Names) -> str:
    return f"{values['image']} — {values['caption']}" if values["caption"] else values["image"]


def _dish(values: dict[str, Any], names: Names) -> str:
    text = values["name"]
    if values["description"]:
        text += f": {values['description']}"
    if values["place_id"]:
        text += f" (at {names.get('place', values['place_id'])})"
    return text


PARTS = (
    Part("credits", "Speakers and roles", Credit, ("person_id", "role", "order"), _credit),
    Part("links", "Links", Link, ("title", "url", "order"), _link),
    Part("photos", "Photos", Photo, ("image", "caption", "order"), _photo),
    Part("dishes", "Dishes", Dish, ("name", "description", "place_id", "order"), _dish),
)
PART_BY_KEY = {part.key: part for part in PARTS}


class Names:
    """The names of the rows a history points to, loaded in one query per model."""

    MODELS = {"recap": Recap, "day": Day, "place": Place, "topic": Topic, "person": Person}

    def __init__(self, ids: dict[str, set[int]]):
        self.names = {
            kind: {pk: str(obj) for pk, obj in self.MODELS[kind].objects.in_bulk(pks).items()}
            for kind, pks in ids.items()
            if pks
        }

    def get(self, kind: str, pk: int | None) -> str:
        if pk is None:
            return ""
        name = self.names.get(kind, {}).get(pk)
        return name if name is not None else f"deleted {kind} #{pk}"


@dataclass
class State:
    """An entry as it was: its history row, its topics, and its parts' values by pk."""

    record: Any = None
    topics: frozenset[int] = frozenset()
    parts: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {part.key: {} for part in PARTS}
    )

    def copy(self) -> State:
        return State(self.record, self.topics, {k: dict(v) for k, v in self.parts.items()})

    def ids(self) -> dict[str, set[int]]:
        """The rows this state points to, by kind, to load their names."""
        ids: dict[str, set[int]] = {kind: set() for kind in Names.MODELS}
        if self.record is not None:
            for name in ("recap", "day", "place"):
                ids[name].add(getattr(self.record, f"{name}_id"))
        ids["topic"] |= self.topics
        ids["person"] |= {v["person_id"] for v in self.parts["credits"].values()}
        ids["place"] |= {v["place_id"] for v in self.parts["dishes"].values()}
        return {kind: {pk for pk in pks if pk is not None} for kind, pks in ids.items()}


@dataclass(frozen=True)
class Change:
    """A field of a version: its label, and its values before and after (as text)."""

    field: str
    label: str
    old: list[str]
    new: list[str]
    many: bool = False


def field_label(name: str) -> str:
    if name in PART_BY_KEY:
        return PART_BY_KEY[name].label
    return capfirst(Entry._meta.get_field(name).verbose_name)


def field_text(name: str, value: Any, names: Names) -> list[str]:
    """An entry field's value as shown in a history (an empty list when empty)."""
    if value is None or value == "":
        return []
    if name in ("recap", "day", "place"):
        return [names.get(name, value)]
    if name == "kind":
        return [Entry.Kind(value).label if value in Entry.Kind else value]
    return [str(value)]


def topics_text(ids: Iterable[int], names: Names) -> list[str]:
    return sorted((names.get("topic", pk) for pk in ids), key=str.casefold)


def part_text(part: Part, rows: dict[int, dict[str, Any]], names: Names) -> list[str]:
    ordered = sorted(rows.items(), key=lambda item: (item[1]["order"], item[0]))
    return [part.describe(values, names) for _, values in ordered]


def attname(name: str) -> str:
    return f"{name}_id" if name in ("recap", "day", "place") else name


def diff_states(
    before: State, after: State, names: Names, fields: Iterable[str] = ALL_FIELDS
) -> list[Change]:
    """What differs between two states, field by field, in form order."""
    changes = []
    if after.record is not before.record and after.record is not None:
        entry_fields = [name for name in ENTRY_FIELDS if name in fields]
        if before.record is None:
            changed = entry_fields
        else:
            # Historical rows: diff_against compares the rows' own values, no queries.
            delta = after.record.diff_against(before.record, included_fields=entry_fields)
            changed = [name for name in entry_fields if name in delta.changed_fields]
        for name in changed:
            old = field_text(name, getattr(before.record, attname(name), None), names)
            new = field_text(name, getattr(after.record, attname(name)), names)
            if old != new:
                changes.append(Change(name, field_label(name), old, new))
    if "topics" in fields and before.topics != after.topics:
        old, new = topics_text(before.topics, names), topics_text(after.topics, names)
        changes.append(Change("topics", field_label("topics"), old, new, many=True))
    for part in PARTS:
        if part.key not in fields or before.parts[part.key] == after.parts[part.key]:
            continue
        old = part_text(part, before.parts[part.key], names)
        new = part_text(part, after.parts[part.key], names)
        if old != new:
            changes.append(Change(part.key, part.label, old, new, many=True))
    return changes


# -- Versions -----------------------------------------------------------------------


@dataclass
class Version:
    """Rows written together: who, when, what they changed, and the state they left."""

    user: Any
    when: dt.datetime
    #: The ids of the entry's own history rows in this version (any of them reverts to it).
    record_ids: list[int] = field(default_factory=list)
    entry_version: int | None = None
    created: bool = False
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    state: State = field(default_factory=State)
    number: int = 0
    current: bool = False

    @property
    def history_id(self) -> int | None:
        """The history row a revert to this version names (None: only its parts changed)."""
        return self.record_ids[-1] if self.record_ids else None

    @property
    def who(self) -> str:
        if self.user is None:
            return "import/system"
        return self.user.get_full_name() or self.user.get_username()

    @property
    def kind(self) -> str:
        if self.created:
            return "Created"
        if self.reason.startswith(REVERT_REASON.split("{")[0]):
            return "Reverted"
        return "Changed"

    @property
    def shown(self) -> bool:
        return bool(self.changes or self.created or self.reason)

    def takes(self, row: Any, is_entry: bool) -> bool:
        """Whether ``row`` was written by the same action as this version's rows."""
        if row.history_user_id != (self.user.pk if self.user else None):
            return False
        if row.history_date == self.when:
            return True
        if self.user is not None or row.history_date - self.when > WINDOW:
            return False
        # An import: the entry's rows of one load share its version number.
        return not is_entry or row.version == self.entry_version


def entry_versions(entry: Entry) -> list[Version]:
    """Every version of an entry, oldest first, in a fixed number of queries.

    Versions that changed nothing are included (``shown`` is False): a revert may
    name any history row.
    """
    return versions_of_entries([entry.pk])[entry.pk]


def versions_of_entries(entry_ids: Iterable[int]) -> dict[int, list[Version]]:
    """Every version of each of these entries (deleted ones too), oldest first, by id.

    The same number of queries for one entry as for hundreds (the feeds read many):
    their history rows, their topics', each part's, and the names they point to.
    """
    ids = list(dict.fromkeys(entry_ids))
    # Per entry: (when, entry rows first, history id, part or None for the entry, row)
    events: dict[int, list[tuple[dt.datetime, int, int, Part | None, Any]]] = {pk: [] for pk in ids}
    records = Entry.history.filter(id__in=ids).select_related("history_user")
    for record in records:
        events[record.id].append((record.history_date, 0, record.history_id, None, record))
    topics: dict[int, set[int]] = {}
    for history_id, topic_id in TopicHistory.objects.filter(history__id__in=ids).values_list(
        "history_id", "topic_id"
    ):
        topics.setdefault(history_id, set()).add(topic_id)
    for part in PARTS:
        history = part.model.history
        # Every row of a part that ever belonged to one of the entries, to see it leave too.
        rows = list(
            history.filter(id__in=history.filter(entry_id__in=ids).values("id")).select_related(
                "history_user"
            )
        )
        owners: dict[int, set[int]] = {}
        for row in rows:
            if row.entry_id in events:
                owners.setdefault(row.id, set()).add(row.entry_id)
        for row in rows:
            for pk in owners.get(row.id, ()):
                events[pk].append((row.history_date, 1, row.history_id, part, row))

    versions = {
        pk: _versions(pk, sorted(entry_events, key=lambda event: event[:3]), topics)
        for pk, entry_events in events.items()
    }
    ids_by_kind: dict[str, set[int]] = {kind: set() for kind in Names.MODELS}
    for version in (version for entry_versions in versions.values() for version in entry_versions):
        for kind, pks in version.state.ids().items():
            ids_by_kind[kind] |= pks
    names = Names(ids_by_kind)
    for entry_versions in versions.values():
        before = State()
        for version in entry_versions:
            version.changes = diff_states(before, version.state, names)
            before = version.state
        shown = [version for version in entry_versions if version.shown]
        for number, version in enumerate(shown, start=1):
            version.number = number
        if shown:
            shown[-1].current = True
    return versions


def _versions(entry_id: int, events: list[tuple], topics: dict[int, set[int]]) -> list[Version]:
    """An entry's history rows and its parts' (in order), grouped into versions."""
    versions: list[Version] = []
    state = State()
    for when, _, _, part, row in events:
        version = versions[-1] if versions else None
        if version is None or not version.takes(row, is_entry=part is None):
            version = Version(user=row.history_user, when=when)
            versions.append(version)
            state = state.copy()
            version.state = state
        version.when = when
        version.reason = version.reason or row.history_change_reason or ""
        if part is None:
            version.record_ids.append(row.history_id)
            version.entry_version = row.version
            version.created = version.created or row.history_type == "+"
            state.record = row
            state.topics = frozenset(topics.get(row.history_id, ()))
        elif row.history_type == "-" or row.entry_id != entry_id:
            state.parts[part.key].pop(row.id, None)
        else:
            state.parts[part.key][row.id] = {name: getattr(row, name) for name in part.fields}
    return versions


def shown_versions(entry: Entry) -> list[Version]:
    """The versions a history page lists, newest first."""
    return [version for version in reversed(entry_versions(entry)) if version.shown]


# -- Reverting ----------------------------------------------------------------------


class RevertError(Exception):
    """The entry cannot be put back as it was; the message says why."""


@dataclass
class Reverted:
    """A done revert: the version restored, and what could not be restored."""

    version: Version
    notes: list[str]


def find_version(versions: list[Version], history_id: int) -> Version | None:
    return next((v for v in versions if history_id in v.record_ids), None)


def revert_entry(entry: Entry, history_id: int, user: Any) -> Reverted:
    """Put the entry, its topics and its parts back as they were at a version, as a new one.

    One transaction; the entry's ``version`` goes up, so a form opened before the
    revert cannot silently undo it.
    """
    versions = entry_versions(entry)
    target = find_version(versions, history_id)
    if target is None:
        raise RevertError("This version is not in the entry's history.")
    index = versions.index(target)
    if not any(version.shown for version in versions[index + 1 :]):
        raise RevertError("This is already the current version: nothing to revert.")
    when = target.when
    # A version that changed nothing has the state of the last one shown before it.
    target = next((v for v in reversed(versions[: index + 1]) if v.shown), target)
    stamp = timezone.now()
    reason = REVERT_REASON.format(when=f"{timezone.localtime(when):%Y-%m-%d %H:%M:%S}")
    notes: list[str] = []
    with transaction.atomic(), search.deferred():
        current = Entry.objects.select_for_update().get(pk=entry.pk)
        past = current.history.as_of(when)
        for name in ENTRY_FIELDS:
            setattr(current, attname(name), getattr(past, attname(name)))
        if not Recap.objects.filter(pk=current.recap_id).exists():
            raise RevertError("The recap it belonged to then has been deleted.")
        if not Day.objects.filter(pk=current.day_id).exists():
            raise RevertError("The day it belonged to then has been deleted.")
        if current.place_id and not Place.objects.filter(pk=current.place_id).exists():
            current.place_id = None
            notes.append("Its place then has been deleted: the entry now has no place.")
        try:
            current.full_clean()
        except ValidationError as error:
            raise RevertError(" ".join(error.messages)) from error
        current.version += 1
        mark(current, when=stamp, user=user, reason=reason)
        current.save()

        topic_ids = set(to_historic(past).topics.values_list("topic_id", flat=True))
        existing = set(Topic.objects.filter(pk__in=topic_ids).values_list("pk", flat=True))
        if topic_ids - existing:
            notes.append(f"{len(topic_ids - existing)} of its topics then have been deleted.")
        current.topics.set(existing)
        for part in PARTS:
            notes += _restore_part(part, current, when, stamp=stamp, user=user, reason=reason)
    entry.refresh_from_db()
    return Reverted(target, notes)


def _restore_part(
    part: Part, entry: Entry, when: dt.datetime, *, stamp: dt.datetime, user: Any, reason: str
) -> list[str]:
    """Put an entry's credits (or links, photos, dishes) back as they were at ``when``."""
    model = part.model
    past: dict[int, tuple[int, dict[str, Any]]] = {}
    for obj in model.history.as_of(when).filter(entry_id=entry.pk):
        history_id = to_historic(obj).history_id
        if obj.pk not in past or past[obj.pk][0] < history_id:
            past[obj.pk] = (history_id, {name: getattr(obj, name) for name in part.fields})
    wanted = {pk: values for pk, (_, values) in past.items()}
    current = {obj.pk: obj for obj in model.objects.filter(entry_id=entry.pk)}
    unchanged = {
        pk
        for pk in wanted.keys() & current.keys()
        if {name: getattr(current[pk], name) for name in part.fields} == wanted[pk]
    }
    # Changed rows are deleted and written again (under their old pk when free):
    # unlike updates one by one, this never trips a uniqueness constraint midway.
    for pk, obj in current.items():
        if pk not in unchanged:
            mark(obj, when=stamp, user=user, reason=reason)
            obj.delete()
    missing = [pk for pk in wanted if pk not in unchanged]
    taken = set(model.objects.filter(pk__in=missing).values_list("pk", flat=True))
    skipped = 0
    people = set(
        Person.objects.filter(
            pk__in=[wanted[pk].get("person_id") for pk in missing if "person_id" in wanted[pk]]
        ).values_list("pk", flat=True)
    )
    places = set(
        Place.objects.filter(
            pk__in=[wanted[pk].get("place_id") for pk in missing if wanted[pk].get("place_id")]
        ).values_list("pk", flat=True)
    )
    for pk in missing:
        values = dict(wanted[pk])
        if "person_id" in values and values["person_id"] not in people:
            skipped += 1
            continue
        if values.get("place_id") and values["place_id"] not in places:
            values["place_id"] = None
        obj = model(entry_id=entry.pk, **values)
        if pk not in taken:
            obj.pk = pk
        mark(obj, when=stamp, user=user, reason=reason)
        obj.save(force_insert=True)
    if skipped:
        credits = "credit was" if skipped == 1 else "credits were"
        return [f"{skipped} {credits} not restored: the person has since been deleted."]
    return []


# -- Conflicts ----------------------------------------------------------------------


@dataclass
class Conflict:
    """What others saved since the version a curator's refused form started from."""

    #: The entry's version now: the refused form is sent again with it.
    current_version: int
    #: Form fields changed since: ``old`` as the form started, ``new`` as saved now.
    changes: list[Change]
    #: The versions saved since, newest first (who and when).
    since: list[Version]


def saved_state(entry: Entry) -> State:
    """The entry as saved now, shaped like a version's state."""
    HistoricalEntry = Entry.history.model
    record = HistoricalEntry(
        **{f.attname: getattr(entry, f.attname) for f in HistoricalEntry.tracked_fields}
    )
    parts = {
        part.key: {
            values.pop("pk"): values
            for values in part.model.objects.filter(entry_id=entry.pk).values("pk", *part.fields)
        }
        for part in PARTS
    }
    topics = frozenset(entry.topics.values_list("pk", flat=True))
    return State(record=record, topics=topics, parts=parts)


def conflict(entry: Entry, version: int | None, fields: Iterable[str] = FORM_FIELDS) -> Conflict:
    """Compare the version a form was opened at with what is saved now (in ``fields``)."""
    entry = Entry.objects.get(pk=entry.pk)
    versions = entry_versions(entry)
    base = next((v for v in reversed(versions) if v.entry_version == version), None)
    now = saved_state(entry)
    if base is None:
        return Conflict(entry.version, [], [])
    ids = base.state.ids()
    for kind, pks in now.ids().items():
        ids[kind] = ids.get(kind, set()) | pks
    changes = diff_states(base.state, now, Names(ids), fields=fields)
    later = versions[versions.index(base) + 1 :]
    return Conflict(entry.version, changes, [v for v in reversed(later) if v.shown])
