"""Conditional GET: the explorer answers 304 to a client whose copy is current."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.factories import CreditFactory, PersonFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("url", "headers"),
    [("/", {}), ("/?day=day-1", HX), ("/?format=json&topic=databases", {})],
)
def test_200_then_304_then_200_after_an_edit(client, conference, url, headers):
    first = client.get(url, headers=headers)
    assert first.status_code == 200
    etag = first["ETag"]

    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""

    conference.orm.title = "Faster tests with the ORM"
    conference.orm.save()
    edited = client.get(url, headers={**headers, "If-None-Match": etag})
    assert edited.status_code == 200
    assert edited["ETag"] != etag


def test_the_etag_differs_by_query_fragment_and_format(client, conference):
    etags = {
        client.get("/")["ETag"],
        client.get("/?day=day-1")["ETag"],
        client.get("/", headers=HX)["ETag"],
        client.get("/?format=json")["ETag"],
        client.get("/?page=2")["ETag"],
    }
    assert len(etags) == 5


@pytest.mark.parametrize(
    "edit",
    ["rename_person", "new_credit", "rename_topic", "rename_place", "delete_entry", "rename_day"],
)
def test_every_kind_of_curator_edit_changes_the_etag(client, conference, edit):
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304

    if edit == "rename_person":
        conference.carlton.name = "Carlton G."
        conference.carlton.save()
    elif edit == "new_credit":
        CreditFactory(entry=conference.note, person=PersonFactory(name="New Person"))
    elif edit == "rename_topic":
        conference.testing.name = "Tests"
        conference.testing.save()
    elif edit == "rename_place":
        conference.cafe.name = "Cocoa"
        conference.cafe.save()
    elif edit == "delete_entry":
        conference.note.delete()
    elif edit == "rename_day":
        conference.day1.label = "Monday"
        conference.day1.save()

    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_a_generated_archive_and_its_removal_change_the_etag(client, conference):
    """Bulk writes leave no history: the entries' newest id and the recap count show them."""
    before = client.get("/?format=json")["ETag"]
    call_command("generate_archive", "--entries", "20", stdout=StringIO())
    with_archive = client.get("/?format=json")
    assert with_archive["ETag"] != before
    assert with_archive.json()["count"] == 29

    call_command("generate_archive", "--entries", "0", "--clear", stdout=StringIO())
    after = client.get("/?format=json", headers={"If-None-Match": with_archive["ETag"]})
    assert after.status_code == 200
    assert after.json()["count"] == 9


def test_a_page_asked_for_under_another_address_is_its_own(client, conference, settings):
    """The link preview's addresses are absolute: a copy made for one host is not
    served under another."""
    settings.ALLOWED_HOSTS = ["recaps.example.org", "mirror.example.net"]
    first = client.get("/", HTTP_HOST="recaps.example.org").content.decode()
    second = client.get("/", HTTP_HOST="mirror.example.net").content.decode()

    assert "http://recaps.example.org/" in first
    assert "http://mirror.example.net/" in second
    assert "recaps.example.org" not in second


def test_a_login_changes_the_etag(client, conference, django_user_model):
    etag = client.get("/")["ETag"]
    client.force_login(django_user_model.objects.create_user("curator"))

    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


# -- the answer cache (explorer.views.cached_by_etag) ------------------------------


def test_a_repeated_fragment_is_served_from_the_cache(client, conference):
    first = client.get("/?day=day-1", headers=HX)
    assert first.status_code == 200

    with CaptureQueriesContext(connection) as captured:
        second = client.get("/?day=day-1", headers=HX)

    assert second.content == first.content
    assert len(captured) == 1  # the data version only
    assert "HX-Request" in second["Vary"]
    assert second["ETag"] == first["ETag"]


def test_an_edit_is_seen_at_once(client, conference):
    client.get("/?format=json")
    conference.orm.title = "Faster tests"
    conference.orm.save()

    titles = [r["title"] for r in client.get("/?format=json").json()["results"]]
    assert "Faster tests" in titles


def test_an_anonymous_full_page_is_served_from_the_cache(client, conference):
    """It embeds no CSRF token, so it is the same for every anonymous visitor."""
    first = client.get("/?topic=databases")
    assert "csrftoken" not in first.cookies

    with CaptureQueriesContext(connection) as captured:
        second = client.get("/?topic=databases")

    assert len(captured) == 1  # the data version only
    assert second.content == first.content


def test_curators_are_never_served_from_the_cache(client, conference, django_user_model):
    client.force_login(django_user_model.objects.create_user("curator"))
    for url in ("/", "/?format=json"):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        assert len(captured) > 1, url


def test_a_visitor_with_a_message_waiting_sees_it(client, conference):
    """A message queued before logging out (kept in a cookie) is shown on the next
    page, even when an anonymous copy of that page is in the cache."""
    client.get("/")  # cached
    storage = CookieStorage(RequestFactory().get("/"))
    response = HttpResponse()
    storage.add(messages.SUCCESS, "Deleted topic “Testing”.")
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value

    page = client.get("/")

    assert "Deleted topic “Testing”." in page.content.decode()
    assert client.get("/").content.decode().count("Deleted topic") == 0  # shown once


def test_the_cache_can_be_turned_off(client, conference, settings):
    settings.EXPLORER_CACHE_SECONDS = 0
    client.get("/?format=json")
    with CaptureQueriesContext(connection) as captured:
        client.get("/?format=json")
    assert len(captured) > 1


def test_every_answer_varies_on_the_headers_that_pick_it(client, conference):
    """Full page, fragment, cached fragment and 304 alike, so that no cache mixes them up."""
    fresh = client.get("/?day=day-1", headers=HX)
    cached = client.get("/?day=day-1", headers=HX)
    not_modified = client.get("/?day=day-1", headers={**HX, "If-None-Match": fresh["ETag"]})

    assert not_modified.status_code == 304
    for response in (client.get("/"), fresh, cached, not_modified):
        vary = {h.strip() for h in response["Vary"].split(",")}
        assert {"HX-Request", "HX-Trigger", "HX-History-Restore-Request"} <= vary
