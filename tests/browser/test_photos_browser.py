"""Photos in Chromium: shown from a local server standing in for the image host,
under the real Content-Security-Policy; a photo that fails becomes its caption card."""

from __future__ import annotations

import socket

import pytest
from playwright.sync_api import expect

from tests.browser.test_security_browser import RECORD_VIOLATIONS
from tests.factories import PhotoFactory
from tests.test_security import directives

pytestmark = pytest.mark.browser

POSTGRES = "/recaps/djangocon-us-2024/postgres-tricks/"
ALL_LOADED = """() => {
  const images = [...document.querySelectorAll('img.photo-img')];
  return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
}"""


def closed_port() -> int:
    """A local port nothing listens on (the image host is "offline")."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def photos_page(page, conference_live, image_server):
    """The test recap's photos on the image server; the page records CSP violations."""
    recap = conference_live.recap
    recap.image_base = f"{image_server}/conf/"
    recap.save()
    postgres = conference_live.postgres
    postgres.photos.update(image="images/stage.png", order=0)
    PhotoFactory(entry=postgres, image="images/room.png", caption="The room", order=5)
    page.page.add_init_script(RECORD_VIOLATIONS)
    return page


def browser_own_errors(page, urls: list[str]) -> list[str]:
    """Console errors other than Chromium's own line for a failed image request.

    Chromium itself logs "Failed to load resource: net::ERR_CONNECTION_REFUSED"
    for an image whose host is down (not for a 404); no page can prevent that.
    """
    return [
        error
        for error in page.console_errors
        if not (error.startswith("Failed to load resource") and any(u in error for u in urls))
    ]


def test_photos_load_from_the_image_host_under_the_policy(photos_page, image_server):
    page = photos_page
    response = page.goto(POSTGRES)
    policy = directives(response.headers["content-security-policy"])
    assert policy["img-src"] == ["'self'", "data:", image_server]

    page.page.locator(".photo-list").scroll_into_view_if_needed()
    page.page.wait_for_function(ALL_LOADED)
    images = page.page.locator(".photo-list img.photo-img")
    expect(images).to_have_count(2)
    expect(images.first).to_have_attribute("alt", "A full room")
    expect(images.first).to_have_attribute("src", f"{image_server}/conf/images/stage.png")
    expect(page.page.locator(".photo-list figcaption").first).to_contain_text("A full room")
    # The 4:3 box is kept whatever the image's own shape (this one is 90 by 30 pixels).
    box = images.first.bounding_box()
    assert box["width"] / box["height"] == pytest.approx(4 / 3, abs=0.02)
    expect(page.page.locator(".photo--missing")).to_have_count(0)

    # The explorer's card shows the first photo.
    page.goto("/?day=day-2")
    page.page.wait_for_function(ALL_LOADED)
    card_images = page.page.locator(".card img.photo-img")
    expect(card_images).to_have_count(1)
    expect(card_images).to_have_attribute("src", f"{image_server}/conf/images/stage.png")

    assert page.page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def test_a_photo_that_fails_becomes_its_caption_card(photos_page, conference_live, image_server):
    page = photos_page
    offline = f"http://127.0.0.1:{closed_port()}/gone.png"
    postgres = conference_live.postgres
    PhotoFactory(entry=postgres, image="images/moved.png", caption="A moved photo", order=6)
    PhotoFactory(entry=postgres, image=offline, caption="An offline photo", order=7)

    page.goto(POSTGRES)
    page.page.locator(".photo-list").scroll_into_view_if_needed()
    missing = page.page.locator(".photo--missing")
    expect(missing).to_have_count(2)
    expect(missing.nth(0)).to_contain_text("A moved photo")
    expect(missing.nth(0).locator(".photo-path")).to_have_text("images/moved.png")
    expect(missing.nth(0).locator(".photo-placeholder")).to_be_visible()
    expect(missing.nth(1)).to_contain_text("An offline photo")
    # No broken image is left in the page, and the two others still show.
    expect(page.page.locator(".photo-list img")).to_have_count(2)
    page.page.wait_for_function(ALL_LOADED)

    assert page.page.evaluate("window.__cspViolations") == []
    assert browser_own_errors(page, [f"{image_server}/conf/images/moved.png", offline]) == []


def test_a_card_s_photo_that_fails_leaves_its_caption(photos_page, conference_live):
    page = photos_page
    conference_live.postgres.photos.filter(caption="A full room").update(image="images/nowhere.png")

    page.goto("/?day=day-2")
    photo = page.page.locator(".card .card-photo")
    expect(photo).to_have_class("card-photo photo--missing")
    expect(photo.locator("img")).to_have_count(0)
    expect(photo.locator("figcaption")).to_have_text("A full room")
    assert page.page.evaluate("window.__cspViolations") == []
