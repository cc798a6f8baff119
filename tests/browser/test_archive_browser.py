"""The archive of several recaps in a real browser: a conference, then one of its days,
Back; without JavaScript; axe on the archive's pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_explore_browser import (
    assert_no_console_errors,
    axe_violations,
    card_titles,
    change_and_wait,
)

pytestmark = pytest.mark.browser


def test_pick_a_conference_then_a_day_then_go_back(archive_page):
    page = archive_page
    page.goto("/")
    page.page.evaluate("window.__notReloaded = true")
    expect(page.page.locator(".card")).to_have_count(12)
    day_facet = page.page.locator(".facet--day")
    # Several conferences: each day under its conference's name.
    expect(day_facet.locator(".facet-group-name")).to_have_text(
        ["DjangoCon US 2024", "DjangoCon Europe 2024", "DjangoCon US 2023"]
    )
    expect(page.page.locator(".day-recap").first).to_have_text("DjangoCon US 2024")

    # A conference...
    change_and_wait(
        page, lambda: page.page.get_by_role("checkbox", name="DjangoCon US 2023").check()
    )
    assert page.page.url.endswith("/?recap=djangocon-us-2023")
    expect(page.page.locator("#result-status")).to_have_text("4 entries match your filters.")
    # ...narrows the day facet to its own days, no longer grouped...
    expect(day_facet.locator(".facet-group-name")).to_have_count(0)
    expect(day_facet.locator(".facet-label")).to_have_text(["Monday", "Tuesday"])
    expect(page.page.locator(".day-recap")).to_have_count(0)
    assert page.page.evaluate("document.activeElement.id") == "f-recap-djangocon-us-2023"

    # ...then one of its days.
    change_and_wait(page, lambda: day_facet.get_by_role("checkbox", name="Monday").check())
    assert page.page.url.endswith("/?recap=djangocon-us-2023&day=monday")
    assert card_titles(page) == ["Async views in practice", "Coffee at Cocoa Cinnamon"]
    expect(page.page).to_have_title("Explore: DjangoCon US 2023, Monday · Recap Explorer")

    # Back: the conference alone, then every conference.
    page.page.go_back()
    expect(page.page).to_have_url(page.base_url + "/?recap=djangocon-us-2023")
    expect(page.page.locator(".card")).to_have_count(4)
    expect(day_facet.get_by_role("checkbox", name="Monday")).not_to_be_checked()
    expect(page.page.get_by_role("checkbox", name="DjangoCon US 2023")).to_be_checked()

    page.page.go_back()
    expect(page.page).to_have_url(page.base_url + "/")
    expect(page.page.locator(".card")).to_have_count(12)
    expect(day_facet.locator(".facet-group-name")).to_have_count(3)

    assert page.page.evaluate("window.__notReloaded") is True
    assert_no_console_errors(page)


def test_a_day_of_one_conference_among_several(archive_page):
    page = archive_page
    page.goto("/")
    group = page.page.get_by_role("group", name="DjangoCon US 2024")

    change_and_wait(page, lambda: group.get_by_role("checkbox", name="Monday").check())

    assert page.page.url.endswith("/?day=djangocon-us-2024.monday")
    assert card_titles(page) == ["State of Django", "Async all the way", "Lunch at Cocoa Cinnamon"]
    # The other conference's Monday is a separate value.
    expect(
        page.page.get_by_role("group", name="DjangoCon US 2023").get_by_role(
            "checkbox", name="Monday"
        )
    ).not_to_be_checked()
    assert_no_console_errors(page)


@pytest.mark.parametrize(
    ("path", "scheme"),
    [
        ("/", "light"),
        ("/", "dark"),
        ("/recaps/", "light"),
        ("/recaps/djangocon-us-2024/", "dark"),
        ("/speakers/elodie-martin/", "light"),
    ],
)
def test_no_serious_accessibility_violations_in_the_archive(archive_page_factory, path, scheme):
    page = archive_page_factory(color_scheme=scheme, bypass_csp=True)
    page.goto(path)
    page.page.wait_for_function("document.querySelector('[x-cloak]') === null")

    assert axe_violations(page) == []
    assert_no_console_errors(page)


def test_the_conference_filter_works_without_javascript(archive_page_factory):
    page = archive_page_factory(java_script_enabled=False)
    page.goto("/")

    page.page.get_by_role("checkbox", name="DjangoCon Europe 2024").check()
    page.page.get_by_role("button", name="Apply filters").click()

    expect(page.page).to_have_url(page.base_url + "/?q=&recap=djangocon-europe-2024&speaker_q=")
    expect(page.page.locator(".card")).to_have_count(3)
    expect(page.page.locator(".facet--day .facet-label")).to_have_text(["Wednesday", "Thursday"])
