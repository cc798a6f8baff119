"""The site under its real Content-Security-Policy header, in Chromium: nothing is
blocked (no violation, no console error), filtering, the theme toggle, logging in,
the curator screens and the admin work, and a failed htmx request says so in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_curator

pytestmark = pytest.mark.browser

# Records every CSP violation of every document the page loads.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""
SETTLED = "() => !document.querySelector('#results').classList.contains('htmx-request')"
ERROR_MESSAGE = "Something went wrong loading this part of the page. Try again."
PASSWORD = "a long curator password"


@pytest.fixture
def csp_page(page):
    page.page.add_init_script(RECORD_VIOLATIONS)
    return page


def visit(page, path: str):
    """Open ``path``; check that the policy was sent and that nothing was blocked."""
    response = page.goto(path)
    assert response.ok, path
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.page.wait_for_load_state("load")
    assert_clean(page, path)
    return response


def assert_clean(page, where: str) -> None:
    assert page.page.evaluate("window.__cspViolations") == [], where
    assert page.console_errors == [], where


def log_in(page, username: str, path: str = "/accounts/login/") -> None:
    visit(page, path)
    page.page.locator("input[name=username]").fill(username)
    page.page.locator("input[name=password]").fill(PASSWORD)
    with page.page.expect_navigation():
        page.page.locator("form [type=submit]").click()


def test_explorer_entry_and_login_pages_run_under_the_policy(csp_page, conference_live):
    page = csp_page
    visit(page, "/")
    cards = page.page.locator(".card")
    expect(cards).to_have_count(9)

    # Filtering: a click swaps the results (htmx) under the policy.
    page.page.get_by_role("checkbox", name="Day 2").check()
    expect(cards).to_have_count(5)
    page.page.wait_for_function(SETTLED)
    assert page.page.url.endswith("/?day=day-2")

    # The theme toggle (Alpine's CSP build, our script file).
    html = page.page.locator("html")
    toggle = page.page.locator(".theme-toggle")
    before = html.get_attribute("data-theme")
    toggle.click()
    after = "light" if before == "dark" else "dark"
    expect(html).to_have_attribute("data-theme", after)
    expect(toggle).to_have_attribute("aria-pressed", "true" if after == "dark" else "false")
    assert_clean(page, "/ after filtering and toggling the theme")

    visit(page, conference_live.postgres.get_absolute_url())
    expect(page.page.locator("h1")).to_have_text("Postgres tricks")
    visit(page, "/accounts/login/")


def test_pages_with_photos_run_under_the_policy(csp_page, conference_live, image_server):
    """The policy lets in the recap's image host, and only it (explorer.csp)."""
    page = csp_page
    conference_live.recap.image_base = f"{image_server}/conf/"
    conference_live.recap.save()
    conference_live.postgres.photos.update(image="images/stage.png")

    for path in [conference_live.postgres.get_absolute_url(), "/?day=day-2"]:
        response = visit(page, path)
        img_src = response.headers["content-security-policy"].split("img-src ")[1].split(";")[0]
        assert img_src == f"'self' data: {image_server}"
        image = page.page.locator("img.photo-img").first
        image.scroll_into_view_if_needed()
        page.page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert_clean(page, path)


def test_logging_in_and_the_curator_screens_run_under_the_policy(
    csp_page, conference_live, django_user_model
):
    page = csp_page
    make_curator(django_user_model, password=PASSWORD)

    log_in(page, "curator")
    assert page.page.url.endswith("/")
    assert_clean(page, "after logging in")
    expect(page.page.locator(".user-name")).to_have_text("curator")

    visit(page, "/manage/")
    visit(page, "/manage/entry/")
    expect(page.page.locator("table tbody tr")).to_have_count(9)
    visit(page, f"/manage/entry/{conference_live.postgres.pk}/")
    visit(page, f"/manage/entry/{conference_live.postgres.pk}/edit/")
    visit(page, f"/manage/entry/{conference_live.postgres.pk}/history/")


def test_the_admin_runs_under_the_policy(csp_page, conference_live, django_user_model):
    page = csp_page
    django_user_model.objects.create_superuser("admin", password=PASSWORD)

    log_in(page, "admin", "/admin/login/?next=/admin/")
    assert page.page.url.endswith("/admin/")
    assert_clean(page, "admin index")
    visit(page, "/admin/explorer/entry/")
    visit(page, f"/admin/explorer/entry/{conference_live.postgres.pk}/change/")
    expect(page.page.locator("#id_title")).to_have_value("Postgres tricks")
    # The admin's own scripts run: its sidebar toggle (nav_sidebar.js) works.
    main = page.page.locator("#main")
    expect(main).to_have_class(re.compile(r"\bshifted\b"))
    page.page.locator("#toggle-nav-sidebar").click()
    expect(main).not_to_have_class(re.compile(r"\bshifted\b"))
    visit(page, "/admin/explorer/entry/add/")


def test_a_locked_out_login_shows_the_lockout_page(csp_page, conference_live, django_user_model):
    page = csp_page
    make_curator(django_user_model, password=PASSWORD)
    visit(page, "/accounts/login/")
    for attempt in range(5):
        page.page.locator("input[name=username]").fill("curator")
        page.page.locator("input[name=password]").fill(f"wrong {attempt}")
        with page.page.expect_navigation() as navigation:
            page.page.locator("form [type=submit]").click()

    assert navigation.value.status == 429
    expect(page.page.get_by_role("alert")).to_have_text(
        "Too many failed log-in attempts. Try again in 15 minutes."
    )
    assert page.page.evaluate("window.__cspViolations") == []
    # The browser logs the 429 itself; nothing else may fail.
    assert [e for e in page.console_errors if "429" not in e] == []


def fail_htmx_requests(page, how: str) -> None:
    def handle(route):
        if route.request.headers.get("hx-request") == "true":
            if how == "abort":
                route.abort()
            else:
                route.fulfill(status=500, body="Server Error", content_type="text/html")
        else:
            route.continue_()

    page.page.route(re.compile(r".*"), handle)


@pytest.mark.parametrize("how", ["500", "abort"])
def test_a_failed_fragment_request_says_so_and_keeps_the_cards(csp_page, conference_live, how):
    page = csp_page
    visit(page, "/")
    cards = page.page.locator(".card")
    expect(cards).to_have_count(9)
    alert = page.page.locator(".htmx-error")

    fail_htmx_requests(page, how)
    with page.page.expect_event("requestfailed" if how == "abort" else "requestfinished"):
        page.page.get_by_role("checkbox", name="Day 2").check()
    page.page.wait_for_function(SETTLED)

    expect(alert).to_have_count(1)
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_have_text(ERROR_MESSAGE)
    # The page was not wiped: the cards and filters are still there.
    expect(cards).to_have_count(9)
    expect(page.page.locator("#filters")).to_be_visible()

    # A second failure shows one message, not two.
    page.page.get_by_role("checkbox", name="Day 1").check()
    page.page.wait_for_function(SETTLED)
    expect(alert).to_have_count(1)

    # The next successful swap clears it.
    page.page.unroute(re.compile(r".*"))
    page.page.get_by_role("checkbox", name="Day 1").uncheck()
    expect(alert).to_have_count(0)
    expect(cards).to_have_count(5)
    assert page.page.evaluate("window.__cspViolations") == []
    # Chromium logs the failed request itself; nothing else may fail.
    others = [
        error
        for error in page.console_errors
        if "500" not in error and "ERR_FAILED" not in error and "htmx" not in error.lower()
    ]
    assert others == []
