"""The explorer's page query written in SQL (``explorer.rows.card_page``) gives what
the ORM's ``card_rows`` gives: the same entries in the same order, each with the
same day, conference and place, loaded with it, their values converted alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.http import QueryDict

from explorer.filters import EntryFilterSet
from explorer.models import Entry
from explorer.rows import DEFERRED_FIELDS, RELATED, card_page
from explorer.views import card_rows

from .factories import DayFactory, EntryFactory, PlaceFactory, RecapFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries() -> None:
    """Two conferences (one undated, listed last) of two dated days each, with
    places (one with aliases) on some entries."""
    cafe = PlaceFactory(name="Cafe Alpha", aliases=["Alpha's", "The Cafe"])
    bar = PlaceFactory(name="Bar Beta")
    for name, start in (("Undated Con", None), ("Dated Con", dt.date(2024, 9, 22))):
        recap = RecapFactory(name=name, start_date=start)
        for order in (2, 1):  # made out of order: the day's order counts, not its id
            day = DayFactory(recap=recap, order=order, date=dt.date(2024, 9, 20 + order))
            for n in range(3):
                EntryFactory(day=day, order=3 - n, place=[cafe, None, bar][n])


def _where(query: str) -> tuple[str, list] | None:
    filterset = EntryFilterSet(QueryDict(query), queryset=Entry.objects.all())
    assert filterset.is_valid()
    return filterset._entries_where(None)


def _fields(entry: Entry) -> list:
    """The values of the entry and its day, conference and place (the import snapshots
    aside: the page defers them)."""
    related = [getattr(entry, name) for name, _, _ in RELATED]
    return [
        [
            (field.attname, getattr(obj, field.attname))
            for field in obj._meta.concrete_fields
            if field.name not in DEFERRED_FIELDS
        ]
        if obj is not None
        else None
        for obj in [entry, *related]
    ]


@pytest.mark.parametrize(
    ("query", "offset", "limit"),
    [("", 0, 24), ("", 5, 4), ("kind=talk", 0, 24), ("kind=talk&q=entry", 1, 3)],
)
def test_a_page_is_what_the_orm_gives(entries, django_assert_num_queries, query, offset, limit):
    orm = card_rows(Entry.objects.all())
    if query:
        orm = EntryFilterSet(QueryDict(query), queryset=orm).qs
    expected = list(orm[offset : offset + limit])
    assert expected

    with django_assert_num_queries(1):
        page = card_page(DEFAULT_DB_ALIAS, _where(query), offset, limit)
        # The day, conference and place came with the entry.
        found = [_fields(entry) for entry in page]

    assert [entry.pk for entry in page] == [entry.pk for entry in expected]
    assert found == [_fields(entry) for entry in expected]


def test_values_come_back_as_python_values(entries):
    page = card_page(DEFAULT_DB_ALIAS, None, 0, 24)

    assert page[0].recap.name == "Dated Con" and page[-1].recap.name == "Undated Con"
    assert isinstance(page[0].day.date, dt.date)
    assert page[0].updated_at.tzinfo is not None
    with_aliases = next(entry.place for entry in page if entry.place and entry.place.aliases)
    assert with_aliases.aliases == ["Alpha's", "The Cafe"]
    assert any(entry.place is None for entry in page)
    # Saved models, from this database: they can be saved again as edits.
    assert not page[0]._state.adding and page[0]._state.db == DEFAULT_DB_ALIAS


def test_the_import_snapshot_is_loaded_only_when_asked_for(entries, django_assert_num_queries):
    first = card_page(DEFAULT_DB_ALIAS, None, 0, 1)[0]
    first.imported = {"title": "The title as imported"}
    first.save()

    entry = card_page(DEFAULT_DB_ALIAS, None, 0, 1)[0]
    assert entry.pk == first.pk
    assert entry.get_deferred_fields() == {"imported"}
    assert entry.recap.get_deferred_fields() == {"imported"}
    with django_assert_num_queries(1):
        assert entry.imported == {"title": "The title as imported"}


def test_a_condition_that_names_the_joined_tables_reads_its_own(entries):
    """A filter's subquery on the days table is not confused with the page's join."""
    monday = DayFactory(recap=RecapFactory(name="Other Con"), slug="monday", label="Monday")
    talk = EntryFactory(day=monday)

    page = card_page(DEFAULT_DB_ALIAS, _where("day=monday"), 0, 24)

    assert [entry.pk for entry in page] == [talk.pk]
    assert page[0].day.label == "Monday"
