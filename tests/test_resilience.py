"""explorer.resilience: the 503 page while the database is away, and bodies cut off halfway.

The database is made unavailable by making every new cursor fail the way a
stopped server makes Django fail (``OperationalError``); ``make faulttest`` stops
a real PostgreSQL.
"""

from __future__ import annotations

import io
import logging
import runpy
from urllib.parse import urlencode

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import UnreadablePostError
from django.template.loader import render_to_string
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from config.settings import BASE_DIR
from explorer.models import Entry, Topic
from explorer.resilience import (
    ClientDisconnected,
    WholeBody,
    WholeBodyMiddleware,
    require_whole_body,
)
from tests.curation.test_inline_edit import edit_url, open_form

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
UNAVAILABLE = "Recap Explorer is briefly unavailable"


@pytest.fixture
def database_down(monkeypatch):
    """From now on every query fails as if the server had been stopped."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert UNAVAILABLE in html
    assert "Traceback" not in html
    assert "port 5432" not in html  # the reason goes to the log only
    assert "/static/css/site.css" in html


def test_explorer_page_is_the_503_page(client, conference, database_down, caplog):
    with caplog.at_level(logging.ERROR, logger="explorer.resilience"):
        response = client.get("/")

    assert_unavailable_page(response)
    # One line in the log, with the reason, and no traceback.
    (record,) = [r for r in caplog.records if r.name == "explorer.resilience"]
    assert "Database unavailable (GET /)" in record.getMessage()
    assert "port 5432" in record.getMessage()
    assert record.exc_info is None


def test_503_page_needs_no_request_nor_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("503.html")

    assert UNAVAILABLE in html
    assert "<title>Briefly unavailable · Recap Explorer</title>" in html
    assert "<script" not in html
    assert "style=" not in html


def test_htmx_fragment_is_a_503_too(client, conference, database_down):
    # htmx swaps no 5xx answer: static/js/app.js shows its message instead.
    response = client.get("/?topic=testing", headers=HTMX)

    assert_unavailable_page(response)


def test_json_answer_is_a_503_in_json(client, conference, database_down):
    response = client.get("/?format=json")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "errors": {"database": ["The database is not answering: try again in a moment."]}
    }


def test_detail_page_is_the_503_page(client, conference, database_down):
    assert_unavailable_page(client.get(conference.keynote.get_absolute_url()))


def test_a_curators_save_is_the_503_page_and_writes_nothing(
    curator_client, conference, monkeypatch
):
    entry = conference.keynote
    url = reverse("entry-inline-edit", kwargs={"pk": entry.pk})

    def refuse(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = curator_client.post(url, {"entry-1-summary": "lost?"}, headers=HTMX)
    monkeypatch.undo()

    assert_unavailable_page(response)
    assert Entry.objects.get(pk=entry.pk).summary == entry.summary


class FailingMiddleware:
    """Fails on the way in, outside any view (as a session saved on the way out can)."""

    error: Exception = OperationalError("server closed the connection unexpectedly")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise self.error


@pytest.fixture
def failing_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailingMiddleware"]
    return FailingMiddleware


def test_database_error_outside_a_view_is_the_503_page_too(failing_middleware, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="explorer.resilience"):
        response = client.get("/")

    assert_unavailable_page(response)
    assert "server closed the connection unexpectedly" in caplog.text


def test_other_errors_are_still_the_500_page(failing_middleware, monkeypatch):
    monkeypatch.setattr(FailingMiddleware, "error", ValueError("a bug"))
    client = Client(raise_request_exception=False)

    response = client.get("/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_healthz_names_the_database_and_logs_one_line(client, database_down, caplog):
    with caplog.at_level(logging.ERROR, logger="explorer.health"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "failed", "static": "ok"}}
    (record,) = [r for r in caplog.records if r.name == "explorer.health"]
    assert "port 5432" in record.getMessage()
    assert record.exc_info is None


def test_connect_timeout_comes_from_the_environment(monkeypatch):
    def options(url: str, timeout: str | None = None) -> dict:
        monkeypatch.setenv("DATABASE_URL", url)
        if timeout is None:
            monkeypatch.delenv("DATABASE_CONNECT_TIMEOUT", raising=False)
        else:
            monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", timeout)
        # The settings module run afresh, without touching the settings in use.
        namespace = runpy.run_path(str(BASE_DIR / "config" / "settings.py"))
        return namespace["DATABASES"]["default"].get("OPTIONS", {})

    url = "postgres://recap:recap@127.0.0.1:5432/recap"
    assert options(url)["connect_timeout"] == 5
    assert options(url, "2")["connect_timeout"] == 2
    # The URL's own option wins.
    assert options(f"{url}?connect_timeout=9", "2")["connect_timeout"] == 9
    # SQLite has its lock timeout instead.
    assert "connect_timeout" not in options("sqlite:///:memory:", "2")


# -- Bodies cut off halfway ---------------------------------------------------------


def test_whole_body_reads_like_the_stream_when_all_of_it_arrives():
    body = WholeBody(io.BytesIO(b"line one\nline two\n"), 18)

    assert body.readline() == b"line one\n"
    assert body.read(4) == b"line"
    assert body.read() == b" two\n"
    assert body.read() == b""


def test_whole_body_raises_when_the_stream_ends_early():
    with pytest.raises(ClientDisconnected, match="10 bytes short"):
        WholeBody(io.BytesIO(b"half"), 14).read()
    body = WholeBody(io.BytesIO(b"half\n"), 14)
    assert body.readline() == b"half\n"
    with pytest.raises(ClientDisconnected):
        body.readline()


def test_require_whole_body_wraps_only_requests_with_a_body():
    seen = {}

    def app(environ, start_response):
        seen["input"] = environ["wsgi.input"]
        return []

    wrapped = require_whole_body(app)
    stream = io.BytesIO(b"")
    wrapped({"wsgi.input": stream, "CONTENT_LENGTH": ""}, None)
    assert seen["input"] is stream
    wrapped({"wsgi.input": stream, "CONTENT_LENGTH": "12"}, None)
    assert isinstance(seen["input"], WholeBody)


def cut_off(client: Client, url: str, body: bytes, content_type: str, keep: int, **headers):
    """POST ``body``, of which only the first ``keep`` bytes arrive before the client goes.

    ``wsgi.input`` is what ``config.wsgi`` hands Django: the stream wrapped by
    ``require_whole_body``. Without that, Django would read the bytes that came as
    the whole form.
    """
    stream = WholeBody(io.BytesIO(body[:keep]), len(body))
    return client.generic(
        "POST",
        url,
        body,
        content_type=content_type,
        headers=headers,
        **{"wsgi.input": stream, "CONTENT_LENGTH": str(len(body))},
    )


def test_a_form_cut_off_halfway_creates_nothing(curator_client):
    url = reverse("topic-create")
    fields = {"name": "Half a topic name", "slug": "", "description": "", "keywords": "a\nb"}
    # CSRF from the header, as htmx sends it: the cut cannot fall before the token.
    curator_client.get(url)
    token = curator_client.cookies["csrftoken"].value
    body = encode_multipart(BOUNDARY, fields)
    keep = body.index(b"Half a topic") + len(b"Half a topic")

    response = cut_off(curator_client, url, body, MULTIPART_CONTENT, keep, X_CSRFToken=token)

    assert response.status_code == 400
    assert not Topic.objects.filter(name__startswith="Half").exists()
    assert Topic.history.filter(name__startswith="Half").count() == 0


def test_an_inline_save_cut_off_in_its_summary_saves_nothing(curator_client, conference):
    entry = conference.keynote
    data = open_form(curator_client, entry, headers=HTMX)
    versions = entry.history.count()
    summary = f"entry-{entry.pk}-summary"
    data.pop(summary)
    # The summary last, so that the body without its end is still a valid form.
    body = (urlencode(data, doseq=True) + f"&{summary}=Cut+here+and").encode()

    response = cut_off(
        curator_client,
        edit_url(entry),
        body,
        "application/x-www-form-urlencoded",
        len(body) - len("+and"),
        HX_Request="true",
        X_CSRFToken=curator_client.cookies["csrftoken"].value,
    )

    assert response.status_code == 400
    assert response.content.decode() == "The request's body did not arrive whole: nothing was done."
    entry.refresh_from_db()
    assert entry.summary == "Where Django stands, and where it goes next."
    assert entry.history.count() == versions


def test_a_body_read_short_by_a_view_is_a_400(rf):
    # A view reading a body that is not form data (request.body) finds out there.
    middleware = WholeBodyMiddleware(lambda request: None)
    response = middleware.process_exception(rf.post("/"), UnreadablePostError("cut off"))

    assert response.status_code == 400
    assert middleware.process_exception(rf.post("/"), ValueError("a bug")) is None


def test_whole_bodies_still_save(curator_client, conference):
    # The middleware reads every POST first: a normal save is unaffected.
    url = reverse("topic-create")
    curator_client.get(url)
    response = curator_client.post(url, {"name": "Whole topic", "slug": "", "keywords": ""})

    assert response.status_code in (302, 303)
    assert Topic.objects.filter(name="Whole topic").exists()
