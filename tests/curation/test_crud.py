"""The curator screens under /manage/: permissions, forms, deletion, lists."""

from __future__ import annotations

import importlib
import itertools
import re
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from explorer.importer import read_recap
from explorer.models import (
    Credit,
    Day,
    Dish,
    Entry,
    Link,
    PendingImport,
    Person,
    Photo,
    Place,
    Recap,
    Topic,
)
from tests.curation.web_import_support import SMALL_RECAP

pytestmark = pytest.mark.django_db

ENTITIES = ["recap", "day", "entry", "person", "topic", "place", "dish", "link", "photo"]
ROLES = ["list", "detail", "create", "update", "delete"]
EXPLORER_MODELS = [Recap, Day, Entry, Credit, Person, Topic, Place, Dish, Link, Photo]
HTMX = {"HX-Request": "true"}


@dataclass
class World:
    recap: Recap
    day: Day
    empty_day: Day
    spare_recap: Recap
    entry: Entry
    person: Person
    credit: Credit
    topic: Topic
    place: Place
    dish: Dish
    link: Link
    photo: Photo

    def target(self, entity: str):
        """The object the detail, update and delete screens are tried on."""
        return {"recap": self.spare_recap, "day": self.empty_day}.get(entity) or getattr(
            self, entity
        )


@pytest.fixture
def world() -> World:
    recap = Recap.objects.create(name="DjangoCon Europe 2025", slug="djangocon-2025", city="Dublin")
    spare_recap = Recap.objects.create(name="Spare recap", slug="spare")
    day = Day.objects.create(recap=recap, label="Day 1", slug="day-1", order=1)
    empty_day = Day.objects.create(recap=recap, label="Sprints", slug="sprints", order=9)
    place = Place.objects.create(name="The Convention Centre", slug="ccd", kind=Place.Kind.VENUE)
    topic = Topic.objects.create(name="ORM", slug="orm", keywords="orm\nqueryset")
    entry = Entry.objects.create(
        recap=recap, day=day, kind=Entry.Kind.TALK, title="Queries", slug="queries", place=place
    )
    entry.topics.add(topic)
    person = Person.objects.create(name="Ada Lovelace", slug="ada", affiliation="Engines")
    credit = Credit.objects.create(entry=entry, person=person, role=Credit.Role.SPEAKER)
    return World(
        recap=recap,
        day=day,
        empty_day=empty_day,
        spare_recap=spare_recap,
        entry=entry,
        person=person,
        credit=credit,
        topic=topic,
        place=place,
        dish=Dish.objects.create(entry=entry, name="Scones", place=place),
        link=Link.objects.create(entry=entry, title="Slides", url="https://example.com/slides"),
        photo=Photo.objects.create(entry=entry, image="img/stage.jpg", caption="The stage"),
    )


@pytest.fixture
def stranger_client(client, django_user_model) -> Client:
    client.force_login(django_user_model.objects.create_user("stranger"))
    return client


def crud_url(entity: str, role: str, world: World) -> str:
    if role in ("list", "create"):
        return reverse(f"{entity}-{role}")
    return reverse(f"{entity}-{role}", kwargs={"pk": world.target(entity).pk})


def snapshot() -> dict:
    """Every explorer row (and the entry-topic links), to show that nothing changed."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in EXPLORER_MODELS
    }
    rows["entry_topics"] = list(Entry.topics.through.objects.order_by("pk").values())
    return rows


def credits_management(total: int, initial: int) -> dict:
    return {
        "credits-TOTAL_FORMS": str(total),
        "credits-INITIAL_FORMS": str(initial),
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }


def form_data(entity: str, world: World, *, create: bool) -> dict:
    """Valid POST data for the create (or update) form of ``entity``."""
    tag = "New" if create else "Renamed"
    entry = world.entry
    match entity:
        case "recap":
            return {
                "name": f"{tag} recap",
                "slug": "" if create else world.spare_recap.slug,
                "city": "Lisbon",
                "start_date": "2025-04-23",
                "end_date": "2025-04-27",
            }
        case "day":
            return {
                "recap": world.recap.pk,
                "label": f"{tag} day",
                "slug": "" if create else world.empty_day.slug,
                "order": "3",
            }
        case "entry":
            data = {
                "recap": world.recap.pk,
                "day": world.day.pk,
                "kind": "talk",
                "title": f"{tag} talk",
                "slug": "" if create else entry.slug,
                "order": "2",
                "topics": [world.topic.pk],
                "version": "1" if create else str(entry.version),
            }
            if create:
                data |= credits_management(1, 0)
                data |= {
                    "credits-0-person": world.person.pk,
                    "credits-0-role": "host",
                    "credits-0-order": "0",
                }
            else:
                data |= credits_management(1, 1)
                data |= {
                    "credits-0-id": world.credit.pk,
                    "credits-0-entry": entry.pk,
                    "credits-0-person": world.person.pk,
                    "credits-0-role": "speaker",
                    "credits-0-order": "0",
                }
            return data
        case "person":
            return {"name": f"{tag} person", "slug": "" if create else world.person.slug}
        case "topic":
            return {"name": f"{tag} topic", "slug": "" if create else world.topic.slug}
        case "place":
            return {
                "name": f"{tag} place",
                "slug": "" if create else world.place.slug,
                "kind": "cafe",
            }
        case "dish":
            return {"entry": entry.pk, "name": f"{tag} dish", "order": "0"}
        case "link":
            return {
                "entry": entry.pk,
                "title": f"{tag} link",
                "url": f"https://example.com/{tag.lower()}",
                "order": "0",
            }
        case "photo":
            return {"entry": entry.pk, "image": f"img/{tag.lower()}.jpg", "order": "0"}
    raise AssertionError(entity)


def post_data(entity: str, role: str, world: World) -> dict:
    if role == "create":
        return form_data(entity, world, create=True)
    if role == "update":
        return form_data(entity, world, create=False)
    return {}


MATRIX = [(entity, role) for entity in ENTITIES for role in ROLES]


# -- Permissions: every CRUD URL, every kind of user, GET and POST, full page and htmx.


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("entity", "role"), MATRIX)
def test_anonymous_is_sent_to_login(client, world, entity, role, method, htmx):
    url = crud_url(entity, role, world)
    before = snapshot()

    data = post_data(entity, role, world) if method == "post" else {}
    response = getattr(client, method)(url, data, headers=HTMX if htmx else {})

    assert_sent_to_login(response, url, htmx)
    assert snapshot() == before


def assert_sent_to_login(response, url: str, htmx: bool) -> None:
    login = f"/accounts/login/?next={quote(url)}"
    if htmx:
        # htmx would swap a followed 302 into its target: it is told to load the page.
        assert response.status_code == 200
        assert response["HX-Redirect"] == login
    else:
        assert response.status_code == 302
        assert response["Location"] == login
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("entity", "role"), MATRIX)
def test_user_without_permission_is_forbidden(stranger_client, world, entity, role, method, htmx):
    before = snapshot()

    data = post_data(entity, role, world) if method == "post" else {}
    response = getattr(stranger_client, method)(
        crud_url(entity, role, world), data, headers=HTMX if htmx else {}
    )

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("entity", "role"), MATRIX)
def test_curator_opens_every_screen(curator_client, world, entity, role, htmx):
    response = curator_client.get(crud_url(entity, role, world), headers=HTMX if htmx else {})

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    # No HX-Target: htmx (e.g. a boosted link) gets the whole page.
    assert b"<html" in response.content


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("entity", "role"), MATRIX)
def test_curator_posts_to_every_screen(curator_client, world, entity, role, htmx):
    target = world.target(entity)
    model = type(target)
    count = model.objects.count()

    response = curator_client.post(
        crud_url(entity, role, world),
        post_data(entity, role, world),
        headers=HTMX if htmx else {},
    )

    if role in ("list", "detail"):
        assert response.status_code == 405
        return
    if htmx:
        assert response.status_code == 200
        location = response["HX-Redirect"]
    else:
        assert response.status_code == 302, response.context["form"].errors
        location = response["Location"]
    match role:
        case "create":
            assert model.objects.count() == count + 1
            created = model.objects.order_by("pk").last()
            assert location == reverse(f"{entity}-detail", kwargs={"pk": created.pk})
        case "update":
            values = model.objects.filter(pk=target.pk).values().get()
            assert "renamed" in str(values).lower()
            assert location == reverse(f"{entity}-detail", kwargs={"pk": target.pk})
        case "delete":
            assert not model.objects.filter(pk=target.pk).exists()
            assert location == reverse(f"{entity}-list")


# -- The web import's URLs: explorer.import_recap, for the same kinds of user.

IMPORT_URLS = [
    "recap-import",
    "recap-import-review",
    "recap-import-entry",
    "recap-import-entry-edit",
    "recap-import-commit",
    "recap-import-discard",
]


@pytest.fixture
def pending_import(curator) -> PendingImport:
    data, explanation = read_recap(SMALL_RECAP)
    return PendingImport.objects.create(
        owner=curator,
        expires_at=timezone.now() + PendingImport.lifetime(),
        source_name="riverside.md",
        recap_slug=data.slug,
        recap_name=data.name,
        document=data.to_dict(),
        explanation=explanation.to_dict(),
    )


def import_url(name: str, pending: PendingImport) -> str:
    if name == "recap-import":
        return reverse(name)
    kwargs = {"pk": pending.pk}
    if name.startswith("recap-import-entry"):
        kwargs["key"] = "boring-technology"
    return reverse(name, kwargs=kwargs)


def import_snapshot() -> dict:
    return {**snapshot(), "pending": list(PendingImport.objects.order_by("pk").values())}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", IMPORT_URLS)
def test_import_urls_send_anonymous_visitors_to_login(client, pending_import, name, method, htmx):
    url = import_url(name, pending_import)
    before = import_snapshot()

    response = getattr(client, method)(url, {}, headers=HTMX if htmx else {})

    assert_sent_to_login(response, url, htmx)
    assert import_snapshot() == before


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", IMPORT_URLS)
@pytest.mark.parametrize("who", ["stranger", "crud-only curator"])
def test_import_urls_need_the_import_permission(
    client, django_user_model, pending_import, name, method, htmx, who
):
    user = django_user_model.objects.create_user(who)
    if who == "crud-only curator":  # every CRUD permission, not import_recap
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="explorer").exclude(
                codename="import_recap"
            )
        )
        pending_import.owner = user
        pending_import.save()
    client.force_login(user)
    before = import_snapshot()

    response = getattr(client, method)(
        import_url(name, pending_import), {}, headers=HTMX if htmx else {}
    )

    assert response.status_code == 403
    assert import_snapshot() == before


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", IMPORT_URLS)
def test_import_urls_answer_a_curator(curator_client, pending_import, name, method, htmx):
    response = getattr(curator_client, method)(
        import_url(name, pending_import), {}, headers=HTMX if htmx else {}
    )

    reads = {"recap-import", "recap-import-review", "recap-import-entry", "recap-import-entry-edit"}
    writes = {"recap-import", "recap-import-entry", "recap-import-commit", "recap-import-discard"}
    allowed = reads if method == "get" else writes
    if name not in allowed:
        assert response.status_code == 405
    else:
        # A page, a fragment, a redirect (303 after a POST), never a refusal.
        assert response.status_code in (200, 302, 303)
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("entity", ENTITIES)
def test_viewer_may_look_but_not_touch(client, django_user_model, world, entity):
    user = django_user_model.objects.create_user("viewer")
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)

    assert client.get(crud_url(entity, "list", world)).status_code == 200
    page = client.get(crud_url(entity, "detail", world))
    assert page.status_code == 200
    assert b">Edit</a>" not in page.content
    for role in ("create", "update", "delete"):
        assert client.get(crud_url(entity, role, world)).status_code == 403


def test_post_without_csrf_token_is_refused(curator, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    url = reverse("person-create")

    refused = client.post(url, {"name": "Grace Hopper"})
    assert refused.status_code == 403
    assert not Person.objects.filter(name="Grace Hopper").exists()

    client.get(url)  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, {"name": "Grace Hopper", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert Person.objects.filter(name="Grace Hopper", slug="grace-hopper").exists()


def test_manage_index(client, curator, django_user_model, world):
    url = reverse("manage")
    assert url == "/manage/"
    assert client.get(url)["Location"] == f"/accounts/login/?next={quote(url)}"

    client.force_login(django_user_model.objects.create_user("stranger"))
    assert client.get(url).status_code == 403

    client.force_login(curator)
    response = client.get(url)
    assert response.status_code == 200
    for entity in ENTITIES:
        assert f'href="{reverse(f"{entity}-list")}"'.encode() in response.content
        assert f'href="{reverse(f"{entity}-create")}"'.encode() in response.content


# -- Forms


def test_create_update_delete_a_recap(curator_client):
    response = curator_client.post(
        reverse("recap-create"), {"name": "PyCon Italia", "slug": "", "city": "Bologna"}
    )
    recap = Recap.objects.get(name="PyCon Italia")
    assert recap.slug == "pycon-italia"  # made from the name
    assert response["Location"] == reverse("recap-detail", kwargs={"pk": recap.pk})
    page = curator_client.get(response["Location"])
    assert "Added recap “PyCon Italia”." in page.content.decode()
    assert "Bologna" in page.content.decode()

    curator_client.post(
        reverse("recap-update", kwargs={"pk": recap.pk}),
        {"name": "PyCon Italia 2025", "slug": "pycon-italia", "city": "Bologna"},
    )
    recap.refresh_from_db()
    assert recap.name == "PyCon Italia 2025"

    response = curator_client.post(reverse("recap-delete", kwargs={"pk": recap.pk}))
    assert response["Location"] == reverse("recap-list")
    assert not Recap.objects.filter(pk=recap.pk).exists()


def test_create_an_entry_with_its_speakers(curator_client, world):
    grace = Person.objects.create(name="Grace Hopper", slug="grace")
    data = {
        "recap": world.recap.pk,
        "day": world.day.pk,
        "kind": "panel",
        "title": "The future of Django",
        "slug": "",
        "order": "4",
        "version": "1",
        **credits_management(2, 0),
        "credits-0-person": world.person.pk,
        "credits-0-role": "host",
        "credits-0-order": "0",
        "credits-1-person": grace.pk,
        "credits-1-role": "panellist",
        "credits-1-order": "1",
    }

    response = curator_client.post(reverse("entry-create"), data)

    entry = Entry.objects.get(slug="the-future-of-django")
    assert response["Location"] == reverse("entry-detail", kwargs={"pk": entry.pk})
    assert [(c.person.name, c.role) for c in entry.credits.order_by("order")] == [
        ("Ada Lovelace", "host"),
        ("Grace Hopper", "panellist"),
    ]
    detail = curator_client.get(response["Location"]).content.decode()
    assert "Grace Hopper — Panellist" in detail


def test_update_an_entry_changes_and_removes_speakers(curator_client, world):
    entry, credit = world.entry, world.credit
    data = form_data("entry", world, create=False) | {
        "credits-0-role": "host",
        **credits_management(2, 1),
        "credits-1-person": Person.objects.create(name="Bob", slug="bob").pk,
        "credits-1-role": "speaker",
        "credits-1-order": "1",
    }
    curator_client.post(reverse("entry-update", kwargs={"pk": entry.pk}), data)
    credit.refresh_from_db()
    assert credit.role == "host"
    assert entry.credits.count() == 2
    entry.refresh_from_db()
    assert entry.version == 2

    data = form_data("entry", world, create=False) | {"credits-0-DELETE": "on"}
    data["version"] = "2"
    curator_client.post(reverse("entry-update", kwargs={"pk": entry.pk}), data)
    assert not Credit.objects.filter(pk=credit.pk).exists()


def test_a_save_based_on_an_old_version_is_refused(curator_client, world):
    entry = world.entry
    Entry.objects.filter(pk=entry.pk).update(version=5)  # someone else saved meanwhile
    data = form_data("entry", world, create=False)  # the form was opened at version 1

    response = curator_client.post(reverse("entry-update", kwargs={"pk": entry.pk}), data)

    assert response.status_code == 200
    assert "Someone else saved this entry" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.version) == ("Queries", 5)


def test_errors_are_shown_next_to_their_field(curator_client):
    response = curator_client.post(reverse("person-create"), {"name": "", "affiliation": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name_error"' in name_input
    assert re.search(r'<ul class="errorlist" id="id_name_error"><li>This field is required', html)
    assert html.index('id="id_name_error"') < html.index(name_input)
    assert 'role="alert"' in html
    # Help text is tied to its field too.
    slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', html).group(0)
    assert 'aria-describedby="id_slug_helptext"' in slug_input
    assert 'id="id_slug_helptext"' in html
    assert not Person.objects.exists()


def test_an_entry_day_must_belong_to_its_recap(curator_client, world):
    other = Recap.objects.create(name="Other", slug="other")
    data = form_data("entry", world, create=True) | {"recap": other.pk}

    response = curator_client.post(reverse("entry-create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["day"] == [
        "“Day 1” is a day of “DjangoCon Europe 2025”, not of “Other”."
    ]
    day_select = re.search(r'<select[^>]*name="day"[^>]*>', response.content.decode()).group(0)
    assert 'aria-invalid="true"' in day_select


def test_duplicate_credit_is_an_error(curator_client, world):
    data = form_data("entry", world, create=True) | {
        **credits_management(2, 0),
        "credits-1-person": world.person.pk,
        "credits-1-role": "speaker",
        "credits-1-order": "1",
    }
    response = curator_client.post(reverse("entry-create"), data)
    assert response.status_code == 200
    assert "Please correct the duplicate" in response.content.decode()
    assert not Entry.objects.filter(title="New talk").exists()


# -- Deletion


def test_delete_page_lists_what_goes_with_the_object(curator_client, world):
    response = curator_client.get(reverse("entry-delete", kwargs={"pk": world.entry.pk}))

    html = response.content.decode()
    for line in ["1 credit", "1 dish", "1 link", "1 photo", "1 entry-topic link"]:
        assert f"<li>{line}</li>" in html
    assert f'<a href="{reverse("dish-detail", kwargs={"pk": world.dish.pk})}">Scones</a>' in html
    assert "Yes, delete it" in html


def test_delete_page_says_what_loses_a_link(curator_client, world):
    response = curator_client.get(reverse("place-delete", kwargs={"pk": world.place.pk}))

    html = response.content.decode()
    assert "1 entry will no longer have this place." in html
    assert "1 dish will no longer have this place." in html
    assert "Nothing else is deleted with it." in html

    curator_client.post(reverse("place-delete", kwargs={"pk": world.place.pk}))
    world.entry.refresh_from_db()
    assert world.entry.place is None


def test_a_day_with_entries_cannot_be_deleted(curator_client, world):
    url = reverse("day-delete", kwargs={"pk": world.day.pk})

    page = curator_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "“Day 1” cannot be deleted: 1 entry still points to it." in html
    assert "Queries" in html
    assert "Yes, delete it" not in html

    refused = curator_client.post(url)
    assert refused.status_code == 200
    assert "Nothing was deleted." in refused.content.decode()
    assert Day.objects.filter(pk=world.day.pk).exists()


def test_deleting_a_recap_says_what_goes_with_it_then_deletes_it_all(curator_client, world):
    entry_ids = list(Entry.objects.filter(recap=world.recap).values_list("pk", flat=True))
    assert entry_ids
    url = reverse("recap-delete", kwargs={"pk": world.recap.pk})

    confirm = curator_client.get(url)
    assert confirm.status_code == 200
    assert world.day.label in confirm.content.decode()

    deleted = curator_client.post(url)
    assert deleted.status_code == 302
    assert not Recap.objects.filter(pk=world.recap.pk).exists()
    assert not Entry.objects.filter(pk__in=entry_ids).exists()


# -- Lists


def test_list_shows_columns_filters_and_actions(curator_client, world):
    Entry.objects.create(recap=world.recap, day=world.day, kind="food", title="Lunch", slug="lunch")

    response = curator_client.get(reverse("entry-list"), {"kind": "talk"})

    html = response.content.decode()
    assert [e.title for e in response.context["object_list"]] == ["Queries"]
    assert "Ada Lovelace" in html and "ORM" in html
    assert '<label for="id_q">Search:</label>' in html
    assert '<label for="filter-kind">Kind</label>' in html
    assert f'href="{reverse("entry-update", kwargs={"pk": world.entry.pk})}"' in html
    assert f'href="{reverse("entry-delete", kwargs={"pk": world.entry.pk})}"' in html
    assert f'href="{reverse("entry-create")}"' in html


def test_list_filter_answers_htmx_with_the_results_only(curator_client, world):
    headers = HTMX | {"HX-Target": "crud-results"}

    response = curator_client.get(reverse("place-list"), {"kind": "cafe"}, headers=headers)

    assert response.template_name[-1] == "explorer/crud/object_list.html#results"
    assert b"<html" not in response.content
    assert b'id="crud-results"' in response.content
    assert "HX-Request" in response["Vary"]
    assert list(response.context_data["object_list"]) == []


def test_list_is_paginated(curator_client):
    Person.objects.bulk_create(Person(name=f"P{i:02}", slug=f"p{i:02}") for i in range(30))

    first = curator_client.get(reverse("person-list"), {"q": "P"})
    assert len(first.context["object_list"]) == 25
    assert first.context["next_page_url"] == "/manage/person/?q=P&page=2"
    second = curator_client.get(first.context["next_page_url"])
    assert [p.name for p in second.context["object_list"]] == [f"P{i}" for i in range(25, 30)]
    assert "Page 2 of 2" in second.content.decode()


SERIAL = itertools.count()


def make_rows(entity: str, n: int, world: World) -> None:
    """``n`` more rows of ``entity``, each with the related rows its list shows."""
    for _ in range(n):
        i = next(SERIAL)
        tag = f"{entity}-row-{i}"  # no slug of the world fixture ("day-1")
        match entity:
            case "recap":
                recap = Recap.objects.create(name=tag, slug=tag)
                Day.objects.create(recap=recap, label=tag, slug=tag)
            case "day":
                day = Day.objects.create(recap=world.recap, label=tag, slug=tag)
                Entry.objects.create(recap=world.recap, day=day, title=tag, slug=tag)
            case "entry" | "dish" | "link" | "photo":
                place = Place.objects.create(name=tag, slug=tag)
                entry = Entry.objects.create(
                    recap=world.recap, day=world.day, title=tag, slug=tag, place=place
                )
                entry.topics.add(Topic.objects.create(name=tag, slug=tag))
                person = Person.objects.create(name=tag, slug=tag)
                Credit.objects.create(entry=entry, person=person)
                if entity == "dish":
                    Dish.objects.create(entry=entry, name=tag, place=place)
                elif entity == "link":
                    Link.objects.create(entry=entry, title=tag, url=f"https://example.com/{i}")
                elif entity == "photo":
                    Photo.objects.create(entry=entry, image=f"{tag}.jpg")
            case "person":
                person = Person.objects.create(name=tag, slug=tag)
                Credit.objects.create(entry=world.entry, person=person)
            case "topic":
                world.entry.topics.add(Topic.objects.create(name=tag, slug=tag))
            case "place":
                Place.objects.create(name=tag, slug=tag)


# Queries of one list page, whatever its length: session, user, permissions (2),
# count, page, the prefetches, and the filter form's choices (for entries, the
# explorer's facets).
LIST_QUERIES = {
    "recap": 6,
    "day": 7,
    "entry": 13,
    "person": 6,
    "topic": 6,
    "place": 6,
    "dish": 8,
    "link": 7,
    "photo": 7,
}


@pytest.mark.parametrize("entity", ENTITIES)
def test_list_query_count_does_not_grow(
    curator_client, world, entity, django_assert_max_num_queries
):
    url = reverse(f"{entity}-list")
    counts = []
    for total in (5, 50):
        make_rows(entity, total - type(world.target(entity)).objects.count(), world)
        with (
            django_assert_max_num_queries(LIST_QUERIES[entity]),
            CaptureQueriesContext(connection) as queries,
        ):
            response = curator_client.get(url)
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(total, 25)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- Logging in and out


def test_login_page_and_login(client, django_user_model):
    django_user_model.objects.create_user("ada", password="correct horse battery")
    page = client.get("/accounts/login/", {"next": "/manage/"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Log in · Recap Explorer</title>" in html
    assert '<label for="id_username">Username:</label>' in html
    assert 'name="next" value="/manage/"' in html

    wrong = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    assert "Please enter a correct username and password" in wrong.content.decode()

    right = client.post(
        "/accounts/login/",
        {"username": "ada", "password": "correct horse battery", "next": "/manage/"},
    )
    assert right["Location"] == "/manage/"


def test_logout_is_a_post(curator_client):
    assert curator_client.get("/accounts/logout/").status_code == 405

    response = curator_client.post("/accounts/logout/")

    assert response["Location"] == reverse("explore")
    assert curator_client.get(reverse("manage")).status_code == 302


# -- The Curators group migration


def test_curators_group_holds_every_explorer_permission():
    group = Group.objects.get(name="Curators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    expected = {
        f"{action}_{model._meta.model_name}"
        for model in EXPLORER_MODELS
        for action in ("add", "change", "delete", "view")
    }
    assert codenames == expected | {"import_recap"}


def test_curators_migration_is_reversible():
    migration = importlib.import_module("explorer.migrations.0002_curators_group")
    editor = SimpleNamespace(connection=connection)  # all the functions use of it
    # The models as they were at that migration, as `migrate` runs it.
    state_apps = (
        MigrationExecutor(connection).loader.project_state(("explorer", "0002_curators_group")).apps
    )
    migration.delete_curators_group(state_apps, editor)
    assert not Group.objects.filter(name="Curators").exists()
    migration.create_curators_group(state_apps, editor)
    assert Group.objects.get(name="Curators").permissions.count() == 40
