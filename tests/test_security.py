"""Security headers, HTTPS, cookies, login rate limiting, error pages, and user text
rendered inert on every page that shows it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape

from config import urls as project_urls
from explorer.models import Credit, Entry, EntryKind, PlaceKind
from tests.conftest import make_curator
from tests.factories import (
    CreditFactory,
    DayFactory,
    DishFactory,
    EntryFactory,
    LinkFactory,
    PersonFactory,
    PhotoFactory,
    PlaceFactory,
    RecapFactory,
    TopicFactory,
)


def boom(request):
    raise RuntimeError("boom")


# The project's URLs plus one that fails, for the 500 page (ROOT_URLCONF = __name__).
urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]


def directives(header: str) -> dict[str, list[str]]:
    """``"a 'x'; b y z"`` -> ``{"a": ["'x'"], "b": ["y", "z"]}``."""
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert directives(csp) == EXPECTED_CSP
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


# Headers


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        ("/", {}, 200),
        ("/", {"HX-Request": "true"}, 200),
        ("/?format=json", {}, 200),
        ("/?format=xml", {}, 400),
        ("/recaps/djangocon-us-2024/postgres-tricks/", {}, 200),
        ("/speakers/sarah-boyce/", {}, 200),
        ("/accounts/login/", {}, 200),
        ("/admin/login/", {}, 200),
        ("/manage/", {}, 302),
        ("/healthz", {}, 200),
        ("/no-such-page/", {}, 404),
    ],
)
def test_every_response_has_the_security_headers(client, conference, url, headers, status):
    response = client.get(url, headers=headers)

    assert response.status_code == status
    assert_security_headers(response)


def test_curator_pages_have_the_security_headers(client, conference, curator):
    client.force_login(curator)

    for url in ["/manage/", reverse("entry-list"), reverse("entry-history", args=[1])]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_security_headers(response)


def test_hsts_over_https_when_configured(client, conference, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    secure = client.get("/", secure=True)
    plain = client.get("/")

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_security_headers(secure)
    # Browsers ignore HSTS over plain HTTP; Django does not send it there.
    assert "Strict-Transport-Security" not in plain


def test_http_redirects_to_https_when_configured(client, conference, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/recaps/djangocon-us-2024/thanks/?x=1")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/recaps/djangocon-us-2024/thanks/?x=1"
    assert client.get("/", secure=True).status_code == 200


def test_behind_a_proxy_the_forwarded_protocol_counts(client, conference, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200


# Cookies


@pytest.fixture
def curator(django_user_model):
    return make_curator(django_user_model, password="a long curator password")


def test_cookies_are_http_only(client, curator):
    page = client.get(reverse("login"))
    assert page.cookies["csrftoken"]["httponly"] is True

    response = client.post(
        reverse("login"), {"username": "curator", "password": "a long curator password"}
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"] is True
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_cookies_are_secure_when_configured(client, curator, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True

    page = client.get(reverse("login"), secure=True)
    response = client.post(
        reverse("login"),
        {"username": "curator", "password": "a long curator password"},
        secure=True,
    )

    assert page.cookies["csrftoken"]["secure"] is True
    assert response.cookies["sessionid"]["secure"] is True


def test_htmx_gets_the_csrf_token_from_the_page(curator_client, conference):
    """CSRF_COOKIE_HTTPONLY is safe: htmx sends the token from hx-headers, not the cookie."""
    response = curator_client.get("/")

    assert b'hx-headers=\'{"X-CSRFToken": "' in response.content


def test_anonymous_visitors_get_no_csrf_token_nor_cookie(client, conference):
    """They post nothing with htmx: the explorer sets no cookie for them (the log-in
    page still does, for its form)."""
    response = client.get("/")

    assert b"X-CSRFToken" not in response.content
    assert "csrftoken" not in response.cookies
    assert "csrftoken" in client.get(reverse("login")).cookies


# Alpine under the CSP: its CSP build (3.14) evaluates no expressions, only names

# An Alpine directive in a template (x-data, x-on:click, x-bind:hidden, x-text, ...),
# not an htmx one (hx-get): its attribute name and value.
ALPINE_DIRECTIVE = re.compile(r'(?<![\w-])(x-[a-z]+(?::[\w.-]+)?)="([^"]*)"')
# What the CSP build resolves: a component, property or method name, or a dotted path.
ALPINE_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
TEMPLATE_DIRS = [
    Path(django_settings.BASE_DIR) / "explorer" / "templates",
    Path(django_settings.BASE_DIR) / "partials",
]


def test_alpine_directives_in_templates_are_names_the_csp_build_can_resolve():
    """``x-on:click="open = !open"`` would fail in the browser, and only there: the CSP
    build looks names up in the component's data, so logic lives in static/js/app.js."""
    found, expressions = 0, []
    for template in sorted(p for folder in TEMPLATE_DIRS for p in folder.rglob("*.html")):
        for name, value in ALPINE_DIRECTIVE.findall(template.read_text()):
            found += 1
            if not ALPINE_NAME.fullmatch(value):
                expressions.append(f"{template.name}: {name}={value!r}")

    assert found > 20  # the directives are found at all
    assert expressions == []


# Login rate limiting


def log_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_username_and_address_out(client, curator):
    for _ in range(4):
        response = log_in(client, "curator", "wrong")
        assert response.status_code == 200
        assert response.context["form"].errors

    locked = log_in(client, "curator", "wrong")

    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "Too many failed log-in attempts. Try again in 15 minutes." in locked.text
    assert 'class="site-header"' in locked.text
    assert_security_headers(locked)

    # Now even the right password is refused, and no session is opened.
    right = log_in(client, "curator", "a long curator password")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session

    # The count is in the database, shared by every app server.
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("curator", "127.0.0.1")
    assert attempt.failures_since_start >= 5


def test_a_lockout_is_per_username_and_address(client, curator, django_user_model):
    django_user_model.objects.create_user("other", password="another long password")
    for _ in range(5):
        log_in(client, "curator", "wrong")

    # The same address may still log in as someone else...
    assert log_in(Client(), "other", "another long password").status_code == 302
    # ...and the same user from another address.
    assert log_in(Client(), "curator", "a long curator password", "203.0.113.9").status_code == 302


def test_a_lockout_ends_after_fifteen_minutes(client, curator):
    for _ in range(5):
        log_in(client, "curator", "wrong")
    assert log_in(client, "curator", "a long curator password").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert log_in(client, "curator", "a long curator password").status_code == 302


def test_a_success_resets_the_count(client, curator):
    for _ in range(4):
        log_in(client, "curator", "wrong")
    assert log_in(client, "curator", "a long curator password").status_code == 302

    client.logout()
    for _ in range(4):
        assert log_in(client, "curator", "wrong").status_code == 200


def test_the_admin_login_is_rate_limited_too(client, django_user_model):
    django_user_model.objects.create_superuser("admin", password="an admin password here")
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"})

    assert response.status_code == 429


def test_client_login_needs_a_request_with_axes(client, curator):
    """For tests: ``client.login`` goes through axes, which needs the request."""
    from django.http import HttpRequest

    assert client.login(
        request=HttpRequest(), username="curator", password="a long curator password"
    )


# Error pages


def test_404_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_404_for_an_unknown_entry(client, conference):
    response = client.get("/recaps/djangocon-us-2024/nope/")

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_403_page_says_what_is_not_allowed(client, django_user_model, conference):
    client.force_login(django_user_model.objects.create_user("stranger"))

    response = client.get(reverse("entry-list"))

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "You may not view entries." in response.text


def test_csrf_failure_page(curator):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "curator", "password": "x"})

    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    assert "This form could not be sent" in response.text
    assert "<style" not in response.text


def test_400_page_for_a_disallowed_host(client, db):
    response = client.get("/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert "We could not read this request" in response.text


def test_500_page(client, db, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "500.html" in [t.name for t in response.templates]
    assert "Something went wrong on our side" in response.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text
    assert_security_headers(response)


def test_500_page_needs_no_request_nor_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert "<script" not in html
    assert "style=" not in html


# User text is inert everywhere it is shown.

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
]


class InertChecker(HTMLParser):
    """Collects what could run: scripts not from /static/, on* attributes, javascript: URLs."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script> not from /static/: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            scheme = "".join((value or "").split()).lower()
            if name in self.URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def assert_inert(html: str, where: str) -> None:
    checker = InertChecker()
    checker.feed(html)
    checker.close()
    assert checker.problems == [], where
    lowered = html.lower()
    assert 'href="javascript:' not in lowered, where
    assert " onerror=" not in lowered.replace("&lt;img src=x onerror=", ""), where


def url_for(payload: str) -> str:
    """The value a URL field holds: the payload itself when it is a URL."""
    return payload if payload.startswith("javascript:") else f"https://example.com/?next={payload}"


def hostile_world(payload: str) -> SimpleNamespace:
    """Every curator-editable text field holds ``payload``; written straight to the
    database, as if the forms' and the importer's validation had been bypassed."""
    summary = f"{payload}\n\n[click me](javascript:alert(1)) {payload}"
    recap = RecapFactory(name=payload, slug="hostile", author=payload, source_url=url_for(payload))
    day = DayFactory(recap=recap, label=payload, slug="day", summary=summary)
    person = PersonFactory(name=payload, slug="person", affiliation=payload)
    topic = TopicFactory(name=payload, slug="topic", description=payload)
    place = PlaceFactory(name=payload, slug="place", url=url_for(payload), kind=PlaceKind.CAFE)
    talk = EntryFactory(
        day=day,
        kind=EntryKind.TALK,
        title="Before",
        slug="talk",
        summary="Plain.",
        topics=[topic],
    )
    CreditFactory(entry=talk, person=person, role=Credit.Role.SPEAKER)
    # A second version, so that the history shows the payload as a change.
    talk.title = payload
    talk.summary = summary
    talk.save()
    food = EntryFactory(
        day=day, kind=EntryKind.FOOD, title=payload, slug="food", summary=summary, place=place
    )
    dish = DishFactory(entry=food, place=place, name=payload, description=payload)
    link = LinkFactory(entry=talk, title=payload, url=url_for(payload))
    photo = PhotoFactory(entry=talk, image="images/x.jpg", caption=payload)
    return SimpleNamespace(
        recap=recap,
        day=day,
        person=person,
        topic=topic,
        place=place,
        talk=Entry.objects.get(pk=talk.pk),
        food=food,
        dish=dish,
        link=link,
        photo=photo,
    )


CRUD_MODELS = ["recap", "day", "entry", "person", "topic", "place", "dish", "link", "photo"]


def hostile_pages(world: SimpleNamespace) -> dict[str, tuple[str, dict[str, str]]]:
    """Every page that shows the world's text: {name: (URL, request headers)}."""
    pages = {
        "explore": ("/", {}),
        "explore fragment": ("/", {"HX-Request": "true"}),
        "explore search": ("/?q=a", {}),
        "entry page": (world.talk.get_absolute_url(), {}),
        "food entry page": (world.food.get_absolute_url(), {}),
        "day page": (world.day.get_absolute_url(), {}),
        "speaker page": (world.person.get_absolute_url(), {}),
        "topic page": (world.topic.get_absolute_url(), {}),
        "place page": (world.place.get_absolute_url(), {}),
        "entry history": (reverse("entry-history", args=[world.talk.pk]), {}),
        "entry list fragment": (
            reverse("entry-list"),
            {"HX-Request": "true", "HX-Target": "crud-results"},
        ),
    }
    objects = {
        "recap": world.recap,
        "day": world.day,
        "entry": world.talk,
        "person": world.person,
        "topic": world.topic,
        "place": world.place,
        "dish": world.dish,
        "link": world.link,
        "photo": world.photo,
    }
    for name, obj in objects.items():
        pages[f"{name} list"] = (reverse(f"{name}-list"), {})
        for role in ("detail", "update", "delete"):
            pages[f"{name} {role}"] = (reverse(f"{name}-{role}", args=[obj.pk]), {})
    return pages


def check_pages(client: Client, world: SimpleNamespace, payload: str) -> list[str]:
    """The names of the pages that are not inert; the others must show the payload."""
    failures = []
    for name, (url, headers) in hostile_pages(world).items():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, name
        try:
            assert_inert(response.text, name)
        except AssertionError:
            failures.append(name)
        else:
            assert escape(payload) in response.text, f"{name} does not show the text at all"
    return sorted(failures)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_is_inert_on_every_page(client, curator, payload):
    world = hostile_world(payload)
    client.force_login(curator)

    failures = check_pages(client, world, payload)

    assert failures == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_and_filter_values_are_inert(client, conference, payload):
    for query in [
        {"q": payload},
        {"topic": payload},
        {"day": payload, "speaker": payload, "kind": payload},
        {"format": payload},
        {"speaker_q": payload},
    ]:
        for headers in [
            {},
            {"HX-Request": "true"},
            {"HX-Request": "true", "HX-Trigger": "speaker-q"},
        ]:
            response = client.get("/", query, headers=headers)
            assert response.status_code in (200, 400), query
            assert_inert(response.text, str(query))


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_json_carries_user_text_as_data(client, db, payload):
    hostile_world(payload)

    response = client.get("/?format=json")

    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    titles = [result["title"] for result in data["results"]]
    assert titles == [payload, payload]
    assert data["results"][0]["speakers"] == [payload]
    assert data["results"][0]["topics"] == [payload]
    # JSON escapes nothing it need not: "<" in a JSON string cannot start a tag.
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_exports_are_downloads_that_carry_user_text_as_data(client, curator, payload):
    world = hostile_world(payload)
    client.force_login(curator)

    as_json = client.get(reverse("recap-export-json", args=[world.recap.pk]))
    as_markdown = client.get(reverse("recap-export-markdown", args=[world.recap.pk]))

    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    assert payload in strings_in(json.loads(as_json.content))
    assert as_markdown["Content-Type"] == "text/markdown; charset=utf-8"
    for response in (as_json, as_markdown):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert_security_headers(response)


@pytest.mark.parametrize("field", ["url"])
def test_javascript_urls_are_refused_by_the_curator_forms(client, curator, field):
    client.force_login(curator)
    entry = EntryFactory()

    response = client.post(
        reverse("link-create"),
        {"entry": entry.pk, "title": "Click", field: "javascript:alert(1)", "order": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
