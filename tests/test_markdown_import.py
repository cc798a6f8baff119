"""The Markdown recap parser, on the real DjangoCon US 2024 recap and on small recaps.

The small recaps are written here, one per variation of the author's style, so
that the parser is checked as a general importer and not only on one file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from explorer.importer import RecapParseError, parse_recap
from explorer.importer.text import fix_mojibake
from explorer.recap_data import EntryData, LinkData, RecapData, TopicData

SHARED_RECAP = Path(__file__).resolve().parents[2] / "shared/recaps/djangocon-us-2024-recap.md"


@pytest.fixture(scope="module")
def recap() -> RecapData:
    if not SHARED_RECAP.exists():
        pytest.skip(f"the shared DjangoCon US 2024 recap is not at {SHARED_RECAP}")
    return parse_recap(SHARED_RECAP.read_text(encoding="utf-8"))


def entry(data: RecapData, title: str) -> EntryData:
    matches = [e for e in data.entries() if e.title == title]
    assert len(matches) == 1, f"{len(matches)} entries titled {title!r}"
    return matches[0]


def outline(data: RecapData) -> list[tuple[str, list[tuple[str, str, list[tuple[str, str]]]]]]:
    return [
        (
            day.label,
            [(e.title, e.kind, [(c.name, c.role) for c in e.people]) for e in day.entries],
        )
        for day in data.days
    ]


# --- the DjangoCon US 2024 recap -----------------------------------------------------

SPEAKER, PANELLIST, HOST = "speaker", "panellist", "host"
PANEL_TITLE = "Open, friendly, and welcoming: on the history and future of mentoring in Django"
RELATED_MATTER = (
    "A Related Matter: Optimizing your webapp by using django-debug-toolbar, "
    "select_related(), and prefetch_related()"
)
# fmt: off
EXPECTED_OUTLINE = [
    ("Intro", [
        ("Venue Selection", "lightning-talk", [("Adam Fast", SPEAKER)]),
        ("DjangoCon US Website and Design", "note", []),
    ]),
    ("Pre-Conference Activities", [
        ("Sightseeing and Some Great Meals", "sight", []),
        ("Black Python Devs Leadership Summit", "event", [
            ("Wesley Faulkner", SPEAKER),
            ("Benedict Kofi Amofah", PANELLIST),
            ("Jeff Triplett", PANELLIST),
            ("Loren Crary", PANELLIST),
            ("Monica Oyugi", PANELLIST),
            ("Velda Kiara", HOST),
        ]),
        ("Rooftop View of Durham", "sight", []),
        ("Swag Stuffing", "event", []),
        ("Django Social", "event", []),
    ]),
    ("Monday", [
        ("Power to the People who Teach the People", "keynote", [("Sheena O'Connell", SPEAKER)]),
        ("Choosing Wisely: SPA vs. HTMX for Your Next Web Project", "talk",
         [("Chris May", SPEAKER)]),
        ("Error Culture", "talk", [("Ryan Cheley", SPEAKER)]),
        ("Shrimp and Grits", "food", []),
        ("Troubleshooting is a Lifestyle 😎", "talk", [("Jack Linke", SPEAKER)]),
        (RELATED_MATTER, "talk", [("Christopher Adams", SPEAKER)]),
        ("Unlocking Performance: Benchmarking and profiling Django for Maximum Efficiency",
         "talk", [("Ron Maravanyika", SPEAKER)]),
        ("DEFNA Board Dinner", "food", []),
    ]),
    ("Tuesday", [
        ("How To Be A Developer and Other Lies We Tell Ourselves", "keynote",
         [("Mario Munoz", SPEAKER)]),
        ("PostgreSQL Beyond Django: Strategies to Get Max Performance", "talk",
         [("Álvaro Justen", SPEAKER)]),
        ("If We Had $1,000,000: What Could The DSF Do With 4x Its Budget?", "talk",
         [("Jacob Kaplan-Moss", SPEAKER)]),
        ("django-mongodb", "lightning-talk", [("Jib Adegunloye", SPEAKER)]),
        ("Faster, leaner, greener: 10x lower website carbon emissions", "talk",
         [("Thibaud Colas", SPEAKER)]),
        ("Meeting Lorenzo", "note", []),
        ("Speaker and Organizer Dinner", "food", []),
        ("The Boxcar Bar and Arcade", "event", []),
    ]),
    ("Wednesday", [
        ("The Fellowship of the Pony", "keynote", [("Natalia Bidart", SPEAKER)]),
        ("Hidden gems of Django 5.x", "talk", [("Sarah Boyce", SPEAKER)]),
        ("Lightning Talk Cameo", "lightning-talk", [("Jon Gould", SPEAKER)]),
        ("API Maybe: Bootstrapping a Web Application circa 2024", "talk",
         [("Carlton Gibson", SPEAKER)]),
        (PANEL_TITLE, "panel", [
            ("Carlton Gibson", PANELLIST),
            ("Keanya Phelps", PANELLIST),
            ("Velda Kiara", PANELLIST),
            ("Afi Maame Dufie", PANELLIST),
            ("Sarah Boyce", PANELLIST),
            ("Lacey Henschel", HOST),
        ]),
        ("Queeny's", "food", []),
    ]),
    ("Hallway track", [
        ("Connections Made", "note", []),
        ("Swag", "note", []),
        ("Django Social T-Shirt", "note", []),
        ("Visa Frustration", "note", []),
    ]),
    ("Thursday", [("Sprints", "event", [])]),
    ("Another Great Adventure", [("Another Great Adventure", "note", [])]),
    ("More Sight Seeing and Food!", [
        ("Sarah P. Duke Gardens", "sight", []),
        ("Cocoa Cinnamon", "food", []),
        ("The Can Opener", "sight", []),
        ("21c Museum Hotel", "sight", []),
        ("The Durham Hotel", "sight", []),
        ("Mother and Sons", "food", []),
        ("Durham Food Hall", "food", []),
        ("Press Coffee, Crepes, and Cocktails", "food", []),
        ("Centerfest", "event", []),
        ("Durham Market Culture", "sight", []),
        ("Cousins Maine Lobster", "food", []),
        ("Unscripted Rooftop Pool", "sight", []),
        ("The Parlour", "food", []),
    ]),
]
# fmt: on


def test_recap_name_dates_city_and_venue(recap):
    assert recap.name == "DjangoCon US 2024"
    assert recap.slug == "djangocon-us-2024"
    assert (recap.start_date, recap.end_date) == (dt.date(2024, 9, 22), dt.date(2024, 9, 27))
    assert recap.city == "Durham, North Carolina"
    assert recap.venue == "Durham Convention Center"


def test_days_in_order_with_weekday_dates(recap):
    assert [(day.label, day.date) for day in recap.days] == [
        ("Intro", None),
        ("Pre-Conference Activities", None),
        ("Monday", dt.date(2024, 9, 23)),
        ("Tuesday", dt.date(2024, 9, 24)),
        ("Wednesday", dt.date(2024, 9, 25)),
        ("Hallway track", None),
        ("Thursday", dt.date(2024, 9, 26)),
        ("Another Great Adventure", None),
        ("More Sight Seeing and Food!", None),
    ]
    assert [day.slug for day in recap.days][:3] == ["intro", "pre-conference-activities", "monday"]


def test_every_entry_has_its_title_kind_and_people(recap):
    assert outline(recap) == EXPECTED_OUTLINE


def test_day_summaries_are_the_parts_own_prose(recap):
    days = {day.label: day for day in recap.days}
    assert "took place from September 22-27 in Durham" in days["Intro"].summary
    assert "![" not in days["Intro"].summary  # the attendees photo is not prose
    assert days["Monday"].summary.startswith("Orientation Chair Kojo Idressa")
    assert days["Wednesday"].summary == "Wednesday was deep dive day."
    assert days["Tuesday"].summary == ""


def test_people_are_deduplicated_with_their_roles(recap):
    people = {person.name: person.affiliation for person in recap.people}
    assert len(people) == len(recap.people)
    assert people["Sarah Boyce"] == "Django Fellow"
    assert people["Natalia Bidart"] == "Django Fellow"
    assert people["Thibaud Colas"] == "DSF Board Member and Wagtail Developer"
    assert people["Adam Fast"] == "DEFNA Board Member"
    assert {"Álvaro Justen", "Sheena O'Connell", "Jacob Kaplan-Moss"} <= set(people)
    credited = {c.name for e in recap.entries() for c in e.people}
    assert credited == set(people)
    assert not credited & {"I", "Me", "Katherine Michel"}


def test_mojibake_is_repaired(recap):
    assert entry(recap, "Troubleshooting is a Lifestyle 😎").anchor == (
        "troubleshooting-is-a-lifestyle"
    )
    assert "Lorenzo Peña and I" in entry(recap, "Meeting Lorenzo").summary
    assert (
        "web app's experience"
        in entry(recap, "Choosing Wisely: SPA vs. HTMX for Your Next Web Project").summary
    )
    keynote = entry(recap, "Power to the People who Teach the People")
    assert "The Protégé Effect" in [link.title for link in keynote.links]
    dumped = json.dumps(recap.to_dict(), ensure_ascii=False)
    for mojibake in ("√", "\u201a\u00c4\u00f4", "üò", "\uf8ff"):
        assert mojibake not in dumped


def test_anchors_come_from_the_table_of_contents(recap):
    assert entry(recap, "Power to the People who Teach the People").anchor == (
        "keynote-power-to-the-people-who-teach-the-people"
    )
    assert entry(recap, "21c Museum Hotel").anchor == "c-museum-hotel"
    assert entry(recap, "Queeny's").anchor == "queenys"
    assert entry(recap, "Another Great Adventure").anchor == "another-great-adventure"


def test_entry_slugs_are_unique(recap):
    slugs = [e.slug for e in recap.entries()]
    assert len(slugs) == len(set(slugs))
    assert entry(recap, "Troubleshooting is a Lifestyle 😎").slug == (
        "troubleshooting-is-a-lifestyle"
    )


def test_links_are_the_entry_links_without_navigation(recap):
    assert entry(recap, "Error Culture").links == [
        LinkData("Chesterton's Fence", "https://fs.blog/chestertons-fence/")
    ]
    all_links = [link for e in recap.entries() for link in e.links]
    assert not [link for link in all_links if link.url.startswith("#")]
    assert not [link for link in all_links if "back to top" in link.title.lower()]
    carlton = entry(recap, "API Maybe: Bootstrapping a Web Application circa 2024")
    assert [link.title for link in carlton.links][:2] == ["django-unicorn", "slippers"]


def test_photos_keep_their_captions_and_hidden_photos_stay_hidden(recap):
    error_culture = entry(recap, "Error Culture")
    assert [(p.image, p.caption) for p in error_culture.photos] == [
        (
            "djangocon-us-2024-recap-images/ryan-venn-diagram.png",
            "Make sure an alert is... actionable, important, sent to the right people",
        ),
        ("djangocon-us-2024-recap-images/ryan-best-example.png", "What, why, who, verb"),
    ]
    venue = entry(recap, "Venue Selection")
    assert len(venue.photos) == 5
    assert {p.caption for p in venue.photos} == {""}
    images = {p.image.rsplit("/", 1)[-1] for e in recap.entries() for p in e.photos}
    assert "natalia-lint-optimize-trim-refine.png" not in images
    assert "adam-djangocon-us-6.png" not in images
    assert "natalia-load-oversee-triage-review.png" in images


def test_commented_out_sections_are_not_imported(recap):
    assert "Many More Great Talks" not in [e.title for e in recap.entries()]


def test_food_places_and_dishes(recap):
    places = {place.name: place for place in recap.places}
    assert places["Cocoa Cinnamon"].kind == "cafe"
    assert places["The Parlour"].kind == "ice-cream"
    assert places["Cousins Maine Lobster"].kind == "food-truck"
    assert places["Queeny's"].kind == "restaurant"
    assert places["Queeny's"].url == "https://www.queenysdurham.com/"
    assert places["Sarah P. Duke Gardens"].kind == "garden"
    cocoa = entry(recap, "Cocoa Cinnamon")
    assert cocoa.place == "Cocoa Cinnamon"
    assert [dish.name for dish in cocoa.dishes] == ["Chai Latte", "Caramelo", "Al Mohka"]
    assert cocoa.dishes[0].description.startswith("Housemade chai blend of cinnamon")
    assert {dish.place for dish in cocoa.dishes} == {"Cocoa Cinnamon"}
    assert [d.name for d in entry(recap, "The Parlour").dishes] == ["Salted Butter Caramel"]
    oysters = entry(recap, "DEFNA Board Dinner").dishes[0]
    assert (oysters.name, oysters.description) == (
        "Oysters on the half",
        "blood orange mignonette, cocktail sauce",
    )
    assert not [e for e in recap.entries() if e.dishes and e.kind in {"talk", "keynote"}]


def test_topics_tag_talks_and_events_only(recap):
    assert "Debugging & observability" in entry(recap, "Error Culture").topics
    assert "Community" in entry(recap, "Black Python Devs Leadership Summit").topics
    assert (
        "Sustainability"
        in entry(recap, "Faster, leaner, greener: 10x lower website carbon emissions").topics
    )
    untagged = [e for e in recap.entries() if e.kind in {"food", "sight", "note"} and e.topics]
    assert untagged == []
    used = {name for e in recap.entries() for name in e.topics}
    assert {topic.name for topic in recap.topics} == used


def test_summaries_are_short_first_paragraphs(recap):
    assert entry(recap, "Error Culture").summary == (
        "Ryan Cheley defined Error Culture: workers ignore automated email alerts, "
        "creating a culture of reactive firefighting."
    )
    assert entry(recap, "Queeny's").summary.startswith("After the conference had ended")
    assert all(len(e.summary) <= 320 for e in recap.entries())
    assert entry(recap, "Swag").summary == ""  # only captioned photos


def test_the_document_survives_a_json_round_trip(recap):
    again = RecapData.from_dict(json.loads(json.dumps(recap.to_dict())))
    assert again == recap


# --- small recaps, one per variation ---------------------------------------------------

VARIATIONS = """\
# PyCascades 2025 Recap

PyCascades 2025 took place from May 31-June 2 in Portland, Oregon at the Oregon \
Convention Center.

## Saturday

Day one opened with a crowded hallway.

### Simon Willison- Imitation Intelligence

Simon showed how language models imitate intelligence and explained prompt injection.

![](images/simon.png)
Simon on stage, with his pelican

#### Resources

* [Simon's blog](https://simonwillison.net/)

### Keynote: Jane Doe

Jane talked about teaching Python to children. Jane explained mastery learning.

### Lightning Talks

#### Ana Lima- Fun with Forms

Ana showed a tiny form library.

#### Fast Tests by Bo Chen

Bo explained how to make a slow test suite fast.

<!--
### Unfinished Section

Nothing to see here.

![](images/hidden.png)
-->

## Sunday

### Waffle Window

We had brunch at [Waffle Window](https://example.com/waffles). The menu is long.

![](images/waffle.jpg)
Berry waffle, whipped cream, maple syrup

![](images/queue.jpg)
Waiting in line

### Sprint Day

I sprinted on the docs with Jos\u221a\u00a9 Garc\u221a\u2260a. It was the team\u201a\u00c4\u00f4s \
best sprint yet.

## Goodbye

See you next year!
"""


@pytest.fixture(scope="module")
def variations() -> RecapData:
    return parse_recap(VARIATIONS, source_url="https://example.com/recap", author="Kim")


def test_variations_cross_month_dates_and_weekdays(variations):
    assert variations.name == "PyCascades 2025"
    assert (variations.start_date, variations.end_date) == (
        dt.date(2025, 5, 31),
        dt.date(2025, 6, 2),
    )
    assert (variations.city, variations.venue) == ("Portland, Oregon", "Oregon Convention Center")
    assert [(d.label, d.date) for d in variations.days] == [
        ("Saturday", dt.date(2025, 5, 31)),
        ("Sunday", dt.date(2025, 6, 1)),
        ("Goodbye", None),
    ]
    assert (variations.source_url, variations.author) == ("https://example.com/recap", "Kim")


def test_variations_talks_titled_by_speaker_and_sub_talks(variations):
    assert outline(variations)[0] == (
        "Saturday",
        [
            ("Imitation Intelligence", "talk", [("Simon Willison", SPEAKER)]),
            ("Keynote: Jane Doe", "keynote", [("Jane Doe", SPEAKER)]),
            ("Fun with Forms", "lightning-talk", [("Ana Lima", SPEAKER)]),
            ("Fast Tests", "lightning-talk", [("Bo Chen", SPEAKER)]),
        ],
    )
    simon = entry(variations, "Imitation Intelligence")
    assert simon.links == [LinkData("Simon's blog", "https://simonwillison.net/")]  # folded ####


def test_variations_without_a_table_of_contents_compute_anchors(variations):
    assert entry(variations, "Imitation Intelligence").anchor == (
        "simon-willison--imitation-intelligence"
    )
    assert entry(variations, "Keynote: Jane Doe").anchor == "keynote-jane-doe"
    # GitHub keeps both hyphens of "Ana Lima- Fun": the anchor is what its renderer makes.
    assert entry(variations, "Fun with Forms").anchor == "ana-lima--fun-with-forms"
    assert entry(variations, "Fast Tests").anchor == "fast-tests-by-bo-chen"


def test_variations_captions_below_images(variations):
    simon = entry(variations, "Imitation Intelligence")
    assert [(p.image, p.caption) for p in simon.photos] == [
        ("images/simon.png", "Simon on stage, with his pelican")
    ]
    waffles = entry(variations, "Waffle Window")
    assert [p.caption for p in waffles.photos] == [
        "Berry waffle, whipped cream, maple syrup",
        "Waiting in line",
    ]


def test_variations_commented_out_sections_and_photos_are_skipped(variations):
    titles = [e.title for e in variations.entries()]
    assert "Unfinished Section" not in titles
    assert "images/hidden.png" not in [p.image for e in variations.entries() for p in e.photos]


def test_variations_food_place_and_dish(variations):
    waffles = entry(variations, "Waffle Window")
    assert (waffles.kind, waffles.place) == ("food", "Waffle Window")
    assert [(d.name, d.description, d.place) for d in waffles.dishes] == [
        ("Berry waffle", "whipped cream, maple syrup", "Waffle Window")
    ]
    assert [(p.name, p.kind) for p in variations.places] == [("Waffle Window", "restaurant")]


def test_variations_mojibake_and_a_part_without_sections(variations):
    sprint = entry(variations, "Sprint Day")
    assert sprint.kind == "event"
    assert "José García" in sprint.summary
    assert "team's best sprint" in sprint.summary
    assert outline(variations)[2] == ("Goodbye", [("Goodbye", "note", [])])


def test_a_range_across_months_with_the_year_after_it():
    data = parse_recap(
        "# DjangoCon 2024\n\nThe event ran October 28 - November 1, 2024 in Lisbon.\n\n"
        "## Monday\n\n### Opening\n\nHello.\n\n## Friday\n\n### Closing\n\nBye.\n"
    )
    assert (data.start_date, data.end_date) == (dt.date(2024, 10, 28), dt.date(2024, 11, 1))
    assert [d.date for d in data.days] == [dt.date(2024, 10, 28), dt.date(2024, 11, 1)]
    assert data.city == "Lisbon"


def test_venue_names_may_hold_initials_and_come_after_the_dates():
    data = parse_recap(
        "# PyCon US 2024 Recap\n\nPyCon US 2024 took place in Pittsburgh, Pennsylvania from "
        "May 15-23, 2024 at the David L. Lawrence Convention Center.\n\n## Friday\n\n"
        "### Hello\n\nA note.\n"
    )
    assert (data.city, data.venue) == (
        "Pittsburgh, Pennsylvania",
        "David L. Lawrence Convention Center",
    )
    assert data.days[0].date == dt.date(2024, 5, 17)


def test_no_date_sentence_leaves_dates_empty():
    data = parse_recap("# Tiny Recap\n\n## Monday\n\n### Hello\n\nA note.\n")
    assert (data.start_date, data.end_date, data.city, data.venue) == (None, None, "", "")
    assert data.days[0].date is None
    assert data.name == "Tiny"


def test_keynote_by_and_panel_sentences_credit_people():
    data = parse_recap(
        "# Summit Recap\n\n## Day\n\n### Leaders Summit\n\n"
        "I attended the afternoon session at the summit.\n\n"
        "The afternoon opened with a keynote by Grace Hopper.\n\n"
        "Panelists: Ada Lovelace, Alan Turing and Katherine Johnson\n"
    )
    assert outline(data)[0][1] == [
        (
            "Leaders Summit",
            "event",
            [
                ("Grace Hopper", SPEAKER),
                ("Ada Lovelace", PANELLIST),
                ("Alan Turing", PANELLIST),
                ("Katherine Johnson", PANELLIST),
            ],
        )
    ]


def test_meeting_someone_is_a_note_without_people():
    data = parse_recap(
        "# Conf Recap\n\n## Hallway\n\n### Meeting Maria\n\n"
        "Maria Silva and I finally met in person! She showed me her new library.\n"
    )
    assert outline(data)[0][1] == [("Meeting Maria", "note", [])]


def test_slugs_are_made_unique_within_the_recap():
    data = parse_recap("# R\n\n## One\n\n### Lunch\n\nWe ate.\n\n## Two\n\n### Lunch\n\nAgain.\n")
    assert [e.slug for e in data.entries()] == ["lunch", "lunch-2"]


def test_topics_come_from_the_given_vocabulary():
    topics = [TopicData("Testing", "testing", "", ["pytest", "test suite"])]
    data = parse_recap(
        "# R\n\n## Day\n\n### Fast Tests\n\nBo Chen showed how pytest runs a test suite fast.\n",
        topics=topics,
    )
    assert entry(data, "Fast Tests").topics == ["Testing"]
    assert data.topics == topics


# --- mojibake ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("√Ålvaro Justen", "Álvaro Justen"),
        ("Lorenzo Pe√±a", "Lorenzo Peña"),
        ("app\u201a\u00c4\u00f4s", "app's"),
        ("The Prot√©g√© Effect", "The Protégé Effect"),
        ("Troubleshooting is a Lifestyle \uf8ffüòé", "Troubleshooting is a Lifestyle 😎"),
        ("Protégé café in Zürich, naïve ≠ wrong", "Protégé café in Zürich, naïve ≠ wrong"),
    ],
)
def test_fix_mojibake(broken, fixed):
    assert fix_mojibake(broken) == fixed


# --- errors ----------------------------------------------------------------------------

NO_HEADINGS = "The file has no ## or ### headings, so there is nothing to import."
NO_TITLE = "The file has no # title heading, so the recap has no name."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty, so there is nothing to import."),
        ("  \n\n ", "The file is empty, so there is nothing to import."),
        ("Just a paragraph.", NO_HEADINGS),
        ("# Title only\n\nText.", NO_HEADINGS),
        ("## Monday\n\n### Talk\n\nText.", NO_TITLE),
    ],
)
def test_unimportable_text_raises_one_clear_sentence(text, message):
    with pytest.raises(RecapParseError) as error:
        parse_recap(text)
    assert str(error.value) == message
    assert isinstance(error.value, ValueError)
