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


# -- One person (place, topic) across recaps --------------------------------------


def other_recap(*names: str, place: str = "Café Lua", topic: str = "Performance") -> RecapData:
    """A second recap whose one talk is given by ``names``, at ``place``, on ``topic``."""
    return RecapData(
        name="PyCon Other 2031",
        slug="pycon-other-2031",
        start_date=dt.date(2031, 5, 6),
        places=[PlaceData(place, "cafe")],
        days=[
            DayData(
                "Monday",
                entries=[
                    EntryData(
                        "Another talk",
                        kind="talk",
                        people=[CreditData(name) for name in names],
                        topics=[topic],
                    ),
                    EntryData("Lunch", kind="food", place=place),
                ],
            )
        ],
    )


def test_a_person_of_two_recaps_is_one_person_whatever_the_spelling():
    load_recap(small_recap())  # "Ana Peña"

    _, report = load_recap(other_recap("Dr. ANA  pena"))

    ana = Person.objects.get(key="ana pena")
    assert ana.slug == "ana-pena"
    assert ana.name == "Ana Peña"  # a person found again keeps their name and slug
    assert ana.credits.count() == 3
    assert report.created["people"] == 0


def test_the_first_spelling_stays_whatever_loads_next():
    load_recap(small_recap())
    load_recap(other_recap("ana pena"))
    load_recap(small_recap())
    load_recap(other_recap("ana pena"))

    assert list(Person.objects.filter(key="ana pena").values_list("name", "slug")) == [
        ("Ana Peña", "ana-pena")
    ]


def test_people_with_other_names_stay_apart():
    load_recap(small_recap())
    load_recap(other_recap("Ana Penalosa"))

    assert Person.objects.filter(name__startswith="Ana Pe").count() == 2


def test_a_person_a_curator_renamed_is_still_found_by_slug():
    load_recap(small_recap())
    Person.objects.filter(slug="ana-pena").update(name="Ana Peña Ruiz", key="ana pena ruiz")

    _, report = load_recap(other_recap("Ana Peña"))

    assert list(Person.objects.filter(slug__startswith="ana").values_list("name", flat=True)) == [
        "Ana Peña Ruiz"
    ]
    assert any("Ana Peña" in note and "name" in note for note in report.kept)


def test_the_names_merged_into_a_person_place_or_topic_are_found_again():
    load_recap(small_recap())
    Person.objects.filter(slug="ana-pena").update(aliases=["A. Peña"])
    Place.objects.filter(slug="cafe-lua").update(aliases=["Lua Coffee"])
    Topic.objects.filter(slug="performance").update(aliases=["Speed"])

    load_recap(other_recap("A. Pena", place="Lua coffee", topic="Speed"))

    talk = Entry.objects.get(slug="another-talk")
    assert [c.person.slug for c in talk.credits.all()] == ["ana-pena"]
    assert list(talk.topics.values_list("slug", flat=True)) == ["performance"]
    lunch = Entry.objects.get(recap__slug="pycon-other-2031", slug="lunch")
    assert lunch.place.slug == "cafe-lua"
    assert lunch.place.name == "Café Lua"  # the kept place keeps its own name
    assert not Person.objects.filter(name="A. Pena").exists()


def test_the_person_key_is_kept_by_every_save():
    person = Person.objects.create(name="Dr. Zoë  Smith", slug="zoe")
    assert person.key == "zoe smith"

    person.name = "Zoe Smythe"
    person.save(update_fields=["name"])

    assert Person.objects.get(pk=person.pk).key == "zoe smythe"
