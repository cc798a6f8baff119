"""Full-text search (``explorer.search``): the database's own index, kept current.

SQLite answers ``q`` with its FTS5 table (``MATCH``), PostgreSQL with a GIN-indexed
tsvector (``@@``); neither with ``LIKE``. Search text never becomes query syntax.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from explorer.models import Credit, Entry, SearchDocument
from explorer.search import deferred, reindex_entries, search_words
from tests.factories import (
    CreditFactory,
    DishFactory,
    EntryFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def titles(client, q: str, **params) -> list[str]:
    response = client.get("/", {"format": "json", "q": q, **params})
    assert response.status_code == 200, response.content
    return [result["title"] for result in response.json()["results"]]


def test_search_uses_the_full_text_index(client, conference):
    with CaptureQueriesContext(connection) as captured:
        assert titles(client, "postgres") == ["Postgres tricks"]
    sql = " ".join(query["sql"] for query in captured)
    assert "LIKE" not in sql.upper()
    if connection.vendor == "sqlite":
        assert "MATCH" in sql
    elif connection.vendor == "postgresql":
        assert "@@" in sql


def test_accents_case_and_stems_are_ignored(client, conference):
    speaker = PersonFactory(name="Álvaro Núñez", slug="alvaro-nunez")
    EntryFactory(
        day=conference.day1,
        title="Performance of querysets",
        slug="performance-of-querysets",
        summary="Running Django faster.",
        speakers=[speaker],
    )

    assert titles(client, "Alvaro") == ["Performance of querysets"]
    assert titles(client, "nunez") == ["Performance of querysets"]
    assert titles(client, "performance") == ["Performance of querysets"]
    assert titles(client, "PERFORMANCES") == ["Performance of querysets"]  # stemmed
    assert titles(client, "runs") == ["Performance of querysets"]  # "Running"
    assert titles(client, "queryset") == ["Performance of querysets"]
    assert titles(client, "perf") == ["Performance of querysets"]  # a word being typed


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"postgres',
        "postgres*",
        "*",
        "NEAR(postgres tricks)",
        "postgres NEAR tricks",
        "-postgres",
        "body:postgres",
        "title : postgres",
        "(postgres",
        "postgres)",
        "postgres OR",
        "AND",
        "NOT tricks",
        "^postgres",
        "{body}: x",
        "postgres & | ! <-> :*",
        "'",
        "\\",
    ],
)
def test_search_syntax_in_the_text_is_only_text(client, conference, q):
    response = client.get("/", {"format": "json", "q": q})

    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"postgres', ["Postgres tricks"]),
        ("postgres*", ["Postgres tricks"]),
        ("(postgres)", ["Postgres tricks"]),
        ("-postgres", ["Postgres tricks"]),  # not an exclusion
        ("postgres:*", ["Postgres tricks"]),
        ("body:postgres", []),  # not a column filter: "body" is a word
        ('"*"', []),  # punctuation alone matches nothing
    ],
)
def test_search_syntax_is_taken_as_words(client, conference, q, expected):
    assert titles(client, q) == expected


def test_every_word_must_match_as_a_word(client, conference):
    assert titles(client, "postgres tricks") == ["Postgres tricks"]
    assert titles(client, "postgres tricks sarah") == []


def test_the_search_page_and_fragment_work(client, conference):
    assert "Postgres tricks" in client.get("/?q=postgres").content.decode()
    html = client.get("/?q=postgres", headers={"HX-Request": "true"}).content.decode()
    assert "Postgres tricks" in html


def test_facet_counts_follow_the_search(client, conference):
    facets = client.get("/", {"format": "json", "q": "sarah"}).json()["facets"]

    days = {item["value"]: item["count"] for item in facets["day"]}
    assert days == {"day-1": 1, "day-2": 2}
    kinds = {item["value"]: item["count"] for item in facets["kind"]}
    assert kinds["keynote"] == 1 and kinds["panel"] == 1 and kinds["sight"] == 1
    assert kinds["talk"] == 0


def test_search_words_drop_syntax_and_fold():
    assert search_words('Café "Été" NEAR(x) -y:*') == ["cafe", "ete", "near", "x", "y"]
    assert search_words("%_*") == []


# -- keeping the index current ---------------------------------------------------


def test_an_edited_title_is_found_by_its_new_words(client, conference):
    conference.note.title = "Farewell and gratitude"
    conference.note.save()

    assert titles(client, "gratitude") == ["Farewell and gratitude"]
    assert titles(client, "farewell gratitude") == ["Farewell and gratitude"]


def test_renamed_person_and_place_are_found_by_their_new_names(client, conference):
    conference.elodie.name = "Zoë Martin"
    conference.elodie.save()
    conference.cafe.name = "Bean Hall"
    conference.cafe.save()

    assert titles(client, "zoe") == ["Postgres tricks"]
    assert titles(client, "elodie") == []
    assert titles(client, "bean") == ["Lunch at Cocoa Cinnamon"]


def test_credits_and_dishes_added_and_removed(client, conference):
    newcomer = PersonFactory(name="Ngozi Okafor", slug="ngozi-okafor")
    credit = CreditFactory(entry=conference.note, person=newcomer)
    dish = DishFactory(entry=conference.social, name="Hushpuppies")
    assert titles(client, "ngozi") == ["Thanks"]
    assert titles(client, "hushpuppies") == ["Social night"]

    credit.delete()
    dish.delete()
    assert titles(client, "ngozi") == []
    assert titles(client, "hushpuppies") == []

    conference.note.people.add(newcomer)  # m2m through Credit
    assert titles(client, "okafor") == ["Thanks"]


def test_deleted_entries_people_and_places_leave_the_index(client, conference):
    conference.postgres.delete()
    assert titles(client, "postgres") == []
    assert not SearchDocument.objects.filter(entry_id=conference.postgres.pk).exists()

    conference.carlton.delete()
    assert titles(client, "carlton") == []
    place = PlaceFactory(name="Pizzeria Uno", slug="pizzeria-uno")
    EntryFactory(day=conference.day1, title="Dinner", slug="dinner", place=place)
    assert titles(client, "pizzeria") == ["Dinner"]
    place.delete()
    assert titles(client, "pizzeria") == []


def test_a_recap_deletes_with_its_documents(conference):
    conference.recap.delete()

    assert SearchDocument.objects.count() == 0


def test_deferred_reindexes_once_at_the_end(client, conference, settings):
    # Between a change and its reindex (never seen by a request in real use).
    settings.EXPLORER_CACHE_SECONDS = 0
    with deferred() as pending:
        conference.note.title = "Goodbye"
        conference.note.save()
        assert conference.note.pk in pending
        assert titles(client, "goodbye") == []  # not yet
    assert titles(client, "goodbye") == ["Goodbye"]


def test_bulk_created_rows_are_found_after_reindex(client, conference, settings):
    # Between a change and its reindex (never seen by a request in real use).
    settings.EXPLORER_CACHE_SECONDS = 0
    entry = Entry.objects.bulk_create(
        [
            Entry(
                recap=conference.recap,
                day=conference.day1,
                title="Bulk loaded",
                slug="bulk-loaded",
                order=99,
            )
        ]
    )[0]
    Credit.objects.bulk_create([Credit(entry=entry, person=conference.tim)])
    assert titles(client, "bulk") == []

    assert reindex_entries([entry.pk]) == 1
    assert titles(client, "bulk") == ["Bulk loaded"]
    assert titles(client, "bulk tim") == ["Bulk loaded"]
    assert reindex_entries() == Entry.objects.count()
