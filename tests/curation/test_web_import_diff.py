"""The re-import diff: per entry new / changed / kept / unchanged, and the recap's state."""

from __future__ import annotations

import pytest

from explorer.curation.import_diff import ArchiveMatches, changed_since, diff_recap, recap_state
from explorer.curation.web_import import corrected_document
from explorer.importer import read_recap
from explorer.loading import load_recap
from explorer.models import Credit, Entry, Person, Place
from tests.curation.web_import_support import SMALL_RECAP, many_entries

pytestmark = pytest.mark.django_db


def document(text: str = SMALL_RECAP, corrections: dict | None = None):
    return corrected_document(read_recap(text)[0].to_dict(), corrections or {})


def test_a_recap_not_in_the_database_has_no_diff():
    assert diff_recap(document()) is None
    assert recap_state("riverside-django-2031") == "none"


def test_a_second_import_of_the_same_document_changes_nothing():
    load_recap(document())

    diff = diff_recap(document())

    assert diff.counts == {"new": 0, "changed": 0, "kept": 0, "unchanged": 5}
    assert diff.untouched == 0


def test_each_entry_is_new_changed_kept_or_unchanged():
    load_recap(document())
    keynote = Entry.objects.get(slug="boring-technology")
    keynote.title = "A curator's title"
    keynote.save()
    Credit.objects.create(
        entry=Entry.objects.get(slug="some-thoughts"),
        person=Person.objects.create(name="Jo Bloggs", slug="jo-bloggs"),
    )
    changed = SMALL_RECAP.replace("mushroom soup", "tomato soup") + (
        "\n### Closing Social\n\nThe social was fun.\n"
    )

    diff = diff_recap(document(changed, {"forms-that-help": {"kind": "panel"}}))

    entries = diff.entries
    assert entries["closing-social"].status == "new"
    assert entries["queues-in-practice"].status == "unchanged"
    forms = entries["forms-that-help"]
    assert forms.status == "changed"
    assert [(c.label, c.old, c.new) for c in forms.changes] == [("Kind", "talk", "panel")]
    lunch = entries["lunch-at-blue-heron-cafe"]
    assert lunch.status == "changed" and [c.name for c in lunch.changes] == ["summary"]
    kept = entries["boring-technology"]
    assert kept.status == "kept" and kept.changes == []
    assert [(c.label, c.old, c.new) for c in kept.kept] == [
        ("Title", "A curator's title", "Boring Technology")
    ]
    speakers = entries["some-thoughts"]
    assert speakers.status == "kept"
    assert [(c.label, c.old, c.new) for c in speakers.kept] == [
        ("Speakers", "Jo Bloggs (speaker)", "—")
    ]


def test_the_diff_agrees_with_what_the_loader_then_does():
    load_recap(document())
    Entry.objects.filter(slug="queues-in-practice").update(summary="Curated.")
    new = document(
        SMALL_RECAP.replace("what goes wrong at scale", "what breaks"),
        {"boring-technology": {"kind": "talk"}},
    )

    diff = diff_recap(new)
    _, report = load_recap(new)

    assert diff.count("changed") == sum(report.updated.values())
    assert [d.kept[0].name for d in diff.entries.values() if d.kept] == ["summary"]
    assert report.kept == ["entries “Queues in Practice”: summary"]


def test_entries_the_upload_does_not_hold_are_counted_as_untouched():
    load_recap(document(many_entries(2)))

    assert diff_recap(document()).untouched == 2


def test_the_recap_state_moves_with_any_edit_and_says_what_changed():
    load_recap(document())
    before = recap_state("riverside-django-2031")
    assert changed_since("riverside-django-2031", before) == []

    entry = Entry.objects.get(slug="forms-that-help")
    entry.summary = "Edited."
    entry.save()

    assert recap_state("riverside-django-2031") != before
    assert changed_since("riverside-django-2031", before) == ["“Forms That Help” was edited."]
    assert changed_since("riverside-django-2031", "none") == [
        "The recap has been imported meanwhile."
    ]


def test_the_diff_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for extra in (0, 30):
        load_recap(document(many_entries(extra)))
        with django_assert_max_num_queries(12):
            diff = diff_recap(document(many_entries(extra)))
        assert len(diff.entries) == 5 + extra


def test_people_and_places_are_matched_as_the_loader_matches_them():
    # In the archive under other spellings and slugs: by person_key, and by a merge's alias.
    Person.objects.create(name="Dr. Ada Lovelace", slug="ada")
    Place.objects.create(name="The Heron", slug="heron", aliases=["Blue Heron Cafe"])
    load_recap(document())
    assert Entry.objects.get(slug="boring-technology").credits.get().person.slug == "ada"
    assert Entry.objects.get(slug="lunch-at-blue-heron-cafe").place.slug == "heron"

    diff = diff_recap(document())

    assert diff.counts["unchanged"] == 5
    matches = ArchiveMatches({"ada lovelace", "Grace Hopper"}, {"Blue Heron Cafe"})
    assert matches.person("ADA LOVELACE") == ("ada", "Dr. Ada Lovelace")
    assert matches.person("Grace Hopper") == ("grace-hopper", "Grace Hopper")
    assert matches.person_slug("Nobody Yet") == "nobody-yet"
    assert matches.place("Blue Heron Cafe") == ("heron", "The Heron")
