"""A curator merges a duplicate speaker and reverts it, in a real browser (and without JS)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from explorer.models import Credit, Person
from tests.browser.test_explore_browser import assert_no_console_errors
from tests.browser.test_inline_edit_browser import PASSWORD, log_in
from tests.conftest import make_curator

pytestmark = pytest.mark.browser


@pytest.fixture
def duplicate(archive_live, django_user_model):
    make_curator(django_user_model, "carla", password=PASSWORD)
    person = Person.objects.create(name="E. Martin", slug="e-martin")
    Credit.objects.create(
        entry=archive_live.us_2023.entries.get(slug="deploying-django"), person=person
    )
    return person


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_merge_a_duplicate_speaker_then_revert_it(archive_page_factory, duplicate, javascript):
    page = archive_page_factory(java_script_enabled=javascript)
    log_in(page, f"/manage/person/{duplicate.pk}/")
    page.page.get_by_role("link", name="Merge into…").click()
    expect(page.page.get_by_role("heading", level=1)).to_contain_text("“E. Martin” into…")
    options = page.page.get_by_role("group", name="Keep").get_by_role("radio")
    expect(options).to_have_count(1)  # "Élodie Martin" shares "martin"

    box = page.page.get_by_label("Find by name")
    if javascript:
        box.press_sequentially("sarah", delay=50)  # the list follows the typing
        expect(page.page.get_by_role("radio", name="Sarah Boyce")).to_be_visible()
        expect(page.page).to_have_url(page.base_url + f"/manage/person/{duplicate.pk}/merge/")
        box.fill("")
        box.press_sequentially("elodie", delay=50)
        expect(page.page.get_by_role("radio", name="Sarah Boyce")).to_have_count(0)
    else:
        box.fill("elodie")
        page.page.get_by_role("button", name="Review the merge").click()
    page.page.get_by_role("radio", name="Élodie Martin").check()
    page.page.get_by_role("button", name="Review the merge").click()
    expect(page.page.get_by_text("1 credit moves to “Élodie Martin”.")).to_be_visible()

    page.page.get_by_role("button", name="Merge into “Élodie Martin”").click()

    expect(page.page.get_by_role("heading", level=1)).to_contain_text("Élodie Martin")
    expect(page.page.get_by_text("Merged “E. Martin” into “Élodie Martin”")).to_be_visible()
    assert not Person.objects.filter(pk=duplicate.pk).exists()

    page.page.get_by_role("button", name="Revert the merge of “E. Martin”").click()

    expect(page.page.get_by_role("heading", level=1)).to_contain_text("E. Martin")
    expect(page.page.get_by_text("Reverted: “E. Martin” is back")).to_be_visible()
    assert Credit.objects.filter(person_id=duplicate.pk).count() == 1
    assert_no_console_errors(page)
