"""The detail pages (entry, speaker, topic, day, place) and the Markdown they render."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from explorer.markdown import render_markdown
from explorer.templatetags.explorer_tags import safe_url
from explorer.views import DETAIL_LIMIT
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

ENTRY = "/recaps/djangocon-us-2024/{}/"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of ``html`` as parsed by a browser-like parser: (tag, attributes)."""
    parser = _Tags()
    parser.feed(html)
    return parser.found


def assert_inert(html: str) -> None:
    """No script or image element, no event handler, no javascript:/data: link."""
    for tag, attrs in tags(html):
        if tag in {"script", "img", "iframe"}:
            # Our own pages load scripts from files only.
            assert tag == "script" and attrs.get("src", "").startswith("/static/"), (tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = attrs.get(name, "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# -- Entry ------------------------------------------------------------------


def test_entry_page_shows_the_entry(client, conference):
    html = page(client, ENTRY.format("postgres-tricks"))

    assert "<title>Postgres tricks · Recap Explorer</title>" in html
    assert '<h1 id="entry-title">Postgres tricks</h1>' in html
    assert ">Talk</a>" in html
    assert "Day 2, 24 September 2024" in html
    assert "<p>Indexes, constraints and a little SQL.</p>" in html
    assert 'href="/speakers/elodie-dupont/">Élodie Dupont</a>' in html
    assert 'href="/topics/databases/">Databases</a>' in html
    assert '<a href="https://example.com/slides/" rel="noopener noreferrer">Slides</a>' in html
    assert 'aria-label="Pick Postgres tricks"' in html


def test_entry_page_shows_photo_captions_and_paths_not_broken_images(client, conference):
    html = page(client, ENTRY.format("postgres-tricks"))

    assert "<figcaption>A full room" in html
    assert '<code class="photo-path">images/postgres.jpg</code>' in html
    assert "<img" not in html


def test_entry_page_shows_roles(client, conference):
    html = page(client, ENTRY.format("fellows-panel"))

    assert 'Sarah Boyce</a> <span class="role">(panellist)</span>' in html
    assert 'Tim Schilling</a> <span class="role">(host)</span>' in html
    assert "Django Fellow" in html  # Sarah's affiliation


def test_entry_page_shows_place_and_dishes(client, conference):
    html = page(client, ENTRY.format("lunch-at-cocoa-cinnamon"))

    assert (
        '<a href="/places/cocoa-cinnamon/">Cocoa Cinnamon</a> <span class="muted">Café</span>'
        in html
    )
    assert "<strong>Mocha</strong>" in html
    assert "<strong>Crêpe suzette</strong>" in html


def test_entry_page_links_back_to_the_filtered_explorer(client, conference):
    html = page(client, ENTRY.format("fellows-panel"))

    assert 'href="/?speaker=sarah-boyce"' in html
    assert 'href="/?speaker=tim-schilling"' in html
    assert 'href="/?recap=djangocon-us-2024&amp;day=day-2"' in html
    assert 'href="/?topic=community"' in html
    assert 'href="/?kind=panel"' in html


def test_entry_page_links_previous_and_next_of_the_same_day(client, conference):
    html = page(client, ENTRY.format("fast-tests-with-the-orm"))

    assert 'rel="prev" href="/recaps/djangocon-us-2024/state-of-django/"' in html
    assert 'rel="next" href="/recaps/djangocon-us-2024/accessible-forms/"' in html


def test_the_first_and_last_entries_of_a_day_have_one_neighbour(client, conference):
    first = page(client, ENTRY.format("state-of-django"))
    assert 'rel="prev"' not in first
    assert 'rel="next" href="/recaps/djangocon-us-2024/fast-tests-with-the-orm/"' in first

    # The last entry of day 1 does not lead into day 2.
    last = page(client, ENTRY.format("lunch-at-cocoa-cinnamon"))
    assert 'rel="prev" href="/recaps/djangocon-us-2024/accessible-forms/"' in last
    assert 'rel="next"' not in last


def test_entry_page_query_count_does_not_grow(client, conference, django_assert_max_num_queries):
    # Two of them for the CSP: the data version and (once per version) the photos' origins.
    with django_assert_max_num_queries(11):
        client.get(ENTRY.format("postgres-tricks"))


@pytest.mark.parametrize(
    "url",
    [
        "/recaps/djangocon-us-2024/no-such-entry/",
        "/recaps/no-such-recap/postgres-tricks/",
        "/recaps/djangocon-us-2024/days/no-such-day/",
        "/recaps/no-such-recap/days/day-1/",
        "/speakers/nobody/",
        "/topics/nothing/",
        "/places/nowhere/",
    ],
)
def test_unknown_slugs_are_404(client, conference, url):
    assert client.get(url).status_code == 404


# -- Speaker, topic, day, place -----------------------------------------------


def test_speaker_page(client, conference):
    html = page(client, "/speakers/sarah-boyce/")

    assert "<h1>Sarah Boyce</h1>" in html
    assert "Django Fellow" in html
    assert 'href="/?speaker=sarah-boyce"' in html
    assert "2 entries" in html
    assert ">State of Django</a>" in html
    assert ">Fellows panel</a>" in html
    assert ">Postgres tricks</a>" not in html


def test_topic_page(client, conference):
    html = page(client, "/topics/databases/")

    assert "<h1>Databases</h1>" in html
    assert 'href="/?topic=databases"' in html
    assert ">Fast tests with the ORM</a>" in html
    assert ">Postgres tricks</a>" in html
    assert html.count('<article class="card ') == 2


def test_day_page(client, conference):
    html = page(client, "/recaps/djangocon-us-2024/days/day-2/")

    assert "<h1>Day 2</h1>" in html
    assert "<p>The <strong>second</strong> day.</p>" in html
    assert 'href="/?recap=djangocon-us-2024&amp;day=day-2"' in html
    assert 'href="/recaps/djangocon-us-2024/">DjangoCon US 2024</a>' in html  # its conference
    assert html.count('<article class="card ') == 5


def test_place_page_lists_entries_there_and_entries_eating_there(client, conference):
    other_day_meal = EntryFactory(day=conference.day2, kind="food", title="Dinner", slug="dinner")
    other_day_meal.dishes.create(name="Cocoa cake", place=conference.cafe)

    html = page(client, "/places/cocoa-cinnamon/")

    assert "<h1>Cocoa Cinnamon</h1>" in html
    assert "Café" in html
    assert 'href="/?q=Cocoa+Cinnamon"' in html
    assert ">Lunch at Cocoa Cinnamon</a>" in html
    assert ">Dinner</a>" in html
    assert html.count('<article class="card ') == 2


def test_place_page_of_a_sight(client, conference):
    html = page(client, "/places/duke-gardens/")

    assert 'class="card card--other card--sight"' in html


def test_detail_page_cards_take_a_fixed_number_of_queries(
    client, conference, django_assert_max_num_queries
):
    for n in range(30):
        EntryFactory(day=conference.day1, title=f"More {n}", speakers=[conference.sarah])

    # The person, the cards and their credits, topics, dishes and photos, and for
    # the CSP the data version and (once per data version) the photos' origins.
    with django_assert_max_num_queries(9):
        client.get("/speakers/sarah-boyce/")
    with django_assert_max_num_queries(8):
        client.get("/recaps/djangocon-us-2024/days/day-1/")


def test_a_detail_page_shows_its_first_entries_and_links_to_all(
    client, conference, django_assert_max_num_queries
):
    for n in range(DETAIL_LIMIT + 5):
        EntryFactory(day=conference.day1, title=f"More {n}", speakers=[conference.sarah])
    total = DETAIL_LIMIT + 5 + 2  # and her keynote and panel

    with django_assert_max_num_queries(9):  # one more: the count
        html = page(client, "/speakers/sarah-boyce/")

    assert html.count('<article class="card ') == DETAIL_LIMIT
    assert f'<p class="entries-summary">{total} entries</p>' in html
    assert f"The first {DETAIL_LIMIT} are shown." in html
    assert (
        '<a href="/?speaker=sarah-boyce&amp;recap=djangocon-us-2024">'
        f"All {total} at DjangoCon US 2024 in the explorer</a>"
    ) in html


# -- Markdown -----------------------------------------------------------------


def test_markdown_renders_commonmark():
    html = render_markdown("Some **bold** and *em*, `code` and [a link](https://example.com).")

    assert html == (
        "<p>Some <strong>bold</strong> and <em>em</em>, <code>code</code> and "
        '<a href="https://example.com" rel="noopener noreferrer nofollow">a link</a>.</p>\n'
    )


def test_markdown_escapes_raw_html():
    html = render_markdown("Hi <script>alert(1)</script> <b>bold</b>")

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>" not in html


def test_markdown_drops_event_handlers():
    html = render_markdown('<img src=x onerror="alert(1)"> ![x](y.png "t") <p onclick=x>p</p>')

    assert_inert(html)
    assert tags(html) == [("p", {})]
    assert "&lt;img src=x onerror=" in html  # shown as text, never as an element


def test_markdown_makes_javascript_links_inert():
    html = render_markdown(
        "[click](javascript:alert(1)) [data](data:text/html,<b>x</b>) <javascript:alert(1)>"
    )

    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert "<a " not in html


def test_markdown_keeps_headings_below_the_page_title():
    html = render_markdown("# Big\n\n## Smaller")

    assert "<h3>Big</h3>" in html
    assert "<h4>Smaller</h4>" in html
    assert "<h1>" not in html


def test_markdown_of_nothing():
    assert render_markdown("") == ""


def test_markdown_filter():
    template = Template("{% load explorer_tags %}{{ text|markdown }}")

    html = template.render(Context({"text": "**hi** <script>x</script>"}))

    assert html == "<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"


def test_a_malicious_summary_renders_inert_on_every_page(client, conference):
    conference.postgres.summary = (
        "<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click me](javascript:alert(1))\n\n"
        '<a href="javascript:alert(1)">raw link</a>'
    )
    conference.postgres.save()

    for url in [ENTRY.format("postgres-tricks"), "/", "/topics/databases/", "/?q=tricks"]:
        html = page(client, url)
        assert_inert(html)
        assert "&lt;script&gt;alert" in html


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("mailto:someone@example.com", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:x", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url, linked):
    assert safe_url(url) == ((url or "").strip() if linked else "")


def test_stored_javascript_urls_are_never_linked(client, conference):
    """URLs that skipped form validation (imports, the ORM) show as text, not as links."""
    conference.recap.source_url = "javascript:alert('recap')"
    conference.recap.save()
    conference.cafe.url = "javascript:alert('place')"
    conference.cafe.save()
    conference.postgres.links.update(url="javascript:alert('link')")
    conference.postgres.anchor = "postgres-tricks"
    conference.postgres.save()

    for url in ["/", ENTRY.format("postgres-tricks"), "/places/cocoa-cinnamon/"]:
        assert_inert(page(client, url))
    assert "<li>Slides <span" in page(client, ENTRY.format("postgres-tricks"))
