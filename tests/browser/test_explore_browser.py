"""The explorer in a real browser: htmx swaps, history, Alpine picks and theme, no-JS, axe."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from explorer.models import EntryKind
from explorer.views import PAGE_SIZE
from tests.browser.conftest import AXE_SCRIPT
from tests.factories import EntryFactory

pytestmark = pytest.mark.browser

SETTLED = "() => !document.querySelector('#results').classList.contains('htmx-request')"


def card_titles(page) -> list[str]:
    return page.page.locator(".card:visible .card-title").all_inner_texts()


def change_and_wait(page, action) -> None:
    """Run ``action`` (which should send one htmx request) and wait for the swap."""
    with page.page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        action()
    page.page.wait_for_function(SETTLED)
    # Give a stray second request (a duplicate trigger) the chance to show up.
    page.page.wait_for_timeout(400)


def assert_no_console_errors(page) -> None:
    assert page.console_errors == [], "\n".join(page.console_errors)


def test_day_topic_speaker_each_swap_results_with_one_fragment_request(page):
    page.goto("/")
    page.page.evaluate("window.__notReloaded = true")
    expect(page.page.locator(".card")).to_have_count(9)

    # A day...
    page.htmx_requests.clear()
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Day 2").check())
    assert len(page.htmx_requests) == 1
    assert page.page.url.endswith("/?day=day-2")
    assert card_titles(page) == [
        "Fellows panel",
        "Postgres tricks",
        "Social night",
        "Duke Gardens",
        "Thanks",
    ]
    expect(page.page.locator("#result-status")).to_have_text("5 entries match your filters.")
    expect(page.page).to_have_title("Explore: Day 2 · Recap Explorer")
    # ...the focus stays on the box just ticked, in the new markup...
    assert page.page.evaluate("document.activeElement.id") == "f-day-day-2"

    # ...then a topic...
    page.htmx_requests.clear()
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Community").check())
    assert len(page.htmx_requests) == 1
    assert page.page.url.endswith("/?day=day-2&topic=community")
    assert card_titles(page) == ["Fellows panel", "Social night"]

    # ...then a speaker.
    page.htmx_requests.clear()
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Sarah Boyce").check())
    assert len(page.htmx_requests) == 1
    assert page.page.url.endswith("/?day=day-2&topic=community&speaker=sarah-boyce")
    assert card_titles(page) == ["Fellows panel"]
    expect(page.page.locator(".chip")).to_have_count(3)

    # The facet counts were refreshed with the fragment.
    expect(page.page.get_by_role("checkbox", name="Tim Schilling")).to_be_enabled()
    expect(page.page.get_by_role("checkbox", name="Carlton Gibson")).to_have_count(0)
    expect(page.page.get_by_role("checkbox", name="Keynote")).to_be_disabled()

    assert page.page.evaluate("window.__notReloaded") is True
    assert_no_console_errors(page)


def test_back_and_forward_restore_earlier_results(page):
    page.goto("/")
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Day 1").check())
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Databases").check())
    assert card_titles(page) == ["Fast tests with the ORM"]

    page.page.go_back()
    expect(page.page).to_have_url(page.base_url + "/?day=day-1")
    expect(page.page.locator(".card")).to_have_count(4)
    expect(page.page.get_by_role("checkbox", name="Databases")).not_to_be_checked()
    expect(page.page.get_by_role("checkbox", name="Day 1")).to_be_checked()

    page.page.go_back()
    expect(page.page).to_have_url(page.base_url + "/")
    expect(page.page.locator(".card")).to_have_count(9)

    page.page.go_forward()
    expect(page.page).to_have_url(page.base_url + "/?day=day-1")
    expect(page.page.locator(".card")).to_have_count(4)

    # The page still works after a history restore.
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Testing").check())
    assert card_titles(page) == ["Fast tests with the ORM"]
    assert_no_console_errors(page)


def test_a_reload_of_a_pushed_address_gives_the_full_page(page):
    page.goto("/")
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Day 1").check())

    page.page.reload()

    expect(page.page.locator("h1")).to_have_text("DjangoCon US 2024")
    expect(page.page.locator(".card")).to_have_count(4)
    expect(page.page.locator("#q")).to_be_visible()


def test_search_narrows_as_you_type(page):
    page.goto("/")
    search = page.page.get_by_role("searchbox", name="Search talks, people, places and dishes")

    # Words are found by their start (the full-text index): "co" finds "Colas",
    # "Cocoa", "Coffee" and "constraints".
    search.press_sequentially("co", delay=60)
    expect(page.page.locator("#result-status")).to_have_text("3 entries match your filters.")
    assert card_titles(page) == ["Accessible forms", "Lunch at Cocoa Cinnamon", "Postgres tricks"]

    search.press_sequentially("c", delay=60)
    expect(page.page.locator("#result-status")).to_have_text("1 entry matches your filters.")
    assert card_titles(page) == ["Lunch at Cocoa Cinnamon"]
    assert page.page.url.endswith("/?q=coc")
    # Typing was never interrupted: the box kept the focus and every letter.
    assert page.page.evaluate("document.activeElement.id") == "q"
    expect(search).to_have_value("coc")
    assert_no_console_errors(page)


def test_the_speaker_search_narrows_the_speaker_list_only(page):
    page.goto("/?day=day-1")
    box = page.page.get_by_role("searchbox", name="Find a speaker by name")
    page.htmx_requests.clear()

    box.press_sequentially("elo", delay=60)
    speakers = page.page.locator(".facet--speaker .facet-label")
    expect(speakers).to_have_text(["Élodie Dupont"])  # accents ignored
    # No entry on day 1: listed, but disabled.
    expect(page.page.get_by_role("checkbox", name="Élodie Dupont")).to_be_disabled()
    expect(page.page.locator("#speaker-q-status")).to_have_text("1 speaker listed for “elo”.")
    # Only the list was replaced: the cards, the address and the box are untouched.
    expect(page.page.locator(".card")).to_have_count(4)
    assert page.page.url.endswith("/?day=day-1")
    assert page.page.evaluate("document.activeElement.id") == "speaker-q"
    expect(box).to_have_value("elo")
    assert all("speaker_q=elo" in url for url in page.htmx_requests[-1:])
    assert len(page.htmx_requests) <= 3  # debounced, not one per letter... nor per swap

    box.fill("")
    box.press_sequentially("carl", delay=60)
    expect(speakers).to_have_text(["Carlton Gibson"])
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Carlton Gibson").check())
    assert card_titles(page) == ["Fast tests with the ORM"]
    assert "speaker=carlton-gibson" in page.page.url
    assert_no_console_errors(page)


def test_scrolling_down_loads_the_next_cards(page, conference_live):
    """Infinite scroll: "Load more" fetches the next page when it comes into view."""
    for n in range(PAGE_SIZE):
        EntryFactory(
            recap=conference_live.recap,
            day=conference_live.day2,
            kind=EntryKind.NOTE,
            title=f"Extra note {n:02d}",
            order=100 + n,
        )
    total = 9 + PAGE_SIZE
    page.goto("/")
    expect(page.page.locator(".card")).to_have_count(PAGE_SIZE)
    expect(page.page.locator("#result-status")).to_have_text(f"{total} entries.")
    page.htmx_requests.clear()

    page.page.get_by_role("link", name="Load more (page 2 of 2)").scroll_into_view_if_needed()

    expect(page.page.locator(".card")).to_have_count(total)
    expect(page.page.locator("#load-more")).to_have_count(0)
    assert len(page.htmx_requests) == 1
    assert "page=2" in page.htmx_requests[0]
    # The cards came after the others, once each, and nothing else was touched.
    assert card_titles(page)[-1] == f"Extra note {PAGE_SIZE - 1:02d}"
    assert len(set(card_titles(page))) == total
    assert page.page.url.endswith("/")
    expect(page.page.locator("#result-status")).to_have_text(f"{total} entries.")
    expect(page.page.locator("#facets input[type=checkbox]").first).to_be_visible()
    assert_no_console_errors(page)


def test_removing_the_search_chip_empties_the_search_box(page):
    page.goto("/?q=tricks&day=day-2")
    expect(page.page.locator("#q")).to_have_value("tricks")

    change_and_wait(page, lambda: page.page.get_by_role("link", name="Remove Search:").click())

    expect(page.page.locator("#q")).to_have_value("")
    expect(page.page.locator(".card")).to_have_count(5)
    assert page.page.url.endswith("/?day=day-2")
    assert_no_console_errors(page)


def test_clear_all(page):
    page.goto("/?topic=databases&day=day-2")
    expect(page.page.locator(".card")).to_have_count(1)

    change_and_wait(page, lambda: page.page.get_by_role("link", name="Clear all").click())

    expect(page.page.locator(".card")).to_have_count(9)
    assert page.page.url == page.base_url + "/"


def test_a_pick_survives_a_reload_and_only_my_picks_hides_the_others(page):
    page.goto("/")
    star = page.page.get_by_role("button", name="Pick Postgres tricks")
    expect(star).to_have_attribute("aria-pressed", "false")

    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    stored = page.page.evaluate("localStorage.getItem('recap-explorer:picks')")
    assert json.loads(stored) == ["djangocon-us-2024/postgres-tricks"]

    page.page.reload()
    star = page.page.get_by_role("button", name="Pick Postgres tricks")
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(page.page.get_by_role("button", name="Pick Thanks")).to_have_attribute(
        "aria-pressed", "false"
    )

    only = page.page.get_by_role("button", name="Show only my picks")
    only.click()
    expect(only).to_have_attribute("aria-pressed", "true")
    assert card_titles(page) == ["Postgres tricks"]
    # A day without picks disappears with its cards.
    expect(page.page.get_by_role("heading", name="Day 1")).to_be_hidden()

    only.click()
    expect(page.page.locator(".card:visible")).to_have_count(9)
    assert_no_console_errors(page)


def test_picks_show_on_cards_swapped_in_by_htmx(page):
    page.goto("/?day=day-1")
    page.page.get_by_role("button", name="Pick State of Django").click()
    page.page.get_by_role("button", name="Show only my picks").click()
    assert card_titles(page) == ["State of Django"]

    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Day 2").check())

    # New markup, same state: the star is pressed and "only my picks" still applies.
    expect(page.page.get_by_role("button", name="Pick State of Django")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert card_titles(page) == ["State of Django"]
    assert_no_console_errors(page)


def test_theme_starts_from_the_system_and_is_remembered(page_factory):
    page = page_factory(color_scheme="dark")
    page.goto("/")
    html = page.page.locator("html")
    toggle = page.page.get_by_role("button", name="Dark theme")
    expect(html).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")

    toggle.click()
    expect(html).to_have_attribute("data-theme", "light")
    expect(toggle).to_have_attribute("aria-pressed", "false")

    page.page.reload()
    expect(page.page.locator("html")).to_have_attribute("data-theme", "light")
    background = page.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(246, 246, 243)"
    assert_no_console_errors(page)


def test_light_system_preference(page_factory):
    page = page_factory(color_scheme="light")
    page.goto("/")

    expect(page.page.locator("html")).to_have_attribute("data-theme", "light")


def test_long_summaries_fold_and_unfold(page):
    page.goto("/?day=day-1&kind=talk")
    button = page.page.locator(".summary-toggle")
    body = page.page.locator(".summary-body")
    expect(button).to_have_text("Show more")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(body).to_have_class("summary-body prose is-collapsed")
    folded = body.bounding_box()["height"]

    button.click()

    expect(button).to_have_text("Show less")
    expect(button).to_have_attribute("aria-expanded", "true")
    assert body.bounding_box()["height"] > folded

    button.click()
    expect(button).to_have_text("Show more")
    assert_no_console_errors(page)


def test_the_page_works_without_javascript(page_factory):
    page = page_factory(java_script_enabled=False)
    page.goto("/")
    expect(page.page.locator(".card")).to_have_count(9)
    # The JavaScript-only controls are hidden.
    expect(page.page.locator(".pick").first).to_be_hidden()
    expect(page.page.get_by_role("button", name="Show only my picks")).to_be_hidden()

    page.page.get_by_role("checkbox", name="Day 2").check()
    page.page.get_by_role("checkbox", name="Community").check()
    page.page.get_by_role("button", name="Apply filters").click()

    expect(page.page).to_have_url(page.base_url + "/?q=&day=day-2&topic=community&speaker_q=")
    assert card_titles(page) == ["Fellows panel", "Social night"]

    # The speaker facet's search works as part of the form.
    speakers = page.page.get_by_role("searchbox", name="Find a speaker by name")
    speakers.fill("tim")
    speakers.press("Enter")
    expect(page.page.locator(".facet--speaker .facet-label")).to_have_text(["Tim Schilling"])
    assert card_titles(page) == ["Fellows panel", "Social night"]

    search = page.page.get_by_role("searchbox", name="Search talks, people, places and dishes")
    search.fill("social")
    page.page.get_by_role("button", name="Search", exact=True).click()
    assert card_titles(page) == ["Social night"]

    page.page.get_by_role("link", name="Remove Topic: Community").click()
    expect(page.page).to_have_url(page.base_url + "/?day=day-2&q=social")
    assert card_titles(page) == ["Social night"]

    assert page.htmx_requests == []


def test_detail_pages_link_back_to_the_filtered_explorer(page):
    page.goto("/recaps/djangocon-us-2024/fellows-panel/")
    page.page.get_by_role("link", name="Explore with Tim Schilling").click()

    expect(page.page).to_have_url(page.base_url + "/?speaker=tim-schilling")
    assert card_titles(page) == ["Fellows panel"]
    expect(page.page.get_by_role("checkbox", name="Tim Schilling")).to_be_checked()
    assert_no_console_errors(page)


def axe_violations(page) -> list[dict]:
    page.page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.page.evaluate("axe.run()")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?day=day-1&speaker=tim-schilling&q=a",  # chips, disabled values
        "/recaps/djangocon-us-2024/postgres-tricks/",
        "/recaps/djangocon-us-2024/lunch-at-cocoa-cinnamon/",
        "/speakers/sarah-boyce/",
    ],
)
def test_no_serious_accessibility_violations(page_factory, path, scheme):
    page = page_factory(color_scheme=scheme, bypass_csp=True)
    page.goto(path)
    page.page.wait_for_function("document.querySelector('[x-cloak]') === null")

    assert axe_violations(page) == []
    assert_no_console_errors(page)


def test_no_serious_accessibility_violations_after_a_swap_with_picks(page_factory):
    page = page_factory(bypass_csp=True)
    page.goto("/")
    page.page.get_by_role("button", name="Pick Thanks").click()
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Day 2").check())
    page.page.get_by_role("button", name="Show only my picks").click()

    assert axe_violations(page) == []


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def test_everything_runs_under_a_strict_content_security_policy(page):
    """No inline script or style, no eval: a strict CSP blocks nothing we use."""

    def add_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.page.route(lambda url: "/static/" not in url, add_csp)
    violations = []
    page.page.on(
        "console", lambda m: "Content Security Policy" in m.text and violations.append(m.text)
    )
    page.goto("/")

    page.page.get_by_role("button", name="Pick Thanks").click()
    change_and_wait(page, lambda: page.page.get_by_role("checkbox", name="Day 2").check())
    page.page.get_by_role("button", name="Show only my picks").click()
    assert card_titles(page) == ["Thanks"]
    page.page.get_by_role("button", name="Dark theme").click()
    expect(page.page.locator("html")).to_have_attribute("data-theme", "dark")
    page.page.go_back()
    expect(page.page.locator(".card")).to_have_count(9)
    page.goto("/?day=day-1&kind=talk")
    page.page.locator(".summary-toggle").click()
    expect(page.page.locator(".summary-toggle")).to_have_attribute("aria-expanded", "true")

    assert violations == []
    assert_no_console_errors(page)
    # The policy was really enforced: an inline script is refused.
    inline = "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
    assert page.page.evaluate(inline + " document.head.append(s); return window.x; }") is None
    # ...and the remembered theme was applied on the new page by our script file.
    expect(page.page.locator("html")).to_have_attribute("data-theme", "dark")
    assert violations
