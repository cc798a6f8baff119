"""The card cache (explorer.cards): each card rendered once per version of what it shows.

What a reader notices: every edit, of the entry or of anything its card shows,
appears at once, on every page that lists it; a curator's card (with its Edit
link back to the page being read) never reaches a reader; and the cached cards
are the same HTML as cards rendered afresh.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from explorer.cards import card_key
from explorer.models import Entry
from tests.factories import CreditFactory, DishFactory, PersonFactory, TopicFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
PAGES = [
    "/",
    "/?day=day-1",
    "/speakers/carlton-gibson/",
    "/topics/databases/",
    "/places/cocoa-cinnamon/",
]


def card(html: str, pk: int) -> str:
    """The ``<article>`` of entry ``pk`` in ``html``."""
    match = re.search(rf'<article [^>]*id="entry-{pk}".*?</article>', html, re.S)
    assert match, f"no card for entry {pk}"
    return match.group(0)


def fragment(client, url: str = "/?day=day-1") -> str:
    # A different query each time: never the answer cache, always the cards.
    fragment.calls = getattr(fragment, "calls", 0) + 1
    sep = "&" if "?" in url else "?"
    return client.get(f"{url}{sep}n={fragment.calls}", headers=HX).content.decode()


def test_cards_come_from_the_cache_the_second_time(client, conference):
    request = client.get("/?day=day-1", headers=HX).wsgi_request
    key = card_key(request, Entry.objects.get(pk=conference.orm.pk), can_edit=False)
    cached, photos = caches["cards"].get(key)
    assert "Fast tests with the ORM" in cached

    # What the cache holds is what the next page shows.
    caches["cards"].set(key, (cached.replace("ORM", "cached ORM"), photos))
    assert "Fast tests with the cached ORM" in fragment(client)


def test_a_page_of_cached_cards_loads_none_of_their_rows(client, conference):
    """The cards' speakers, topics, dishes and photos are read only for cards not cached."""
    fragment(client)  # the facets' cached values, as a running server has them
    caches["cards"].clear()
    with CaptureQueriesContext(connection) as uncached:
        fragment(client)
    with CaptureQueriesContext(connection) as cached:
        fragment(client)

    # The rows of the page's entries, by their ids (prefetch_related).
    def card_rows(queries) -> list[str]:
        return [q["sql"] for q in queries if re.search(r'"entry_id" IN \(\d', q["sql"])]

    assert len(card_rows(uncached.captured_queries)) == 4
    assert card_rows(cached.captured_queries) == []
    assert len(cached) == len(uncached) - 4


@pytest.mark.parametrize("url", PAGES)
def test_a_page_of_cached_cards_reads_none_of_their_rows(client, conference, url):
    """A full page (the explorer, a speaker, topic or place) reads its cards' rows only
    for cards not cached; its link preview takes the photos kept with the cards."""
    # A different query each time: never the explorer's answer cache.
    sep = "&" if "?" in url else "?"
    client.get(f"{url}{sep}n=0")  # the CSP's photo origins, as a running server has them
    caches["cards"].clear()
    with CaptureQueriesContext(connection) as uncached:
        client.get(f"{url}{sep}n=1")
    with CaptureQueriesContext(connection) as cached:
        client.get(f"{url}{sep}n=2")

    def card_rows(queries) -> list[str]:
        return [q["sql"] for q in queries if re.search(r'"entry_id" IN \(\d', q["sql"])]

    assert len(card_rows(uncached.captured_queries)) == 4
    assert card_rows(cached.captured_queries) == []
    assert len(cached) == len(uncached) - 4


def test_cached_cards_are_the_cards_rendered_afresh(client, conference, settings):
    for url in PAGES:
        first = client.get(url).content.decode()
        cached = client.get(url).content.decode()
        settings.EXPLORER_CARD_CACHE_ENTRIES = 0
        uncached = client.get(url).content.decode()
        settings.EXPLORER_CARD_CACHE_ENTRIES = 10000
        articles = [
            re.findall(r"<article .*?</article>", page, re.S) for page in (first, cached, uncached)
        ]
        assert articles[0] and articles[0] == articles[1] == articles[2], url


def rename(row, field: str, value: str) -> str:
    setattr(row, field, value)
    row.save()
    return value


def swap_topic(c) -> str:
    c.orm.topics.remove(c.testing)
    c.orm.topics.add(TopicFactory(name="Speed", slug="speed"))
    return "Speed"


def rewrite_by_update(c) -> str:
    # Writers that skip save() still change the entry's row: its version moves.
    Entry.objects.filter(pk=c.orm.pk).update(summary="Rewritten.", version=c.orm.version + 1)
    return "Rewritten."


def new_credit(c) -> str:
    CreditFactory(entry=c.orm, person=PersonFactory(name="Zoë Newcomer"), order=5)
    return "Zoë Newcomer"


def new_dish(c) -> str:
    DishFactory(entry=c.lunch, name="Churro", order=3)
    return "Churro"


def credit_role(c) -> str:
    credit = c.orm.credits.get()
    credit.role = "host"
    credit.save()
    return "(host)"


# Each edit, by any writer, and the text the edited card then shows.
EDITS = {
    "entry_title": lambda c: rename(c.orm, "title", "Faster tests"),
    "entry_summary_by_queryset_update": rewrite_by_update,
    "person_name": lambda c: rename(c.carlton, "name", "Carlton G."),
    "new_credit": new_credit,
    "credit_role": credit_role,
    "topic_name": lambda c: rename(c.testing, "name", "Test suites"),
    "topic_swapped": swap_topic,
    "place_name": lambda c: rename(c.cafe, "name", "Cocoa Cinnamon Durham"),
    "dish_name": lambda c: rename(c.mocha, "name", "Iced mocha"),
    "new_dish": new_dish,
    "day_label": lambda c: rename(c.day1, "label", "Monday"),
    "recap_slug": lambda c: "/recaps/" + rename(c.recap, "slug", "dcus-2024") + "/",
}


@pytest.mark.parametrize("edit", EDITS)
def test_every_edit_shows_at_once(client, conference, edit):
    before = fragment(client)
    pk = (
        conference.lunch.pk
        if edit in {"place_name", "dish_name", "new_dish"}
        else conference.orm.pk
    )
    assert card(before, pk) == card(fragment(client), pk)  # cached, unchanged

    expected = EDITS[edit](conference)

    for url in ("/", "/?day=day-1" if edit != "day_label" else "/"):
        assert expected in card(fragment(client, url), pk), url


def test_a_readers_card_never_has_a_curators_edit_link(client, curator, conference):
    client.force_login(curator)
    assert "card-edit" in card(fragment(client), conference.orm.pk)
    client.logout()

    assert "card-edit" not in card(fragment(client), conference.orm.pk)
    assert "card-edit" not in client.get("/speakers/carlton-gibson/").content.decode()


def test_a_cached_editable_card_returns_to_the_page_it_is_on(curator_client, conference):
    for url in ("/?day=day-1", "/topics/testing/", "/?day=day-1&topic=testing"):
        html = curator_client.get(url).content.decode()
        edit = re.search(r'class="card-edit" href="([^"]+)"', card(html, conference.orm.pk))
        assert edit, url
        assert edit.group(1).endswith("?next=" + quote(url, safe="/")), url
        assert "__card_return_url__" not in html


def test_text_like_the_mark_in_an_entry_is_left_alone(curator_client, conference):
    conference.orm.title = 'Edit ?next=__card_return_url__" here'
    conference.orm.save()
    curator_client.get("/?day=day-1")
    html = card(curator_client.get("/?day=day-1&again=1").content.decode(), conference.orm.pk)

    assert "Edit ?next=__card_return_url__&quot; here" in html


def test_a_changed_photo_shows_at_once(client, conference):
    conference.recap.image_base = "https://images.example.org/dcus/"
    conference.recap.save()
    pk = conference.postgres.pk
    before = card(fragment(client, "/"), pk)
    assert "A full room" in before and before == card(fragment(client, "/"), pk)  # cached

    # Only the photo's own row changes.
    photo = conference.postgres.photos.first()
    photo.caption = "A packed room"
    photo.save()

    assert "A packed room" in card(fragment(client, "/"), pk)
