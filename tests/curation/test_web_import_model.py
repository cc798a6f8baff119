"""The web import's data: PendingImport, its permission, and applying corrections."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from explorer.curation.import_diff import ArchiveMatches
from explorer.curation.web_import import (
    corrected_document,
    names_in,
    review_cards,
    review_days,
    updated_corrections,
)
from explorer.importer import read_recap
from explorer.loading import load_recap
from explorer.models import Entry, PendingImport, Person
from tests.curation.web_import_support import SMALL_RECAP

pytestmark = pytest.mark.django_db


@pytest.fixture
def read():
    data, explanation = read_recap(SMALL_RECAP)
    return data.to_dict(), explanation.to_dict()


def make_pending(owner, document, **fields) -> PendingImport:
    return PendingImport.objects.create(
        owner=owner,
        expires_at=fields.pop("expires_at", timezone.now() + PendingImport.lifetime()),
        source_name="riverside.md",
        recap_slug=document["recap"]["slug"],
        recap_name=document["recap"]["name"],
        document=document,
        **fields,
    )


# -- PendingImport ---------------------------------------------------------------------


def test_open_pending_imports_are_neither_imported_nor_expired(curator, read):
    document, _ = read
    waiting = make_pending(curator, document)
    expired = make_pending(curator, document, expires_at=timezone.now() - dt.timedelta(seconds=1))
    imported = make_pending(curator, document, imported_at=timezone.now())

    assert list(PendingImport.objects.open()) == [waiting]
    assert list(PendingImport.objects.expired()) == [expired]
    assert expired.is_expired and not waiting.is_expired
    assert imported not in PendingImport.objects.open()
    assert str(waiting) == "Riverside Django 2031 (riverside.md)"


def test_the_lifetime_is_a_setting(settings):
    settings.PENDING_IMPORT_DAYS = 2
    assert PendingImport.lifetime() == dt.timedelta(days=2)


def test_deleting_the_owner_deletes_their_uploads(curator, read):
    make_pending(curator, read[0])
    curator.delete()
    assert not PendingImport.objects.exists()


def test_curators_may_import_and_the_grant_is_reversible():
    group = Group.objects.get(name="Curators")
    assert group.permissions.filter(codename="import_recap").exists()
    permission = Permission.objects.get(codename="import_recap")
    assert permission.name == "Can import a recap in the browser"
    # No CRUD permissions for uploads: they are not a CRUD screen.
    assert not Permission.objects.filter(codename__endswith="_pendingimport").exists()

    migration = importlib.import_module("explorer.migrations.0012_pending_import")
    editor = SimpleNamespace(connection=connection)
    state_apps = (
        MigrationExecutor(connection).loader.project_state(("explorer", "0012_pending_import")).apps
    )
    migration.revoke_import_from_curators(state_apps, editor)
    assert not group.permissions.filter(codename="import_recap").exists()
    migration.grant_import_to_curators(state_apps, editor)
    assert group.permissions.filter(codename="import_recap").exists()


def test_the_curators_index_and_header_link_to_the_import(curator_client, client):
    index = curator_client.get(reverse("manage")).content.decode()
    assert f'href="{reverse("recap-import")}"' in index
    explorer = curator_client.get(reverse("explore")).content.decode()
    assert f'href="{reverse("recap-import")}"' in explorer
    recaps = curator_client.get(reverse("recaps")).content.decode()
    assert f'href="{reverse("recap-import")}"' in recaps

    client.logout()
    assert (
        f'href="{reverse("recap-import")}"' not in client.get(reverse("explore")).content.decode()
    )


# -- Corrections -----------------------------------------------------------------------


def entry(data, slug):
    return next(e for e in data.entries() if e.slug == slug)


def test_corrections_change_the_document_the_import_writes(read):
    document, _ = read
    corrections = {
        "boring-technology": {"kind": "talk", "title": "Boring Tech", "speakers": []},
        "queues-in-practice": {"day": "monday"},
        "lunch-at-blue-heron-cafe": {"place": "Heron Hall"},
        "some-thoughts": {"omit": True},
    }

    data = corrected_document(document, corrections)

    keynote = entry(data, "boring-technology")
    assert (keynote.kind, keynote.title, keynote.people) == ("talk", "Boring Tech", [])
    assert keynote.slug == "boring-technology"  # kept: a re-import finds the same entry
    monday, tuesday = data.days
    assert [e.slug for e in monday.entries][-1] == "queues-in-practice"
    assert [e.slug for e in tuesday.entries] == []
    assert entry(data, "lunch-at-blue-heron-cafe").place == "Heron Hall"
    assert "some-thoughts" not in {e.slug for e in data.entries()}
    # The stored document itself is untouched.
    assert corrected_document(document, {}).entries()[0].title == "Boring Technology"


def test_a_correction_equal_to_what_the_importer_read_is_dropped(read):
    document, _ = read
    read_entry = entry(corrected_document(document, {}), "boring-technology")

    corrections = updated_corrections({}, read_entry, "monday", {"kind": "talk", "title": "X"})
    assert corrections == {"boring-technology": {"kind": "talk", "title": "X"}}
    corrections = updated_corrections(
        corrections, read_entry, "monday", {"kind": "keynote", "title": "Boring Technology"}
    )
    assert corrections == {}


def test_review_cards_keep_the_evidence_and_mark_corrections(read):
    document, explanation = read
    corrections = {
        "boring-technology": {"speakers": [["Ada Lovelace", "speaker"], ["Ada King", "host"]]},
        "queues-in-practice": {"day": "monday"},
        "some-thoughts": {"omit": True},
    }

    Person.objects.create(name="Ada  LOVELACE", slug="ada")  # the same person, by key
    matches = ArchiveMatches(*names_in(document, corrections))

    days, cards = review_cards(document, explanation, corrections, matches=matches)

    by_key = {card.key: card for card in cards}
    keynote = by_key["boring-technology"]
    assert keynote.corrected == {"speakers"}
    ada, king = keynote.speakers
    assert (ada.added, ada.known, bool(ada.evidence)) == (False, True, True)
    assert (king.added, king.known, king.evidence, king.role_label) == (True, False, [], "Host")
    assert keynote.kind_evidence[0].startswith("heading_prefix_keynote +12 → keynote")
    assert by_key["some-thoughts"].omitted and by_key["some-thoughts"].unsure
    moved = by_key["queues-in-practice"]
    assert moved.moved and (moved.read_day_label, moved.day_label) == ("Tuesday", "Monday")
    grouped = review_days(days, cards)
    assert [card.key for card in grouped[0].cards][-1] == "queues-in-practice"


def test_the_loader_overwrites_curated_values_only_of_the_entries_it_is_told(read):
    document, _ = read
    data = corrected_document(document, {})
    load_recap(data)
    for slug in ("boring-technology", "forms-that-help"):
        Entry.objects.filter(slug=slug).update(title="Curated")

    _, report = load_recap(data, force_entries={"boring-technology"})

    assert Entry.objects.get(slug="boring-technology").title == "Boring Technology"
    assert Entry.objects.get(slug="forms-that-help").title == "Curated"
    assert len(report.overwritten) == 1 and len(report.kept) == 1
