"""What kind an entry is: features of its heading and body, and one scoring table.

Each feature is a small pure function of a ``Draft`` (the entry's heading and
blocks) that says whether it fired and what made it fire. ``WEIGHTS`` says how
much each fired feature adds to which kinds; the kind with the highest total
wins, and the scores, the runner-up and the evidence are kept (``KindDecision``)
so that ``import_recap --explain`` can say why. An entry is *unsure* when the
winner leads by less than ``UNSURE_MARGIN`` or when nothing but the prior fired.

The weights mirror how strong each cue is in a recap: a heading prefix
("Keynote- ...") says it outright; a lightning-talk phrase, the author meeting
someone, or a person doing talk things in the opening paragraph come next; then
cue words in the heading, then words and links in the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from .evidence import Evidence, KindDecision
from .food import (
    centred_place,
    dish_caption_count,
    is_dish_list_label,
    mentions_food,
)
from .links import (
    is_profile_url,
    is_slides_url,
    is_talk_page_url,
    is_video_url,
    looks_like_food_site,
)
from .names import PeopleIndex, names_in_phrase
from .parse import Block, LinkInContext, is_prose, links_in_context, prose_texts
from .people import first_name_speaker, meeting_phrase, panel_credits, speaker_cue
from .text import contains_phrase, first_phrase_position, phrases_in
from .words import (
    EATING_VERBS,
    EVENT_WORD_EXCEPTIONS,
    EVENT_WORDS,
    FOOD_WORDS,
    HEADING_SIGHT_WORDS,
    HEADING_TALK_WORDS,
    KIND_PREFIXES,
    KINDS,
    MEETING_HEADING_WORDS,
    SIGHT_WORDS,
    TALK_GROUP_WORDS,
    TALK_KINDS,
)

# --- the scoring table -----------------------------------------------------------------------

# feature -> {kind: weight}. A feature that fires adds its weights to those kinds.
WEIGHTS: dict[str, dict[str, float]] = {
    # The heading says it.
    "heading_prefix_keynote": {"keynote": 12},  # "Keynote- Title", "Keynote: Title"
    "heading_prefix_panel": {"panel": 12},  # "Panel Discussion: Title"
    "heading_prefix_lightning-talk": {"lightning-talk": 12},  # "Lightning Talk: Title"
    "heading_prefix_talk": {"talk": 10},  # "Talk: Title"
    "heading_names_keynote": {"keynote": 10},  # "Ada Lovelace Keynote"
    "heading_names_lightning-talk": {"lightning-talk": 10},  # "Lightning Talk Cameo"
    "heading_names_panel": {"panel": 10},  # "The Maintainers Panel"
    "heading_names_talk": {"talk": 4},  # "Ada's Talk"
    "heading_speaker": {"talk": 7},  # "Simon Willison- Title", "Grace Hopper and Alan Turing"
    "found_in_prose": {"talk": 9},  # a talk told in a day's prose ("In "[Title](…)," X …")
    "found_in_list": {"talk": 9},  # "* [Title](…) by [Name](…)"
    "inherited_keynote": {"keynote": 5},  # a sub-talk under "### Keynotes"
    "inherited_lightning-talk": {"lightning-talk": 5},  # a sub-talk under "### Lightning Talks"
    "inherited_panel": {"panel": 5},
    "meeting_heading": {"note": 6},  # "Meeting Lorenzo", "Coffee with Ada"
    "heading_event_word": {"event": 7},  # the heading's first cue word is an event word
    "heading_food_word": {"food": 6},  # ... a food word ("Dinner", "Coffee")
    "heading_sight_word": {"sight": 6},  # ... a sight word ("Gardens", "Museum")
    "heading_other_event_word": {"event": 2},  # a later cue word in the heading
    "heading_ends_with_event_word": {"event": 5},  # the event word is the head noun: "X Social"
    "heading_other_food_word": {"food": 2},
    "heading_other_sight_word": {"sight": 2},
    "talk_group_heading": {"note": 2},  # "Talks", "More Talks": a list of talks, not one
    # The opening paragraph says it.
    "lightning_cue": {"lightning-talk": 9},  # "X gave a lightning talk"
    "meeting_cue": {"note": 8},  # "I chatted with X", "X and I finally met"
    "speaker_cue": {"talk": 7},  # a person doing talk things: "Ryan Cheley defined ..."
    "first_name_speaker_cue": {"talk": 6},  # "Ada's talk was ...", someone the recap named
    "opening_keynote_word": {"keynote": 4},  # "gave the opening keynote" (with talk evidence)
    "opening_lightning-talk_word": {"lightning-talk": 4},
    "opening_panel_word": {"panel": 3},
    "opening_event_word": {"event": 4},  # "a Django Social event took place at ..."
    "ran_a_workshop": {"event": 8},  # "X taught a three hour tutorial", "we ran a workshop"
    "welcome_cue": {"event": 6},  # "X opened PyTexas with a welcome", "welcomed everyone"
    "opening_food_words": {"food": 2.5},  # two or more food words in the opening
    # Links and captions.
    "talk_page_link": {"talk": 3},  # a conference talk/session page
    "slides_link": {"talk": 2},  # slides, or a video of the talk
    "profile_link_in_opening": {"talk": 1},  # a person linked to their profile
    "place_link_food": {"food": 3},  # the heading names a linked place, food words around it
    "place_link_sight": {"sight": 3},  # ... no food words
    "food_site_link": {"food": 2.5},  # the place's own site has a food address
    "dish_list": {"food": 3},  # "Drinks had:" followed by a list
    "dish_captions": {"food": 2},  # captions that read as dishes
    "eating_verb": {"food": 2},  # "I ordered the gnocchi"
    "body_food_words": {"food": 1.5},  # three or more food words in the body
    "body_sight_words": {"sight": 1.5},  # three or more sight words in the body
    "panel_credits": {"panel": 4},  # "Panelists A, B and host C"
    # What is left.
    "prior": {"note": 1},  # always: a section with no evidence is a note
}
UNSURE_MARGIN = 2.0  # the winner leads the runner-up by less: unsure
SPECIFIC_TALK_KINDS = ("keynote", "lightning-talk", "panel")

# Kinds listed first win ties.
_TIE_ORDER = {kind: index for index, kind in enumerate(KINDS)}


# --- what the features read ---------------------------------------------------------------------


@dataclass
class Draft:
    """An entry being read: its heading, its blocks and what the structure knows of it."""

    heading: str
    blocks: list[Block]
    title: str = ""
    source: str = "heading"  # "heading", "sub-heading", "prose", "list", "part"
    heading_speakers: list[str] = field(default_factory=list)
    prefix_kind: str | None = None  # the kind a heading prefix names
    inherited: str | None = None  # the kind of the section a sub-talk sits in
    kind_hint: str | None = None  # "keynote" for "gave the opening keynote, "[Title](…)""
    extra: list[Evidence] = field(default_factory=list)  # evidence from the structure
    people: PeopleIndex | None = None  # the recap's people, to read a first name alone

    def __post_init__(self) -> None:
        self.title = self.title or self.heading

    # Read once the draft is complete (the structure adds blocks before any decision).
    @cached_property
    def prose(self) -> list[str]:
        return prose_texts(self.blocks)

    @cached_property
    def first_prose(self) -> str:
        return next((block.text for block in self.blocks if is_prose(block)), "")

    @cached_property
    def opening(self) -> str:
        return " ".join(self.prose[:3])

    @cached_property
    def body(self) -> str:
        return " ".join(block.text for block in self.blocks)

    @cached_property
    def links(self) -> list[LinkInContext]:
        return links_in_context(self.blocks)

    @cached_property
    def decision(self) -> KindDecision:
        return _decide(self)


Fired = list[tuple[str, str]]  # (feature name, what made it fire)
Feature = Callable[[Draft], Fired]


# --- heading features ----------------------------------------------------------------------


_PREFIX = re.compile(
    r"^(?P<prefix>{})\s*(?:[-\u2013—:|]\s*|\s-\s+)(?P<rest>\S.*)$".format(
        "|".join(
            re.escape(p).replace(r"\ ", r"\s+")
            for _, prefixes in KIND_PREFIXES
            for p in sorted(prefixes, key=len, reverse=True)
        )
    ),
    re.IGNORECASE,
)


def split_kind_prefix(heading: str) -> tuple[str | None, str]:
    """("keynote", "Title") for "Keynote- Title"; (None, heading) without a prefix."""
    match = _PREFIX.match(heading.strip())
    if not match:
        return None, heading
    prefix = " ".join(match.group("prefix").lower().split())
    kind = next(k for k, prefixes in KIND_PREFIXES if prefix in prefixes)
    return kind, match.group("rest").strip()


def heading_prefix(draft: Draft) -> Fired:
    return [(f"heading_prefix_{draft.prefix_kind}", draft.heading)] if draft.prefix_kind else []


def heading_names_kind(draft: Draft) -> Fired:
    """A kind of talk named anywhere in the heading ("Lightning Talk Cameo", "Ada Keynote")."""
    if draft.prefix_kind or is_talk_group(draft.heading):
        return []
    for kind, words in HEADING_TALK_WORDS:
        word = next((w for w in words if contains_phrase(draft.heading, w)), None)
        if word:
            return [(f"heading_names_{kind}", word)]
    return []


def is_talk_group(heading: str) -> bool:
    """ "Talks", "More Talks", "Lightning Talks" (several talks under one heading)."""
    words = re.sub(r"[^\w\s-]", " ", heading.lower()).split()
    plain = " ".join(words)
    return any(plain == word or plain.endswith(f" {word}") for word in TALK_GROUP_WORDS) or any(
        plain.startswith(f"{word} ") for word in ("talks", "more talks", "other talks")
    )


def group_kind(heading: str) -> str | None:
    """The kind of talk a group heading names ("Lightning Talks" -> "lightning-talk")."""
    if not is_talk_group(heading):
        return None
    for kind, words in HEADING_TALK_WORDS:
        if any(contains_phrase(heading, word) for word in words):
            return kind
    return "talk"


def talk_group_heading(draft: Draft) -> Fired:
    return [("talk_group_heading", draft.heading)] if is_talk_group(draft.heading) else []


def heading_speaker(draft: Draft) -> Fired:
    if draft.heading_speakers and draft.source not in {"prose", "list"}:
        return [("heading_speaker", ", ".join(draft.heading_speakers))]
    return []


def found_by_structure(draft: Draft) -> Fired:
    if draft.source == "prose":
        return [("found_in_prose", draft.title)]
    if draft.source == "list":
        return [("found_in_list", draft.title)]
    return []


def inherited_kind(draft: Draft) -> Fired:
    if draft.inherited in {"keynote", "lightning-talk", "panel"}:
        return [(f"inherited_{draft.inherited}", draft.inherited)]
    return []


def meeting_heading(draft: Draft) -> Fired:
    """ "Meeting Lorenzo", "Coffee with Ada": a heading about meeting someone."""
    lowered = draft.heading.lower()
    for word in MEETING_HEADING_WORDS:
        if lowered.startswith(word) or contains_phrase(lowered, f"{word} with"):
            return [("meeting_heading", word)]
    if names_in_phrase(draft.heading) and meeting_phrase(draft.first_prose):
        return [("meeting_heading", "heading names the people met")]
    return []


def heading_cue_words(draft: Draft) -> Fired:
    """Event, food and sight words in the heading: the first one counts most."""
    heading = _without_exceptions(draft.title)
    found = []
    for kind, words in (
        ("event", EVENT_WORDS),
        ("food", FOOD_WORDS),
        ("sight", HEADING_SIGHT_WORDS),
    ):
        position = first_phrase_position(heading, words)
        if position is not None:
            word = next(w for w in words if contains_phrase(heading[position:], w))
            found.append((position, kind, word))
    found.sort()
    return [
        (f"heading_{'' if index == 0 else 'other_'}{kind}_word", word)
        for index, (_, kind, word) in enumerate(found)
    ]


def heading_head_noun(draft: Draft) -> Fired:
    """The heading's head noun (its last word before "at", "in", "with") is an event word.

    "Saturday Night Social", "Newcomer Orientation": an event; "Django Social T-Shirt":
    the shirt is the subject, not the social.
    """
    head = re.split(
        r"\s+(?:at|in|with|on|for|during|of|to|from)\s+", _without_exceptions(draft.title)
    )[0]
    words = re.findall(r"[\w'\u2019-]+", head.lower())
    if words and (words[-1] in EVENT_WORDS or " ".join(words[-2:]) in EVENT_WORDS):
        return [("heading_ends_with_event_word", words[-1])]
    return []


def _without_exceptions(text: str) -> str:
    for phrase in EVENT_WORD_EXCEPTIONS:
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return text


# --- opening features --------------------------------------------------------------------------

_LIGHTNING = re.compile(
    r"\b(?:gave|gives|give|giving|presented|presents|delivered|did|does)\s+"
    r"(?:a|an|his|her|their)\s+(?:\w+\s+)?lightning\s+talk",
    re.IGNORECASE,
)


def lightning_cue(draft: Draft) -> Fired:
    match = _LIGHTNING.search(draft.opening)
    return [("lightning_cue", match.group())] if match else []


def meeting_cue(draft: Draft) -> Fired:
    match = meeting_phrase(draft.first_prose)
    return [("meeting_cue", match.group())] if match else []


def speaker_in_opening(draft: Draft) -> Fired:
    name = speaker_cue(draft.first_prose) if draft.first_prose else ""
    return [("speaker_cue", name)] if name else []


def first_name_in_opening(draft: Draft) -> Fired:
    """Someone the recap introduced elsewhere, named by first name, doing talk things."""
    if draft.people is None or not draft.first_prose or speaker_in_opening(draft):
        return []
    candidate = first_name_speaker([draft.first_prose], draft.people.resolve)
    return [("first_name_speaker_cue", candidate.name)] if candidate else []


def opening_kind_words(draft: Draft) -> Fired:
    """ "keynote", "lightning talk", "panel" in the opening of a section with talk evidence."""
    text = draft.first_prose
    fired = []
    if contains_phrase(text, "lightning talk"):
        fired.append(("opening_lightning-talk_word", "lightning talk"))
    elif contains_phrase(text, "keynote"):
        fired.append(("opening_keynote_word", "keynote"))
    elif re.search(r"\bpanel(?:ists?|lists?)?\b", text, re.IGNORECASE):
        fired.append(("opening_panel_word", "panel"))
    return fired


def opening_event_word(draft: Draft) -> Fired:
    """An event word in the opening that the heading has not already said."""
    in_heading = set(phrases_in(_without_exceptions(draft.title), EVENT_WORDS))
    words = [w for w in phrases_in(_without_exceptions(draft.first_prose), EVENT_WORDS)]
    words = [w for w in words if w not in in_heading and w.rstrip("s") not in in_heading]
    return [("opening_event_word", words[0])] if words else []


_WORKSHOP = re.compile(
    r"\b(?:taught|teaches|led|leads|ran|runs|hosted|hosts|facilitated|organized|organised|"
    r"gave|held|attended|joined)\s+(?:a|an|the|her|his|their|our)\s+(?:[\w-]+\s+){0,3}"
    r"(?:workshop|tutorial|hands-on session|training)s?\b",
    re.IGNORECASE,
)


_WELCOME = re.compile(
    r"\b(?:with (?:a|an|the|some) (?:warm )?(?:welcome|introduction|opening remarks|housekeeping)"
    r"|welcomed (?:everyone|us|attendees|the attendees|the audience)"
    r"|kicked off the (?:conference|day|event)|opening remarks|closing remarks)\b",
    re.IGNORECASE,
)


def welcome_cue(draft: Draft) -> Fired:
    """An opening or closing session: "X opened the conference with a welcome"."""
    match = _WELCOME.search(draft.first_prose)
    return [("welcome_cue", match.group())] if match else []


def ran_a_workshop(draft: Draft) -> Fired:
    match = _WORKSHOP.search(draft.first_prose)
    return [("ran_a_workshop", match.group())] if match else []


def opening_food_words(draft: Draft) -> Fired:
    words = phrases_in(draft.first_prose, FOOD_WORDS)
    return [("opening_food_words", ", ".join(words[:4]))] if len(words) >= 2 else []


# --- body features -------------------------------------------------------------------------------


def talk_links(draft: Draft) -> Fired:
    fired = []
    for link in draft.links:
        if is_talk_page_url(link.url):
            fired.append(("talk_page_link", link.url))
            break
    for link in draft.links:
        talk_words = re.search(r"\b(?:talk|keynote|recording|slides)\b", link.text, re.I)
        if is_slides_url(link.url) or (is_video_url(link.url) and talk_words):
            fired.append(("slides_link", link.url))
            break
    return fired


def profile_link_in_opening(draft: Draft) -> Fired:
    for link in draft.links:
        if link.in_first_prose and is_profile_url(link.url):
            return [("profile_link_in_opening", link.text)]
    return []


def place_link(draft: Draft) -> Fired:
    place = centred_place(draft.title, draft.links)
    if place is None:
        return []
    fired = []
    if mentions_food(draft.body) or looks_like_food_site(place.url):
        fired.append(("place_link_food", place.text))
    else:
        fired.append(("place_link_sight", place.text))
    if looks_like_food_site(place.url):
        fired.append(("food_site_link", place.url))
    return fired


def dish_evidence(draft: Draft) -> Fired:
    fired = []
    label = next(
        (b.text for b in draft.blocks if b.kind == "paragraph" and is_dish_list_label(b.text)), ""
    )
    if label and any(b.kind == "item" for b in draft.blocks):
        fired.append(("dish_list", label))
    count = dish_caption_count(draft.blocks, draft.title)
    if count:
        fired.append(("dish_captions", f"{count} caption(s)"))
    return fired


_EATING = re.compile(
    r"\b(?:I|we|We)\s+(?:also\s+|then\s+|finally\s+)?(?:{})\b(?!\s+(?:a|the)\s+(?:chance|talk|time))".format(
        "|".join(EATING_VERBS)
    )
)


def eating_verb(draft: Draft) -> Fired:
    for paragraph in draft.prose:
        match = _EATING.search(paragraph)
        if match and mentions_food(paragraph):
            return [("eating_verb", match.group())]
    return []


def body_words(draft: Draft) -> Fired:
    body = _without_exceptions(draft.body)
    fired = []
    food = phrases_in(body, FOOD_WORDS)
    if len(food) >= 3:
        fired.append(("body_food_words", ", ".join(food[:5])))
    sights = phrases_in(body, SIGHT_WORDS)
    if len(sights) >= 3:
        fired.append(("body_sight_words", ", ".join(sights[:5])))
    return fired


def panel_evidence(draft: Draft) -> Fired:
    for block in draft.blocks:
        credits = panel_credits(block.text)
        if credits:
            return [("panel_credits", ", ".join(name for name, _ in credits))]
    return []


def prior(draft: Draft) -> Fired:
    return [("prior", "")]


# Every feature, in the order the explanation lists them.
FEATURES: tuple[Feature, ...] = (
    heading_prefix,
    heading_names_kind,
    heading_speaker,
    found_by_structure,
    inherited_kind,
    meeting_heading,
    heading_cue_words,
    heading_head_noun,
    talk_group_heading,
    lightning_cue,
    meeting_cue,
    speaker_in_opening,
    first_name_in_opening,
    opening_event_word,
    ran_a_workshop,
    welcome_cue,
    opening_food_words,
    talk_links,
    profile_link_in_opening,
    place_link,
    dish_evidence,
    eating_verb,
    body_words,
    panel_evidence,
    prior,
)
# Fired only when the entry already looks like a talk: they choose between talk kinds.
TALK_REFINERS: tuple[Feature, ...] = (opening_kind_words,)


def decide_kind(draft: Draft) -> KindDecision:
    """Score every kind from the features that fire; the best wins, evidence kept."""
    return draft.decision


def _decide(draft: Draft) -> KindDecision:
    scores = dict.fromkeys(KINDS, 0.0)
    evidence: list[Evidence] = []

    def count(fired: Fired) -> None:
        for name, detail in fired:
            for kind, weight in WEIGHTS[name].items():
                scores[kind] += weight
                evidence.append(Evidence(name, weight, kind, detail[:160]))

    for feature in FEATURES:
        count(feature(draft))
    if draft.kind_hint:
        count([(f"opening_{draft.kind_hint}_word", draft.kind_hint)])
    found_inside = draft.source in {"prose", "list"}  # its sentence already said its kind
    if _best(scores) in TALK_KINDS and draft.prefix_kind is None and not found_inside:
        for feature in TALK_REFINERS:
            count(feature(draft))
    # Talk evidence is shared: a keynote, lightning talk or panel with evidence of its
    # own also counts the evidence that the entry is a talk at all.
    talk = scores["talk"]
    for kind in SPECIFIC_TALK_KINDS:
        if scores[kind] > 0 and talk > 0:
            scores[kind] += talk
            evidence.append(Evidence("shares_talk_evidence", talk, kind, "talk evidence"))
    best = _best(scores)
    return KindDecision(best, {k: round(v, 2) for k, v in scores.items() if v}, evidence)


def _best(scores: dict[str, float]) -> str:
    return max(scores, key=lambda kind: (scores[kind], -_TIE_ORDER[kind]))


def unsure_reasons(decision: KindDecision) -> list[str]:
    """Why a kind decision is doubtful ([] when it is not)."""
    reasons = []
    fired = {e.feature for e in decision.evidence}
    if fired <= {"prior"}:
        reasons.append("no evidence for any kind: read as a note")
    else:
        runner, score = decision.runner_up
        if runner and decision.margin < UNSURE_MARGIN:
            reasons.append(
                f"{decision.kind} ({decision.scores[decision.kind]:g}) only just beats "
                f"{runner} ({score:g})"
            )
    return reasons
