"""Picks in Chromium: my picks in one request, the share link in a fresh profile (with
and without JavaScript), adding them in one click, gone picks, and the print layout."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_explore_browser import axe_violations
from tests.factories import LinkFactory

pytestmark = pytest.mark.browser

PICKS_KEY = "recap-explorer:picks"
RECAP = "djangocon-us-2024"


def stored_picks(page) -> list[str]:
    return json.loads(page.page.evaluate(f"localStorage.getItem('{PICKS_KEY}')") or "[]")


def card_titles(page) -> list[str]:
    return page.page.locator(".card .card-title").all_inner_texts()


def star(page, title: str) -> None:
    page.page.get_by_role("button", name=f"Pick {title}").click()


def test_my_picks_come_in_one_request_and_share_as_a_link(page, page_factory):
    page.goto("/")
    star(page, "Postgres tricks")
    star(page, "State of Django")

    page.htmx_requests.clear()
    page.goto("/picks/")
    expect(page.page.locator("#picks-list .card")).to_have_count(2)
    expect(page.page.get_by_text("Your picks are kept by this browser")).to_be_hidden()
    assert page.htmx_requests == [
        f"{page.base_url}/picks/?e={RECAP}/postgres-tricks&e={RECAP}/state-of-django"
    ]
    assert card_titles(page) == ["State of Django", "Postgres tricks"]
    expect(page.page.get_by_role("status").filter(has_text="2 picks.")).to_be_visible()
    link = page.page.get_by_label("Share my picks")
    share_url = f"{page.base_url}/picks/?e={RECAP}/postgres-tricks&e={RECAP}/state-of-django"
    expect(link).to_have_value(share_url)

    # Unpicking here updates the link at once.
    star(page, "State of Django")
    expect(link).to_have_value(f"{page.base_url}/picks/?e={RECAP}/postgres-tricks")
    star(page, "State of Django")
    assert page.console_errors == []

    # Someone else, in a fresh profile, opens it...
    friend = page_factory()
    friend.goto(share_url.removeprefix(page.base_url))
    expect(friend.page.locator("h1")).to_have_text("Shared picks")
    assert card_titles(friend) == ["State of Django", "Postgres tricks"]
    assert stored_picks(friend) == []
    # ...and adds them to their own in one click.
    add = friend.page.get_by_role("button", name="Add all 2 to my picks")
    add.click()
    assert sorted(stored_picks(friend)) == [f"{RECAP}/postgres-tricks", f"{RECAP}/state-of-django"]
    expect(friend.page.get_by_role("status").filter(has_text="2 picks added")).to_be_visible()
    expect(friend.page.get_by_role("button", name="All in my picks")).to_be_disabled()
    expect(friend.page.get_by_role("button", name="Pick Postgres tricks")).to_have_attribute(
        "aria-pressed", "true"
    )
    friend.goto("/picks/")
    expect(friend.page.locator("#picks-list .card")).to_have_count(2)
    assert friend.console_errors == []


def test_the_copy_button_puts_the_link_on_the_clipboard(page_factory):
    page = page_factory(permissions=["clipboard-read", "clipboard-write"])
    page.goto("/")
    star(page, "Duke Gardens")
    page.goto("/picks/")

    page.page.get_by_role("button", name="Copy link").click()

    expect(page.page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    copied = page.page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{page.base_url}/picks/?e={RECAP}/duke-gardens"


def test_a_share_link_works_without_javascript(page_factory):
    page = page_factory(java_script_enabled=False)

    page.goto(f"/picks/?e={RECAP}/fellows-panel&e={RECAP}/no-such-talk&e=nonsense")

    assert card_titles(page) == ["Fellows panel"]
    expect(page.page.locator(".picks-gone")).to_contain_text(f"{RECAP}/no-such-talk")
    expect(page.page.get_by_role("alert")).to_contain_text("“nonsense”")
    # The controls that need JavaScript stay hidden.
    expect(page.page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.page.locator(".pick").first).to_be_hidden()

    page.goto("/picks/")
    expect(page.page.get_by_text("Your picks are kept by this browser")).to_be_visible()
    expect(page.page.get_by_role("button", name="Copy link")).to_be_hidden()


def test_a_gone_pick_can_be_forgotten_or_followed(page, conference_live):
    page.goto("/")
    page.page.evaluate(
        f"localStorage.setItem('{PICKS_KEY}', JSON.stringify(['{RECAP}/thanks', "
        f"'{RECAP}/deleted-talk', '{RECAP}/social-night']))"
    )
    conference_live.social.slug = "social-evening"
    conference_live.social.save()

    page.goto("/picks/")
    gone = page.page.locator(".picks-gone li")
    expect(gone).to_have_count(2)
    expect(gone.nth(0)).to_contain_text("deleted-talk: removed from the archive.")
    expect(gone.nth(1)).to_contain_text("social-night: renamed, now Social night.")

    gone.nth(0).get_by_role("button", name="Remove from my picks").click()
    gone.nth(1).get_by_role("button", name="Pick it at its new address").click()

    assert stored_picks(page) == [f"{RECAP}/thanks", f"{RECAP}/social-evening"]
    expect(gone.get_by_role("button")).to_have_count(0)
    assert page.console_errors == []


def test_the_print_layout_is_a_clean_list(page, conference_live):
    LinkFactory(entry=conference_live.postgres, title="Video", url="https://example.com/video/")
    page.goto(f"/picks/?e={RECAP}/postgres-tricks&e={RECAP}/lunch-at-cocoa-cinnamon")
    page.page.emulate_media(media="print")

    def display(selector: str) -> str:
        return page.page.eval_on_selector(selector, "el => getComputedStyle(el).display")

    for hidden in [".site-nav", ".site-tools", ".picks-actions", ".pick", ".site-footer"]:
        assert display(hidden) == "none", hidden
    assert display(".cards") == "block"
    assert display(".print-source") == "block"
    expect(page.page.locator(".print-source")).to_contain_text(f"{page.base_url}/picks/?e=")
    after = page.page.eval_on_selector(
        ".card-links a[href='https://example.com/video/']",
        "el => getComputedStyle(el, '::after').content",
    )
    assert after == '" <" attr(href) ">"' or "example.com/video" in after
    card = page.page.locator(".card").first
    assert card.evaluate("el => getComputedStyle(el).borderTopWidth") == "0px"
    assert card.evaluate("el => getComputedStyle(el).boxShadow") == "none"

    pdf = page.page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    # A filtered explorer prints its filters as words and its cards as the same list.
    page.page.emulate_media(media="screen")
    page.goto("/?day=day-2&kind=talk")
    page.page.emulate_media(media="print")
    for hidden in [".facets", ".searchbar", ".picks-filter", ".chips-clear"]:
        assert display(hidden) == "none", hidden
    assert display(".chips") == "block"
    expect(page.page.locator(".chips")).to_contain_text("Day: Day 2")
    assert page.page.pdf(format="A4").startswith(b"%PDF")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_on_the_picks_pages(page_factory, scheme):
    page = page_factory(color_scheme=scheme, bypass_csp=True)
    page.goto(f"/picks/?e={RECAP}/postgres-tricks&e={RECAP}/gone-talk&e=nonsense")
    page.page.wait_for_function("document.querySelector('[x-cloak]') === null")
    assert axe_violations(page) == []

    page.page.evaluate(
        f"localStorage.setItem('{PICKS_KEY}', JSON.stringify(['{RECAP}/thanks', '{RECAP}/gone']))"
    )
    page.goto("/picks/")
    expect(page.page.locator("#picks-list .card")).to_have_count(1)
    assert axe_violations(page) == []
    assert page.console_errors == []
