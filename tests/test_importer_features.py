"""The importer's features, one by one, on tiny inputs (no database).

Each feature is a small pure function; these tests pin what each one says
about a line or a section, so that a change to one shows up here first.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from explorer.importer import read_recap
from explorer.importer.dates import (
    date_for_label,
    day_likeness,
    find_recap_facts,
    parse_date_range,
)
from explorer.importer.food import caption_after_place, dishes_in_caption, entry_dishes
from explorer.importer.kinds import (
    WEIGHTS,
    Draft,
    decide_kind,
    eating_verb,
    group_kind,
    heading_cue_words,
    heading_head_noun,
    lightning_cue,
    meeting_cue,
    meeting_heading,
    place_link,
    ran_a_workshop,
    speaker_in_opening,
    split_kind_prefix,
    talk_links,
    unsure_reasons,
)
from explorer.importer.links import (
    is_profile_url,
    is_talk_page_url,
    looks_like_food_site,
    profile_handle,
    repair_url,
)
from explorer.importer.names import (
    PeopleIndex,
    exact_name,
    is_given_name,
    mentions_in,
    names_in_phrase,
    same_first_name,
)
from explorer.importer.parse import parse_document
from explorer.importer.people import (
    co_speakers,
    leader_credits,
    meeting_phrase,
    panel_credits,
    rank_speakers,
)
from explorer.importer.structure import (
    choose_day_level,
    extract_talks,
    kind_only,
    read_heading,
    talk_mentions,
)


def blocks_of(markdown: str):
    """The blocks of the first heading's section in ``markdown``."""
    section = parse_document(markdown).root.walk()[1]
    return section.blocks


def draft(heading: str, body: str, **kwargs) -> Draft:
    return Draft(heading, blocks_of(f"### {heading}\n\n{body}\n"), **kwargs)


def fired(feature, d: Draft) -> list[str]:
    return [name for name, _ in feature(d)]


# --- links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("example.org", "https://example.org"),
        ("www.example.org/menu", "https://www.example.org/menu"),
        ("#top", "#top"),
        ("htp:/not-a-url", None),
        ("javascript:alert(1)", None),
        ("notes.md", None),
        ("http://[x", None),  # urllib cannot even split it
    ],
)
def test_repair_url(url, expected):
    assert repair_url(url)[0] == expected


def test_repair_url_says_what_it_did_and_resolves_relative_links_against_the_post():
    assert "had no scheme" in repair_url("example.org")[1]
    assert repair_url("notes.md", "https://blog.example.com/2024/recap.html")[0] == (
        "https://blog.example.com/2024/notes.md"
    )


@pytest.mark.parametrize(
    ("url", "handle"),
    [
        ("https://twitter.com/ada", "ada"),
        ("https://x.com/ada", "ada"),
        ("https://github.com/ada", "ada"),
        ("https://fosstodon.org/@ada", "ada"),
        ("https://www.linkedin.com/in/ada-lovelace/", "ada-lovelace"),
        ("https://bsky.app/profile/ada.bsky.social", "ada.bsky.social"),
        ("https://github.com/ada/engine", None),  # a repository, not a person
        ("https://twitter.com/search", None),
        ("https://example.org/@ada/post/1", None),
    ],
)
def test_profile_links(url, handle):
    assert profile_handle(url) == handle
    assert is_profile_url(url) is (handle is not None)


def test_talk_pages_and_food_sites():
    assert is_talk_page_url("https://2019.example.org/talks/the-talk-title/")
    assert is_talk_page_url("https://us.pycon.org/2024/schedule/presentation/41/")
    assert is_talk_page_url("https://pretalx.com/conf/talk/ABC/")
    assert not is_talk_page_url("https://example.org/talks/")  # the list, not one talk
    assert looks_like_food_site("https://www.piepizzeria.com/")
    assert not looks_like_food_site("https://twitter.com/foodie")


# --- names ------------------------------------------------------------------------------


def test_given_names_come_from_a_package():
    assert all(is_given_name(name) for name in ("Sarah", "Álvaro", "Kojo", "Priya", "Tomasz"))
    assert not any(is_given_name(word) for word in ("Django", "Durham", "Keynote", "Sprints"))


def test_mentions_peel_off_roles_and_skip_organisations():
    (sarah,) = mentions_in("Django Fellow Sarah Boyce pointed out the work.")
    assert (sarah.name, sarah.affiliation, sarah.given) == ("Sarah Boyce", "Django Fellow", True)
    assert mentions_in("Black Python Devs ran a workshop.") == ()
    assert mentions_in("The Django Social took place.") == ()
    assert [m.name for m in mentions_in("Helen Park gave the keynote.")] == ["Helen Park"]
    assert mentions_in("We walked to Sarah P. Duke Gardens.") == ()


def test_a_nickname_in_quotes_is_kept_apart():
    (robert,) = mentions_in('Robert "Bobby" Tables explained SQL injection.')
    assert (robert.name, robert.nickname) == ("Robert Tables", "Bobby")


def test_people_index_resolves_first_names_and_nicknames():
    people = PeopleIndex()
    people.add("Robert Tables", nickname="Bobby")
    people.add("Ada Lovelace")
    people.add("Ada Okafor")
    assert people.resolve("Rob") == "Robert Tables"  # a shortening
    assert people.resolve("Bobby") == "Robert Tables"  # the nickname given
    assert people.resolve("Bob Tables") == "Robert Tables"  # a nickname from the package
    assert people.resolve("ada lovelace") == "Ada Lovelace"  # explorer.text.person_key
    assert people.resolve("Ada") is None  # two people fit
    assert people.resolve("Ada", prefer=["Ada Okafor"]) == "Ada Okafor"
    assert same_first_name("Chris", "Christopher") and not same_first_name("Ada", "Grace")


def test_names_in_a_phrase_are_all_or_nothing():
    assert names_in_phrase("Grace Hopper and Alan Turing") == ["Grace Hopper", "Alan Turing"]
    assert names_in_phrase("Grace Hopper and Friends") == []
    assert exact_name("Jacob Kaplan-Moss") == "Jacob Kaplan-Moss"


# --- people ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "I chatted with co-creator Jib Adegunloye about it.",
        "Lorenzo Peña and I had the chance to meet in person!",
        "I had coffee with Hiro Tanaka.",
        "I finally met Julia Becker.",
    ],
)
def test_meeting_someone(sentence):
    assert meeting_phrase(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["We talked about career changes.", "I had dinner at the hotel.", "Ada talked about tests."],
)
def test_not_meeting_someone(sentence):
    assert meeting_phrase(sentence) is None


def test_speaker_ranking_keeps_its_evidence():
    (ryan, *_rest) = rank_speakers(["Ryan Cheley defined Error Culture. Ryan explained why."], "")
    assert ryan.name == "Ryan Cheley"
    assert {"named", "speaking_verb", "subject_speaks"} <= {e.feature for e in ryan.evidence}
    assert ryan.score == sum(e.weight for e in ryan.evidence)


def test_people_the_author_met_earn_nothing():
    ranked = rank_speakers(["I chatted with Ada Lovelace. Grace Hopper explained compilers."], "")
    scores = {c.name: c.score for c in ranked}
    assert scores["Ada Lovelace"] == 0 < scores["Grace Hopper"]


def test_explicit_credits():
    assert co_speakers("Ana Souza and Luis Prado gave a joint talk.") == [
        ["Ana Souza", "Luis Prado"]
    ]
    assert leader_credits("Marisol Ortega taught a three hour tutorial.") == ["Marisol Ortega"]
    assert panel_credits("Panelists: Ada Lovelace, Alan Turing and Grace Hopper") == [
        ("Ada Lovelace", "panellist"),
        ("Alan Turing", "panellist"),
        ("Grace Hopper", "panellist"),
    ]
    # The list may be the subject of the sentence.
    assert panel_credits("Panelists Aiko Tanaka, Ben Ortiz and host Clara Nwosu talked.") == [
        ("Aiko Tanaka", "panellist"),
        ("Ben Ortiz", "panellist"),
        ("Clara Nwosu", "host"),
    ]
    # A list of people the author met is no panel.
    assert panel_credits("I met Ada Lovelace and Alan Turing at lunch.") == []


def test_a_full_name_before_a_dash_is_the_speaker_and_the_author_may_be_one():
    recap = """# Conf 2023 Recap

By Sam Holm

## Day 1

### Sam Holm- My Own Talk on Forms

I gave my own talk on forms this year! [Slides](https://slides.example.com/forms)

### Nina Berg- Fast Tests

The room was full.

### Austin- Day One

We walked around town.
"""
    data, _ = read_recap(recap)

    talks = {e.title: [c.name for c in e.people] for e in data.days[0].entries}
    assert talks["My Own Talk on Forms"] == ["Sam Holm"]
    assert talks["Fast Tests"] == ["Nina Berg"]
    assert talks["Austin- Day One"] == []


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("It took place May 15-23, 2024 in Pittsburgh.", None, ("2024-05-15", "2024-05-23")),
        ("We met October 4-5 in Halifax.", 2022, ("2022-10-04", "2022-10-05")),
        ("From 31 May - 2 June.", 2025, ("2025-05-31", "2025-06-02")),
        ("No dates here.", 2024, None),
    ],
)
def test_date_ranges(text, year, expected):
    found = parse_date_range(text, default_year=year)
    assert (tuple(d.isoformat() for d in found) if found else None) == expected


@pytest.mark.parametrize(
    ("sentence", "city"),
    [
        ("The conference was in Riverbend, May 12-13, 2031.", "Riverbend"),
        (
            "PyCon was held in Pittsburgh, Pennsylvania, May 15-23, 2024.",
            "Pittsburgh, Pennsylvania",
        ),
        ("DjangoCon took place in Durham, NC from September 22-27.", "Durham, NC"),
    ],
)
def test_the_city_leaves_the_dates_out(sentence, city):
    assert find_recap_facts([sentence], "Conf 2024").city == city


def test_the_date_of_a_day_heading():
    start, end = dt.date(2024, 5, 15), dt.date(2024, 5, 23)
    assert date_for_label("Tutorials (Thursday)", start, end, None) == dt.date(2024, 5, 16)
    assert date_for_label("Day Three", start, end, None) == dt.date(2024, 5, 17)
    assert date_for_label("Friday, May 17", None, None, None) is None  # no year known
    assert date_for_label("Sprints", start, end, None) is None


def test_day_likeness():
    assert day_likeness("Monday")[0] == day_likeness("Day 2")[0] == 2
    assert day_likeness("Sprints")[0] == 1
    assert day_likeness("About this post")[0] == 0


# --- kinds: each feature ------------------------------------------------------------------


def test_heading_prefixes():
    assert split_kind_prefix("Keynote- Power to the People") == ("keynote", "Power to the People")
    assert split_kind_prefix("Panel Discussion: On Mentoring") == ("panel", "On Mentoring")
    assert split_kind_prefix("Lightning Talk: Naming") == ("lightning-talk", "Naming")
    assert split_kind_prefix("Error Culture") == (None, "Error Culture")
    assert kind_only("Opening Keynote") == "keynote" and kind_only("Lightning Talks") is None
    assert group_kind("Lightning Talks") == "lightning-talk" and group_kind("Error Culture") is None


def test_heading_cue_words_and_head_nouns():
    social = draft("Saturday Night Social", "Fun.")
    assert fired(heading_cue_words, social) == ["heading_event_word"]
    assert fired(heading_head_noun, social) == ["heading_ends_with_event_word"]
    shirt = draft("Django Social T-Shirt", "A gift.")
    assert fired(heading_head_noun, shirt) == []
    meals = draft("Sightseeing and Some Great Meals", "Photos.")
    assert fired(heading_cue_words, meals) == ["heading_sight_word", "heading_other_food_word"]
    # Programming words that name sights elsewhere are no sight evidence in a heading.
    assert fired(heading_cue_words, draft("Async Views by Priyanka Shah", "A demo.")) == []
    assert fired(heading_cue_words, draft("Cliffside Lighthouse", "A hike.")) == [
        "heading_sight_word"
    ]


def test_opening_features():
    assert fired(lightning_cue, draft("Venue", "Adam Fast gave a lightning talk about venues."))
    assert fired(meeting_cue, draft("Hallway", "I chatted with Ada Lovelace about tests."))
    assert fired(meeting_heading, draft("Coffee with Hiro", "It was nice."))
    assert fired(speaker_in_opening, draft("Error Culture", "Ryan Cheley defined a term."))
    assert not fired(speaker_in_opening, draft("Django Social", "Django Social took place."))
    assert fired(ran_a_workshop, draft("Pipelines", "Marisol Ortega taught a long tutorial."))
    assert fired(eating_verb, draft("Lunch", "I ordered the tacos and they were delicious."))


def test_link_features():
    talk = draft("Ada", "See [the talk](https://2019.example.org/talks/the-engine/).")
    assert fired(talk_links, talk) == ["talk_page_link"]
    food = draft("Sol Food", "Dinner at [Sol Food](https://www.solfoodrestaurant.com/) was great.")
    assert fired(place_link, food) == ["place_link_food", "food_site_link"]
    garden = draft("Botanica", "I visited [Botanica](https://botanica.org/) today.")
    assert fired(place_link, garden) == ["place_link_sight"]
    profile = draft("Ada Lovelace", "I visited [Ada Lovelace](https://twitter.com/ada) today.")
    assert fired(place_link, profile) == []  # a profile is a person, not a place


def test_every_fired_feature_has_a_weight_and_the_decision_adds_them_up():
    decision = decide_kind(draft("Keynote- Engines", "Ada Lovelace explained the engine."))
    assert decision.kind == "keynote"
    assert all(
        e.feature in WEIGHTS or e.feature == "shares_talk_evidence" for e in decision.evidence
    )
    for kind, score in decision.scores.items():
        assert score == pytest.approx(sum(e.weight for e in decision.evidence if e.target == kind))
    assert decision.runner_up[0] and decision.margin > 0


def test_a_talk_that_mentions_lunch_is_still_a_talk():
    body = "Marcus Lee showed how to profile code. I grabbed lunch right after this talk."
    assert decide_kind(draft("Profiling in Production", body)).kind == "talk"


def test_a_section_with_no_evidence_is_an_unsure_note():
    decision = decide_kind(draft("Thoughts", "It was a good week."))
    assert decision.kind == "note"
    assert unsure_reasons(decision) == ["no evidence for any kind: read as a note"]


# --- structure ------------------------------------------------------------------------------


def sections_of(markdown: str):
    return [child for child in parse_document(markdown).root.children]


def test_the_day_level_is_inferred():
    deeper = sections_of("### Monday\n\n#### A talk\n\nx\n\n### Tuesday\n\n#### B\n\ny\n")
    assert choose_day_level(deeper, 2024)[0] == 3
    usual = sections_of("## Intro\n\n### A\n\nx\n\n## Monday\n\n### B\n\ny\n")
    assert choose_day_level(usual, 2024)[0] == 2
    flat = sections_of("## A talk\n\nx\n\n## Another\n\ny\n")
    assert choose_day_level(flat, 2024)[0] is None


def test_talks_in_prose_and_lists():
    (mention,) = talk_mentions(
        blocks_of(
            '### D\n\nIn "[The Talk Title](https://2019.example.org/talks/the-talk-title/)," '
            "[Ada Lovelace](https://twitter.com/ada) explained engines.\n"
        )[0],
        PeopleIndex(),
    )
    assert (mention.title, mention.speakers) == ("The Talk Title", ["Ada Lovelace"])
    (keynote,) = talk_mentions(
        blocks_of(
            "### D\n\n[Grace Hopper](https://x.com/grace) gave the opening keynote, "
            '"[Compilers](https://example.org/compilers)".\n'
        )[0],
        PeopleIndex(),
    )
    assert (keynote.title, keynote.kind_hint) == ("Compilers", "keynote")
    (item,) = talk_mentions(
        blocks_of(
            "### D\n\n* [Title](https://example.org/t) by [Name Person](https://github.com/np)\n"
        )[0],
        PeopleIndex(),
    )
    assert (item.title, item.speakers) == ("Title", ["Name Person"])
    quote = blocks_of('### D\n\nAs they say, "Given enough eyeballs, all bugs are shallow."\n')[0]
    assert talk_mentions(quote, PeopleIndex()) == []


def test_a_talk_keeps_the_paragraphs_that_go_on_about_it():
    blocks = blocks_of(
        '### D\n\nIn "[Tests](https://e.org/talks/tests/)," [Ada Okafor](https://x.com/ada) '
        "explained fixtures.\n\nShe showed many examples.\n\nThen we went for a walk outside.\n"
    )
    (talk,), rest = extract_talks(blocks, PeopleIndex(), "")
    assert [b.text for b in talk.blocks][1] == "She showed many examples."
    assert [b.text for b in rest] == ["Then we went for a walk outside."]


def test_headings_that_name_people():
    people = PeopleIndex()
    body = blocks_of(
        "### X\n\n[Ada Okafor](https://twitter.com/ada) gave "
        '"[Packages](https://e.org/talks/packages/)". Ada talked about burnout.\n'
    )
    reading = read_heading("Ada Okafor Keynote", body, people)
    assert (reading.title, reading.speakers) == ("Packages", ["Ada Okafor"])
    pair = blocks_of("### X\n\nAna Souza and Luis Prado gave a talk.\n")
    assert read_heading("Ana and Luis", pair, people).speakers == ["Ana Souza", "Luis Prado"]
    place = blocks_of("### X\n\nDeep dish at [Lou Malnati's](https://www.loumalnatis.com/).\n")
    assert read_heading("Lou Malnati's", place, people).speakers == []
    visa = blocks_of("### X\n\nGetting a visa is hard. Read Fair Visa Policies.\n")
    assert read_heading("Visa Frustration", visa, people).speakers == []


# --- food -----------------------------------------------------------------------------------


def test_dishes_from_captions():
    assert (
        caption_after_place(
            "Mother and Sons... Squid Ink Tonnarelli, NC Shrimp", ["Mother and Sons"]
        )
        == "Squid Ink Tonnarelli, NC Shrimp"
    )
    assert dishes_in_caption("Boxed lunch: turkey wrap, apple", []) == [
        ("Boxed lunch", "turkey wrap, apple")
    ]
    assert dishes_in_caption("Me and Simon at dinner", []) == []
    blocks = blocks_of("### Sol Food\n\nSol Food... Pollo Al Horno, rice and beans\n![](sol.jpg)\n")
    assert [(n, d) for n, d, _ in entry_dishes("Sol Food", blocks, "Sol Food", food=True)] == [
        ("Pollo Al Horno", "rice and beans")
    ]


# --- parse ----------------------------------------------------------------------------------


def test_messy_markdown_is_cleaned_on_the_way_in():
    document = parse_document(
        "---\ntitle: Front Matter Title\n---\n\n# Title\n\nContents\n--------\n"
        "* [Day](#day)\n\nThe intro under the contents.\n\n## Day\n\n"
        "Text 🔝 [Back to top](#contents)\n\nhttps://example.org/bare\n\n"
        "[site](example.org) and [bad](htp:/nope)\n\n<!--\n### Hidden\n-->\n"
    )
    assert document.front_matter == {"title": "Front Matter Title"}
    title = document.root.children[0]
    assert [b.text for b in title.blocks] == ["The intro under the contents."]
    day = title.children[0]
    assert [c.title for c in day.children] == []  # the commented heading is hidden
    texts = [b.text for b in day.blocks]
    assert texts[0] == "Text"
    assert day.blocks[1].links[0].url == "https://example.org/bare"
    assert [link.url for link in day.blocks[2].links] == ["https://example.org"]
    assert "bad" in texts[2]  # the dropped link keeps its words
    assert len(document.warnings) == 2


# --- the explanation --------------------------------------------------------------------------


def test_the_explanation_is_plain_data_beside_the_recap():
    data, explanation = read_recap(
        "# Conf 2024 Recap\n\nConf took place May 6-7, 2024.\n\n## Monday\n\n"
        "### Error Culture\n\nRyan Cheley defined error culture.\n\n"
        "### Thoughts\n\nIt was a [good](example.org) week.\n"
    )
    document = json.loads(json.dumps(explanation.to_dict()))
    assert document["format"] == "recap-explorer-explanation/1"
    talk, note = document["entries"]
    assert (talk["kind"], talk["runner_up"]) == ("talk", "note")
    assert talk["speakers"][0]["name"] == "Ryan Cheley"
    assert {e["feature"] for e in talk["speakers"][0]["evidence"]} >= {"named", "speaking_verb"}
    assert note["unsure"] and note["reasons"]
    assert "had no scheme" in document["warnings"][0]["message"]
    assert document["days"][0] == {
        "label": "Monday",
        "date": "2024-05-06",
        "evidence": [
            {"feature": "day_heading", "weight": 2.0, "target": "day", "detail": "a weekday"},
            {"feature": "day_date", "weight": 0, "target": "2024-05-06", "detail": "Monday"},
        ],
    }
    assert data.entries()[1].links[0].url == "https://example.org"


def titles_and_people(markdown: str) -> list[tuple[str, str, list[str]]]:
    data, _ = read_recap(markdown)
    return [(e.title, e.kind, [c.name for c in e.people]) for e in data.entries()]


def test_a_first_name_alone_is_the_person_the_recap_introduced():
    assert titles_and_people(
        "# C 2021 Recap\n\n## Monday\n\n### Hello\n\nI met Ada Lovelace at breakfast.\n\n"
        "### Engines\n\nAda's talk was about engines.\n"
    )[1] == ("Engines", "talk", ["Ada Lovelace"])


def test_headings_that_give_only_a_name_or_a_kind_take_the_linked_title():
    assert titles_and_people(
        "# C 2021 Recap\n\n## Monday\n\n### Jacob Kaplan-Moss- Keynote\n\n"
        'Jacob talked about "[Money](https://e.org/talks/money/)".\n\n'
        "### Fast Tests by Bo Chen\n\nThe talk was about speed.\n"
    ) == [("Money", "keynote", ["Jacob Kaplan-Moss"]), ("Fast Tests", "talk", ["Bo Chen"])]


def test_the_author_from_a_byline_or_their_own_site_is_never_a_speaker():
    byline, _ = read_recap(
        "# C 2021 Recap\n\nPosted by Ada Lovelace on June 2, 2021\n\n## A\n\nx.\n"
    )
    assert byline.author == "Ada Lovelace"
    own_site, _ = read_recap(
        "# C 2021 Recap\n\n## Monday\n\n### Engines\n\nI wrote about it in my "
        "[blog](https://adalovelace.github.io/post.html). Ada Lovelace explained engines.\n"
    )
    assert own_site.author == "Ada Lovelace"
    assert own_site.entries()[0].people == []


def test_a_recap_heading_is_the_title_when_there_is_no_hash_and_a_range_beats_a_date():
    data, explanation = read_recap(
        "## TestCon 2021 Recap\n\nI arrived on Sunday, October 10. TestCon took place "
        "October 11-13 in Lisbon.\n\n### Monday\n\n#### Talk\n\nAda Okafor showed it.\n"
    )
    assert (data.name, data.start_date, data.end_date) == (
        "TestCon 2021",
        dt.date(2021, 10, 11),
        dt.date(2021, 10, 13),
    )
    assert explanation.day_level == 3
    assert [(d.label, d.date) for d in data.days] == [("Monday", dt.date(2021, 10, 11))]


def test_speakers_in_parentheses_and_a_talk_under_a_time_heading():
    assert titles_and_people(
        "# C 2021 Recap\n\n## Monday\n\n### Engines of Thought (Ada Lovelace and Alan Turing)\n\n"
        "They explained engines.\n\n### Afternoon\n\n"
        'In "[Fast Tests](https://e.org/talks/fast-tests/)," [Bo Chen](https://twitter.com/bo) '
        "explained speed.\n"
    ) == [
        ("Engines of Thought", "talk", ["Ada Lovelace", "Alan Turing"]),
        ("Fast Tests", "talk", ["Bo Chen"]),
    ]


def test_a_heading_above_the_days_holds_them_and_one_without_days_is_a_part():
    data, _ = read_recap(
        "# C 2023 Recap\n\nC took place April 15-16, 2023.\n\n## Talks\n\n### Saturday\n\n"
        "Mason Egger opened C with a welcome.\n\n### Sunday\n\nAda Okafor showed tests.\n\n"
        "## Austin Eats\n\n### Franklin Barbecue\n\nI ate at "
        "[Franklin Barbecue](https://franklinbbq.com/).\n"
    )
    assert [(d.label, d.date, [(e.title, e.kind) for e in d.entries]) for d in data.days] == [
        ("Saturday", dt.date(2023, 4, 15), [("Saturday", "event")]),
        ("Sunday", dt.date(2023, 4, 16), [("Sunday", "talk")]),
        ("Austin Eats", None, [("Franklin Barbecue", "food")]),
    ]


def test_a_section_of_lightning_talks_credits_everyone_who_gave_one():
    recap = """# Conf 2019 Recap

## Day 1

### Lightning Talks

Omar Haddad gave a lightning talk about his cat-tracking app, and Wen Li gave one on
accessible forms. I asked Dana Whitfield about it afterwards.
"""
    data, _ = read_recap(recap)

    (entry,) = data.days[0].entries
    assert entry.kind == "lightning-talk"
    assert [credit.name for credit in entry.people] == ["Omar Haddad", "Wen Li"]
