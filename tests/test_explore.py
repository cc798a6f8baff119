"""The explorer at "/": filters, facet counts, chips, JSON, htmx fragments, query counts.

The data is the small conference of ``tests.conftest.build_conference``.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from explorer.filters import SEARCH_MAX_LENGTH, fold
from explorer.models import EntryKind
from tests.factories import (
    CreditFactory,
    DayFactory,
    DishFactory,
    EntryFactory,
    PersonFactory,
    PlaceFactory,
    RecapFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def titles(client, query: str = "") -> list[str]:
    """The titles the JSON explorer gives for ``query``, in page order."""
    response = client.get(f"/?format=json&{query}")
    assert response.status_code == 200, response.content
    return [result["title"] for result in response.json()["results"]]


def facet(client, query: str, name: str) -> dict[str, dict]:
    """One facet of the JSON explorer for ``query``, by value."""
    facets = client.get(f"/?format=json&{query}").json()["facets"]
    return {item["value"]: item for item in facets[name]}


def count_cards(html: str) -> int:
    """How many entry cards ``html`` has (``<article id="entry-…" class="card …">``)."""
    return len(re.findall(r'<article [^>]*class="card ', html))


def checkbox(html: str, name: str, value: str) -> str:
    """The ``<input>`` tag of one facet value."""
    match = re.search(rf'<input type="checkbox" id="f-{name}-{value}"[^>]*>', html)
    assert match, f"no checkbox for {name}={value}"
    return match.group(0)


# -- The page ---------------------------------------------------------------


def test_every_entry_is_a_card_in_recap_day_and_entry_order(client, conference):
    response = client.get("/")

    assert response.status_code == 200
    assert response.template_name == "explorer/explore.html"
    html = response.content.decode()
    assert count_cards(html) == 9
    assert titles(client) == [
        "State of Django",
        "Fast tests with the ORM",
        "Accessible forms",
        "Lunch at Cocoa Cinnamon",
        "Fellows panel",
        "Postgres tricks",
        "Social night",
        "Duke Gardens",
        "Thanks",
    ]
    assert '<h2 class="day-heading" id="day-' in html


def test_talk_cards_show_kind_speakers_with_roles_day_topics_and_link(client, conference):
    html = client.get("/?day=day-2&kind=panel").content.decode()

    assert 'class="card card--talk card--panel"' in html
    assert "Panel</span>" in html
    assert '>Sarah Boyce</a> <span class="role">(panellist)</span>' in html
    assert '>Tim Schilling</a> <span class="role">(host)</span>' in html
    assert '<li class="tag">Community</li>' in html
    assert 'href="/recaps/djangocon-us-2024/fellows-panel/"' in html
    assert '<span class="card-day">Day 2</span>' in html


def test_a_speaker_credit_shows_no_role(client, conference):
    html = client.get("/?kind=keynote").content.decode()

    assert ">Sarah Boyce</a>" in html
    assert "(speaker)" not in html


def test_food_cards_show_place_kind_and_dishes(client, conference):
    html = client.get("/?kind=food").content.decode()

    assert 'class="card card--food"' in html
    assert 'href="/places/cocoa-cinnamon/">Cocoa Cinnamon</a>' in html
    assert '<span class="place-kind">Café</span>' in html
    assert "<li>Mocha</li>" in html
    assert "<li>Crêpe suzette</li>" in html


def test_events_sights_and_notes_get_their_own_card_look(client, conference):
    html = client.get("/?kind=event&kind=sight&kind=note").content.decode()

    assert 'class="card card--other card--event"' in html
    assert 'class="card card--other card--sight"' in html
    assert 'class="card card--other card--note"' in html


def test_cards_carry_a_pick_star_named_after_the_entry(client, conference):
    html = client.get("/?kind=keynote").content.decode()

    assert 'data-pick="djangocon-us-2024/state-of-django"' in html
    assert 'aria-label="Pick State of Django"' in html
    assert 'x-on:click="togglePick"' in html


def test_long_summaries_get_a_show_more_button(client, conference):
    html = client.get("/?kind=talk&day=day-1").content.decode()

    assert 'x-data="collapsible"' in html
    assert 'aria-controls="summary-' in html
    assert "Show more" in html


def test_the_page_works_as_a_plain_get_form(client, conference):
    html = client.get("/").content.decode()

    assert '<form id="filters" class="explorer" method="get" action="/"' in html
    assert '<input type="search" id="q" name="q"' in html
    assert '<label class="searchbar-label" for="q">' in html
    assert '<fieldset class="facet facet--day">' in html
    assert "<legend>Day</legend>" in html
    assert '<button type="submit" class="button">Search</button>' in html
    assert (
        '<noscript><button type="submit" class="button">Apply filters</button></noscript>' in html
    )


def test_the_form_is_wired_for_htmx(client, conference):
    html = client.get("/").content.decode()

    assert 'hx-get="/" hx-target="#results" hx-push-url="true"' in html
    assert 'hx-trigger="change from:#results, submit"' in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert 'hx-indicator="#loading, #results"' in html
    assert 'aria-live="polite"' in html
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


def test_the_page_needs_no_inline_script_or_style(client, conference):
    html = client.get("/?day=day-1").content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert " style=" not in html
    assert "hx-on" not in html
    assert "javascript:" not in html


def test_the_empty_database_gives_an_empty_page(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "0 entries." in response.content.decode()


# -- Filters ----------------------------------------------------------------


def test_day_filter(client, conference):
    assert titles(client, "day=day-1") == [
        "State of Django",
        "Fast tests with the ORM",
        "Accessible forms",
        "Lunch at Cocoa Cinnamon",
    ]


def test_a_day_slug_matches_that_day_in_every_recap(client, conference):
    other = RecapFactory(name="DjangoCon Europe 2025", slug="djangocon-europe-2025")
    EntryFactory(day=DayFactory(recap=other, label="Day 1", slug="day-1"), title="Welcome")

    assert "Welcome" in titles(client, "day=day-1")
    assert len(titles(client, "day=day-1")) == 5


def test_topic_filter(client, conference):
    assert titles(client, "topic=databases") == ["Fast tests with the ORM", "Postgres tricks"]


def test_speaker_filter(client, conference):
    assert titles(client, "speaker=sarah-boyce") == ["State of Django", "Fellows panel"]


def test_kind_filter(client, conference):
    assert titles(client, "kind=food") == ["Lunch at Cocoa Cinnamon"]


def test_several_values_of_one_filter_are_ored(client, conference):
    assert titles(client, "topic=testing&topic=accessibility") == [
        "Fast tests with the ORM",
        "Accessible forms",
    ]
    assert titles(client, "kind=keynote&kind=panel") == ["State of Django", "Fellows panel"]
    assert titles(client, "speaker=carlton-gibson&speaker=elodie-dupont") == [
        "Fast tests with the ORM",
        "Postgres tricks",
    ]


def test_different_filters_are_anded(client, conference):
    assert titles(client, "topic=databases&day=day-2") == ["Postgres tricks"]
    assert titles(client, "speaker=sarah-boyce&kind=panel") == ["Fellows panel"]
    assert titles(client, "topic=community&day=day-2&kind=event") == ["Social night"]
    assert titles(client, "topic=databases&topic=community&day=day-1") == [
        "State of Django",
        "Fast tests with the ORM",
    ]


def test_an_entry_with_several_matching_values_comes_once(client, conference):
    assert titles(client, "topic=testing&topic=databases") == [
        "Fast tests with the ORM",
        "Postgres tricks",
    ]
    assert titles(client, "speaker=sarah-boyce&speaker=tim-schilling") == [
        "State of Django",
        "Fellows panel",
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Titles, any case; by word and word prefix (full-text index), so not "f-orm-s".
        ("ORM", ["Fast tests with the ORM"]),
        ("FLOWERS", ["Duke Gardens"]),  # summary
        ("carlton", ["Fast tests with the ORM"]),  # speaker name
        ("cinnamon", ["Lunch at Cocoa Cinnamon"]),  # place name (and title)
        ("mocha", ["Lunch at Cocoa Cinnamon"]),  # dish name
        ("sarah", ["State of Django", "Fellows panel", "Duke Gardens"]),  # people and a place
        ("sarah fellows", ["Fellows panel"]),  # every word must match
        ("crepe", ["Lunch at Cocoa Cinnamon"]),  # accents ignored: "Crêpe"
        ("ÉLODIE", ["Postgres tricks"]),  # accents and case ignored
        ("  ", None),  # blank: no search
        ("50%", []),  # LIKE wildcards are literal
        ("_", []),
    ],
)
def test_search(client, conference, q, expected):
    response = client.get("/", {"format": "json", "q": q})

    found = [r["title"] for r in response.json()["results"]]
    assert found == (expected if expected is not None else titles(client))


def test_search_combines_with_filters(client, conference):
    assert titles(client, "q=sarah&day=day-2") == ["Fellows panel", "Duke Gardens"]


def test_fold_ignores_case_and_accents():
    assert fold("Crêpe SUZETTE") == "crepe suzette"
    assert fold("Élodie") == "elodie"


# -- Facets -----------------------------------------------------------------


def test_facets_count_every_entry_without_filters(client, conference):
    facets = client.get("/?format=json").json()["facets"]

    assert facets["day"] == [
        {"value": "day-1", "label": "Day 1", "count": 4, "selected": False},
        {"value": "day-2", "label": "Day 2", "count": 5, "selected": False},
    ]
    assert {i["value"]: i["count"] for i in facets["topic"]} == {
        "accessibility": 1,
        "community": 3,
        "databases": 2,
        "testing": 1,
    }
    assert [i["label"] for i in facets["speaker"]] == [
        "Carlton Gibson",
        "Élodie Dupont",  # among the Es, not after the Ts
        "Sarah Boyce",
        "Thibaud Colas",
        "Tim Schilling",
    ]
    assert {i["value"]: i["count"] for i in facets["kind"]} == {
        "keynote": 1,
        "talk": 2,
        "panel": 1,
        "lightning-talk": 1,
        "food": 1,
        "event": 1,
        "sight": 1,
        "note": 1,
    }


def test_a_facet_counts_with_the_other_filters_but_not_its_own(client, conference):
    days = facet(client, "day=day-1", "day")
    assert (days["day-1"]["count"], days["day-2"]["count"]) == (4, 5)
    assert days["day-1"]["selected"] is True

    topics = facet(client, "day=day-1", "topic")
    assert {v: t["count"] for v, t in topics.items()} == {
        "accessibility": 1,
        "community": 1,
        "databases": 1,
        "testing": 1,
    }

    days = facet(client, "topic=databases", "day")
    assert (days["day-1"]["count"], days["day-2"]["count"]) == (1, 1)

    kinds = facet(client, "day=day-2&topic=community", "kind")
    assert kinds["panel"]["count"] == 1
    assert kinds["event"]["count"] == 1
    assert kinds["keynote"]["count"] == 0

    speakers = facet(client, "q=tests", "speaker")
    assert speakers["carlton-gibson"]["count"] == 1
    # Only the people of matching entries are listed (there may be thousands).
    assert "sarah-boyce" not in speakers


def test_zero_count_values_are_shown_disabled(client, conference):
    html = client.get("/?day=day-1").content.decode()

    assert " disabled" in checkbox(html, "kind", "panel")
    assert " disabled" not in checkbox(html, "speaker", "sarah-boyce")
    # Speakers are listed only with a matching entry, or when selected.
    assert 'id="f-speaker-tim-schilling"' not in html
    assert " disabled" not in checkbox(html, "day", "day-2")  # its own facet ignores day


def test_a_selected_value_with_nothing_left_stays_usable(client, conference):
    html = client.get("/?day=day-1&speaker=tim-schilling").content.decode()

    tim = checkbox(html, "speaker", "tim-schilling")
    assert " checked" in tim
    assert " disabled" not in tim


def test_selected_values_are_checked(client, conference):
    html = client.get("/?topic=databases&topic=testing").content.decode()

    assert " checked" in checkbox(html, "topic", "databases")
    assert " checked" in checkbox(html, "topic", "testing")
    assert " checked" not in checkbox(html, "topic", "community")


def test_facet_counts_are_shown_with_their_values(client, conference):
    html = client.get("/").content.decode()

    assert re.search(
        r'<span class="facet-label">Community</span><span class="count">'
        r'<span class="visually-hidden"> \(</span>3<span class="visually-hidden"> entries\)',
        html,
    )


def test_facet_values_are_escaped(client, conference):
    conference.testing.name = '<b>"Tests" & mocks</b>'
    conference.testing.save()

    html = client.get("/?topic=testing", headers={"HX-Request": "true"}).content.decode()

    label = "&lt;b&gt;&quot;Tests&quot; &amp; mocks&lt;/b&gt;"
    assert f'<span class="facet-label">{label}</span>' in html
    assert (
        '<input type="checkbox" id="f-topic-testing" name="topic" value="testing" checked>' in html
    )
    assert "<b>" not in html


# -- Chips ------------------------------------------------------------------


# -- The speaker facet's own search --------------------------------------------


def test_the_speaker_search_ignores_case_and_accents(client, conference):
    assert list(facet(client, "speaker_q=ELODIE", "speaker")) == ["elodie-dupont"]
    assert list(facet(client, "speaker_q=dupont+elo", "speaker")) == ["elodie-dupont"]
    assert set(facet(client, "speaker_q=s", "speaker")) == {
        "sarah-boyce",
        "carlton-gibson",
        "thibaud-colas",
        "tim-schilling",
    }


def test_the_speaker_search_finds_people_with_no_matching_entry(client, conference):
    html = client.get("/?day=day-1&speaker_q=tim").content.decode()

    assert " disabled" in checkbox(html, "speaker", "tim-schilling")
    assert 'id="f-speaker-sarah-boyce"' not in html
    assert 'value="tim"' in html  # the box keeps what was typed
    assert count_cards(html) == 4  # the entries are not filtered by it


def test_the_speaker_search_keeps_the_selected_speakers(client, conference):
    speakers = facet(client, "speaker=sarah-boyce&speaker_q=carlton", "speaker")

    assert set(speakers) == {"carlton-gibson", "sarah-boyce"}
    assert speakers["sarah-boyce"]["selected"] is True


def test_the_speaker_search_says_when_nobody_matches(client, conference):
    html = client.get("/?speaker_q=nobody%25").content.decode()

    assert "No speaker matches “nobody%”." in html
    assert 'id="f-speaker-' not in html


def test_the_speaker_search_box_answers_with_its_list_only(client, conference):
    headers = {**HX, "HX-Trigger": "speaker-q"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?day=day-2&speaker_q=sarah", headers=headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.template_name == "partials/facets.html#facet_values"
    assert "HX-Trigger" in response["Vary"]
    assert " checked" not in checkbox(html, "speaker", "sarah-boyce")
    assert 'id="f-speaker-tim-schilling"' not in html
    assert count_cards(html) == 0
    assert 'id="speaker-q"' not in html  # the box being typed in is left alone
    assert 'id="f-day-' not in html
    # Into the live region already on the page, so that it is announced.
    assert '<p id="speaker-q-status" hx-swap-oob="innerHTML">' in html
    assert "1 speaker listed for “sarah”." in html
    assert len(queries) == 2  # the data version and the speaker facet


def test_the_full_page_has_the_speaker_search_box(client, conference):
    html = client.get("/").content.decode()

    assert '<label class="visually-hidden" for="speaker-q">Find a speaker by name</label>' in html
    assert 'name="speaker_q"' in html
    assert 'hx-target="#facet-speaker-values"' in html


def test_active_values_show_as_removable_chips(client, conference):
    html = client.get("/?topic=databases&day=day-2&q=tricks").content.decode()

    assert '<ul class="chips" aria-label="Active filters">' in html
    assert 'href="/?topic=databases&amp;q=tricks"' in html  # without the day
    assert 'href="/?day=day-2&amp;q=tricks"' in html  # without the topic
    assert 'href="/?day=day-2&amp;topic=databases"' in html  # without the search
    assert '<span class="chip-legend">Day:</span> Day 2' in html
    assert '<span class="chip-legend">Topic:</span> Databases' in html
    assert '<span class="chip-legend">Search:</span> “tricks”' in html
    assert '<a class="chips-clear" href="/" hx-get="/">Clear all</a>' in html


def test_no_chips_without_filters(client, conference):
    assert "Clear all" not in client.get("/").content.decode()


def test_one_chip_per_value(client, conference):
    html = client.get("/?topic=databases&topic=testing").content.decode()

    assert 'href="/?topic=testing"' in html
    assert 'href="/?topic=databases"' in html


# -- JSON -------------------------------------------------------------------


def test_json_shape(client, conference):
    response = client.get("/?format=json&speaker=elodie-dupont")

    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results", "facets"}
    assert data["count"] == 1
    result = data["results"][0]
    assert result["title"] == "Postgres tricks"
    assert result["slug"] == "postgres-tricks"
    assert result["kind"] == "talk"
    assert result["day"] == "Day 2"
    assert result["speakers"] == ["Élodie Dupont"]
    assert result["topics"] == ["Databases"]
    assert result["place"] is None
    assert result["url"] == "/recaps/djangocon-us-2024/postgres-tricks/"
    assert set(data["facets"]) == {"recap", "year", "day", "topic", "speaker", "kind"}
    for items in data["facets"].values():
        for item in items:
            assert {"value", "label", "count"} <= set(item)


def test_json_gives_places_by_name(client, conference):
    result = client.get("/?format=json&kind=food").json()["results"][0]

    assert result["place"] == "Cocoa Cinnamon"
    assert result["dishes"] == ["Mocha", "Crêpe suzette"]


# -- Bad parameters ---------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "day=nope",
        "topic=nope",
        "speaker=nobody",
        "kind=opera",
        "topic=<script>",
        "day=" + "x" * 500,
    ],
)
def test_unknown_values_give_an_empty_result(client, conference, query):
    assert titles(client, query) == []
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert "0 entries match your filters." in response.content.decode()


def test_an_unknown_value_still_gets_a_chip_to_remove_it(client, conference):
    html = client.get("/?topic=nope").content.decode()

    assert '<span class="chip-legend">Topic:</span> nope' in html
    assert "Nothing matches" in html


def test_an_unknown_value_alongside_a_known_one(client, conference):
    assert titles(client, "topic=nope&topic=testing") == ["Fast tests with the ORM"]


def test_a_very_long_search_is_a_400_not_a_500(client, conference):
    response = client.get("/", {"q": "a" * 5000})

    assert response.status_code == 400
    html = response.content.decode()
    assert f"use at most {SEARCH_MAX_LENGTH} characters (you sent 5000)" in html
    assert "<html" in html


def test_a_very_long_search_is_a_400_in_json_too(client, conference):
    response = client.get("/", {"q": "a" * 5000, "format": "json"})

    assert response.status_code == 400
    assert "at most 200 characters" in response.json()["errors"]["q"][0]


def test_a_search_of_exactly_the_limit_is_fine(client, conference):
    assert client.get("/", {"q": "a" * SEARCH_MAX_LENGTH}).status_code == 200


def test_the_search_box_limits_its_length(client, conference):
    assert f'maxlength="{SEARCH_MAX_LENGTH}"' in client.get("/").content.decode()


def test_null_characters_are_a_400(client, conference):
    assert client.get("/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/", {"topic": "a\x00b"}).status_code == 400


def test_an_unknown_format_is_a_400(client, conference):
    response = client.get("/?format=xml")

    assert response.status_code == 400
    assert "Unknown format “xml”" in response.content.decode()


def test_repeated_parameters(client, conference):
    assert titles(client, "day=day-1&day=day-1&day=day-1") == titles(client, "day=day-1")
    html = client.get("/?day=day-1&day=day-1").content.decode()
    assert html.count('<span class="chip-legend">Day:</span>') == 1


def test_repeated_search_parameters_use_the_last(client, conference):
    assert titles(client, "q=nothing-matches&q=postgres") == ["Postgres tricks"]


def test_unrelated_parameters_are_ignored(client, conference):
    assert len(titles(client, "utm_source=mastodon&page=7")) == 9


def test_empty_values_are_ignored(client, conference):
    assert len(titles(client, "day=&topic=&q=")) == 9


# -- htmx: full page and fragment ---------------------------------------------


def test_full_page(client, conference):
    response = client.get("/?day=day-1")

    html = response.content.decode()
    assert response.template_name == "explorer/explore.html"
    assert html.lstrip().startswith("<!doctype html>")
    assert '<main id="main"' in html
    assert "HX-Request" in response["Vary"]
    assert "hx-swap-oob" not in html
    assert "<title>Explore: Day 1 · Recap Explorer</title>" in html


def test_fragment_for_htmx(client, conference):
    response = client.get("/?day=day-1", headers={**HX, "HX-Trigger": "filters"})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.template_name == "explorer/explore.html#results"
    assert "<html" not in html
    assert "<main" not in html
    assert "HX-Request" in response["Vary"]
    assert count_cards(html) == 4
    # The facets (with fresh counts) come with the results.
    assert " checked" in checkbox(html, "day", "day-1")
    assert " disabled" in checkbox(html, "kind", "panel")
    # The result count is updated out of band, in the persistent live region.
    assert '<p id="result-status" hx-swap-oob="innerHTML">4 entries match your filters.</p>' in html
    # The tab's title follows the filters (htmx takes it from the fragment).
    assert "<title>Explore: Day 1 · Recap Explorer</title>" in html
    # The search box, where the user may be typing, is left alone.
    assert 'id="q"' not in html


def test_fragment_from_a_chip_resets_the_search_box(client, conference):
    response = client.get("/?day=day-1", headers=HX)  # a chip link has no id

    html = response.content.decode()
    assert re.search(r'<input type="search" id="q" name="q" value=""[^>]*hx-swap-oob="true"', html)


def test_fragment_from_the_search_box(client, conference):
    response = client.get("/?q=postgres", headers={**HX, "HX-Trigger": "q"})

    html = response.content.decode()
    assert count_cards(html) == 1
    assert 'id="q"' not in html


def test_history_restore_gets_the_full_page(client, conference):
    response = client.get("/?day=day-1", headers={**HX, "HX-History-Restore-Request": "true"})

    assert response.template_name == "explorer/explore.html"
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_history_restore_without_hx_request_gets_the_full_page(client, conference):
    response = client.get("/?day=day-1", headers={"HX-History-Restore-Request": "true"})

    assert response.template_name == "explorer/explore.html"


def test_fragment_400_for_a_long_search(client, conference):
    response = client.get("/", {"q": "a" * 300}, headers=HX)

    assert response.status_code == 400
    assert "HX-Request" in response["Vary"]


def test_json_ignores_htmx(client, conference):
    response = client.get("/?format=json", headers=HX)

    assert response.json()["count"] == 9


# -- Queries ----------------------------------------------------------------


def make_entries(count: int) -> None:
    """``count`` entries over 3 days, each with 2 speakers, 2 topics and a dish."""
    recap = RecapFactory(name="Big Conf", slug="big-conf")
    days = [DayFactory(recap=recap, label=f"Day {n}", slug=f"day-{n}", order=n) for n in range(3)]
    topics = [TopicFactory(name=f"Topic {n}", slug=f"topic-{n}") for n in range(6)]
    people = [PersonFactory(name=f"Person {n}", slug=f"person-{n}") for n in range(12)]
    place = PlaceFactory(name="Food hall", slug="food-hall")
    for n in range(count):
        kind = [EntryKind.TALK, EntryKind.FOOD, EntryKind.KEYNOTE, EntryKind.NOTE][n % 4]
        entry = EntryFactory(
            day=days[n % 3],
            kind=kind,
            title=f"Entry {n}",
            slug=f"entry-{n}",
            topics=[topics[n % 6], topics[(n + 1) % 6]],
            place=place if kind == EntryKind.FOOD else None,
        )
        CreditFactory(entry=entry, person=people[n % 12])
        CreditFactory(entry=entry, person=people[(n + 5) % 12])
        DishFactory(entry=entry, place=place, name=f"Dish {n}")


# The data version (for the ETag and the CSP), one grouped query per facet (5: the
# conference facet also gives the total and the year facet), one page of entries,
# their credits, topics, dishes and photos, and the recaps named in the page's
# heading. (The photos' origins for the CSP take one more query, once per data
# version: see explorer.csp.) Cards found in the card cache need none of their
# four: the page then reads only the photos, for its link preview.
PAGE_QUERIES = 12
FRAGMENT_QUERIES = 11

SIZES = [10, 500]


def count_queries(client, url: str, **kwargs) -> int:
    """Counted cold, with no facet or card cached (as the first request after an edit
    or an import): the most a request takes. Warm, an unfiltered one takes five
    fewer (explorer.filters caches its facets; see tests/test_query_counts.py),
    and cached cards four fewer (tests/test_cards.py)."""
    caches["facets"].clear()
    caches["cards"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


FILTERED = "/?topic=topic-1&topic=topic-2&day=day-1&speaker=person-1&q=entry"


# Built through the factories (history, search index), so kept small: several pages
# of cards; tests/test_query_counts.py bulk-creates up to 5,000.
@pytest.mark.parametrize("size", [10, 150])
def test_the_page_takes_the_same_handful_of_queries_at_any_size(
    client, size, django_assert_max_num_queries, settings
):
    settings.EXPLORER_CACHE_SECONDS = 0  # count the queries of rendering, every time
    make_entries(size)
    client.get("/")  # the photos' origins, read once per data version

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(FILTERED)
    assert count_cards(response.content.decode()) > 0
    with django_assert_max_num_queries(FRAGMENT_QUERIES):
        client.get(FILTERED, headers=HX)
    with django_assert_max_num_queries(FRAGMENT_QUERIES):
        client.get(FILTERED + "&format=json")
    # Exactly the same number at both sizes, not merely under the cap.
    assert count_queries(client, "/") == PAGE_QUERIES
    assert count_queries(client, FILTERED) == PAGE_QUERIES
    assert count_queries(client, FILTERED, headers=HX) == FRAGMENT_QUERIES
    assert count_queries(client, "/?format=json") == FRAGMENT_QUERIES
