"""Full-text search over entries, with the database's own engine.

Each entry has a ``SearchDocument``: its title, summary, people, place and dishes
as one text, folded (lower case, accents stripped) in Python so that every
database sees the same words. The index over that text is the database's own:

* SQLite: an FTS5 table ``entry_search`` (external content, porter stemming,
  ``remove_diacritics 2``) kept in step with ``explorer_searchdocument`` by
  triggers; queried with ``MATCH``.
* PostgreSQL: a GIN index on ``to_tsvector('english', body)``; queried with ``@@``.
* Anything else: ``icontains`` on the document.

Search text from users never reaches the engine's query syntax: it is split into
words (letters and digits only) and each word becomes a quoted prefix term, all
of which must match. ``reindex_entries()`` rebuilds documents; signals call it
whenever an entry or what its document shows changes (inside ``deferred()`` the
ids are collected and reindexed once at the end, as imports do).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Credit, Dish, Entry, Person, Place, SearchDocument
from .text import fold

# Words of a search: runs of letters and digits (the engines split text alike).
WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 8
BATCH = 2000

FTS_TABLE = "entry_search"
# The SQL that creates the index on each database (run by migration 0006).
SQLITE_SETUP = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        body, content='explorer_searchdocument', content_rowid='entry_id',
        tokenize="porter unicode61 remove_diacritics 2")""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON explorer_searchdocument
        BEGIN INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.entry_id, new.body); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON explorer_searchdocument
        BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body)
        VALUES ('delete', old.entry_id, old.body); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON explorer_searchdocument
        BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body)
        VALUES ('delete', old.entry_id, old.body);
        INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.entry_id, new.body); END""",
]
SQLITE_TEARDOWN = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")
] + [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
PG_TSVECTOR = "to_tsvector('english'::regconfig, body)"
POSTGRESQL_SETUP = [
    f"CREATE INDEX IF NOT EXISTS explorer_searchdocument_fts "
    f"ON explorer_searchdocument USING GIN ({PG_TSVECTOR})"
]
POSTGRESQL_TEARDOWN = ["DROP INDEX IF EXISTS explorer_searchdocument_fts"]


def search_words(text: str) -> list[str]:
    """The folded words of a search, at most ``MAX_TERMS``: "Café-Été!" -> ["cafe", "ete"]."""
    return WORD.findall(fold(text))[:MAX_TERMS]


def filter_entries(qs: QuerySet[Entry], text: str) -> QuerySet[Entry]:
    """Entries of ``qs`` whose document has every word of ``text`` (as a word prefix)."""
    words = search_words(text)
    if not words:
        # Only punctuation (e.g. "%" or "_"): nothing can match.
        return qs.none()
    vendor = connections[qs.db].vendor
    if vendor == "sqlite":
        # Each word a quoted FTS5 string with a prefix star: no operator, column
        # filter or NEAR from the user survives quoting ([^\W_] has no quote).
        match = " AND ".join(f'"{word}"*' for word in words)
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return qs.filter(pk__in=RawSQL(sql, [match]))
    if vendor == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        sql = (
            f"SELECT entry_id FROM explorer_searchdocument "
            f"WHERE {PG_TSVECTOR} @@ to_tsquery('english'::regconfig, %s)"
        )
        return qs.filter(pk__in=RawSQL(sql, [tsquery]))
    for word in words:
        qs = qs.filter(search_document__body__icontains=word)
    return qs


# -- building documents ---------------------------------------------------------


def document_text(entry: Entry) -> str:
    """The folded text an entry is found by (``entry`` with its relations prefetched)."""
    parts = [entry.title, entry.summary]
    parts += [credit.person.name for credit in entry.credits.all()]
    if entry.place is not None:
        parts.append(entry.place.name)
    for dish in entry.dishes.all():
        parts.append(dish.name)
        if dish.place is not None:
            parts.append(dish.place.name)
    return fold("\n".join(part for part in parts if part))


def _entries_for_documents(entry_model, document_model, ids: list[int]):
    credit_model = entry_model._meta.get_field("credits").related_model
    dish_model = entry_model._meta.get_field("dishes").related_model
    return (
        entry_model.objects.filter(pk__in=ids)
        .select_related("place")
        .prefetch_related(
            Prefetch("credits", queryset=credit_model.objects.select_related("person")),
            Prefetch("dishes", queryset=dish_model.objects.select_related("place")),
        )
    )


def reindex_entries(entry_ids: Iterable[int] | None = None, *, using: str = "default") -> int:
    """Rebuild the search documents of ``entry_ids`` (every entry if None); returns how many."""
    return _reindex(Entry, SearchDocument, entry_ids, using=using)


def _reindex(entry_model, document_model, entry_ids, *, using: str = "default") -> int:
    if entry_ids is None:
        entry_ids = entry_model.objects.using(using).values_list("pk", flat=True).order_by("pk")
    ids = sorted({int(pk) for pk in entry_ids if pk is not None})
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        entries = _entries_for_documents(entry_model, document_model, batch).using(using)
        documents = [document_model(entry_id=e.pk, body=document_text(e)) for e in entries]
        document_model.objects.using(using).filter(entry_id__in=batch).delete()
        document_model.objects.using(using).bulk_create(documents)
        done += len(documents)
    return done


# -- keeping documents current -------------------------------------------------------

_state = threading.local()


@contextmanager
def deferred() -> Iterator[set[int]]:
    """Collect the entries signals would reindex and reindex them once, on leaving."""
    outer = getattr(_state, "pending", None)
    if outer is not None:  # nested: the outermost block reindexes
        yield outer
        return
    _state.pending = pending = set()
    try:
        yield pending
    finally:
        _state.pending = None
    reindex_entries(pending)


def _changed(entry_ids: Iterable[int]) -> None:
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(entry_ids)
    else:
        reindex_entries(entry_ids)


@receiver(post_save, sender=Entry)
def _entry_saved(sender, instance: Entry, raw: bool = False, **kwargs) -> None:
    if not raw:
        _changed([instance.pk])


@receiver(post_save, sender=Credit)
@receiver(post_save, sender=Dish)
def _part_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        _changed([instance.entry_id])


@receiver(post_delete, sender=Credit)
@receiver(post_delete, sender=Dish)
def _part_deleted(sender, instance, origin=None, **kwargs) -> None:
    # Only a deletion of the credit or dish itself: when its entry (or recap, day,
    # person) is being deleted, rebuilding the entry's document here would
    # resurrect a row the same deletion is removing.
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if model is sender:
        _changed([instance.entry_id])


@receiver(post_save, sender=Person)
def _person_saved(sender, instance: Person, raw: bool = False, created: bool = False, **kwargs):
    if not raw and not created:
        _changed(Credit.objects.filter(person=instance).values_list("entry_id", flat=True))


@receiver(post_save, sender=Place)
def _place_saved(sender, instance: Place, raw: bool = False, created: bool = False, **kwargs):
    if not raw and not created:
        ids = set(Entry.objects.filter(place=instance).values_list("pk", flat=True))
        ids.update(Dish.objects.filter(place=instance).values_list("entry_id", flat=True))
        _changed(ids)


@receiver(post_delete, sender=Place)
@receiver(post_delete, sender=Person)
def _named_deleted(sender, instance, **kwargs) -> None:
    # SET_NULL/CASCADE already ran: the entries that named it are not known any
    # more, so rebuild those whose document still mentions the name.
    name = fold(instance.name)
    ids = SearchDocument.objects.filter(body__contains=name).values_list("entry_id", flat=True)
    _changed(list(ids))


@receiver(m2m_changed, sender=Credit)
def _people_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # person.entries.add(...)
        ids = pk_set or Credit.objects.filter(person=instance).values_list("entry_id", flat=True)
        _changed(list(ids))
    else:
        _changed([instance.pk])
