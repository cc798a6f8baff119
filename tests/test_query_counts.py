"""The explorer takes the same number of queries at 1, 3 and 50 recaps, 10 to 5,000 entries.

Rows are built with ``bulk_create`` (and the search documents in one go), so the
5,000-entry case stays fast enough for every ``make test``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from explorer.loading import PLANNER_TABLES
from explorer.models import (
    Credit,
    Day,
    Dish,
    Entry,
    EntryKind,
    Person,
    Photo,
    Place,
    Recap,
    Topic,
)
from explorer.search import reindex_entries
from explorer.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# The data version (ETag), five facets (the conference facet also gives the total
# and, without a year filter, the year facet), a page of entries, their credits,
# topics, dishes and photos; the full page adds the recaps of its heading. A year
# filter gives the year facet a query of its own.
PAGE_QUERIES = 12
FRAGMENT_QUERIES = 11
YEAR = 1
URLS = [
    ("/", {}, PAGE_QUERIES),
    ("/", HX, FRAGMENT_QUERIES),
    ("/?format=json", {}, FRAGMENT_QUERIES),
    ("/?page=2", HX, FRAGMENT_QUERIES),
    ("/?day=day-1&topic=topic-2", HX, FRAGMENT_QUERIES),
    ("/?speaker=person-0&kind=talk", {}, PAGE_QUERIES),
    ("/?q=entry+dish", HX, FRAGMENT_QUERIES),
    ("/?speaker_q=person+1&day=day-2", HX, FRAGMENT_QUERIES),
    ("/?recap=conf-0&recap=conf-1&day=day-1", HX, FRAGMENT_QUERIES),
    ("/?year=2024&day=conf-0.day-2&day=day-0", {}, PAGE_QUERIES + YEAR),
    # No year at all: nothing can match, so no page of cards is fetched.
    ("/?year=nope", HX, FRAGMENT_QUERIES + YEAR - 5),
    # The speaker facet's search box: the data version and the speaker facet.
    ("/?speaker_q=person&kind=talk", {**HX, "HX-Trigger": "speaker-q"}, 2),
    # "Load more": the data version, the conference facet and the cards.
    ("/?page=2", {**HX, "HX-Trigger": "load-more"}, 7),
    (
        "/?format=json&recap=conf-0&year=2024&day=day-1&topic=topic-1&speaker=person-1"
        "&kind=food&q=dish",
        {},
        FRAGMENT_QUERIES + YEAR,
    ),
]


def build(count: int, n_recaps: int = 1) -> None:
    """``count`` entries over ``n_recaps`` recaps of 3 days (one a year, newest 2024),
    each entry with 2 speakers, 2 topics and a dish."""
    recaps = Recap.objects.bulk_create(
        Recap(
            name=f"Conf {n}",
            slug=f"conf-{n}",
            start_date=dt.date(2024 - n, 9, 1),
            image_base=f"https://images.example.org/conf-{n}/",
        )
        for n in range(n_recaps)
    )
    days = Day.objects.bulk_create(
        Day(recap=recap, label=f"Day {n}", slug=f"day-{n}", order=n)
        for recap in recaps
        for n in range(3)
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(6)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person {n}", slug=f"person-{n}") for n in range(40)
    )
    place = Place.objects.create(name="Food hall", slug="food-hall")
    kinds = [EntryKind.TALK, EntryKind.FOOD, EntryKind.KEYNOTE, EntryKind.NOTE]
    entries = Entry.objects.bulk_create(
        Entry(
            recap=days[n % len(days)].recap,
            day=days[n % len(days)],
            kind=kinds[n % 4],
            title=f"Entry {n}",
            slug=f"entry-{n}",
            summary="A summary of this entry. " * (n % 5),
            order=n,
            place=place if n % 4 == 1 else None,
        )
        for n in range(count)
    )
    Credit.objects.bulk_create(
        Credit(entry=entry, person=people[(n + k * 7) % 40], order=k)
        for n, entry in enumerate(entries)
        for k in range(2)
    )
    Entry.topics.through.objects.bulk_create(
        Entry.topics.through(entry=entry, topic=topics[(n + k) % 6])
        for n, entry in enumerate(entries)
        for k in range(2)
    )
    Dish.objects.bulk_create(
        Dish(entry=entry, place=place, name=f"Dish {n}") for n, entry in enumerate(entries)
    )
    # Every other entry has two photos (the cards show the first).
    Photo.objects.bulk_create(
        Photo(entry=entry, image=f"images/{n}-{k}.jpg", caption=f"Photo {k}", order=k)
        for n, entry in enumerate(entries)
        if n % 2
        for k in range(2)
    )
    reindex_entries([entry.pk for entry in entries])
    if connection.vendor == "postgresql":
        # The rows of rolled-back tests stay in the tables' pages until autovacuum
        # counts those pages empty (reltuples 0); the planner then expects no rows
        # and nests loops over all 5,000 (minutes a query). A real database has
        # statistics (autovacuum, and refresh_planner_statistics after an import);
        # ANALYZE counts this transaction's own rows.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(PLANNER_TABLES)}")


def queries(client, url: str, headers: dict, cold: bool = True) -> int:
    """The queries of one request; ``cold``: with no facet values or cards cached
    yet, the most a request takes (the first after an edit or an import)."""
    if cold:
        caches["facets"].clear()
        caches["cards"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("recaps", "size"), [(1, 10), (3, 500), (50, 5000)])
def test_the_explorer_takes_a_fixed_number_of_queries(client, recaps, size, settings):
    settings.EXPLORER_CACHE_SECONDS = 0  # count the queries of rendering
    build(size, recaps)
    client.get("/")  # the photos' origins, cached as on a running server

    counts = {(url, tuple(headers)): queries(client, url, headers) for url, headers, _ in URLS}

    assert counts == {(url, tuple(headers)): expected for url, headers, expected in URLS}


# Without a filter, the five facet queries are cached under the data version
# (explorer.filters): a warm request asks only the data version and the entries.
# Cards in the card cache (explorer.cards) need none of the four queries of their
# credits, topics, dishes and photos (the full page's link preview takes the
# photos kept with the cards). JSON has no cards: it always asks for all four.
UNFILTERED_FACETS = 5
CARD_PARTS = 4


def counted_together(facets: int) -> int:
    """The queries saved when ``facets`` facets share their condition.

    With their values cached, the conference, day, kind and topic facets that
    share a condition are counted in one query (explorer.filters._count_together),
    and the speaker facet with them: each facet leaves out its own filter, so with
    a day and a topic filter the conference, kind and speaker facets share theirs,
    with a year and a day filter the conference, kind, topic and speaker facets
    do, and with a search alone all five do.
    """
    return facets - 1


WARM_URLS = [
    ("/", {}, PAGE_QUERIES - UNFILTERED_FACETS - CARD_PARTS),
    ("/", HX, FRAGMENT_QUERIES - UNFILTERED_FACETS - CARD_PARTS),
    ("/?format=json", {}, FRAGMENT_QUERIES - UNFILTERED_FACETS),
    ("/?page=2", HX, FRAGMENT_QUERIES - UNFILTERED_FACETS - CARD_PARTS),
    # With filters, the facet values are cached but the counts are not.
    ("/?day=day-1&topic=topic-2", HX, FRAGMENT_QUERIES - CARD_PARTS - counted_together(3)),
    ("/?q=entry+dish", HX, FRAGMENT_QUERIES - CARD_PARTS - counted_together(5)),
    (
        "/?year=2024&day=conf-0.day-2&day=day-0",
        {},
        PAGE_QUERIES + YEAR - CARD_PARTS - counted_together(4),
    ),
]


@pytest.mark.parametrize(("recaps", "size"), [(1, 10), (3, 500)])
def test_with_the_facets_and_cards_cached_an_answer_skips_their_queries(
    client, recaps, size, settings
):
    settings.EXPLORER_CACHE_SECONDS = 0
    build(size, recaps)
    for url, headers, _ in WARM_URLS:
        client.get(url, headers=headers)  # the facets of this data version, cached

    counts = {
        (url, tuple(headers)): queries(client, url, headers, cold=False)
        for url, headers, _ in WARM_URLS
    }

    assert counts == {(url, tuple(headers)): expected for url, headers, expected in WARM_URLS}


def test_a_5000_entry_page_is_one_page_of_cards(client):
    build(5000)

    data = client.get("/?format=json").json()
    assert data["count"] == 5000
    assert len(data["results"]) == PAGE_SIZE
    assert len(client.get("/?format=json&q=entry").json()["results"]) == PAGE_SIZE
    assert len(data["facets"]["speaker"]) == 30  # the 30 with most entries, not all 40
