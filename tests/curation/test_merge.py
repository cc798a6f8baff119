"""Merging duplicate people, places and topics (explorer.curation.merge), and reverting."""

from __future__ import annotations

import datetime as dt

import pytest

from explorer.curation.merge import MergeError, merge, plan, revert
from explorer.loading import load_recap
from explorer.models import Credit, Dish, Entry, Merge, Person, Topic
from explorer.recap_data import CreditData, DayData, EntryData, RecapData
from tests.test_explore import titles

pytestmark = pytest.mark.django_db


def test_merging_a_person_moves_their_credits_and_remembers_their_name(duplicates, curator):
    archive, sb, *_ = duplicates
    testing = Entry.objects.get(slug="testing-django")
    version = testing.version

    record = merge(sb, archive.sarah, user=curator)

    assert not Person.objects.filter(pk=sb.pk).exists()
    assert [c.person.name for c in testing.credits.order_by("order")] == ["Tim Bell", "Sarah Boyce"]
    # Already credited on the keynote: one credit, hers.
    assert list(Entry.objects.get(slug="state-of-django").credits.values_list("person__slug")) == [
        ("sarah-boyce",)
    ]
    archive.sarah.refresh_from_db()
    assert archive.sarah.aliases == ["S. Boyce"]
    assert record.kind == "person"
    assert record.moved["dropped"] == [
        {"entry_id": Entry.objects.get(slug="state-of-django").pk, "role": "host", "order": 7}
    ]
    assert str(record) == "Person “S. Boyce” merged into “Sarah Boyce”"
    # The entries touched have a new version (an older edit form is refused).
    assert Entry.objects.get(pk=testing.pk).version == version + 1


def test_a_merge_is_in_the_history_of_every_row_it_changed(duplicates, curator):
    archive, sb, *_ = duplicates

    merge(sb, archive.sarah, user=curator)

    reason = "Merged “S. Boyce” into “Sarah Boyce”"
    gone = Person.history.filter(id=sb.pk).latest("history_date")
    assert (gone.history_type, gone.history_change_reason, gone.history_user) == (
        "-",
        reason,
        curator,
    )
    assert Person.history.filter(id=archive.sarah.pk).latest("history_date").aliases == ["S. Boyce"]
    moved = Credit.history.filter(person_id=archive.sarah.pk, history_change_reason=reason)
    assert moved.count() == 1
    testing = Entry.history.filter(slug="testing-django").latest("history_date")
    assert (testing.history_change_reason, testing.history_user) == (reason, curator)


def test_the_explorer_and_the_search_follow_a_merge(client, duplicates, curator):
    archive, sb, *_ = duplicates

    merge(sb, archive.sarah, user=curator)

    assert "Testing Django" in titles(client, "speaker=sarah-boyce")
    assert "Testing Django" in titles(client, "q=sarah")
    assert client.get("/speakers/s-boyce/").status_code == 404


def test_reverting_a_person_merge_puts_everything_back(duplicates, curator):
    archive, sb, *_ = duplicates
    before = sorted(Credit.objects.values_list("entry__slug", "person__slug", "role", "order"))
    record = merge(sb, archive.sarah, user=curator)

    restored = revert(record, user=curator)

    assert (restored.pk, restored.slug, restored.name, restored.affiliation) == (
        sb.pk,
        "s-boyce",
        "S. Boyce",
        "Fellow",
    )
    assert restored.key == "s boyce"
    after = sorted(Credit.objects.values_list("entry__slug", "person__slug", "role", "order"))
    assert after == before
    archive.sarah.refresh_from_db()
    assert archive.sarah.aliases == []
    record.refresh_from_db()
    assert record.reverted_at is not None
    assert record.reverted_by == curator
    with pytest.raises(MergeError, match="already been reverted"):
        revert(record, user=curator)


def test_nothing_is_merged_into_itself(duplicates):
    _, sb, cafe, asynchrony, _ = duplicates

    with pytest.raises(MergeError, match="A person cannot be merged into itself"):
        merge(sb, Person.objects.get(pk=sb.pk))
    with pytest.raises(MergeError, match="A place cannot be merged into itself"):
        plan(cafe, cafe)
    with pytest.raises(MergeError, match="into one of its kind"):
        merge(cafe, asynchrony)
    assert Person.objects.filter(pk=sb.pk).exists()
    assert not Merge.objects.exists()


def test_the_next_import_matches_the_merged_name(duplicates, curator):
    archive, sb, *_ = duplicates
    merge(sb, archive.sarah, user=curator)
    people = Person.objects.count()

    load_recap(
        RecapData(
            name="Django Day 2025",
            slug="django-day-2025",
            start_date=dt.date(2025, 3, 1),
            days=[
                DayData(
                    "Talks",
                    entries=[EntryData("Hello", kind="talk", people=[CreditData("s boyce")])],
                )
            ],
        )
    )

    assert Person.objects.count() == people
    assert Entry.objects.get(slug="hello").credits.get().person == archive.sarah


def test_merging_a_place_moves_its_entries_and_dishes(duplicates, curator):
    archive, _, cafe, _, dish = duplicates
    social = Entry.objects.get(slug="social-night")
    version = social.version

    summary = plan(cafe, archive.cocoa)
    record = merge(cafe, archive.cocoa, user=curator)

    assert (summary.moved, summary.dishes, summary.entries) == (1, 1, 2)
    assert Entry.objects.get(pk=social.pk).place == archive.cocoa
    assert Entry.objects.get(pk=social.pk).version == version + 1
    assert Dish.objects.get(pk=dish.pk).place == archive.cocoa
    archive.cocoa.refresh_from_db()
    assert archive.cocoa.aliases == ["Cocoa Cinnamon Cafe"]

    revert(record, user=curator)

    assert Entry.objects.get(pk=social.pk).place.slug == "cocoa-cinnamon-cafe"
    assert Dish.objects.get(pk=dish.pk).place.slug == "cocoa-cinnamon-cafe"
    archive.cocoa.refresh_from_db()
    assert archive.cocoa.aliases == []


def test_merging_a_topic_moves_its_links_and_keywords(duplicates, curator):
    archive, _, _, asynchrony, _ = duplicates
    asynchronous = archive.asynchronous

    summary = plan(asynchrony, asynchronous)
    record = merge(asynchrony, asynchronous, user=curator)

    assert (summary.moved, summary.dropped) == (1, 1)
    testing = Entry.objects.get(slug="testing-django")
    assert sorted(testing.topics.values_list("slug", flat=True)) == ["async", "testing"]
    assert list(Entry.objects.get(slug="async-all-the-way").topics.values_list("slug")) == [
        ("async",)
    ]
    asynchronous.refresh_from_db()
    assert asynchronous.keyword_list == ["asyncio"]
    assert asynchronous.aliases == ["Asynchrony"]

    revert(record, user=curator)

    assert sorted(testing.topics.values_list("slug", flat=True)) == ["asynchrony", "testing"]
    assert sorted(
        Entry.objects.get(slug="async-all-the-way").topics.values_list("slug", flat=True)
    ) == ["async", "asynchrony"]
    asynchronous.refresh_from_db()
    assert (asynchronous.keyword_list, asynchronous.aliases) == ([], [])
    assert Topic.objects.get(slug="asynchrony").keyword_list == ["asyncio"]


def test_a_revert_is_refused_when_the_address_was_taken_since(duplicates, curator):
    archive, sb, *_ = duplicates
    record = merge(sb, archive.sarah, user=curator)
    Person.objects.create(name="Sam Boyce", slug="s-boyce")

    with pytest.raises(MergeError, match="address “s-boyce”"):
        revert(record, user=curator)

    assert Credit.objects.filter(person=archive.sarah).count() == 3


def test_a_revert_leaves_rows_changed_since_alone(duplicates, curator):
    archive, sb, *_ = duplicates
    record = merge(sb, archive.sarah, user=curator)
    ana = Person.objects.get(slug="ana-pena")
    Entry.objects.get(slug="testing-django").credits.filter(person=archive.sarah).update(person=ana)

    revert(record, user=curator)

    testing = Entry.objects.get(slug="testing-django")
    assert sorted(testing.credits.values_list("person__slug", flat=True)) == [
        "ana-pena",
        "tim-bell",
    ]
    # The credit dropped on the keynote comes back: nobody changed that entry.
    keynote = Entry.objects.get(slug="state-of-django")
    assert sorted(keynote.credits.values_list("person__slug", flat=True)) == [
        "s-boyce",
        "sarah-boyce",
    ]
