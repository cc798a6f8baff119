"""Curators editing explorer cards in place, in a real browser (htmx, Alpine, focus, axe)."""

from __future__ import annotations

import pytest
from django.db.models import F
from playwright.sync_api import expect

from explorer.models import Dish, Entry
from tests.browser.test_explore_browser import axe_violations
from tests.conftest import make_curator

pytestmark = pytest.mark.browser

PASSWORD = "a long curator password"
# Records the Content-Security-Policy violations of every document the page loads.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def curator(django_user_model):
    return make_curator(django_user_model, "carla", password=PASSWORD)


def log_in(page, path: str = "/") -> None:
    """Through the login form, coming back to ``path``."""
    page.page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"/accounts/login/?next={path}")
    page.page.get_by_label("Username").fill("carla")
    page.page.get_by_label("Password").fill(PASSWORD)
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Log in").click()
    expect(page.page.get_by_text("carla", exact=True)).to_be_visible()


def card(page, title: str):
    heading = page.page.get_by_role("heading", name=title, exact=True)
    return page.page.locator("article.card:not(.card--editing)", has=heading)


def open_editor(page, title: str):
    """Click a card's "Edit" and wait for its form; returns the form's <article>."""
    entry = Entry.objects.get(title=title)
    page.page.get_by_role("link", name=f"Edit “{title}”").click()
    editor = page.page.locator(f"article#entry-{entry.pk}.card--editing")
    expect(editor).to_be_visible()
    return editor


def facet_count(page, facet: str, value: str):
    return page.page.locator(f"label:has(#f-{facet}-{value}) .count")


def assert_clean(page) -> None:
    assert page.console_errors == []
    assert page.page.evaluate("window.__cspViolations") == []


def test_a_curator_edits_a_card_in_place(page, curator):
    log_in(page)
    page.page.evaluate("window.__notReloaded = true")
    expect(facet_count(page, "topic", "testing")).to_contain_text("1 entry")
    expect(facet_count(page, "kind", "keynote")).to_contain_text("1 entry")
    page.htmx_requests.clear()

    editor = open_editor(page, "Postgres tricks")

    # Styled by editing.css: the card takes the row, its fields are the form's width.
    assert editor.evaluate("e => getComputedStyle(e).gridColumnStart") == "1"
    assert editor.locator(".card-form").evaluate("e => getComputedStyle(e).display") == "grid"
    title = editor.get_by_label("Title")
    assert title.evaluate("e => Math.abs(e.offsetWidth - e.closest('form').clientWidth) <= 1")
    assert title.evaluate("e => getComputedStyle(e).minHeight") == "40px"
    # The focus moves to the first field.
    expect(editor.get_by_label("Title")).to_be_focused()
    editor.get_by_label("Title").fill("Postgres tricks, revised")
    editor.get_by_label("Kind").select_option(label="Keynote")
    editor.get_by_role("checkbox", name="Testing").check()
    editor.get_by_role("button", name="Save").click()

    saved = card(page, "Postgres tricks, revised")
    expect(saved).to_be_visible()
    expect(saved.locator(".badge")).to_have_text("Keynote")
    expect(saved.get_by_role("listitem")).to_have_text(["Databases", "Testing"])
    expect(page.page.locator(".card--editing")).to_have_count(0)
    # The focus is back on the card, on its title link.
    expect(saved.get_by_role("link", name="Postgres tricks, revised", exact=True)).to_be_focused()
    # The facet counts follow, without a reload and without re-running the search.
    expect(facet_count(page, "topic", "testing")).to_contain_text("2 entries")
    expect(facet_count(page, "kind", "keynote")).to_contain_text("2 entries")
    expect(page.page.locator("#messages")).to_have_text("Saved “Postgres tricks, revised”.")
    assert page.page.evaluate("window.__notReloaded") is True
    assert len(page.htmx_requests) == 2  # the form, the save: the results were not re-fetched
    assert page.page.locator(".card").count() == 9

    page.page.reload()
    expect(card(page, "Postgres tricks, revised")).to_be_visible()
    expect(facet_count(page, "topic", "testing")).to_contain_text("2 entries")
    assert_clean(page)


def test_an_invalid_edit_shows_its_errors_in_the_card(page, curator):
    log_in(page)
    editor = open_editor(page, "Fast tests with the ORM")

    editor.get_by_label("Title").fill("")
    editor.get_by_label("Summary").fill("Kept **input**.")
    editor.get_by_role("button", name="Save").click()

    # The refused form is swapped in (answered 200 on purpose: see explorer.curation.inline).
    title = editor.get_by_label("Title")
    expect(editor.locator(".errorlist")).to_have_text("This field is required.")
    expect(editor.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description("This field is required.")
    expect(editor.get_by_label("Summary")).to_have_value("Kept **input**.")
    expect(title).to_be_focused()
    assert page.page.locator(".htmx-error").count() == 0

    title.fill("Fast tests")
    editor.get_by_role("button", name="Save").click()
    expect(card(page, "Fast tests")).to_be_visible()
    assert Entry.objects.get(slug="fast-tests-with-the-orm").summary == "Kept **input**."
    assert_clean(page)


def test_escape_puts_the_card_back_and_the_focus_on_it(page, curator):
    log_in(page, "/?day=day-2")
    editor = open_editor(page, "Social night")
    editor.get_by_label("Title").fill("Not saved")

    page.page.keyboard.press("Escape")

    expect(page.page.locator(".card--editing")).to_have_count(0)
    expect(card(page, "Social night")).to_be_visible()
    social = Entry.objects.get(title="Social night")
    expect(page.page.locator(f"#entry-{social.pk} .card-title a")).to_be_focused()
    assert page.page.url.endswith("/?day=day-2")
    # The same with the Cancel button; the card can be edited again.
    editor = open_editor(page, "Social night")
    editor.get_by_role("link", name="Cancel").click()
    expect(page.page.get_by_role("link", name="Edit “Social night”")).to_be_visible()
    expect(page.page.locator(f"#entry-{social.pk} .card-title a")).to_be_focused()
    assert Entry.objects.get(slug="social-night").version == 1
    assert_clean(page)


def test_speakers_dishes_and_the_preview(page, curator):
    log_in(page)
    editor = open_editor(page, "Lunch at Cocoa Cinnamon")

    editor.get_by_label("Summary").fill("Coffee <script>alert(1)</script> and **pastries**.")
    editor.get_by_role("button", name="Preview the summary").click()
    preview = editor.locator(".card-form-preview")
    expect(preview.locator("strong")).to_have_text("pastries")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text
    assert preview.locator("script").count() == 0

    dishes = editor.get_by_role("group", name="Dishes")
    dishes.get_by_role("button", name="Add a row").click()
    expect(dishes.get_by_label("Name").nth(3)).to_be_focused()
    page.page.keyboard.type("Lemonade")
    dishes.get_by_role("checkbox", name="Remove").nth(1).check()  # Crêpe suzette
    editor.get_by_label("New speaker name").fill("Ada Lovelace")
    editor.get_by_role("button", name="Save").click()

    saved = card(page, "Lunch at Cocoa Cinnamon")
    expect(saved.locator(".dishes li")).to_have_text(["Mocha", "Lemonade"])
    assert list(Dish.objects.filter(entry__slug="lunch-at-cocoa-cinnamon").values_list("name")) == [
        ("Mocha",),
        ("Lemonade",),
    ]
    entry = Entry.objects.get(slug="lunch-at-cocoa-cinnamon")
    assert [person.name for person in entry.people.all()] == ["Ada Lovelace"]
    assert_clean(page)


def test_a_stale_save_is_refused_then_saved_deliberately(page, curator):
    log_in(page)
    editor = open_editor(page, "Duke Gardens")
    # Someone saves the entry meanwhile.
    Entry.objects.filter(slug="duke-gardens").update(version=F("version") + 1)

    editor.get_by_label("Title").fill("Duke Gardens at dusk")
    editor.get_by_role("button", name="Save").click()

    alert = editor.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved this entry while you were editing it")
    expect(alert).to_be_focused()
    expect(editor.get_by_label("Title")).to_have_value("Duke Gardens at dusk")
    assert Entry.objects.get(slug="duke-gardens").title == "Duke Gardens"

    editor.get_by_role("button", name="Save").click()
    expect(card(page, "Duke Gardens at dusk")).to_be_visible()
    assert Entry.objects.get(slug="duke-gardens").version == 3
    assert_clean(page)


def test_the_edit_page_works_without_javascript(page_factory, curator):
    page = page_factory(java_script_enabled=False)
    log_in(page, "/?day=day-2")
    page.page.get_by_role("link", name="Edit “Thanks”").click()
    expect(page.page.get_by_role("heading", level=1)).to_have_text("Edit “Thanks”")

    page.page.get_by_label("Summary").fill("Thank you all!")
    page.page.get_by_role("button", name="Save").click()

    thanks = Entry.objects.get(slug="thanks")
    assert page.page.url.endswith(f"/?day=day-2#entry-{thanks.pk}")
    expect(page.page.locator("#messages")).to_have_text("Saved “Thanks”.")
    expect(card(page, "Thanks")).to_contain_text("Thank you all!")
    assert page.htmx_requests == []


def test_anonymous_visitors_see_no_edit_controls(page):
    stylesheets = []
    page.page.on("request", lambda r: r.resource_type == "stylesheet" and stylesheets.append(r.url))
    page.goto("/")
    expect(page.page.locator(".card")).to_have_count(9)
    expect(page.page.get_by_role("link", name="Edit", exact=False)).to_have_count(0)
    expect(page.page.locator(".card-edit")).to_have_count(0)
    # Nor do they download the curators' styles.
    assert stylesheets == [page.base_url + "/static/css/site.css"]
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_on_an_open_edit_form(page_factory, curator, scheme):
    page = page_factory(color_scheme=scheme, bypass_csp=True)
    log_in(page)
    editor = open_editor(page, "Lunch at Cocoa Cinnamon")
    assert axe_violations(page) == []

    editor.get_by_label("Title").fill("")
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator(".errorlist")).to_be_visible()
    assert axe_violations(page) == []
    assert page.console_errors == []
