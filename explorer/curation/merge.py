"""Merging a duplicate person, place or topic into the record kept, and undoing it.

Imports and curators sometimes make two records of one thing ("Elodie Martin"
and "Élodie Martin" before names were matched, a café under two names). A merge
moves everything that points at the duplicate to the record kept, then deletes
the duplicate:

* a person's credits (a credit on an entry the kept person is already credited
  on is dropped instead);
* a place's entries and dishes;
* a topic's links to entries (an entry with both topics keeps one link) and its
  keywords.

The duplicate's name (and its own aliases) join the kept record's ``aliases``,
so that the next import matches them (``explorer.loading``). Every row changed
is saved one by one with the same date, user and reason, so that each has its
history row and an entry's history shows the merge as one version; the entries
touched get a new ``version`` (an edit form opened before the merge is refused,
not half-applied) and a fresh search document. A ``Merge`` row keeps what was
moved and the duplicate's values, so that ``revert`` can put everything back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .. import search
from ..models import Credit, Dish, Entry, Merge, MergeKind, Person, Place, Topic
from .history import mark

MODELS: dict[str, type[models.Model]] = {
    MergeKind.PERSON: Person,
    MergeKind.PLACE: Place,
    MergeKind.TOPIC: Topic,
}
KINDS = {model: kind for kind, model in MODELS.items()}


class MergeError(ValueError):
    """A merge or revert that cannot be done; the message says why, in one sentence."""


@dataclass(frozen=True)
class Plan:
    """What merging ``removed`` into ``kept`` would change, for the confirmation page."""

    removed: models.Model
    kept: models.Model
    moved: int
    dropped: int
    entries: int
    dishes: int = 0

    @property
    def kind(self) -> str:
        return KINDS[type(self.kept)]


def plan(removed: models.Model, kept: models.Model) -> Plan:
    """Count what a merge would move (a few queries; nothing is written)."""
    _check(removed, kept)
    if isinstance(kept, Person):
        credits = Credit.objects.filter(person=removed)
        shared = credits.filter(entry__credits__person=kept)
        dropped = shared.count()
        return Plan(removed, kept, credits.count() - dropped, dropped, _entries(credits))
    if isinstance(kept, Place):
        entries = Entry.objects.filter(place=removed)
        dishes = Dish.objects.filter(place=removed)
        touched = set(entries.values_list("pk", flat=True))
        touched |= set(dishes.values_list("entry_id", flat=True))
        return Plan(removed, kept, entries.count(), 0, len(touched), dishes=dishes.count())
    links = Entry.topics.through.objects.filter(topic=removed)
    dropped = links.filter(entry__topics=kept).count()
    return Plan(removed, kept, links.count() - dropped, dropped, links.count())


def merge(removed: models.Model, kept: models.Model, *, user: Any = None) -> Merge:
    """Merge ``removed`` into ``kept`` (same model), atomically; returns the record of it."""
    _check(removed, kept)
    when = timezone.now()
    reason = f"Merged “{removed}” into “{kept}”"
    with transaction.atomic(), search.deferred():
        removed = type(removed).objects.select_for_update().get(pk=removed.pk)
        kept = type(kept).objects.select_for_update().get(pk=kept.pk)
        snapshot = _values(removed)
        if isinstance(kept, Person):
            moved, entries = _merge_person(removed, kept, when, user, reason)
        elif isinstance(kept, Place):
            moved, entries = _merge_place(removed, kept, when, user, reason)
        else:
            moved, entries = _merge_topic(removed, kept, when, user, reason)
        added = [a for a in [str(removed), *removed.aliases] if a not in _names(kept)]
        moved["aliases"] = added
        kept.aliases = [*kept.aliases, *added]
        mark(kept, when=when, user=user, reason=reason)
        kept.save()
        record = Merge.objects.create(
            kind=KINDS[type(kept)],
            kept_id=kept.pk,
            kept_name=str(kept)[:300],
            removed_id=removed.pk,
            removed_name=str(removed)[:300],
            removed=snapshot,
            moved=moved,
            merged_by=user if user is not None and user.is_authenticated else None,
            merged_at=when,
        )
        mark(removed, when=when, user=user, reason=reason)
        removed.delete()
        _touch(entries, when, user, reason)
    return record


def revert(record: Merge, *, user: Any = None) -> models.Model:
    """Undo a merge: the duplicate comes back with what was moved from it; returns it.

    Rows changed since (a credit moved to someone else, an entry deleted) are left
    as they are now.
    """
    model = MODELS[record.kind]
    when = timezone.now()
    reason = f"Reverted the merge of “{record.removed_name}” into “{record.kept_name}”"
    with transaction.atomic(), search.deferred():
        record = Merge.objects.select_for_update().get(pk=record.pk)
        if record.reverted_at is not None:
            raise MergeError("This merge has already been reverted.")
        kept = model.objects.select_for_update().filter(pk=record.kept_id).first()
        if kept is None:
            raise MergeError(
                f"“{record.kept_name}” has been deleted since the merge: there is nothing "
                "to take back from."
            )
        if model.objects.filter(pk=record.removed_id).exists():
            raise MergeError(f"“{record.removed_name}” exists again: the merge cannot be undone.")
        slug = record.removed.get("slug")
        if model.objects.filter(slug=slug).exists():
            raise MergeError(f"Another record now has the address “{slug}”: rename it first.")
        restored = model(**{**record.removed, "pk": record.removed_id})
        mark(restored, when=when, user=user, reason=reason)
        restored.save(force_insert=True)
        moved = record.moved
        if isinstance(kept, Person):
            entries = _revert_person(restored, kept, moved, when, user, reason)
        elif isinstance(kept, Place):
            entries = _revert_place(restored, kept, moved, when, user, reason)
        else:
            entries = _revert_topic(restored, kept, moved, when, user, reason)
        added = set(moved.get("aliases", []))
        kept.aliases = [alias for alias in kept.aliases if alias not in added]
        mark(kept, when=when, user=user, reason=reason)
        kept.save()
        _touch(entries, when, user, reason)
        record.reverted_at = when
        record.reverted_by = user if user is not None and user.is_authenticated else None
        record.save(update_fields=["reverted_at", "reverted_by"])
    return restored


# -- Each kind ---------------------------------------------------------------------


def _merge_person(removed, kept, when, user, reason) -> tuple[dict, set[int]]:
    kept_entries = set(Credit.objects.filter(person=kept).values_list("entry_id", flat=True))
    moved: dict[str, list] = {"credits": [], "dropped": []}
    entries = set()
    for credit in Credit.objects.filter(person=removed).order_by("pk"):
        entries.add(credit.entry_id)
        mark(credit, when=when, user=user, reason=reason)
        if credit.entry_id in kept_entries:
            # The kept person is already credited there: one credit is enough.
            moved["dropped"].append(
                {"entry_id": credit.entry_id, "role": credit.role, "order": credit.order}
            )
            credit.delete()
        else:
            credit.person = kept
            credit.save(update_fields=["person"])
            moved["credits"].append(credit.pk)
    return moved, entries


def _revert_person(restored, kept, moved, when, user, reason) -> set[int]:
    entries = set()
    for credit in Credit.objects.filter(pk__in=moved.get("credits", []), person=kept):
        mark(credit, when=when, user=user, reason=reason)
        credit.person = restored
        credit.save(update_fields=["person"])
        entries.add(credit.entry_id)
    for dropped in moved.get("dropped", []):
        entry_id = dropped["entry_id"]
        if Entry.objects.filter(pk=entry_id).exists():
            credit = Credit(person=restored, **dropped)
            mark(credit, when=when, user=user, reason=reason)
            credit.save()
            entries.add(entry_id)
    return entries


def _merge_place(removed, kept, when, user, reason) -> tuple[dict, set[int]]:
    moved: dict[str, list] = {"entries": [], "dishes": []}
    entries = set()
    for entry in Entry.objects.filter(place=removed).order_by("pk"):
        _touch_entry(entry, when, user, reason, place=kept)
        moved["entries"].append(entry.pk)
    for dish in Dish.objects.filter(place=removed).order_by("pk"):
        mark(dish, when=when, user=user, reason=reason)
        dish.place = kept
        dish.save(update_fields=["place"])
        moved["dishes"].append(dish.pk)
        entries.add(dish.entry_id)
    # The entries themselves have their new version already.
    return moved, entries - set(moved["entries"])


def _revert_place(restored, kept, moved, when, user, reason) -> set[int]:
    entries = set()
    for entry in Entry.objects.filter(pk__in=moved.get("entries", []), place=kept):
        _touch_entry(entry, when, user, reason, place=restored)
    done = set(moved.get("entries", []))
    for dish in Dish.objects.filter(pk__in=moved.get("dishes", []), place=kept):
        mark(dish, when=when, user=user, reason=reason)
        dish.place = restored
        dish.save(update_fields=["place"])
        entries.add(dish.entry_id)
    return entries - done


def _merge_topic(removed, kept, when, user, reason) -> tuple[dict, set[int]]:
    moved: dict[str, list] = {"entries": [], "dropped": []}
    for entry in Entry.objects.filter(topics=removed).prefetch_related("topics").order_by("pk"):
        mark(entry, when=when, user=user, reason=reason)
        has_kept = any(topic.pk == kept.pk for topic in entry.topics.all())
        entry.topics.remove(removed)
        if has_kept:
            moved["dropped"].append(entry.pk)
        else:
            entry.topics.add(kept)
            moved["entries"].append(entry.pk)
    # Its keywords tag imported entries: the kept topic takes them over.
    added = [k for k in removed.keyword_list if k not in kept.keyword_list]
    moved["keywords"] = added
    kept.keywords = "\n".join([*kept.keyword_list, *added])
    return moved, {*moved["entries"], *moved["dropped"]}


def _revert_topic(restored, kept, moved, when, user, reason) -> set[int]:
    entries = set()
    for entry in Entry.objects.filter(pk__in=moved.get("entries", [])):
        mark(entry, when=when, user=user, reason=reason)
        entry.topics.remove(kept)
        entry.topics.add(restored)
        entries.add(entry.pk)
    for entry in Entry.objects.filter(pk__in=moved.get("dropped", [])):
        mark(entry, when=when, user=user, reason=reason)
        entry.topics.add(restored)
        entries.add(entry.pk)
    added = set(moved.get("keywords", []))
    kept.keywords = "\n".join(k for k in kept.keyword_list if k not in added)
    return entries


# -- Helpers -----------------------------------------------------------------------


def _check(removed: models.Model, kept: models.Model) -> None:
    if type(removed) is not type(kept) or type(kept) not in KINDS:
        raise MergeError("Only a person, a place or a topic can be merged, into one of its kind.")
    if removed.pk == kept.pk:
        noun = KINDS[type(kept)].label.lower()
        raise MergeError(f"A {noun} cannot be merged into itself: choose another one to keep.")


def _entries(credits) -> int:
    return credits.values("entry_id").distinct().count()


def _names(obj: models.Model) -> set[str]:
    return {str(obj), *obj.aliases}


def _values(obj: models.Model) -> dict[str, Any]:
    """The record's own column values (to re-create it), without its primary key."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }


def _touch(entry_ids: Iterable[int], when: dt.datetime, user: Any, reason: str) -> None:
    """A new version of each entry whose people, dishes or topics changed."""
    for entry in Entry.objects.filter(pk__in=set(entry_ids)):
        _touch_entry(entry, when, user, reason)


def _touch_entry(entry: Entry, when: dt.datetime, user: Any, reason: str, **values: Any) -> None:
    """Save ``entry`` with ``values`` as a new version, in its history as the merge."""
    for name, value in values.items():
        setattr(entry, name, value)
    entry.version += 1
    mark(entry, when=when, user=user, reason=reason)
    entry.save(update_fields=[*values, "version", "updated_at"])
