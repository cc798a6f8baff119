"""Writing recap documents to the database: idempotent, atomic, curator-safe."""

import datetime as dt

import pytest

from explorer.loading import LoadError, load_recap
from explorer.models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic
from explorer.recap_data import (
    CreditData,
    DayData,
    DishData,
    EntryData,
    LinkData,
    PersonData,
    PhotoData,
    PlaceData,
    RecapData,
    TopicData,
)

pytestmark = pytest.mark.django_db


def small_recap(**overrides) -> RecapData:
    """A two-day recap with a talk, a panel and a meal."""
    data = RecapData(
        name="PyCon Test 2030",
        slug="pycon-test-2030",
        city="Lisbon",
        start_date=dt.date(2030, 5, 6),
        end_date=dt.date(2030, 5, 8),
        people=[PersonData("Ana Peña", "Core developer")],
        places=[PlaceData("Café Lua", "cafe", "https://example.com/lua")],
        topics=[TopicData("Performance", "performance", "Fast code.", ["profiling"])],
        days=[
            DayData(
                "Monday",
                date=dt.date(2030, 5, 6),
                entries=[
                    EntryData(
                        "Profiling for fun",
                        kind="talk",
                        summary="How to **profile**.",
                        people=[CreditData("Ana Peña")],
                        topics=["Performance"],
                        links=[LinkData("Slides", "https://example.com/slides")],
                        photos=[PhotoData("img/ana.jpg", "Ana on stage")],
                    ),
                    EntryData(
                        "The future",
                        kind="panel",
                        people=[
                            CreditData("Bo Li", "panellist"),
                            CreditData("Ana Peña", "panellist"),
                            CreditData("Cy Host", "host"),
                        ],
                    ),
                ],
            ),
            DayData(
                "Food",
                entries=[
                    EntryData(
                        "Café Lua",
                        kind="food",
                        place="Café Lua",
                        dishes=[DishData("Pastel de nata", "Custard tart", "Café Lua")],
                    )
                ],
            ),
        ],
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def database_snapshot() -> dict[str, list]:
    """Everything a load can touch, as plain values, to compare before and after."""
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row)
            for row in model.objects.values_list(
                *[f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]
            )
        )
        for model in (Recap, Day, Entry, Person, Credit, Topic, Place, Dish, Link, Photo)
    }


def test_load_creates_the_whole_recap():
    recap, report = load_recap(small_recap())

    assert recap.name == "PyCon Test 2030"
    assert list(recap.days.values_list("label", "date")) == [
        ("Monday", dt.date(2030, 5, 6)),
        ("Food", None),
    ]
    talk = Entry.objects.get(slug="profiling-for-fun")
    assert talk.kind == "talk"
    assert [c.person.name for c in talk.credits.all()] == ["Ana Peña"]
    assert talk.credits.get().person.affiliation == "Core developer"
    assert list(talk.topics.values_list("name", flat=True)) == ["Performance"]
    assert list(talk.links.values_list("title", "url")) == [
        ("Slides", "https://example.com/slides")
    ]
    assert list(talk.photos.values_list("caption", flat=True)) == ["Ana on stage"]
    panel = Entry.objects.get(slug="the-future")
    assert list(panel.credits.values_list("person__name", "role")) == [
        ("Bo Li", "panellist"),
        ("Ana Peña", "panellist"),
        ("Cy Host", "host"),
    ]
    meal = Entry.objects.get(slug="cafe-lua")
    assert meal.place.kind == "cafe"
    assert list(meal.dishes.values_list("name", "place__name")) == [("Pastel de nata", "Café Lua")]
    assert report.created["entries (talk)"] == 1
    assert report.created["people"] == 3
    assert report.created["links"] == 1


def test_loading_twice_changes_nothing():
    load_recap(small_recap())
    before = database_snapshot()

    _, report = load_recap(small_recap())

    assert database_snapshot() == before
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert report.kept == []


def test_source_changes_update_uncurated_values():
    load_recap(small_recap())
    changed = small_recap()
    changed.days[0].entries[0].title = "Profiling for profit"
    changed.days[0].entries[0].slug = "profiling-for-fun"

    _, report = load_recap(changed)

    assert Entry.objects.get(slug="profiling-for-fun").title == "Profiling for profit"
    assert report.updated["entries (talk)"] == 1


def test_reload_keeps_and_reports_what_a_curator_edited():
    load_recap(small_recap())
    talk = Entry.objects.get(slug="profiling-for-fun")
    talk.title = "Profiling, properly"
    talk.save()
    talk.credits.all().delete()
    Credit.objects.create(entry=talk, person=Person.objects.create(name="Dee", slug="dee"))

    _, report = load_recap(small_recap())

    talk.refresh_from_db()
    assert talk.title == "Profiling, properly"
    assert list(talk.credits.values_list("person__name", flat=True)) == ["Dee"]
    assert any("Profiling for fun" in note and "title" in note for note in report.kept)
    assert any("people" in note for note in report.kept)
    # Reported again on the next load: the curated value is still there.
    _, again = load_recap(small_recap())
    assert len(again.kept) == 2


def test_force_overwrites_curated_values():
    load_recap(small_recap())
    Entry.objects.filter(slug="profiling-for-fun").update(title="Curated")

    _, report = load_recap(small_recap(), force=True)

    assert Entry.objects.get(slug="profiling-for-fun").title == "Profiling for fun"
    assert report.overwritten and not report.kept


def test_an_import_that_changes_an_entry_bumps_its_version():
    load_recap(small_recap())
    version = Entry.objects.get(slug="profiling-for-fun").version
    changed = small_recap()
    changed.days[0].entries[0].summary = "New summary."

    load_recap(changed)

    assert Entry.objects.get(slug="profiling-for-fun").version == version + 1


def test_a_failing_load_leaves_the_database_as_it_was():
    load_recap(small_recap())
    before = database_snapshot()
    broken = small_recap()
    broken.days[0].entries[0].summary = "Changed, but must not stick."
    broken.days[1].entries[0].kind = "not-a-kind"

    with pytest.raises(LoadError, match="Café Lua"):
        load_recap(broken)

    assert database_snapshot() == before


def test_an_overlong_title_is_refused_with_the_entry_named():
    data = small_recap()
    data.days[0].entries[1].title = "x" * 400

    with pytest.raises(LoadError, match="title"):
        load_recap(data)

    assert not Recap.objects.exists()


def test_duplicate_titles_get_distinct_slugs_and_repeated_people_one_credit():
    data = small_recap()
    data.days[0].entries.append(
        EntryData("Profiling for fun", kind="talk", people=[CreditData("Bo Li")] * 2)
    )

    load_recap(data)

    assert Entry.objects.filter(title="Profiling for fun").count() == 2
    assert Entry.objects.get(slug="profiling-for-fun-2").credits.count() == 1


def test_existing_topics_belong_to_curators():
    Topic.objects.create(name="Performance", slug="performance", keywords="speed")

    load_recap(small_recap())

    assert Topic.objects.get(slug="performance").keywords == "speed"
