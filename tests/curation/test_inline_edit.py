"""Curators editing an explorer card in place (explorer.curation.inline), with the test client."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from explorer.models import Credit, Entry, Person
from tests.conftest import make_curator
from tests.factories import (
    CreditFactory,
    DayFactory,
    DishFactory,
    PersonFactory,
    RecapFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
STALE = "Someone else saved this entry while you were editing it"
LOGIN = "/accounts/login/"


def edit_url(entry: Entry) -> str:
    return reverse("entry-inline-edit", kwargs={"pk": entry.pk})


def card_url(entry: Entry) -> str:
    return reverse("entry-inline-card", kwargs={"pk": entry.pk})


def user_client(django_user_model, username: str, curator: bool) -> Client:
    if curator:
        user = make_curator(django_user_model, username)
    else:
        user = django_user_model.objects.create_user(username)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def curator(django_user_model) -> Client:
    return user_client(django_user_model, "carla", curator=True)


@pytest.fixture
def other_curator(django_user_model) -> Client:
    return user_client(django_user_model, "bob", curator=True)


@pytest.fixture
def attendee(django_user_model) -> Client:
    """Signed in, but without ``explorer.change_entry``."""
    return user_client(django_user_model, "attendee", curator=False)


def submitted(response) -> dict:
    """What the rendered card form (entry fields, speakers, dishes) would submit unchanged."""
    data: dict = {"next": response.context_data["return_url"]}
    forms = [response.context_data["form"]]
    for formset in response.context_data["formsets"]:
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms += list(formset)
    for form in forms:
        for field in form:
            value = field.value()
            if field.name == "DELETE":
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = "" if value is None else value
    return data


def open_form(client: Client, entry: Entry, **kwargs) -> dict:
    response = client.get(edit_url(entry), **kwargs)
    assert response.status_code == 200
    return submitted(response)


def post(client: Client, entry: Entry, data: dict, htmx: bool = True, **headers):
    headers = {**(HTMX if htmx else {}), **headers}
    return client.post(edit_url(entry), data, headers=headers)


def field(entry: Entry, name: str) -> str:
    return f"entry-{entry.pk}-{name}"


# -- Permissions ----------------------------------------------------------------------


def requests_for(conference) -> list[tuple[str, str]]:
    """Every inline-edit URL, with the method it answers."""
    entry = conference.orm
    return [
        ("get", edit_url(entry)),
        ("post", edit_url(entry)),
        ("get", card_url(entry)),
        ("post", reverse("entry-preview")),
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, conference, htmx):
    for method, url in requests_for(conference):
        response = getattr(client, method)(url, {}, headers=HTMX if htmx else {})
        if htmx:
            # htmx would follow a 302 and swap the login page into the card.
            assert response.status_code == 200, (method, url)
            assert response["HX-Redirect"].startswith(f"{LOGIN}?next="), (method, url)
        else:
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(f"{LOGIN}?next="), (method, url)
        assert "HX-Request" in response["Vary"]
    assert Entry.objects.get(pk=conference.orm.pk).version == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_signed_in_users_without_the_permission_are_refused(attendee, conference, htmx):
    data = {field(conference.orm, "title"): "Hijacked", "summary": "x"}
    for method, url in requests_for(conference):
        response = getattr(attendee, method)(url, data, headers=HTMX if htmx else {})
        assert response.status_code == 403, (method, url)
    assert Entry.objects.get(pk=conference.orm.pk).title == "Fast tests with the ORM"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_curators_may_use_every_inline_url(curator, conference, htmx):
    headers = HTMX if htmx else {}
    entry = conference.orm
    assert curator.get(edit_url(entry), headers=headers).status_code == 200
    data = open_form(curator, entry)
    assert post(curator, entry, data, htmx=htmx).status_code == (200 if htmx else 303)
    assert curator.get(card_url(entry), headers=headers).status_code == (200 if htmx else 302)
    preview = curator.post(reverse("entry-preview"), {"summary": "*hi*"}, headers=headers)
    assert preview.status_code == 200


def test_other_methods_are_not_allowed(curator, conference):
    assert curator.put(edit_url(conference.orm)).status_code == 405
    assert curator.post(card_url(conference.orm)).status_code == 405
    assert curator.get(reverse("entry-preview")).status_code == 405


EDIT_LINK = re.compile(r'<a class="card-edit" href="/entries/(\d+)/edit/\?next=[^"]*"')


@pytest.mark.parametrize("who", ["anonymous", "attendee"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_no_edit_controls_without_the_permission(client, attendee, conference, who, htmx):
    visitor = client if who == "anonymous" else attendee
    html = visitor.get("/", headers=HTMX if htmx else {}).content.decode()
    assert conference.orm.title in html
    assert "card-edit" not in html
    assert "/edit/" not in html
    assert ">Edit<" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_curators_see_an_edit_link_on_every_card(curator, conference, htmx):
    html = curator.get("/?day=day-1", headers=HTMX if htmx else {}).content.decode()
    assert sorted(int(pk) for pk in EDIT_LINK.findall(html)) == sorted(
        e.pk for e in (conference.keynote, conference.orm, conference.forms, conference.lunch)
    )
    link = re.search(rf'<a class="card-edit"[^>]*/entries/{conference.orm.pk}/edit/[^>]*>', html)
    # A plain link (no JavaScript needed), enhanced to swap the card for its form.
    assert f'href="/entries/{conference.orm.pk}/edit/?next=/%3Fday%3Dday-1"' in link[0]
    assert 'hx-target="closest article"' in link[0]
    assert 'hx-swap="outerHTML"' in link[0]
    assert f'<article class="card card--talk card--talk" id="entry-{conference.orm.pk}"' in html


EDITING_CSS = '<link rel="stylesheet" href="/static/css/editing.css">'
CURATOR_CSS = '<link rel="stylesheet" href="/static/css/curator.css">'


def test_only_curators_load_the_editing_styles(client, attendee, curator, conference):
    for visitor in [client, attendee]:
        assert "editing.css" not in visitor.get("/").text
    for path in ["/", conference.orm.get_absolute_url(), edit_url(conference.orm)]:
        html = curator.get(path).text
        assert html.count(EDITING_CSS) == 1, path
        assert "curator.css" not in html, path


def test_curator_screens_link_the_editing_styles_before_their_own(client, curator):
    for visitor, path in [(curator, "/manage/"), (client, LOGIN)]:
        html = visitor.get(path).text
        assert html.count(EDITING_CSS) == html.count(CURATOR_CSS) == 1, path
        assert html.index(EDITING_CSS) < html.index(CURATOR_CSS), path


# -- The form -------------------------------------------------------------------------


def test_the_form_fragment_for_htmx(curator, conference):
    entry = conference.orm
    response = curator.get(edit_url(entry) + "?next=/%3Fday%3Dday-1", headers=HTMX)

    assert response.status_code == 200
    assert response.template_name == "explorer/entry_edit_page.html#card_form"
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(
        f'<article class="card card--editing card--talk" id="entry-{entry.pk}"'
    )
    # The form posts back with htmx into the same article, and works without it.
    assert f'action="{edit_url(entry)}"' in html
    assert f'hx-post="{edit_url(entry)}"' in html
    assert 'x-data="inlineEdit" x-on:keydown.escape="cancel"' in html
    # The title gets the focus; its value and the version are there.
    assert re.search(
        r'<input type="text" name="entry-\d+-title" value="Fast tests with the ORM"', html
    )
    assert re.search(r'name="entry-\d+-title"[^>]*autofocus', html)
    assert f'name="{field(entry, "version")}" value="1"' in html
    # Cancel: back to the explorer without JavaScript, the card again with htmx.
    assert f'href="/?day=day-1#entry-{entry.pk}"' in html
    assert f'hx-get="{card_url(entry)}?next=/%3Fday%3Dday-1"' in html


def test_the_full_page_without_javascript(curator, conference):
    response = curator.get(edit_url(conference.orm))

    assert response.status_code == 200
    assert response.template_name == "explorer/entry_edit_page.html"
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" in html
    assert "<h1>Edit “Fast tests with the ORM”</h1>" in html
    assert 'name="next" value="/"' in html


def test_the_form_offers_the_fields_of_the_entry(curator, conference):
    other_recap = RecapFactory(name="PyCon", slug="pycon")
    DayFactory(recap=other_recap, label="Sprint day", slug="sprints")
    response = curator.get(edit_url(conference.orm), headers=HTMX)
    form = response.context_data["form"]

    assert list(form.fields) == [
        "title",
        "kind",
        "day",
        "topics",
        "summary",
        "version",
        "new_speaker",
        "new_speaker_role",
    ]
    # Only the days of the entry's own recap.
    assert [label for _, label in form.fields["day"].choices] == ["---------", "Day 1", "Day 2"]
    html = response.content.decode()
    assert "Sprint day" not in html
    # Topics are checkboxes, the speakers a formset of existing people with their role.
    assert f'type="checkbox" name="entry-{conference.orm.pk}-topics"' in html
    credits = response.context_data["formsets"][0]
    assert [f["person"].value() for f in credits.initial_forms] == [conference.carlton.pk]
    assert "place" not in form.fields
    assert len(response.context_data["formsets"]) == 1


def test_food_entries_also_offer_the_place_and_dishes(curator, conference):
    response = curator.get(edit_url(conference.lunch), headers=HTMX)

    form = response.context_data["form"]
    assert form["place"].value() == conference.cafe.pk
    _, dishes = response.context_data["formsets"]
    assert [f["name"].value() for f in dishes.initial_forms] == ["Mocha", "Crêpe suzette"]
    html = response.content.decode()
    assert "<legend>Dishes</legend>" in html
    # An empty row without JavaScript; "Add a row" copies the template with JavaScript.
    assert f'name="entry-{conference.lunch.pk}-dishes-2-name"' in html
    assert f'name="entry-{conference.lunch.pk}-dishes-__prefix__-name"' in html
    assert '<template x-ref="empty">' in html


# -- Saving ---------------------------------------------------------------------------


def test_a_valid_save_answers_the_updated_card_and_fresh_facets(curator, conference):
    entry = conference.postgres
    data = open_form(curator, entry)
    data[field(entry, "title")] = "Postgres tricks, revised"
    data[field(entry, "kind")] = "keynote"
    data[field(entry, "topics")] = [conference.databases.pk, conference.testing.pk]

    response = post(curator, entry, data, HX_Current_URL="http://testserver/?day=day-2")

    assert response.status_code == 200
    assert response.template_name == "explorer/entry_edit_page.html#card_saved"
    assert json.loads(response["HX-Trigger"]) == {"entrySaved": {"id": entry.pk}}
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(
        f'<article class="card card--talk card--keynote" id="entry-{entry.pk}"'
    )
    assert ">Postgres tricks, revised</a>" in html
    # The title link takes the focus back (htmx focuses [autofocus]).
    assert re.search(r'<a href="/recaps/[^"]+/postgres-tricks/" autofocus>', html)
    # The facets are swapped out of band, counted for the page's filters (day 2).
    facets = html[html.index('<div id="facets" hx-swap-oob="innerHTML">') :]
    assert re.search(r'id="f-kind-keynote".*?>Keynote<.*?>1<', facets, re.S)
    assert re.search(r'id="f-topic-testing".*?>Testing<.*?>1<', facets, re.S)
    assert 'id="f-day-day-2" name="day" value="day-2" checked' in facets
    assert '<div id="messages" hx-swap-oob="innerHTML">' in html
    # So is the count line, for the same filters.
    status = '<p id="result-status" hx-swap-oob="innerHTML">5 entries match your filters.</p>'
    assert status in html

    entry = Entry.objects.get(pk=entry.pk)
    assert (entry.title, entry.kind, entry.version) == ("Postgres tricks, revised", "keynote", 2)
    assert set(entry.topics.values_list("slug", flat=True)) == {"databases", "testing"}
    record = entry.history.order_by("-history_id").first()
    assert record.history_user == curator.user
    assert record.version == 2


def test_a_save_rebuilds_the_search_document_once(curator, conference, monkeypatch):
    """Not once per row saved (entry, each speaker's credit, the new speaker)."""
    from explorer import search

    calls = []
    reindex = search.reindex_entries
    monkeypatch.setattr(
        search, "reindex_entries", lambda ids=None, **kw: calls.append(ids) or reindex(ids, **kw)
    )
    entry = conference.panel  # two speakers
    data = open_form(curator, entry)
    data[field(entry, "title")] = "Fellows, unplugged"
    data[field(entry, "new_speaker")] = "Ada Lovelace"

    assert post(curator, entry, data).status_code == 200

    assert len(calls) == 1
    assert client_search(curator, "unplugged lovelace") == ["Fellows, unplugged"]


def client_search(client: Client, q: str) -> list[str]:
    return [r["title"] for r in client.get("/", {"format": "json", "q": q}).json()["results"]]


def test_facets_are_sent_only_to_the_explorer(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry)
    page = "http://testserver/speakers/carlton-gibson/"

    response = post(curator, entry, data, HX_Current_URL=page)

    assert response.status_code == 200
    assert 'id="facets"' not in response.content.decode()
    assert 'id="result-status"' not in response.content.decode()


def test_a_save_without_javascript_redirects_back_to_the_explorer(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry) | {"next": "/?day=day-1"}
    data[field(entry, "title")] = "Faster tests"

    response = post(curator, entry, data, htmx=False)

    assert response.status_code == 303
    assert response["Location"] == f"/?day=day-1#entry-{entry.pk}"
    page = curator.get(response["Location"]).content.decode()
    assert "Saved “Faster tests”." in page
    assert Entry.objects.get(pk=entry.pk).title == "Faster tests"


def test_an_unsafe_next_is_ignored(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry) | {"next": "https://evil.example/"}

    response = post(curator, entry, data, htmx=False)

    assert response["Location"] == f"/#entry-{entry.pk}"


def test_every_row_of_one_save_is_one_version_by_the_curator(curator, conference):
    entry = conference.panel
    data = open_form(curator, entry)
    data[field(entry, "summary")] = "New summary."
    data[field(entry, "credits-1-DELETE")] = "on"  # Tim Schilling
    data[field(entry, "credits-0-role")] = "host"
    data[field(entry, "new_speaker")] = "Ada Lovelace"

    response = post(curator, entry, data)

    assert response.status_code == 200
    credits = Credit.objects.filter(entry=entry).order_by("order")
    assert [(c.person.name, c.role) for c in credits] == [
        ("Sarah Boyce", "host"),
        ("Ada Lovelace", "speaker"),
    ]
    entry_rows = list(Entry.history.filter(id=entry.pk, version=2))
    credit_rows = list(Credit.history.filter(entry_id=entry.pk, history_user=curator.user))
    person_rows = list(Person.history.filter(name="Ada Lovelace"))
    # Sarah's new role, Tim's removal, Ada's credit; Ada herself; the entry.
    assert sorted(row.history_type for row in credit_rows) == ["+", "-", "~"]
    assert len(person_rows) == len(entry_rows) == 1
    rows = [*entry_rows, *credit_rows, *person_rows]
    assert len({row.history_date for row in rows}) == 1
    assert {row.history_user for row in rows} == {curator.user}
    history = curator.get(reverse("entry-history", kwargs={"pk": entry.pk})).content.decode()
    assert "Version 2" in history and "carla" in history


def test_a_new_speaker_is_created_by_name(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry)
    data[field(entry, "new_speaker")] = "  Ada   Lovelace "
    data[field(entry, "new_speaker_role")] = "panellist"

    response = post(curator, entry, data)

    assert response.status_code == 200
    ada = Person.objects.get(slug="ada-lovelace")
    assert ada.name == "Ada Lovelace"
    assert [(c.person.name, c.role) for c in entry.credits.order_by("order")] == [
        ("Carlton Gibson", "speaker"),
        ("Ada Lovelace", "panellist"),
    ]
    assert "Ada Lovelace" in response.content.decode()


def test_a_new_speaker_with_a_known_name_is_that_person(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry)
    data[field(entry, "new_speaker")] = "sarah boyce"

    post(curator, entry, data)

    assert Person.objects.filter(slug="sarah-boyce").count() == 1
    assert conference.sarah in entry.people.all()


def test_a_new_speaker_already_credited_is_an_error(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry)
    data[field(entry, "new_speaker")] = "Carlton Gibson"

    response = post(curator, entry, data)

    assert response.status_code == 200
    assert "Carlton Gibson is already one of the speakers above." in response.content.decode()
    assert entry.credits.count() == 1


def test_speakers_can_be_chosen_among_existing_people(curator, conference):
    entry = conference.orm
    data = open_form(curator, entry)
    data[field(entry, "credits-1-person")] = conference.tim.pk
    data[field(entry, "credits-1-role")] = "host"

    response = post(curator, entry, data)

    assert response.status_code == 200
    assert [(c.person.name, c.role, c.order) for c in entry.credits.order_by("order")] == [
        ("Carlton Gibson", "speaker", 0),
        ("Tim Schilling", "host", 1),
    ]


def test_food_place_and_dishes_are_edited_inline(curator, conference):
    entry = conference.lunch
    other = conference.gardens
    data = open_form(curator, entry)
    data[field(entry, "place")] = other.pk
    data[field(entry, "dishes-0-description")] = "Dark chocolate."
    data[field(entry, "dishes-1-DELETE")] = "on"
    data[field(entry, "dishes-2-name")] = "Lemonade"
    data[field(entry, "dishes-2-description")] = "Fresh."

    response = post(curator, entry, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="card card--food"' in html
    assert "Lemonade" in html
    assert "Crêpe suzette" not in html
    entry.refresh_from_db()
    assert entry.place == other
    dishes = list(entry.dishes.order_by("order").values_list("name", "description", "order"))
    assert dishes == [("Mocha", "Dark chocolate.", 1), ("Lemonade", "Fresh.", 3)]
    assert entry.version == 2


def test_a_dish_row_added_with_javascript_is_saved(curator, conference):
    """The "Add a row" copy of the empty form posts like the rows already there."""
    entry = conference.lunch
    data = open_form(curator, entry)
    data[field(entry, "dishes-TOTAL_FORMS")] = 4
    data[field(entry, "dishes-3-name")] = "Cookie"
    data[field(entry, "dishes-3-description")] = ""

    assert post(curator, entry, data).status_code == 200
    assert list(entry.dishes.order_by("order").values_list("name", flat=True)) == [
        "Mocha",
        "Crêpe suzette",
        "Cookie",
    ]


# -- Refused saves --------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_an_invalid_form_comes_back_with_errors_next_to_the_fields(curator, conference, htmx):
    entry = conference.orm
    data = open_form(curator, entry)
    data[field(entry, "title")] = ""
    data[field(entry, "summary")] = "My **new** summary."
    data[field(entry, "day")] = "999999"

    response = post(curator, entry, data, htmx=htmx)

    # 200 on purpose (see explorer.curation.inline): what tells it from a save is the answer.
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert response.template_name == (
        "explorer/entry_edit_page.html#card_form" if htmx else "explorer/entry_edit_page.html"
    )
    html = response.content.decode()
    title_id = f"id_entry-{entry.pk}-title"
    error = re.search(rf'<ul class="errorlist" id="{title_id}_error"><li>(.*?)</li>', html)
    assert error[1] == "This field is required."
    title_input = re.search(rf'<input [^>]*id="{title_id}"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in title_input
    assert f'aria-describedby="{title_id}_error"' in title_input
    # The error comes right before its field, and the focus goes to the first one.
    assert html.index(f'id="{title_id}_error"') < html.index(f'id="{title_id}"')
    assert "autofocus" in title_input
    assert f'id="id_entry-{entry.pk}-day_error"' in html
    # The input is kept.
    assert "My **new** summary.</textarea>" in html
    assert "Nothing was saved" in html
    entry = Entry.objects.get(pk=entry.pk)
    assert (entry.title, entry.version) == ("Fast tests with the ORM", 1)


def test_invalid_dish_rows_are_refused(curator, conference):
    entry = conference.lunch
    data = open_form(curator, entry)
    data[field(entry, "dishes-2-description")] = "A dish without a name."
    data[field(entry, "dishes-1-name")] = "Mocha"  # twice

    response = post(curator, entry, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the duplicate data for name" in html
    assert "This field is required." in html
    assert "A dish without a name.</textarea>" in html
    assert entry.dishes.count() == 2


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_stale_save_is_refused_then_a_second_save_goes_through(
    curator, other_curator, conference, htmx
):
    entry = conference.orm
    mine = open_form(curator, entry)
    theirs = open_form(other_curator, entry)
    theirs[field(entry, "title")] = "Their title"
    assert post(other_curator, entry, theirs).status_code == 200

    mine[field(entry, "summary")] = "My summary."
    refused = post(curator, entry, mine, htmx=htmx)

    assert refused.status_code == 200
    assert "HX-Trigger" not in refused
    assert refused.template_name.startswith("explorer/entry_edit_page.html")
    html = refused.content.decode()
    assert STALE in html
    assert "Saved since by bob" in html
    assert re.search(r"<dt>Title</dt>\s*<dd><span[^>]*>Now: </span>Their title", html)
    assert re.search(r'role="alert" tabindex="-1" autofocus', html)
    # Nothing of mine was saved; my input is kept, with the current version.
    saved = Entry.objects.get(pk=entry.pk)
    # (Their save stored the original summary, trimmed by the form.)
    assert (saved.title, saved.summary, saved.version) == ("Their title", entry.summary.strip(), 2)
    entry = saved
    assert "My summary.</textarea>" in html
    assert f'name="{field(entry, "version")}" value="2"' in html

    again = post(curator, entry, submitted(refused), htmx=htmx)

    assert again.status_code == (200 if htmx else 303)
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.version) == (
        "Fast tests with the ORM",
        "My summary.",
        3,
    )


def test_a_dish_deleted_meanwhile_does_not_block_the_second_save(
    curator, other_curator, conference
):
    entry = conference.lunch
    mine = open_form(curator, entry)
    theirs = open_form(other_curator, entry)
    theirs[field(entry, "dishes-1-DELETE")] = "on"
    post(other_curator, entry, theirs)

    mine[field(entry, "dishes-1-description")] = "Flambéed."
    refused = post(curator, entry, mine)

    assert refused.status_code == 200
    assert "Crêpe suzette" in refused.content.decode()
    assert "Dishes" in [c.label for c in refused.context_data["conflict"].changes]
    again = post(curator, entry, submitted(refused))
    assert again.status_code == 200
    assert list(entry.dishes.order_by("order").values_list("name", "description")) == [
        ("Mocha", ""),
        ("Crêpe suzette", "Flambéed."),
    ]


def test_a_dish_edited_on_its_own_screen_makes_an_open_card_form_stale(
    curator, other_curator, conference
):
    entry = conference.lunch
    mine = open_form(curator, entry)
    dish = conference.mocha
    changed = other_curator.post(
        reverse("dish-update", kwargs={"pk": dish.pk}),
        {"entry": entry.pk, "place": conference.cafe.pk, "name": "Iced mocha", "order": "1"},
    )
    assert changed.status_code == 302
    assert Entry.objects.get(pk=entry.pk).version == entry.version + 1

    mine[field(entry, "summary")] = "My summary."
    refused = post(curator, entry, mine)

    # Saved as it was, the card's form would have put the old dish name back
    # unseen: it is refused, says what changed, and nothing of it is saved.
    assert STALE in refused.content.decode()
    assert "Dishes" in [c.label for c in refused.context_data["conflict"].changes]
    entry.refresh_from_db()
    assert entry.summary != "My summary."
    assert list(entry.dishes.values_list("name", flat=True)) == ["Iced mocha", "Crêpe suzette"]
    # Saving again, having seen it, goes through.
    assert post(curator, entry, submitted(refused)).status_code == 200
    entry.refresh_from_db()
    assert entry.summary == "My summary."


# -- Cancel, preview, sanitizing ------------------------------------------------------


def test_cancel_gives_the_card_back(curator, conference):
    entry = conference.lunch
    response = curator.get(card_url(entry) + "?next=/%3Fday%3Dday-1", headers=HTMX)

    assert response.status_code == 200
    assert response.template_name == "partials/cards.html#card"
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<article class="card card--food" id="entry-{entry.pk}"')
    assert re.search(r'<a href="[^"]+" autofocus>Lunch at Cocoa Cinnamon</a>', html)
    # The Edit link still returns to the explorer page the curator is on.
    assert f'href="{edit_url(entry)}?next=/%3Fday%3Dday-1"' in html


def test_cancel_without_javascript_goes_to_the_card_on_the_explorer(curator, conference):
    response = curator.get(card_url(conference.orm))

    assert response.status_code == 302
    assert response["Location"] == f"/#entry-{conference.orm.pk}"


NASTY = (
    "Hello <script>alert(1)</script> <img src=x onerror=alert(2)> "
    '[click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>'
)


def assert_sanitized(html: str) -> None:
    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[^>]*\bon\w+\s*=", html)
    # (Escaped as text, "&lt;a href=javascript:…" is harmless: only real tags count.)
    assert not re.search(r"""<[a-z][^>]*\shref\s*=\s*["']?\s*javascript:""", html, re.I)


def test_the_preview_is_sanitized(curator, conference):
    name = field(conference.orm, "summary")
    response = curator.post(
        reverse("entry-preview") + f"?field={name}", {name: NASTY + "\n\n**bold**"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "&lt;script&gt;" in html
    assert_sanitized(html)


def test_an_empty_preview_says_so(curator):
    response = curator.post(reverse("entry-preview"), {"summary": "  "}, headers=HTMX)
    assert "The summary is empty." in response.content.decode()


def test_a_saved_summary_shows_sanitized_on_the_card(curator, conference):
    entry = conference.note
    data = open_form(curator, entry)
    data[field(entry, "summary")] = NASTY

    response = post(curator, entry, data)

    assert response.status_code == 200
    assert_sanitized(response.content.decode())
    page = curator.get("/").content.decode()
    card = page[page.index(f'id="entry-{entry.pk}"') :]
    assert_sanitized(card[: card.index("</article>")])


def test_every_form_is_csrf_protected(conference, django_user_model):
    user = django_user_model.objects.create_user("csrf")
    user.groups.add(Group.objects.get(name="Curators"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    html = strict.get(edit_url(conference.orm)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html

    for url in (edit_url(conference.orm), reverse("entry-preview")):
        assert strict.post(url, {"summary": "x"}, headers=HTMX).status_code == 403


def test_no_inline_scripts_styles_or_hx_on(curator, conference):
    html = curator.get(edit_url(conference.lunch)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert "hx-on" not in html
    assert not re.search(r"\son[a-z]+=", html)


# -- Queries --------------------------------------------------------------------------


def grow(conference, size: int) -> None:
    """More speakers, dishes and topics on the lunch, and more people to choose from."""
    for n in range(size):
        person = PersonFactory(name=f"Guest {size}-{n}")
        CreditFactory(entry=conference.lunch, person=person, order=10 + n)
        DishFactory(entry=conference.lunch, name=f"Dish {size}-{n}", order=10 + n)
        conference.lunch.topics.add(TopicFactory(name=f"Topic {size}-{n}"))


def count_queries(client: Client, method: str, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


#: At most this many queries (session, user, permissions included), whatever the size.
#: The card includes its photos.
MAX_QUERIES = {"form-htmx": 12, "form-page": 12, "card": 9, "preview": 4}


@pytest.mark.parametrize("request_kind", list(MAX_QUERIES))
def test_queries_do_not_grow_with_the_entry(curator, conference, request_kind):
    entry = conference.lunch

    def measure() -> int:
        match request_kind:
            case "form-htmx":
                return count_queries(curator, "get", edit_url(entry), headers=HTMX)
            case "form-page":
                return count_queries(curator, "get", edit_url(entry))
            case "card":
                return count_queries(curator, "get", card_url(entry), headers=HTMX)
            case _:
                return count_queries(
                    curator, "post", reverse("entry-preview"), data={"summary": "x"}, headers=HTMX
                )

    grow(conference, 2)
    small = measure()
    grow(conference, 20)
    assert measure() == small
    assert small <= MAX_QUERIES[request_kind]
