"""An entry's history for curators: who changed what, and reverting to a version."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from explorer.curation.history import mark
from explorer.models import Credit, Entry, Link, Person
from tests.factories import (
    DayFactory,
    EntryFactory,
    LinkFactory,
    PersonFactory,
    RecapFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def talk() -> SimpleNamespace:
    """A talk as an import leaves it: one topic, one speaker, one link."""
    recap = RecapFactory(name="DjangoCon Europe 2025", slug="djangocon-europe-2025")
    day = DayFactory(recap=recap, label="Day 1", slug="day-1")
    orm = TopicFactory(name="ORM", slug="orm")
    testing = TopicFactory(name="Testing", slug="testing")
    ada = PersonFactory(name="Ada Lovelace", slug="ada-lovelace")
    grace = PersonFactory(name="Grace Hopper", slug="grace-hopper")
    entry = EntryFactory(
        day=day,
        title="Queries",
        slug="queries",
        summary="How the ORM builds queries.",
        topics=[orm],
        speakers=[ada],
    )
    link = LinkFactory(entry=entry, title="Slides", url="https://example.com/slides/", order=0)
    return SimpleNamespace(
        recap=recap, day=day, orm=orm, testing=testing, ada=ada, grace=grace, entry=entry, link=link
    )


def make_user(django_user_model, username: str, group: str | None = None, perms=()):
    user = django_user_model.objects.create_user(username, first_name="", last_name="")
    if group:
        user.groups.add(Group.objects.get(name=group))
    if perms:
        user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    return user


def entry_form(entry: Entry, *, credits=None, **fields) -> dict:
    """The entry form as a curator submits it: the saved values, then ``fields``.

    ``credits`` is the wanted list of (person, role): saved credits not in it are
    ticked for deletion, new people are added as new rows.
    """
    entry = Entry.objects.get(pk=entry.pk)
    data = {
        "recap": entry.recap_id,
        "day": entry.day_id,
        "kind": entry.kind,
        "title": entry.title,
        "slug": entry.slug,
        "summary": entry.summary,
        "order": entry.order,
        "anchor": entry.anchor,
        "place": entry.place_id or "",
        "topics": [topic.pk for topic in entry.topics.all()],
        "version": entry.version,
    }
    data.update(fields)
    saved = list(entry.credits.order_by("order", "pk"))
    wanted = (
        dict((person.pk, role) for person, role in credits)
        if credits is not None
        else {c.person_id: c.role for c in saved}
    )
    rows = []
    for credit in saved:
        row = {"id": credit.pk, "entry": entry.pk, "person": credit.person_id}
        row |= {"role": wanted.get(credit.person_id, credit.role), "order": credit.order}
        if credit.person_id not in wanted:
            row["DELETE"] = "on"
        rows.append(row)
    saved_people = {credit.person_id for credit in saved}
    for person_id, role in wanted.items():
        if person_id not in saved_people:
            rows.append({"person": person_id, "role": role, "order": len(rows)})
    data |= {
        "credits-TOTAL_FORMS": len(rows),
        "credits-INITIAL_FORMS": len(saved),
        "credits-MIN_NUM_FORMS": 0,
        "credits-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data |= {f"credits-{index}-{name}": value for name, value in row.items()}
    return data


def edit(client: Client, entry: Entry, **kwargs):
    response = client.post(
        reverse("entry-update", kwargs={"pk": entry.pk}), entry_form(entry, **kwargs)
    )
    assert response.status_code == 302, response.context["form"].errors
    return response


def history_page(client: Client, entry: Entry, **kwargs):
    response = client.get(reverse("entry-history", kwargs={"pk": entry.pk}), **kwargs)
    assert response.status_code == 200
    return response


def changes(version) -> dict[str, tuple[list[str], list[str]]]:
    return {change.field: (change.old, change.new) for change in version.changes}


# -- What the history shows


def test_a_curator_edit_is_recorded_with_who_when_old_and_new(curator_client, talk):
    before = timezone.now()
    edit(curator_client, talk.entry, title="Better queries", summary="Fewer, faster queries.")

    response = history_page(curator_client, talk.entry)

    latest, created = response.context["versions"]
    assert (latest.who, latest.kind, latest.number, latest.current) == (
        "curator",
        "Changed",
        2,
        True,
    )
    assert before <= latest.when <= timezone.now()
    assert changes(latest) == {
        "title": (["Queries"], ["Better queries"]),
        "summary": (["How the ORM builds queries."], ["Fewer, faster queries."]),
    }
    assert (created.who, created.kind, created.number) == ("import/system", "Created", 1)
    assert changes(created)["title"] == ([], ["Queries"])
    assert changes(created)["credits"] == ([], ["Ada Lovelace (Speaker)"])
    html = response.content.decode()
    assert 'by <span class="crud-version__who">curator</span>' in html
    assert "<del>Queries</del>" in html and "<ins>Better queries</ins>" in html
    # The rows themselves name the curator.
    assert talk.entry.history.first().history_user.username == "curator"


def test_a_speaker_change_shows_in_the_history(curator_client, talk):
    edit(curator_client, talk.entry, credits=[(talk.grace, "host")], topics=[talk.testing.pk])

    latest, _ = history_page(curator_client, talk.entry).context["versions"]

    # One save (entry, topics, credits) is one version.
    assert changes(latest) == {
        "topics": (["ORM"], ["Testing"]),
        "credits": (["Ada Lovelace (Speaker)"], ["Grace Hopper (Host)"]),
    }


def test_a_link_edited_on_its_own_screen_is_a_version_of_the_entry(curator_client, talk):
    curator_client.post(
        reverse("link-update", kwargs={"pk": talk.link.pk}),
        {"entry": talk.entry.pk, "title": "Slides (PDF)", "url": talk.link.url, "order": 0},
    )

    latest, _ = history_page(curator_client, talk.entry).context["versions"]

    assert latest.who == "curator"
    assert changes(latest) == {
        "links": (
            ["Slides <https://example.com/slides/>"],
            ["Slides (PDF) <https://example.com/slides/>"],
        )
    }
    assert latest.history_id is not None  # it can be reverted to


def test_history_page_links_and_revert_buttons(curator_client, talk):
    edit(curator_client, talk.entry, title="Second")
    edit(curator_client, talk.entry, title="Third")
    url = reverse("entry-history", kwargs={"pk": talk.entry.pk})

    response = history_page(curator_client, talk.entry)

    html = response.content.decode()
    versions = response.context["versions"]
    assert [v.number for v in versions] == [3, 2, 1]
    # Every older version can be reverted to, the current one cannot.
    for version in versions[1:]:
        revert = reverse(
            "entry-revert", kwargs={"pk": talk.entry.pk, "history_id": version.history_id}
        )
        assert f'action="{revert}"' in html
    assert html.count("Revert to this version") == 2
    assert "HX-Request" in response["Vary"]
    for page in ("entry-detail", "entry-update"):
        linked = curator_client.get(reverse(page, kwargs={"pk": talk.entry.pk}))
        assert f'href="{url}"' in linked.content.decode()


def test_history_page_for_htmx_is_the_whole_page(curator_client, talk):
    response = history_page(curator_client, talk.entry, headers=HTMX)

    assert b"<html" in response.content
    assert "HX-Request" in response["Vary"]


def test_user_text_is_escaped_in_the_history(curator_client, talk):
    edit(
        curator_client,
        talk.entry,
        title="<script>alert('title')</script>",
        summary='<img src=x onerror="alert(1)">',
    )
    Link.objects.create(entry=talk.entry, title="<b>bold</b>", url="https://example.com/x")

    html = history_page(curator_client, talk.entry).content.decode()

    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


# -- Reverting


def test_revert_restores_everything_in_one_step(curator_client, curator, talk):
    entry = talk.entry
    edit(
        curator_client,
        entry,
        title="Rewritten",
        summary="Another summary.",
        topics=[talk.testing.pk],
        credits=[(talk.grace, "host")],
    )
    curator_client.post(
        reverse("link-update", kwargs={"pk": talk.link.pk}),
        {"entry": entry.pk, "title": "Video", "url": "https://example.com/video/", "order": 0},
    )
    curator_client.post(
        reverse("link-create"),
        {"entry": entry.pk, "title": "Code", "url": "https://example.com/code/", "order": 1},
    )
    entry.refresh_from_db()
    version_before = entry.version
    versions = history_page(curator_client, entry).context["versions"]
    assert len(versions) == 4
    first = versions[-1]

    response = curator_client.post(
        reverse("entry-revert", kwargs={"pk": entry.pk, "history_id": first.history_id})
    )

    url = reverse("entry-history", kwargs={"pk": entry.pk})
    assert response.status_code == 302
    assert response["Location"] == url
    entry.refresh_from_db()
    assert entry.title == "Queries"
    assert entry.summary == "How the ORM builds queries."
    assert list(entry.topics.values_list("name", flat=True)) == ["ORM"]
    assert [(c.person.name, c.role) for c in entry.credits.all()] == [("Ada Lovelace", "speaker")]
    assert list(entry.links.values_list("title", "url")) == [
        ("Slides", "https://example.com/slides/")
    ]
    assert entry.version == version_before + 1
    # The revert is one new version, by the curator, saying what it did.
    page = history_page(curator_client, entry)
    latest = page.context["versions"][0]
    assert len(page.context["versions"]) == 5
    assert (latest.kind, latest.who, latest.number) == ("Reverted", "curator", 5)
    local = timezone.localtime(first.when)
    assert latest.reason == f"Reverted to version of {local:%Y-%m-%d %H:%M:%S}"
    assert entry.history.first().history_change_reason == latest.reason
    assert entry.history.first().history_user == curator
    assert changes(latest)["title"] == (["Rewritten"], ["Queries"])
    assert changes(latest)["credits"] == (["Grace Hopper (Host)"], ["Ada Lovelace (Speaker)"])
    assert "Reverted “Queries” to version 1" in page.content.decode()


def test_revert_to_a_middle_version(curator_client, talk):
    edit(curator_client, talk.entry, title="Second", credits=[(talk.ada, "host")])
    edit(curator_client, talk.entry, title="Third", credits=[])
    middle = history_page(curator_client, talk.entry).context["versions"][1]

    curator_client.post(
        reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": middle.history_id})
    )

    talk.entry.refresh_from_db()
    assert talk.entry.title == "Second"
    assert [(c.person.name, c.role) for c in talk.entry.credits.all()] == [("Ada Lovelace", "host")]


def test_revert_for_htmx_redirects_the_page(curator_client, talk):
    edit(curator_client, talk.entry, title="Second")
    first = history_page(curator_client, talk.entry).context["versions"][-1]

    response = curator_client.post(
        reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": first.history_id}),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("entry-history", kwargs={"pk": talk.entry.pk})
    talk.entry.refresh_from_db()
    assert talk.entry.title == "Queries"


def test_reverting_to_the_current_version_changes_nothing(curator_client, talk):
    edit(curator_client, talk.entry, title="Second")
    talk.entry.refresh_from_db()
    current = history_page(curator_client, talk.entry).context["versions"][0]

    response = curator_client.post(
        reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": current.history_id}),
        follow=True,
    )

    assert "already the current version" in response.content.decode()
    assert Entry.objects.get(pk=talk.entry.pk).version == talk.entry.version


def test_revert_of_another_entrys_version_is_not_found(curator_client, talk):
    other = EntryFactory(day=talk.day, title="Other", slug="other")
    record = other.history.first()

    response = curator_client.post(
        reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": record.history_id})
    )

    assert response.status_code == 404


def test_revert_skips_people_deleted_since(curator_client, talk):
    edit(curator_client, talk.entry, credits=[(talk.grace, "speaker")])
    first = history_page(curator_client, talk.entry).context["versions"][-1]
    Person.objects.filter(pk=talk.ada.pk).delete()

    response = curator_client.post(
        reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": first.history_id}),
        follow=True,
    )

    assert not talk.entry.credits.exists()
    assert "1 credit was not restored" in response.content.decode()


def test_revert_refused_when_its_slug_is_taken(curator_client, talk):
    edit(curator_client, talk.entry, slug="renamed")
    EntryFactory(day=talk.day, title="Queries again", slug="queries")
    first = history_page(curator_client, talk.entry).context["versions"][-1]

    response = curator_client.post(
        reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": first.history_id}),
        follow=True,
    )

    assert "Nothing was reverted" in response.content.decode()
    assert Entry.objects.get(pk=talk.entry.pk).slug == "renamed"


# -- Permissions: anonymous, no permission, view only, curator; GET and POST; page and htmx.

ROLES = ["anonymous", "stranger", "viewer", "curator"]
# (url name, method) → the answer to each role, in ROLES' order ("login": sent to log in).
EXPECTED = {
    ("entry-history", "get"): ("login", 403, 200, 200),
    ("entry-history", "post"): ("login", 403, 405, 405),
    ("entry-revert", "get"): ("login", 403, 403, 405),
    ("entry-revert", "post"): ("login", 403, 403, 302),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), list(EXPECTED))
def test_permissions(client, django_user_model, talk, name, method, role, htmx):
    match role:
        case "stranger":
            client.force_login(make_user(django_user_model, "stranger"))
        case "viewer":
            view_all = Permission.objects.filter(codename__startswith="view_")
            user = make_user(django_user_model, "viewer")
            user.user_permissions.set(view_all)
            client.force_login(user)
        case "curator":
            client.force_login(make_user(django_user_model, "curator", group="Curators"))
    talk.entry.title = "Changed"
    talk.entry.version += 1
    talk.entry.save()  # a second version, to revert from
    first = talk.entry.history.order_by("history_date", "history_id").first()
    kwargs = {"pk": talk.entry.pk}
    if name == "entry-revert":
        kwargs["history_id"] = first.history_id
    url = reverse(name, kwargs=kwargs)
    rows = Entry.history.count()

    response = getattr(client, method)(url, headers=HTMX if htmx else {})

    expected = EXPECTED[(name, method)][ROLES.index(role)]
    if expected != 403:
        assert "HX-Request" in response["Vary"]
    if expected == "login":
        login = f"/accounts/login/?next={quote(url)}"
        if htmx:
            assert (response.status_code, response["HX-Redirect"]) == (200, login)
        else:
            assert (response.status_code, response["Location"]) == (302, login)
    elif expected == 302 and htmx:
        assert response.status_code == 200
        assert response["HX-Redirect"] == reverse("entry-history", kwargs={"pk": talk.entry.pk})
    else:
        assert response.status_code == expected
    reverted = expected == 302
    assert Entry.objects.get(pk=talk.entry.pk).title == ("Queries" if reverted else "Changed")
    assert (Entry.history.count() > rows) is reverted


def test_revert_needs_a_csrf_token(curator, talk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    talk.entry.title = "Changed"
    talk.entry.version += 1
    talk.entry.save()
    first = talk.entry.history.order_by("history_date", "history_id").first()
    url = reverse("entry-revert", kwargs={"pk": talk.entry.pk, "history_id": first.history_id})

    assert client.post(url).status_code == 403
    assert Entry.objects.get(pk=talk.entry.pk).title == "Changed"

    client.get(reverse("entry-history", kwargs={"pk": talk.entry.pk}))  # sets the cookie
    token = client.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Entry.objects.get(pk=talk.entry.pk).title == "Queries"


# -- Queries


def add_versions(entry: Entry, count: int, users: list) -> None:
    """``count`` more versions, a minute apart, each adding a speaker and renaming."""
    start = entry.history.latest("history_date").history_date
    for _ in range(count):
        i = next(SERIAL)
        when = start + dt.timedelta(minutes=i + 1)
        user = users[i % len(users)]
        entry.title = f"Title {i}"
        entry.version += 1
        mark(entry, when=when, user=user)
        entry.save()
        credit = Credit(entry=entry, person=PersonFactory(name=f"Speaker {i}"), order=i + 1)
        mark(credit, when=when, user=user)
        credit.save()


SERIAL = itertools.count()
# Session, user, permissions (2), the entry, its history rows, topics, credits, links,
# photos, dishes, and the names of its recaps, days, topics and people (one query each).
HISTORY_QUERIES = 15


def test_history_query_count_does_not_grow(
    curator_client, curator, django_user_model, talk, django_assert_max_num_queries
):
    other = make_user(django_user_model, "other", group="Curators")
    counts = []
    for total in (3, 30):
        shown = len(history_page(curator_client, talk.entry).context["versions"])
        add_versions(talk.entry, total - shown, [curator, other])
        with (
            django_assert_max_num_queries(HISTORY_QUERIES),
            CaptureQueriesContext(connection) as queries,
        ):
            response = history_page(curator_client, talk.entry)
        assert len(response.context["versions"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
