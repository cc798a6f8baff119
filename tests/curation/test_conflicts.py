"""No lost updates: a save based on an older version of an entry is refused, kindly."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from explorer.curation.forms import EntryForm
from explorer.models import Entry
from tests.conftest import make_curator
from tests.factories import DayFactory, EntryFactory, PersonFactory, RecapFactory, TopicFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
STALE = "Someone else saved this entry while you were editing it"


@pytest.fixture
def talk() -> SimpleNamespace:
    recap = RecapFactory(name="DjangoCon Europe 2025", slug="djangocon-europe-2025")
    day = DayFactory(recap=recap, label="Day 1", slug="day-1")
    orm = TopicFactory(name="ORM", slug="orm")
    ada = PersonFactory(name="Ada Lovelace", slug="ada-lovelace")
    grace = PersonFactory(name="Grace Hopper", slug="grace-hopper")
    entry = EntryFactory(
        day=day,
        title="Queries",
        slug="queries",
        summary="How the ORM builds queries.",
        topics=[orm],
        speakers=[ada, grace],
    )
    return SimpleNamespace(recap=recap, day=day, orm=orm, ada=ada, grace=grace, entry=entry)


def curator_client(django_user_model, username: str) -> Client:
    client = Client()
    client.force_login(make_curator(django_user_model, username))
    return client


@pytest.fixture
def alice(django_user_model) -> Client:
    return curator_client(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model) -> Client:
    return curator_client(django_user_model, "bob")


def open_form(client: Client, entry: Entry) -> dict:
    """Open the edit form and return what it would submit unchanged."""
    response = client.get(reverse("entry-update", kwargs={"pk": entry.pk}))
    assert response.status_code == 200
    return submitted(response)


def submitted(response) -> dict:
    """The values a rendered entry form (and its speakers formset) would submit."""
    data = {}
    form = response.context["form"]
    for field in form:
        value = field.value()
        if value is None:
            value = ""
        data[field.html_name] = value
    for formset in response.context["formsets"]:
        management = formset.management_form
        for field in management:
            data[field.html_name] = field.value()
        for subform in formset:
            for field in subform:
                value = field.value()
                if field.name == "DELETE":
                    if value:
                        data[field.html_name] = "on"
                    continue
                data[field.html_name] = "" if value is None else value
    return data


def save(client: Client, entry: Entry, data: dict, **kwargs):
    return client.post(reverse("entry-update", kwargs={"pk": entry.pk}), data, **kwargs)


def hidden_version(html: str) -> str:
    return re.search(r'<input type="hidden" name="version" value="(\d+)"', html).group(1)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_second_save_of_the_same_version_is_refused_then_goes_through(alice, bob, talk, htmx):
    headers = HTMX if htmx else {}
    form_a = open_form(alice, talk.entry)
    form_b = open_form(bob, talk.entry)
    assert form_a["version"] == form_b["version"] == 1

    saved = save(alice, talk.entry, form_a | {"title": "Queries, faster"}, headers=headers)
    assert saved.status_code == (200 if htmx else 302)

    refused = save(
        bob,
        talk.entry,
        form_b | {"title": "Queries explained", "summary": "Bob's summary."},
        headers=headers,
    )

    # 200, not 409: htmx 2 swaps no 4xx answer, and a refused form is a form to fix.
    assert refused.status_code == 200
    assert "HX-Redirect" not in refused
    html = refused.content.decode()
    # (a) Bob's input is kept.
    form = refused.context["form"]
    assert form["title"].value() == "Queries explained"
    assert form["summary"].value() == "Bob's summary."
    assert 'value="Queries explained"' in html
    assert "Bob&#x27;s summary.</textarea>" in html
    # (b) A clear message at the top, and what Alice changed, with its value now.
    assert STALE in html
    assert html.index(STALE) < html.index('name="title"')
    conflict = refused.context["conflict"]
    assert [(c.field, c.old, c.new) for c in conflict.changes] == [
        ("title", ["Queries"], ["Queries, faster"])
    ]
    assert [v.who for v in conflict.since] == ["alice"]
    assert "<ins>Queries, faster</ins>" in html
    assert "Saved since by alice" in html
    # (c) The form now holds the current version, so saving again is deliberate.
    assert hidden_version(html) == "2"
    entry = Entry.objects.get(pk=talk.entry.pk)
    assert (entry.title, entry.summary, entry.version) == (
        "Queries, faster",
        "How the ORM builds queries.",
        2,
    )

    again = save(bob, talk.entry, submitted(refused), headers=headers)

    assert again.status_code == (200 if htmx else 302)
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.version) == (
        "Queries explained",
        "Bob's summary.",
        3,
    )


def test_speaker_changes_made_meanwhile_are_listed(alice, bob, talk):
    form_a = open_form(alice, talk.entry)
    form_b = open_form(bob, talk.entry)
    save(alice, talk.entry, form_a | {"credits-1-role": "host"})

    refused = save(bob, talk.entry, form_b | {"title": "Bob's title"})

    changes = {c.field: (c.old, c.new) for c in refused.context["conflict"].changes}
    assert changes == {
        "credits": (
            ["Ada Lovelace (Speaker)", "Grace Hopper (Speaker)"],
            ["Ada Lovelace (Speaker)", "Grace Hopper (Host)"],
        )
    }
    assert "Grace Hopper (Host)" in refused.content.decode()


def test_a_speaker_deleted_meanwhile_does_not_block_the_second_save(alice, bob, talk):
    form_a = open_form(alice, talk.entry)
    form_b = open_form(bob, talk.entry)
    save(alice, talk.entry, form_a | {"credits-1-DELETE": "on"})
    assert list(talk.entry.credits.values_list("person__name", flat=True)) == ["Ada Lovelace"]

    refused = save(bob, talk.entry, form_b | {"credits-1-role": "panellist"})

    assert refused.status_code == 200
    # Bob's row for Grace (deleted by Alice) is kept, as a new row.
    credits = refused.context["formsets"][0]
    assert credits.initial_form_count() == 1
    rows = [(f["person"].value(), f["role"].value()) for f in credits]
    assert (str(talk.grace.pk), "panellist") in [(str(p), r) for p, r in rows]

    again = save(bob, talk.entry, submitted(refused))

    assert again.status_code == 302, again.context["formsets"][0].errors
    assert sorted(talk.entry.credits.values_list("person__name", "role")) == [
        ("Ada Lovelace", "speaker"),
        ("Grace Hopper", "panellist"),
    ]


def test_two_saves_of_the_same_version_only_one_succeeds(alice, bob, talk):
    form = open_form(alice, talk.entry)

    first = save(alice, talk.entry, form | {"title": "First"})
    second = save(bob, talk.entry, form | {"title": "Second"})

    assert first.status_code == 302
    assert second.status_code == 200
    assert STALE in second.content.decode()
    entry = Entry.objects.get(pk=talk.entry.pk)
    assert (entry.title, entry.version) == ("First", 2)


def test_a_save_racing_past_the_form_check_is_still_refused(monkeypatch, bob, talk):
    """Another save commits between the form's check and this save's: the UPDATE refuses."""
    form = open_form(bob, talk.entry)
    clean = EntryForm.clean

    def clean_then_someone_saves(self):
        cleaned_data = clean(self)  # the version is still current here
        Entry.objects.filter(pk=talk.entry.pk).update(
            title="Saved meanwhile", version=F("version") + 1
        )
        return cleaned_data

    monkeypatch.setattr(EntryForm, "clean", clean_then_someone_saves)

    response = save(bob, talk.entry, form | {"title": "Bob's title"})

    assert response.status_code == 200
    html = response.content.decode()
    assert STALE in html
    assert hidden_version(html) == "2"
    changes = {c.field: (c.old, c.new) for c in response.context["conflict"].changes}
    assert changes == {"title": (["Queries"], ["Saved meanwhile"])}
    entry = Entry.objects.get(pk=talk.entry.pk)
    assert (entry.title, entry.version) == ("Saved meanwhile", 2)
    # Nothing of Bob's save was written: no history row either.
    assert not entry.history.filter(title="Bob's title").exists()


def test_every_curator_save_bumps_the_version(alice, talk):
    for expected in (2, 3, 4):
        response = save(alice, talk.entry, open_form(alice, talk.entry))
        assert response.status_code == 302
        assert Entry.objects.get(pk=talk.entry.pk).version == expected
