"""The explorer shows at most ``PAGE_SIZE`` cards per page (``?page=N``)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from explorer.models import Entry, EntryKind
from explorer.views import PAGE_SIZE
from tests.factories import DayFactory, RecapFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(db) -> int:
    """``PAGE_SIZE * 2 + 5`` entries over two days, in title order."""
    recap = RecapFactory(name="Big", slug="big")
    days = [DayFactory(recap=recap, label=f"Day {n}", slug=f"day-{n}", order=n) for n in (1, 2)]
    total = PAGE_SIZE * 2 + 5
    Entry.objects.bulk_create(
        Entry(
            recap=recap,
            day=days[n * 2 // total],
            kind=EntryKind.TALK if n % 2 else EntryKind.NOTE,
            title=f"Entry {n:04d}",
            slug=f"entry-{n:04d}",
            order=n,
        )
        for n in range(total)
    )
    return total


def cards(html: str) -> int:
    return len(re.findall(r'<article [^>]*class="card ', html))


def json_page(client, query: str) -> dict:
    response = client.get(f"/?format=json&{query}")
    assert response.status_code == 200
    return response.json()


def test_json_pages_carry_the_total_and_links(client, many):
    first = json_page(client, "")
    assert first["count"] == many
    assert len(first["results"]) == PAGE_SIZE
    assert first["results"][0]["title"] == "Entry 0000"
    assert first["previous"] is None
    assert first["next"] == "http://testserver/?format=json&page=2"

    second = json_page(client, "page=2")
    assert second["count"] == many
    assert second["results"][0]["title"] == f"Entry {PAGE_SIZE:04d}"
    assert second["previous"] == "http://testserver/?format=json"
    assert second["next"] == "http://testserver/?format=json&page=3"

    last = json_page(client, "page=3")
    assert [r["title"] for r in last["results"]] == [
        f"Entry {n:04d}" for n in range(PAGE_SIZE * 2, many)
    ]
    assert last["next"] is None


def test_pages_keep_the_filters(client, many):
    talks = json_page(client, "kind=talk")
    assert talks["count"] == many // 2
    assert talks["next"] == "http://testserver/?format=json&kind=talk&page=2"
    assert json_page(client, "kind=talk&kind=note")["count"] == many
    assert json_page(client, "kind=nothing")["count"] == 0
    assert json_page(client, "day=day-1&kind=talk")["count"] == len(
        Entry.objects.filter(day__slug="day-1", kind=EntryKind.TALK)
    )


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "99", "9" * 40, "٣"])
def test_odd_page_numbers_give_the_nearest_page(client, many, page):
    data = json_page(client, f"page={page}")
    assert data["count"] == many
    assert data["results"]


def test_html_pages_show_the_total_and_at_most_a_page_of_cards(client, many):
    html = client.get("/").content.decode()
    assert cards(html) == PAGE_SIZE
    assert f"{many} entries." in html

    html = client.get("/?page=3", headers={"HX-Request": "true"}).content.decode()
    assert cards(html) == many - 2 * PAGE_SIZE


def test_no_next_link_on_a_single_page(client, conference):
    data = json_page(client, "")
    assert (data["count"], data["next"], data["previous"]) == (9, None, None)


def test_load_more_links_to_the_next_page_with_and_without_javascript(client, many):
    html = client.get("/?kind=talk&kind=note").content.decode()

    match = re.search(r'<a id="load-more".*?</a>', html)
    assert match, "no Load more link"
    link = match.group(0)
    assert 'href="/?kind=talk&amp;kind=note&amp;page=2"' in link
    assert 'hx-get="/?kind=talk&amp;kind=note&amp;page=2"' in link
    assert 'hx-trigger="revealed, click"' in link
    assert 'hx-push-url="false"' in link
    assert "page 2 of 3" in html

    last = client.get("/?page=3").content.decode()
    assert 'id="load-more"' not in last


def test_load_more_answers_with_the_next_cards_only(client, many):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?page=2", headers={"HX-Request": "true", "HX-Trigger": "load-more"})

    html = response.content.decode()
    assert response.template_name == "explorer/explore.html#result_page"
    assert "HX-Trigger" in response["Vary"]
    assert cards(html) == PAGE_SIZE
    assert html.lstrip().startswith('<section class="day-group"')
    assert 'id="load-more"' in html  # page 3 next
    assert "page 3 of 3" in html
    # No facets, chips, count or search box: they stay as they are on the page.
    assert 'type="checkbox"' not in html
    assert "hx-swap-oob" not in html
    # The data version, the kind facet (for the total), the cards and their
    # credits, topics, dishes and photos.
    assert len(queries) == 7


def test_no_load_more_on_a_single_page(client, conference):
    assert 'id="load-more"' not in client.get("/").content.decode()


@pytest.fixture
def archive(db) -> None:
    """Four conferences of 7 to 30 entries (one undated, one sharing a date and
    a name's first letters with another), two days each, talks and notes."""
    import datetime as dt

    dated = [("a-2024", "Alpha", dt.date(2024, 5, 1)), ("b-2024", "Beta", dt.date(2024, 5, 1))]
    others = [("c-2019", "Gamma", dt.date(2019, 9, 1)), ("undated", "Undated", None)]
    for size, (slug, name, start) in zip((30, 7, 26, 11), dated + others, strict=True):
        recap = RecapFactory(name=name, slug=slug, start_date=start)
        days = [DayFactory(recap=recap, slug=f"day-{n}", order=n) for n in (1, 2)]
        Entry.objects.bulk_create(
            Entry(
                recap=recap,
                day=days[n % 2],
                kind=EntryKind.TALK if n % 3 else EntryKind.NOTE,
                title=f"{name} {n:02d}",
                slug=f"{slug}-{n:02d}",
                order=n,
            )
            for n in range(size)
        )


@pytest.mark.parametrize(
    "query", ["", "kind=talk", "kind=note&day=day-2", "recap=undated&recap=a-2024", "year=2024"]
)
def test_every_page_lists_the_results_in_order_once(client, archive, query):
    """A page's query reads only the conferences its results lie in
    (``EntryFilterSet.results``): paging through gives every result once, in
    the explorer's order (newest conference first, undated last, each by day and
    entry), on either database."""
    from django.http import QueryDict

    from explorer.filters import EntryFilterSet
    from explorer.views import card_rows

    filterset = EntryFilterSet(QueryDict(query), queryset=card_rows(Entry.objects.all()))
    assert filterset.is_valid()
    expected = [entry.slug for entry in filterset.qs]
    assert expected

    listed, page = [], json_page(client, query)
    while True:
        listed += [result["slug"] for result in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()

    assert listed == expected
    recaps = [slug.rsplit("-", 1)[0] for slug in listed]
    order = ["a-2024", "b-2024", "c-2019", "undated"]
    assert recaps == sorted(recaps, key=order.index)
