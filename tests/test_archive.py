"""The explorer as an archive of many recaps: conference and year facets, days of
their conference, the conference index and landing pages, pages grouped by conference.

The data is the three recaps of ``tests.conftest.archive_recaps``, loaded as an
import would (so Élodie Martin, spelled three ways, is one person).
"""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from explorer import filters, views
from explorer.filters import EntryFilterSet
from explorer.models import Entry, Person, Recap
from tests.factories import EntryFactory, RecapFactory
from tests.test_explore import HX, checkbox, count_cards, facet, titles

pytestmark = pytest.mark.django_db

US_2024 = ["State of Django", "Async all the way", "Lunch at Cocoa Cinnamon"]
US_2024 += ["Testing Django", "Social night"]
EUROPE_2024 = ["Forms for humans", "Tapas crawl", "Community panel"]
US_2023 = ["Async views in practice", "Coffee at Cocoa Cinnamon", "Deploying Django"]
US_2023 += ["Duke Gardens"]


def counts(client, query: str, name: str) -> dict[str, int]:
    return {value: item["count"] for value, item in facet(client, query, name).items()}


# -- The conference and year facets ---------------------------------------------


def test_every_conference_newest_first(client, archive):
    assert titles(client) == US_2024 + EUROPE_2024 + US_2023
    recaps = client.get("/?format=json").json()["facets"]["recap"]
    assert [(r["value"], r["label"], r["count"]) for r in recaps] == [
        ("djangocon-us-2024", "DjangoCon US 2024", 5),
        ("djangocon-europe-2024", "DjangoCon Europe 2024", 3),
        ("djangocon-us-2023", "DjangoCon US 2023", 4),
    ]


def test_the_conference_filter_is_repeatable_and_ored(client, archive):
    assert titles(client, "recap=djangocon-us-2023") == US_2023
    assert titles(client, "recap=djangocon-us-2023&recap=djangocon-europe-2024") == (
        EUROPE_2024 + US_2023
    )
    assert titles(client, "recap=nope") == []


def test_the_conference_facet_counts_under_the_other_filters(client, archive):
    assert counts(client, "speaker=elodie-martin", "recap") == {
        "djangocon-us-2024": 1,
        "djangocon-europe-2024": 1,
        "djangocon-us-2023": 1,
    }
    # Its own filter is left out: the other conferences keep their counts.
    assert counts(client, "recap=djangocon-us-2023&kind=talk", "recap") == {
        "djangocon-us-2024": 2,
        "djangocon-europe-2024": 1,
        "djangocon-us-2023": 2,
    }
    assert facet(client, "recap=djangocon-us-2023", "recap")["djangocon-us-2023"]["selected"]


def test_the_year_facet(client, archive):
    assert counts(client, "", "year") == {"2024": 8, "2023": 4}
    assert titles(client, "year=2024") == US_2024 + EUROPE_2024
    assert titles(client, "year=2023&year=2024") == titles(client)
    # Live counts under the other filters.
    assert counts(client, "kind=food", "year") == {"2024": 2, "2023": 1}
    assert counts(client, "recap=djangocon-europe-2024", "year") == {"2024": 3, "2023": 0}
    # Conferences of other years count 0 under a year.
    assert counts(client, "year=2023", "recap")["djangocon-us-2024"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=food",
        "recap=djangocon-europe-2024",
        "recap=djangocon-us-2023&recap=djangocon-europe-2024&q=async",
        "speaker=tim-bell&day=monday",
    ],
)
def test_the_year_facet_added_up_from_the_conferences_is_the_counted_one(archive, query):
    """Without a year filter the year facet costs no query: it must not differ."""
    params = QueryDict(query)
    derived = EntryFilterSet(params, queryset=Entry.objects.all())
    assert derived.is_valid()
    facets = {facet.name: facet for facet in derived.facets()}
    counted = EntryFilterSet(params, queryset=Entry.objects.all())
    assert counted.is_valid()

    assert facets["year"].as_json() == counted.facet("year").as_json()


@pytest.mark.parametrize("year", ["1999", "nope", "20245", "\uff12\uff10\uff12\uff14"])
def test_a_year_without_conferences_matches_nothing(client, archive, year):
    assert titles(client, f"year={year}") == []
    assert client.get(f"/?year={year}").status_code == 200


def test_the_page_shows_both_facets_with_several_conferences(client, archive):
    html = client.get("/?year=2024").content.decode()

    assert '<fieldset class="facet facet--recap">' in html
    assert "<legend>Conference</legend>" in html
    assert '<fieldset class="facet facet--year">' in html
    assert " checked" in checkbox(html, "year", "2024")
    assert " disabled" in checkbox(html, "recap", "djangocon-us-2023")
    assert '<span class="chip-legend">Year:</span> 2024' in html
    assert "3 conferences, 2023\u20132024" in html
    assert 'href="/recaps/">Browse the conferences</a>' in html


def test_a_single_conference_keeps_them_out_of_the_way(client, conference):
    html = client.get("/").content.decode()

    assert "facet--recap" not in html
    assert "facet--year" not in html
    assert "<h1>DjangoCon US 2024</h1>" in html
    # The JSON still has them (one value each), like every other facet.
    facets = client.get("/?format=json").json()["facets"]
    assert [r["value"] for r in facets["recap"]] == ["djangocon-us-2024"]
    assert [r["value"] for r in facets["year"]] == ["2024"]


def test_a_selected_conference_shows_even_when_it_is_the_only_one(client, conference):
    html = client.get("/?recap=djangocon-us-2024").content.decode()

    assert " checked" in checkbox(html, "recap", "djangocon-us-2024")


def test_a_large_archive_lists_its_first_conferences(client, archive, monkeypatch):
    monkeypatch.setattr(filters, "RECAP_FACET_LIMIT", 2)

    html = client.get("/?recap=djangocon-us-2024&kind=sight").content.decode()

    # Those with matching entries first (the sight is in 2023), then the newest.
    assert 'id="f-recap-djangocon-us-2023"' in html
    assert 'id="f-recap-djangocon-us-2024"' in html  # selected: always listed
    assert 'id="f-recap-djangocon-europe-2024"' not in html
    assert "1 more conference not listed" in html
    # The total still counts every conference.
    assert client.get("/?format=json").json()["count"] == 12


# -- Days belong to their conference --------------------------------------------


def test_the_day_facet_groups_days_under_their_conference(client, archive):
    days = client.get("/?format=json").json()["facets"]["day"]

    assert [(d["value"], d["label"], d["count"], d["recap"]) for d in days] == [
        ("djangocon-us-2024.monday", "Monday", 3, "djangocon-us-2024"),
        ("djangocon-us-2024.tuesday", "Tuesday", 2, "djangocon-us-2024"),
        ("djangocon-europe-2024.wednesday", "Wednesday", 2, "djangocon-europe-2024"),
        ("djangocon-europe-2024.thursday", "Thursday", 1, "djangocon-europe-2024"),
        ("djangocon-us-2023.monday", "Monday", 2, "djangocon-us-2023"),
        ("djangocon-us-2023.tuesday", "Tuesday", 2, "djangocon-us-2023"),
    ]
    html = client.get("/").content.decode()
    groups = re.findall(r'<legend class="facet-group-name">([^<]+)</legend>', html)
    assert groups == ["DjangoCon US 2024", "DjangoCon Europe 2024", "DjangoCon US 2023"]
    assert 'value="djangocon-us-2023.monday"' in checkbox(html, "day", "djangocon-us-2023--monday")


def test_a_day_of_one_conference(client, archive):
    assert titles(client, "day=djangocon-us-2023.monday") == US_2023[:2]
    html = client.get("/?day=djangocon-us-2023.monday").content.decode()
    assert " checked" in checkbox(html, "day", "djangocon-us-2023--monday")
    assert " checked" not in checkbox(html, "day", "djangocon-us-2024--monday")
    assert '<span class="chip-legend">Day:</span> Monday, DjangoCon US 2023' in html


def test_selecting_a_conference_narrows_the_day_facet_to_its_days(client, archive):
    days = facet(client, "recap=djangocon-europe-2024", "day")

    # One conference: its days by their own slug, as on a single-recap site.
    assert {v: d["count"] for v, d in days.items()} == {"wednesday": 2, "thursday": 1}
    html = client.get("/?recap=djangocon-europe-2024").content.decode()
    assert "facet-group-name" not in html

    both = facet(client, "recap=djangocon-europe-2024&recap=djangocon-us-2023", "day")
    assert list(both) == [
        "djangocon-europe-2024.wednesday",
        "djangocon-europe-2024.thursday",
        "djangocon-us-2023.monday",
        "djangocon-us-2023.tuesday",
    ]
    # A year narrows it too.
    assert list(facet(client, "year=2023", "day")) == ["monday", "tuesday"]


def test_old_day_urls_mean_that_day_of_every_selected_conference(client, archive):
    # Every conference's Monday...
    assert titles(client, "day=monday") == US_2024[:3] + US_2023[:2]
    html = client.get("/?day=monday").content.decode()
    assert " checked" in checkbox(html, "day", "djangocon-us-2024--monday")
    assert " checked" in checkbox(html, "day", "djangocon-us-2023--monday")
    assert '<span class="chip-legend">Day:</span> Monday, every conference' in html
    # ...or only the selected ones'.
    assert titles(client, "day=monday&recap=djangocon-us-2023") == US_2023[:2]
    html = client.get("/?day=monday&recap=djangocon-us-2023").content.decode()
    assert " checked" in checkbox(html, "day", "monday")
    assert titles(client, "day=monday&recap=djangocon-europe-2024") == []


def test_the_day_facet_lists_the_days_of_a_few_conferences(client, archive, monkeypatch):
    monkeypatch.setattr(filters, "DAY_FACET_RECAPS", 2)

    days = facet(client, "speaker=elodie-martin&kind=talk&q=async", "day")

    # The conferences with matching entries come first.
    assert {v.split(".")[0] for v in days} == {"djangocon-us-2024", "djangocon-us-2023"}
    html = client.get("/?q=async").content.decode()
    assert "The days of 1 more conference are not listed" in html


# -- Results say where they are from --------------------------------------------


def test_day_headings_name_their_conference_and_date_when_several(client, archive):
    html = client.get("/?day=monday").content.decode()

    assert re.search(
        r'<h2 class="day-heading" id="day-\d+-p1">Monday <span class="day-date">'
        r'23 September 2024</span> <a class="day-recap" href="/recaps/djangocon-us-2024/">'
        r"DjangoCon US 2024</a></h2>",
        html,
    )
    assert '<a class="day-recap" href="/recaps/djangocon-us-2023/">DjangoCon US 2023</a>' in html

    one = client.get("/?recap=djangocon-us-2023").content.decode()
    assert 'class="day-recap"' not in one
    assert '<span class="day-date">16 October</span>' in one


def test_cards_link_to_their_conference(client, archive):
    html = client.get("/?kind=food").content.decode()

    assert '<a class="card-recap" href="/recaps/djangocon-europe-2024/">' in html
    assert '<a class="card-recap" href="/recaps/djangocon-us-2023/">' in html


def test_a_one_day_recap_is_not_named_twice(client, archive):
    recap = RecapFactory(name="Django Day 2022", slug="django-day-2022")
    day = recap.days.create(label="Django Day 2022", slug="django-day-2022", order=1)
    EntryFactory(day=day, title="A talk")

    html = client.get("/?recap=django-day-2022&recap=djangocon-us-2023").content.decode()

    assert '<span class="card-day">Django Day 2022</span>' not in html
    assert re.search(
        r'<h2 class="day-heading" id="day-\d+-p1"> <a class="day-recap" '
        r'href="/recaps/django-day-2022/">Django Day 2022</a></h2>',
        html,
    )


def test_the_fragment_has_the_new_facets_too(client, archive):
    response = client.get("/?recap=djangocon-us-2024", headers={**HX, "HX-Trigger": "filters"})

    html = response.content.decode()
    assert response.template_name == "explorer/explore.html#results"
    assert "<html" not in html
    assert " checked" in checkbox(html, "recap", "djangocon-us-2024")
    assert 'id="f-year-2024"' in html
    assert 'id="f-day-monday"' in html  # one conference: plain days
    assert count_cards(html) == 5
    assert '<p id="result-status" hx-swap-oob="innerHTML">5 entries match' in html


def test_load_more_keeps_the_conference_in_the_headings(client, archive):
    for n in range(30):
        EntryFactory(recap=archive.us_2023, day=archive.us_2023.days.last(), title=f"Note {n}")

    html = client.get("/?page=2", headers={**HX, "HX-Trigger": "load-more"}).content.decode()

    assert '<a class="day-recap" href="/recaps/djangocon-us-2023/">' in html


def test_json_results_name_their_conference(client, archive):
    result = client.get("/?format=json&q=tapas").json()["results"][0]

    assert result["recap"] == "djangocon-europe-2024"
    assert result["recap_name"] == "DjangoCon Europe 2024"
    assert result["day_slug"] == "wednesday"


# -- /recaps/ and /recaps/<slug>/ ---------------------------------------------------


def test_the_conference_index(client, archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/recaps/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Conferences · Recap Explorer</title>" in html
    names = re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)
    assert names == ["DjangoCon US 2024", "DjangoCon Europe 2024", "DjangoCon US 2023"]
    assert '<h2 class="day-heading" id="year-2024">2024</h2>' in html
    assert "Durham, NC · 22\u201327 September 2024" in html
    assert "Recap by A. Writer" in html
    assert "3 talks · 1 food place · 1 event" in html  # DjangoCon US 2024
    assert "2 talks · 1 food place · 0 events" in html
    assert 'href="/?recap=djangocon-europe-2024"' in html


def test_the_header_links_the_conference_index(client, archive):
    html = client.get("/").content.decode()

    assert '<a href="/recaps/">Conferences</a>' in html
    assert (
        '<a href="/recaps/" aria-current="page">Conferences</a>'
        in client.get("/recaps/").content.decode()
    )


def test_the_conference_index_pages(client, archive, monkeypatch):
    monkeypatch.setattr(views, "RECAPS_PER_PAGE", 2)

    first = client.get("/recaps/").content.decode()
    second = client.get("/recaps/?page=2").content.decode()

    assert "DjangoCon US 2023" not in first
    assert 'rel="next" href="?page=2"' in first
    assert "DjangoCon US 2023" in second
    assert 'rel="prev" href="?page=1"' in second
    assert client.get("/recaps/?page=99").status_code == 200  # the last page


def test_the_conference_index_when_empty(client, db):
    assert "No conference yet." in client.get("/recaps/").content.decode()


def test_a_conference_landing_page(client, archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/recaps/djangocon-us-2024/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>DjangoCon US 2024</h1>" in html
    assert "Durham, NC, Durham Convention Center · 22\u201327 September 2024" in html
    assert (
        '<a href="https://example.com/djangocon-us-2024-recap/" rel="noopener noreferrer">'
        "The recap by A. Writer</a>"
    ) in html
    assert "5 entries" in html
    assert 'href="/?recap=djangocon-us-2024&amp;kind=talk">Talk <span class="count">2' in html
    assert 'href="/?recap=djangocon-us-2024">Explore DjangoCon US 2024</a>' in html
    # Its days with their counts, each linked to its page and to the explorer.
    assert (
        '<a href="/recaps/djangocon-us-2024/days/monday/">Monday</a> '
        '<span class="muted">23 September</span> · 3 entries'
    ) in html
    assert 'href="/?recap=djangocon-us-2024&amp;day=monday">explore</a>' in html
    # Its speakers and places.
    assert '<a href="/speakers/elodie-martin/">Élodie Martin</a>' in html
    assert '<a href="/speakers/ana-pena/">' not in html  # a speaker of 2023 only
    assert '<a href="/places/cocoa-cinnamon/">Cocoa Cinnamon</a>' in html
    assert "Taberna do Porto" not in html
    # The downloads are for curators.
    assert "export.json" not in html


def test_curators_get_the_downloads_on_the_landing_page(curator_client, archive):
    html = curator_client.get("/recaps/djangocon-us-2024/").content.decode()
    pk = archive.us_2024.pk

    assert f'href="/manage/recap/{pk}/export.json">Download JSON</a>' in html
    assert f'href="/manage/recap/{pk}/export.md">Download Markdown</a>' in html


def test_unknown_conferences_are_404(client, archive):
    assert client.get("/recaps/nope/").status_code == 404


def test_the_landing_page_is_the_recaps_own_page(archive):
    assert Recap.objects.get(slug="djangocon-us-2023").get_absolute_url() == (
        "/recaps/djangocon-us-2023/"
    )


def test_entry_and_day_pages_lead_to_their_conference(client, archive):
    entry = client.get("/recaps/djangocon-us-2023/coffee-at-cocoa-cinnamon/").content.decode()
    day = client.get("/recaps/djangocon-us-2023/days/monday/").content.decode()

    for html in (entry, day):
        assert '<a href="/recaps/djangocon-us-2023/">DjangoCon US 2023</a>' in html
        assert 'href="/?recap=djangocon-us-2023&amp;day=monday"' in html


# -- Speaker, topic and place pages by conference ------------------------------------


def sections(html: str) -> list[tuple[str, str]]:
    """Each conference section of a detail page: (name, its count)."""
    return re.findall(
        r'<h2 class="recap-section-heading" id="recap-[^"]+"><a href="[^"]+">([^<]+)</a> '
        r'<span class="day-date">([^<]+)</span></h2>',
        html,
    )


def test_a_speaker_page_groups_entries_by_conference_newest_first(client, archive):
    html = client.get("/speakers/elodie-martin/").content.decode()

    assert "<h1>Élodie Martin</h1>" in html
    assert '<p class="entries-summary">3 entries at 3 conferences</p>' in html
    assert sections(html) == [
        ("DjangoCon US 2024", "1 entry"),
        ("DjangoCon Europe 2024", "1 entry"),
        ("DjangoCon US 2023", "1 entry"),
    ]
    assert html.index("Async all the way") < html.index("Forms for humans")
    assert html.index("Forms for humans") < html.index("Async views in practice")


def test_a_topic_page_groups_by_conference(client, archive):
    html = client.get("/topics/community/").content.decode()

    assert sections(html) == [
        ("DjangoCon US 2024", "2 entries"),
        ("DjangoCon Europe 2024", "1 entry"),
    ]


def test_a_place_page_groups_by_conference(client, archive):
    html = client.get("/places/cocoa-cinnamon/").content.decode()

    assert sections(html) == [("DjangoCon US 2024", "1 entry"), ("DjangoCon US 2023", "1 entry")]
    assert '<p class="entries-summary">2 entries at 2 conferences</p>' in html


def test_grouped_pages_take_a_fixed_number_of_queries(
    client, archive, django_assert_max_num_queries
):
    for n in range(10):
        recap = RecapFactory(name=f"Conf {n}", slug=f"conf-{n}")
        entry = EntryFactory(day=recap.days.create(label="Day", slug="day"), title=f"Talk {n}")
        entry.credits.create(person=archive.elodie)

    # Six for the page, plus its cards' photos, the data version and the photos'
    # origins for the CSP (explorer.csp: read once per data version).
    for url in ["/speakers/elodie-martin/", "/topics/community/", "/places/cocoa-cinnamon/"]:
        with django_assert_max_num_queries(9):
            response = client.get(url)
        assert response.status_code == 200
    assert len(sections(client.get("/speakers/elodie-martin/").content.decode())) == 13


def test_a_conference_beyond_the_first_cards_still_has_its_count_and_link(
    client, archive, monkeypatch
):
    monkeypatch.setattr(views, "DETAIL_LIMIT", 1)

    html = client.get("/speakers/elodie-martin/").content.decode()

    assert html.count('<article class="card ') == 1
    assert sections(html)[2] == ("DjangoCon US 2023", "1 entry")
    assert (
        '<a href="/?speaker=elodie-martin&amp;recap=djangocon-us-2023">'
        "All 1 at DjangoCon US 2023 in the explorer</a>"
    ) in html


# -- One person across recaps -----------------------------------------------------


def test_one_person_imported_from_three_recaps_is_one_person(archive):
    elodie = Person.objects.filter(key="elodie martin")

    assert elodie.count() == 1
    assert elodie.get().name == "Élodie Martin"  # the first spelling loaded
    assert elodie.get().credits.count() == 3
    assert Person.objects.count() == 4


def test_a_day_typed_with_a_slash_means_the_same(client, archive):
    assert titles(client, "day=djangocon-us-2023/monday") == US_2023[:2]
    html = client.get("/?day=djangocon-us-2023/monday").content.decode()
    assert " checked" in checkbox(html, "day", "djangocon-us-2023--monday")
    assert '<span class="chip-legend">Day:</span> Monday, DjangoCon US 2023' in html
