"""/picks/: a share link's entries as cards, one's own picks as a fragment, gone picks."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.picks import MAX_PICKS, parse_pick, share_query
from tests.factories import EntryFactory, LinkFactory, RecapFactory
from tests.test_fuzz import FIXTURE_SETTINGS

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
RECAP = "djangocon-us-2024"


def picks_url(*keys: str) -> str:
    return "/picks/?" + "&".join(f"e={key}" for key in keys)


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title" id="card-\d+"><a href="[^"]*">([^<]*)</a>', html)


# -- Reading picks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pair"),
    [
        ("djangocon-us-2024/postgres-tricks", ("djangocon-us-2024", "postgres-tricks")),
        (" /a/b/ ", ("a", "b")),
        ("a_b/c-1", ("a_b", "c-1")),
        ("nope", None),
        ("a/b/c", None),
        ("/b", None),
        ("a/", None),
        ("../etc", None),
        ("a/b\n", ("a", "b")),
        ("a/b\x00", None),
        ("a/<script>", None),
        ("a/" + "x" * 301, None),
        ("é/b", None),
    ],
)
def test_parse_pick(value, pair):
    assert parse_pick(value) == pair


def test_share_query_keeps_the_slashes():
    assert share_query(["a/b", "c/d"]) == "e=a/b&e=c/d"


# -- A share link ---------------------------------------------------------------------


def test_a_share_link_shows_its_entries_as_cards_in_archive_order(client, conference):
    response = client.get(
        picks_url(
            f"{RECAP}/postgres-tricks",
            f"{RECAP}/state-of-django",
            f"{RECAP}/lunch-at-cocoa-cinnamon",
        )
    )

    assert response.status_code == 200
    assert response.template_name == "explorer/picks_page.html"
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<h1>Shared picks</h1>" in html
    assert "3 entries someone picked from DjangoCon US 2024." in html
    # Grouped by day, in the recap's order, not the link's.
    assert card_titles(html) == ["State of Django", "Lunch at Cocoa Cinnamon", "Postgres tricks"]
    assert html.index('id="picks-day-') < html.index(">State of Django</a>")
    # The cards are the explorer's, with their stars, and the entries' links.
    assert 'data-pick="djangocon-us-2024/postgres-tricks"' in html
    assert '<a href="https://example.com/slides/" rel="noopener noreferrer">Slides</a>' in html
    # One click adds them all (static/js/app.js, "sharedPicks").
    assert (
        'x-data="sharedPicks" data-picks="djangocon-us-2024/state-of-django '
        'djangocon-us-2024/lunch-at-cocoa-cinnamon djangocon-us-2024/postgres-tricks"' in html
    )
    assert "3 picks." in html
    assert "<title>Shared picks (3) · Recap Explorer</title>" in html


def test_the_fragment_is_the_same_list_alone(client, conference):
    url = picks_url(f"{RECAP}/postgres-tricks", f"{RECAP}/gone-talk")

    response = client.get(url, headers=HX)

    assert response.status_code == 200
    assert response.template_name == "explorer/picks_page.html#picks"
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" not in html
    assert "<h1>" not in html
    assert card_titles(html) == ["Postgres tricks"]
    assert "1 pick, 1 no longer in the archive." in html
    # The same markup as in the full page.
    full = client.get(url).content.decode()
    assert html.strip() in full


def test_a_pick_of_the_same_slug_in_another_recap_is_not_mixed_up(client, conference):
    other = RecapFactory(name="PyCon 2030")
    EntryFactory(recap=other, title="State of Django", slug="state-of-django")

    html = client.get(picks_url(f"{RECAP}/postgres-tricks", "pycon-2030/state-of-django")).content
    html = html.decode()

    # DjangoCon US 2024 first (same dates: by name).
    assert card_titles(html) == ["Postgres tricks", "State of Django"]
    assert "from several recaps" in html
    assert html.count("State of Django</a>") == 1


def test_duplicates_are_shown_once(client, conference):
    html = client.get(picks_url(*[f"{RECAP}/thanks"] * 3, f"/{RECAP}/thanks/")).content.decode()

    assert card_titles(html) == ["Thanks"]


def test_gone_picks_are_shown_as_gone(client, conference):
    conference.social.delete()
    conference.orm.slug = "faster-tests"
    conference.orm.title = "Faster tests"
    conference.orm.save()

    html = client.get(
        picks_url(
            f"{RECAP}/social-night",
            f"{RECAP}/fast-tests-with-the-orm",
            f"{RECAP}/keynote-that-never-was",
            "no-such-recap/thanks",
            f"{RECAP}/thanks",
        )
    ).content.decode()

    assert card_titles(html) == ["Thanks"]
    assert "1 pick, 4 no longer in the archive." in html
    assert "No longer in the archive" in html
    assert '<span class="gone-key">djangocon-us-2024/social-night</span>: removed' in html
    assert (
        '<span class="gone-key">djangocon-us-2024/fast-tests-with-the-orm</span>: renamed, now '
        '<a href="/recaps/djangocon-us-2024/faster-tests/">Faster tests</a>.'
    ) in html
    # Its star can move to the new address (static/js/app.js, "gonePick").
    assert 'data-now="djangocon-us-2024/faster-tests"' in html
    assert '<span class="gone-key">no-such-recap/thanks</span>: removed' in html
    # The gone ones are not added with the others.
    assert 'data-picks="djangocon-us-2024/thanks"' in html


def test_values_that_are_not_picks_get_a_clear_message(client, conference):
    response = client.get(
        "/picks/?e=nope&e=a/b/c&e=%3Cscript%3Ealert(1)%3C/script%3E&e=&e=" + f"{RECAP}/thanks"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert card_titles(html) == ["Thanks"]
    assert "3 parts of this link are not an entry\N{RIGHT SINGLE QUOTATION MARK}s address" in html
    assert "(recap/entry) and were left out" in html
    assert "“nope”, “a/b/c”, “&lt;script&gt;alert(1)&lt;/script&gt;”" in html
    assert "<script>alert" not in html


def test_a_link_with_nothing_left_says_so(client, conference):
    html = client.get(picks_url(f"{RECAP}/gone", "x")).content.decode()

    assert "This link names no entry that is still in the archive." in html
    assert "sharedPicks" not in html
    assert card_titles(html) == []


def test_a_very_long_link_shows_the_first_picks_and_says_so(client, conference):
    keys = [f"{RECAP}/postgres-tricks"] + [f"{RECAP}/missing-{n}" for n in range(MAX_PICKS + 10)]

    html = client.get(picks_url(*keys)).content.decode()

    assert card_titles(html) == ["Postgres tricks"]
    assert f"{MAX_PICKS - 1} no longer in the archive" in html
    assert f"This link names more than {MAX_PICKS} entries: the last 11 were left out." in html


def test_unsafe_link_addresses_are_not_links(client, conference):
    LinkFactory(entry=conference.note, title="Sneaky", url="javascript:alert(1)")

    html = client.get(picks_url(f"{RECAP}/thanks")).content.decode()

    assert "<li>Sneaky</li>" in html
    assert "javascript:" not in html


@settings(FIXTURE_SETTINGS, max_examples=30)
@given(values=st.lists(st.text(max_size=40) | st.just(f"{RECAP}/thanks"), max_size=6))
def test_any_link_gets_an_answer(client, conference, values):
    for headers in ({}, HX):
        response = client.get("/picks/", {"e": values}, headers=headers)
        assert response.status_code == 200


# -- One's own picks ------------------------------------------------------------------


def test_my_picks_is_a_page_that_fetches_them(client, conference):
    response = client.get("/picks/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>My picks</h1>" in html
    assert 'x-data="myPicks" data-picks-url="/picks/"' in html
    assert '<div id="picks-list" x-ref="list"' in html
    assert "Share my picks" in html
    # Without JavaScript it says why nothing shows.
    assert '<p class="lede without-js">Your picks are kept by this browser' in html
    assert card_titles(html) == []
    assert "<title>My picks · Recap Explorer</title>" in html


def test_every_page_links_to_my_picks(client, conference):
    for url in ["/", f"/recaps/{RECAP}/thanks/", "/picks/"]:
        assert '<a href="/picks/"' in client.get(url).content.decode()
    assert (
        '<a href="/picks/" aria-current="page">My picks</a>'
        in client.get("/picks/").content.decode()
    )


# -- Queries --------------------------------------------------------------------------


def count(client, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **kwargs).status_code == 200
    return len(captured)


def test_picks_take_a_fixed_number_of_queries(client, conference):
    client.get("/")  # the photos' origins for the CSP, read once per data version
    few = [f"{RECAP}/postgres-tricks", f"{RECAP}/thanks"]
    extra = [EntryFactory(day=conference.day1, title=f"Extra {n}") for n in range(40)]
    for entry in extra:
        LinkFactory(entry=entry)
    renamed = extra[0]
    old_address = f"{RECAP}/{renamed.slug}"
    renamed.slug = "renamed"
    renamed.save()
    many = few + [f"{RECAP}/{entry.slug}" for entry in extra]
    gone = [f"{RECAP}/gone-{n}" for n in range(30)]
    client.get("/")

    # The entries, their credits, topics, dishes, photos and links; the full page
    # adds the data version for its CSP; gone picks add the entries' history, and
    # renamed ones where they are now.
    assert count(client, picks_url(*few), headers=HX) == 6
    assert count(client, picks_url(*many), headers=HX) == 6
    assert count(client, picks_url(*few)) == 7
    assert count(client, picks_url(*many)) == 7
    assert count(client, picks_url(*few, *gone[:1]), headers=HX) == 7
    assert count(client, picks_url(*many, *gone), headers=HX) == 7
    assert count(client, picks_url(*few, old_address), headers=HX) == 8
    assert count(client, picks_url(*many, *gone, old_address), headers=HX) == 8
    assert count(client, "/picks/") == 1
