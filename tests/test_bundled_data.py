"""Checks on the bundled, curated DjangoCon US 2024 recap (no database needed)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from django.utils.text import slugify

from explorer.models import CreditRole, EntryKind, PlaceKind
from explorer.recap_data import RecapData
from explorer.vocabulary import DEFAULT_TOPICS

DATA_FILE = Path(__file__).resolve().parent.parent / "explorer" / "data" / "djangocon-us-2024.json"
SOURCE_RECAP = Path(
    os.environ.get("RECAP_SOURCE", "/work/shared/recaps/djangocon-us-2024-recap.md")
)
SHARED_RUN = 8  # words in a row a summary may not share with the source recap

DAYS = [
    ("Intro", "intro", None),
    ("Pre-Conference Activities", "pre-conference-activities", None),
    ("Monday", "monday", dt.date(2024, 9, 23)),
    ("Tuesday", "tuesday", dt.date(2024, 9, 24)),
    ("Wednesday", "wednesday", dt.date(2024, 9, 25)),
    ("Hallway track", "hallway-track", None),
    ("Thursday", "thursday", dt.date(2024, 9, 26)),
    ("Another Great Adventure", "another-great-adventure", None),
    ("More Sight Seeing and Food!", "more-sight-seeing-and-food", None),
]

ENTRY_KINDS = {
    # Intro
    "Venue Selection": "lightning-talk",
    "DjangoCon US Website and Design": "note",
    # Pre-Conference Activities
    "Sightseeing and Some Great Meals": "sight",
    "Black Python Devs Leadership Summit": "event",
    "Rooftop View of Durham": "sight",
    "Swag Stuffing": "event",
    "Django Social": "event",
    # Monday
    "Power to the People who Teach the People": "keynote",
    "Choosing Wisely: SPA vs. HTMX for Your Next Web Project": "talk",
    "Error Culture": "talk",
    "Shrimp and Grits": "food",
    "Troubleshooting is a Lifestyle 😎": "talk",
    "A Related Matter: Optimizing your webapp by using django-debug-toolbar, "
    "select_related(), and prefetch_related()": "talk",
    "Unlocking Performance: Benchmarking and profiling Django for Maximum Efficiency": "talk",
    "DEFNA Board Dinner": "food",
    # Tuesday
    "How To Be A Developer and Other Lies We Tell Ourselves": "keynote",
    "PostgreSQL Beyond Django: Strategies to Get Max Performance": "talk",
    "If We Had $1,000,000: What Could The DSF Do With 4x Its Budget?": "talk",
    "django-mongodb": "lightning-talk",
    "Faster, leaner, greener: 10x lower website carbon emissions": "talk",
    "Meeting Lorenzo": "note",
    "Speaker and Organizer Dinner": "food",
    "The Boxcar Bar and Arcade": "event",
    # Wednesday
    "The Fellowship of the Pony": "keynote",
    "Hidden gems of Django 5.x": "talk",
    "Lightning Talk Cameo": "lightning-talk",
    "API Maybe: Bootstrapping a Web Application circa 2024": "talk",
    "Open, friendly, and welcoming: on the history and future of mentoring in Django": "panel",
    "Queeny's": "food",
    # Hallway track
    "Connections Made": "note",
    "Swag": "note",
    "Django Social T-Shirt": "note",
    "Visa Frustration": "note",
    # Thursday
    "Sprints": "event",
    # Another Great Adventure
    "Another Great Adventure": "note",
    # More Sight Seeing and Food!
    "Sarah P. Duke Gardens": "sight",
    "Cocoa Cinnamon": "food",
    "The Can Opener": "sight",
    "21c Museum Hotel": "sight",
    "The Durham Hotel": "sight",
    "Mother and Sons": "food",
    "Durham Food Hall": "food",
    "Press Coffee, Crepes, and Cocktails": "food",
    "Centerfest": "event",
    "Durham Market Culture": "sight",
    "Cousins Maine Lobster": "food",
    "Unscripted Rooftop Pool": "sight",
    "The Parlour": "food",
}

TALK_KINDS = {"keynote", "talk", "panel", "lightning-talk"}
NO_TOPIC_KINDS = {"food", "sight", "note"}


@pytest.fixture(scope="module")
def recap() -> RecapData:
    return RecapData.from_dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def entries(recap: RecapData):
    return recap.entries()


def test_file_is_utf8_json_with_two_space_indent():
    text = DATA_FILE.read_text(encoding="utf-8")
    document = json.loads(text)
    assert text.rstrip("\n") == json.dumps(document, ensure_ascii=False, indent=2)
    assert "Álvaro Justen" in text  # non-ASCII kept as is, not \u-escaped


def test_recap_metadata(recap: RecapData):
    assert recap.name == "DjangoCon US 2024"
    assert recap.slug == "djangocon-us-2024"
    assert recap.city == "Durham, North Carolina"
    assert recap.venue == "Durham Convention Center"
    assert recap.start_date == dt.date(2024, 9, 22)
    assert recap.end_date == dt.date(2024, 9, 27)
    assert recap.author == "Katherine Michel"
    assert recap.source_url == (
        "https://katherinemichel.github.io/portfolio/djangocon-us-2024-recap.html"
    )


def test_nine_days_in_order_with_dates(recap: RecapData):
    assert [(day.label, day.slug, day.date) for day in recap.days] == DAYS


def test_entry_titles_and_kinds(entries):
    assert len(entries) == len(ENTRY_KINDS) == 48
    assert {entry.title: entry.kind for entry in entries} == ENTRY_KINDS
    assert all(entry.kind in EntryKind.values for entry in entries)


def test_entries_per_day(recap: RecapData):
    assert [len(day.entries) for day in recap.days] == [2, 5, 8, 8, 6, 4, 1, 1, 13]


def test_slugs_are_unique_and_slugified(recap: RecapData, entries):
    slugs = [entry.slug for entry in entries]
    assert len(slugs) == len(set(slugs))
    for entry in entries:
        assert entry.slug == slugify(entry.title), entry.title
    day_slugs = [day.slug for day in recap.days]
    assert len(day_slugs) == len(set(day_slugs))
    assert len({p.name for p in recap.people}) == len(recap.people)
    assert len({p.name for p in recap.places}) == len(recap.places)
    assert len({t.name for t in recap.topics}) == len(recap.topics)


def test_every_entry_has_an_anchor(entries):
    for entry in entries:
        assert entry.anchor, entry.title
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.anchor), entry.anchor


def test_mentoring_panel_credits(entries):
    (panel,) = [entry for entry in entries if entry.kind == "panel"]
    assert [(c.name, c.role) for c in panel.people] == [
        ("Carlton Gibson", "panellist"),
        ("Keanya Phelps", "panellist"),
        ("Velda Kiara", "panellist"),
        ("Afi Maame Dufie", "panellist"),
        ("Sarah Boyce", "panellist"),
        ("Lacey Henschel", "host"),
    ]


def test_every_place_exists(recap: RecapData, entries):
    places = {place.name for place in recap.places}
    for entry in entries:
        if entry.place:
            assert entry.place in places, entry.title
        for dish in entry.dishes:
            if dish.place:
                assert dish.place in places, dish.name
    for place in recap.places:
        assert place.kind in PlaceKind.values, place.name
        assert place.url.startswith("https://"), place.name
        assert place.city == "Durham, North Carolina"


def test_every_credited_person_exists(recap: RecapData, entries):
    people = {person.name for person in recap.people}
    credited = {credit.name for entry in entries for credit in entry.people}
    assert credited <= people
    for entry in entries:
        for credit in entry.people:
            assert credit.role in CreditRole.values, (entry.title, credit.name)


def test_every_topic_used_exists(recap: RecapData, entries):
    topics = {topic.name for topic in recap.topics}
    used = {name for entry in entries for name in entry.topics}
    assert used <= topics
    vocabulary = {topic.name: topic for topic in DEFAULT_TOPICS}
    for topic in recap.topics:
        assert topic == vocabulary[topic.name]


def test_topics_fit_the_kind(entries):
    for entry in entries:
        if entry.kind in TALK_KINDS:
            assert 1 <= len(entry.topics) <= 3, entry.title
        elif entry.kind in NO_TOPIC_KINDS:
            assert entry.topics == [], entry.title
        else:
            assert len(entry.topics) <= 3, entry.title


def test_no_summary_is_empty(entries):
    for entry in entries:
        assert entry.summary.strip(), entry.title


def test_links_and_photos_are_well_formed(entries):
    for entry in entries:
        urls = [link.url for link in entry.links]
        assert len(urls) == len(set(urls)), entry.title
        for link in entry.links:
            assert link.title and link.url.startswith(("https://", "http://")), link
        images = [photo.image for photo in entry.photos]
        assert len(images) == len(set(images)), entry.title
        for image in images:
            assert image.startswith("djangocon-us-2024-recap-images/"), image


def test_no_mojibake(entries):
    text = DATA_FILE.read_text(encoding="utf-8")
    # Tell-tale signs of UTF-8 text decoded as Mac Roman (as in the source recap).
    for marker in ("\u221a", "\u201a\u00c4", "\u00fc\u00f2", "\uf8ff", "\u00c3"):
        assert marker not in text, marker


def _words(text: str) -> list[str]:
    text = text.casefold().replace("\u2019", "'").replace("'", "")
    return re.findall(r"\w+", text)


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_summaries_are_in_our_own_words(recap: RecapData, entries):
    if not SOURCE_RECAP.exists():
        pytest.skip(f"the shared source recap is not available at {SOURCE_RECAP}")
    source = SOURCE_RECAP.read_text(encoding="utf-8")
    try:
        import ftfy
    except ImportError:  # pragma: no cover - ftfy is a project dependency
        pass
    else:
        source = ftfy.fix_text(source)
    source_runs = _runs(_words(source), SHARED_RUN)
    texts = {f"day {day.label}": day.summary for day in recap.days}
    texts.update({f"entry {entry.title}": entry.summary for entry in entries})
    texts.update(
        {f"dish {dish.name}": dish.description for entry in entries for dish in entry.dishes}
    )
    copied = {
        label: [" ".join(run) for run in _runs(_words(text), SHARED_RUN) & source_runs]
        for label, text in texts.items()
    }
    assert {label: runs for label, runs in copied.items() if runs} == {}
