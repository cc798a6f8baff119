"""The facets' cache (explorer.filters): values and unfiltered counts kept under the
data version, so that any edit or import shows in the facets at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from explorer.loading import load_recap
from tests.conftest import archive_recaps
from tests.curation.test_inline_edit import field, open_form, post

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def facets(client, query: str = "") -> dict[str, dict[str, tuple[str, int]]]:
    """Every facet of the JSON explorer for ``query``: value -> (label, count)."""
    data = client.get(f"/?format=json&{query}").json()["facets"]
    return {
        name: {item["value"]: (item["label"], item["count"]) for item in items}
        for name, items in data.items()
    }


def warm(client) -> None:
    """Ask what visitors ask first, so that the facets of this data version are cached."""
    facets(client)
    facets(client, "day=day-2")
    client.get("/")
    client.get("/?topic=databases", headers=HX)


def test_a_curators_inline_save_shows_in_the_facets_at_once(client, curator_client, conference):
    warm(client)
    before = facets(client)
    assert before["kind"]["keynote"] == ("Keynote", 1)
    assert before["topic"]["testing"] == ("Testing", 1)

    entry = conference.postgres
    data = open_form(curator_client, entry)
    data[field(entry, "kind")] = "keynote"
    data[field(entry, "topics")] = [conference.databases.pk, conference.testing.pk]
    assert post(curator_client, entry, data).status_code == 200

    unfiltered = facets(client)
    assert unfiltered["kind"]["keynote"] == ("Keynote", 2)
    assert unfiltered["kind"]["talk"] == ("Talk", 1)
    assert unfiltered["topic"]["testing"] == ("Testing", 2)
    day_2 = facets(client, "day=day-2")
    assert day_2["kind"]["keynote"] == ("Keynote", 1)
    assert day_2["topic"]["testing"] == ("Testing", 1)
    # The page shows the new counts too.
    html = client.get("/").content.decode()
    assert 'id="f-kind-keynote"' in html
    keynote = html[html.index('id="f-kind-keynote"') :]
    assert '<span class="count"><span class="visually-hidden"> (</span>2<' in keynote


def test_a_renamed_topic_is_renamed_in_every_facet_at_once(client, curator_client, conference):
    warm(client)
    topic = conference.databases
    url = reverse("topic-update", kwargs={"pk": topic.pk})

    response = curator_client.post(url, {"name": "Data stores", "slug": topic.slug})

    assert response.status_code == 302
    assert facets(client)["topic"]["databases"] == ("Data stores", 2)
    assert facets(client, "day=day-2")["topic"]["databases"] == ("Data stores", 1)
    fragment = client.get("/?topic=databases", headers=HX).content.decode()
    assert '<span class="facet-label">Data stores</span>' in fragment
    assert '<span class="facet-label">Databases</span>' not in fragment


def test_a_deleted_entry_takes_its_only_topic_out_of_the_facets(client, curator_client, conference):
    warm(client)
    assert "accessibility" in facets(client)["topic"]

    url = reverse("entry-delete", kwargs={"pk": conference.forms.pk})
    assert curator_client.post(url).status_code == 302

    assert "accessibility" not in facets(client)["topic"]
    assert "accessibility" not in facets(client, "day=day-2")["topic"]
    assert "lightning-talk" not in facets(client)["kind"]


def test_an_import_shows_in_the_facets_at_once(client, conference):
    warm(client)
    assert list(facets(client)["recap"]) == ["djangocon-us-2024"]

    load_recap(archive_recaps()[1])  # DjangoCon Europe 2024, as import_recap loads it

    after = facets(client)
    assert after["recap"]["djangocon-europe-2024"] == ("DjangoCon Europe 2024", 3)
    assert after["recap"]["djangocon-us-2024"] == ("DjangoCon US 2024", 9)
    # Two conferences now: the day facet names each day with its conference.
    assert "djangocon-europe-2024.wednesday" in after["day"]
    assert "djangocon-us-2024.day-2" in after["day"]
    assert "djangocon-europe-2024.wednesday" in facets(client, "kind=food")["day"]
    page = client.get("/").content.decode()
    assert '<fieldset class="facet facet--recap">' in page


def test_without_a_data_version_nothing_is_cached(conference, django_assert_num_queries):
    """The curators' screens count afresh (no data version): five queries every time."""
    from django.http import QueryDict

    from explorer.filters import EntryFilterSet
    from explorer.models import Entry

    for _ in range(2):
        filterset = EntryFilterSet(QueryDict(""), queryset=Entry.objects.all())
        assert filterset.is_valid()
        with django_assert_num_queries(5):
            filterset.facets()


@pytest.mark.parametrize(
    ("lookup", "joined"),
    [({"kind": "talk"}, False), ({"day__slug": "day-2", "kind": "talk"}, True)],
)
def test_the_entries_condition_selects_the_filtered_entries(conference, lookup, joined):
    """The facets' counts are written around the filters' condition on the entries
    (explorer.filters._where_of); a filter that joined a table would make it an
    ``id IN (...)`` of the whole query instead, and count the same entries."""
    from django.db import connection

    from explorer.filters import _where_of
    from explorer.models import Entry

    entries = Entry.objects.order_by().filter(**lookup)
    condition, params = _where_of(entries)

    assert condition.startswith('"explorer_entry"."id" IN (') == joined
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "explorer_entry"."id" FROM "explorer_entry" WHERE {condition}', params
        )
        assert {pk for (pk,) in cursor.fetchall()} == set(entries.values_list("pk", flat=True))


def test_the_facet_cache_can_be_turned_off(client, conference, settings):
    """``EXPLORER_FACET_CACHE=0``: every answer counts its facets (as ``make bench``'s
    "no card or facet cache" server does)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EXPLORER_CACHE_SECONDS = 0
    settings.EXPLORER_FACET_CACHE = False
    client.get("/?format=json")

    with CaptureQueriesContext(connection) as off:
        client.get("/?format=json")
    counted = len(off)  # now: the next request starts a new query log
    settings.EXPLORER_FACET_CACHE = True
    client.get("/?format=json")
    with CaptureQueriesContext(connection) as on:
        client.get("/?format=json")

    assert counted == len(on) + 5  # the five facet queries


# Filter combinations, each value's condition compiled on its own and AND-ed with
# the others' (explorer.filters._filter_condition, behind ``qs``): the same
# entries as django-filter applying each filter in turn.
COMBINATIONS = [
    "",
    "day=day-1",
    "day=day-1&day=day-2&kind=talk&kind=food",
    "topic=testing&speaker=carlton-gibson",
    "topic=testing&topic=databases&day=djangocon-us-2024.day-2",
    "recap=djangocon-us-2024&year=2024&kind=keynote",
    "year=1999",
    "year=nope",
    "q=tests&kind=talk",
    "q=%25%25",
    "q=+++&day=day-2",
    "speaker=nobody&topic=testing",
]


@pytest.mark.parametrize("query", COMBINATIONS)
def test_the_combined_conditions_match_what_the_filters_match(conference, query):
    import django_filters
    from django.http import QueryDict

    from explorer.filters import EntryFilterSet
    from explorer.models import Entry

    for _ in range(2):  # compiled, then from the process's conditions
        filterset = EntryFilterSet(QueryDict(query), queryset=Entry.objects.all())
        assert filterset.is_valid()
        one_by_one = django_filters.FilterSet.filter_queryset(filterset, Entry.objects.all())
        assert set(filterset.qs) == set(one_by_one), query


def counted_alone_and_together(client, query: str) -> tuple[dict, dict]:
    """The JSON's facets for ``query``: every facet counted on its own (the facet
    cache off), then with the facet values cached, as a running server counts them
    (the facets that share a condition in one query, ``_count_together``)."""
    from django.core.cache import caches
    from django.test import override_settings

    with override_settings(EXPLORER_FACET_CACHE=False, EXPLORER_CACHE_SECONDS=0):
        alone = client.get(f"/?format=json&{query}").json()["facets"]
    with override_settings(EXPLORER_CACHE_SECONDS=0):
        caches["facets"].clear()
        client.get(f"/?format=json&{query}")  # the facet values, kept
        together = client.get(f"/?format=json&{query}").json()["facets"]
    return alone, together


@pytest.mark.parametrize("query", COMBINATIONS)
def test_facets_counted_together_count_what_each_facet_counts_alone(client, conference, query):
    """With their values cached, the facets that share a condition are counted in
    one query (``_count_together``): the JSON's facets are those of every facet
    counted on its own, with the facet cache off."""
    alone, together = counted_alone_and_together(client, query)

    assert together == alone


def test_the_speaker_facet_counted_with_the_others_lists_the_people_with_most_entries(client, db):
    """The speaker facet shares its condition's scan (``_count_together``) and still
    lists the ``SPEAKER_FACET_LIMIT`` people with most matching entries, as on its own."""
    from explorer.filters import SPEAKER_FACET_LIMIT
    from explorer.models import EntryKind
    from tests.factories import DayFactory, EntryFactory, PersonFactory

    day = DayFactory()
    people = PersonFactory.create_batch(SPEAKER_FACET_LIMIT + 5)
    talks = {}
    for position, person in enumerate(people):
        talks[person.slug] = 1 + position % 7  # ties, broken the same way both times
        for _ in range(talks[person.slug]):
            EntryFactory(day=day, speakers=[person])
        # Not a talk: left out by the filter, so not counted.
        EntryFactory(day=day, kind=EntryKind.FOOD, speakers=[person])
    alone, together = counted_alone_and_together(client, "kind=talk")

    assert together["speaker"] == alone["speaker"]
    assert len(together["speaker"]) == SPEAKER_FACET_LIMIT
    listed = {value["value"]: value["count"] for value in together["speaker"]}
    assert all(talks[slug] == n for slug, n in listed.items())
    left_out = [n for slug, n in talks.items() if slug not in listed]
    assert min(listed.values()) >= max(left_out)
