"""A curator imports a recap in a real browser: upload, correct two cards in place, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from explorer.models import Entry, PendingImport
from tests.browser.test_explore_browser import axe_violations
from tests.browser.test_inline_edit_browser import assert_clean, curator, log_in  # noqa: F401

pytestmark = pytest.mark.browser

RECAP = Path(__file__).parent.parent / "curation" / "riverside-django-2031.md"


def import_card(page, key: str):
    return page.page.locator(f"article#entry-{key}")


def test_a_curator_uploads_corrects_and_imports_a_recap(page, curator):  # noqa: F811
    log_in(page, "/manage/import/")
    page.page.get_by_label("Markdown file").set_input_files(str(RECAP))
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Read the recap").click()
    expect(page.page.get_by_role("heading", level=1)).to_contain_text("Riverside Django 2031")
    page.page.evaluate("window.__notReloaded = true")

    # Change the keynote's kind: only its card is swapped, its title focused after.
    keynote = import_card(page, "boring-technology")
    keynote.get_by_role("link", name="Correct “Boring Technology”").click()
    kind = keynote.get_by_label("Kind")
    expect(kind).to_be_focused()
    kind.select_option("talk")
    keynote.get_by_role("button", name="Save corrections").click()
    expect(keynote.locator(".import-kind")).to_have_text("Talk")
    expect(keynote.get_by_role("heading", name="Boring Technology")).to_be_focused()
    expect(keynote.get_by_text("Corrected")).to_be_visible()

    # Remove a speaker from another card.
    forms = import_card(page, "forms-that-help")
    forms.get_by_role("link", name="Correct “Forms That Help”").click()
    forms.get_by_label("Alan Turing (Speaker)").check()
    forms.get_by_role("button", name="Save corrections").click()
    speakers = forms.locator(".import-speakers > li")
    expect(speakers).to_have_count(1)
    expect(speakers).to_contain_text("Grace Hopper (Speaker)")
    assert page.page.evaluate("window.__notReloaded") is True
    assert len(page.htmx_requests) == 4  # two forms opened, two saved
    assert not Entry.objects.filter(recap__slug="riverside-django-2031").exists()  # not yet
    # The import form was brought up to date with the corrections (out of band).
    expect(page.page.locator("#import-form input[name=revision]")).to_have_value("2")

    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Import “Riverside Django 2031”").click()
    expect(page.page.get_by_text("5 entries created")).to_be_visible()
    assert PendingImport.objects.get().imported_at is not None

    # The corrected entries are in the explorer.
    page.goto("/?q=boring")
    card = page.page.locator("article.card", has=page.page.get_by_text("Boring Technology"))
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Talk")
    page.goto("/?q=forms")
    card = page.page.locator("article.card", has=page.page.get_by_text("Forms That Help"))
    expect(card.locator("a[href^='/speakers/']")).to_have_text(["Grace Hopper"])
    assert_clean(page)


def test_corrections_work_without_javascript(page_factory, curator):  # noqa: F811
    page = page_factory(java_script_enabled=False)
    page.goto("/accounts/login/?next=/manage/import/")
    page.page.get_by_label("Username").fill("carla")
    page.page.get_by_label("Password").fill("a long curator password")
    page.page.get_by_role("button", name="Log in").click()
    page.page.get_by_label("Or paste the Markdown").fill(RECAP.read_text())
    page.page.get_by_role("button", name="Read the recap").click()

    page.page.get_by_role("link", name="Correct “Some thoughts”").click()
    page.page.get_by_label("Leave this entry out of the import").check()
    page.page.get_by_role("button", name="Save corrections").click()
    expect(page.page.get_by_text("Corrected “Some thoughts”.")).to_be_visible()
    expect(import_card(page, "some-thoughts").get_by_text("Left out")).to_be_visible()

    page.page.get_by_role("button", name="Import “Riverside Django 2031”").click()
    expect(page.page.get_by_text("4 entries created")).to_be_visible()
    assert not Entry.objects.filter(slug="some-thoughts").exists()


def test_the_review_page_and_its_form_are_accessible(page_factory, curator):  # noqa: F811
    page = page_factory(bypass_csp=True)  # axe is injected as an inline script
    log_in(page, "/manage/import/")
    assert axe_violations(page) == []
    page.page.get_by_label("Markdown file").set_input_files(str(RECAP))
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Read the recap").click()
    assert axe_violations(page) == []

    keynote = import_card(page, "boring-technology")
    keynote.get_by_role("link", name="Correct “Boring Technology”").click()
    expect(keynote.get_by_label("Kind")).to_be_focused()
    assert axe_violations(page) == []
