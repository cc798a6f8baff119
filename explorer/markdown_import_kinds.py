"""What kind of entry a recap section is, where it happened and what was eaten.

The decisions rest on general English cue words kept in the tuples below (never
on this or that recap's titles): heading prefixes ("Keynote-"), phrases like
"gave a lightning talk" or "I chatted with", words about eating, events and
sights, and links to a place the section is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markdown_import_people import (
    BEING_VERBS,
    SPEAKING_VERBS,
    exact_name,
    following_word,
    has_speaker_cue,
)
from .markdown_import_text import contains_phrase, first_phrase_position, normalise, split_sentences

TALK_KINDS = ("keynote", "talk", "panel", "lightning-talk")

# "Keynote- Title", "Panel Discussion: Title", "Lightning Talk: Title".
_KIND_PREFIX = re.compile(
    r"^(?P<prefix>(?:opening\s+|closing\s+)?keynote(?:\s+talk|\s+address)?|panel(?:\s+discussion)?"
    r"|lightning\s+talks?|talk)\s*(?:[-\u2013—:|]\s*|\s-\s+)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# Words in a heading that name the kind of talk anywhere in it ("Lightning Talk Cameo").
HEADING_KIND_WORDS = (
    ("lightning-talk", ("lightning talk", "lightning talks")),
    ("keynote", ("keynote",)),
    ("panel", ("panel", "panel discussion")),
)
# Separators between a speaker's name and a talk title ("Simon Willison- Imitation ...").
_NAME_SEPARATOR = re.compile(r"\s*[\u2013—:|]\s+|\s+[-\u2013—]\s*|(?<=\w)-\s+")

LIGHTNING_CUES = (
    re.compile(
        r"\b(?:gave|gives|give|giving|presented|presents|delivered|did|does)\s+"
        r"(?:a|an|his|her|their)\s+lightning\s+talk",
        re.IGNORECASE,
    ),
)
# The author meeting someone: such a section is a note, not a talk.
MEETING_CUES = (
    re.compile(
        r"\b[A-Z][\w'\u2019-]*\s+and I\s+(?:finally\s+)?(?:had the chance to meet|got to meet|met"
        r"|chatted|talked|caught up|had a conversation|took a photo|took a selfie|spent time"
        r"|connected|hung out)\b"
    ),
    re.compile(
        r"\bI\s+(?:chatted|talked|spoke|caught up|met up|hung out|connected|had coffee)"
        r"\s+with\s+(?:[a-z-]+\s+){0,3}[A-Z]"
    ),
    re.compile(r"\bI\s+(?:met|finally met)\s+(?:[a-z-]+\s+){0,3}[A-Z]"),
)
# fmt: off
EVENT_WORDS = (
    "summit", "social", "sprint", "sprints", "festival", "stuffing", "happy hour", "arcade",
    "competition", "party", "parties", "meetup", "reception", "hackathon", "tournament", "karaoke",
    "trivia", "game night", "celebration", "gala", "mixer", "fest", "parade", "concert",
)
EVENT_WORD_EXCEPTIONS = ("social media", "social network", "social networks")
FOOD_WORDS = (
    "ate", "eat", "eating", "eaten", "ordered", "lunch", "dinner", "breakfast", "brunch", "meal",
    "meals", "food", "coffee", "latte", "crepe", "crepes", "pizza", "ice cream", "flavor",
    "flavour", "menu", "buffet", "grits", "drinks", "drink", "dessert", "restaurant",
    "restaurants", "cuisine", "snack", "delicious", "tasty", "dish", "dishes", "cocktail",
    "cocktails", "beer", "chai", "mocha", "sandwich", "taco", "tacos", "barbecue", "bbq",
    "brewery", "bakery", "waffle", "waffles",
)
SIGHT_WORDS = (
    "sightseeing", "sight seeing", "sights", "gardens", "garden", "hotel", "view", "views",
    "skyline", "bridge", "pool", "rooftop", "museum", "market", "markets", "park", "tour",
    "monument", "landmark", "lake", "beach", "trail", "cathedral",
)
# fmt: on
# Place kinds by cue word, in priority order; food places and sights are told apart.
# fmt: off
FOOD_PLACE_KINDS = (
    ("food-hall", ("food hall", "food halls")),
    ("food-truck", ("food truck", "food trucks", "truck")),
    ("ice-cream", ("ice cream", "ice-cream", "parlour", "parlor", "gelato", "creamery")),
    ("cafe", ("café", "cafe", "coffee", "coffee shop", "coffeehouse", "espresso", "tea room",
              "bakery")),
    ("bar", ("bar", "brewing", "brewery", "pub", "taproom", "tavern", "winery")),
    ("restaurant", ("restaurant", "bistro", "diner", "trattoria", "steakhouse", "eatery")),
)
SIGHT_PLACE_KINDS = (
    ("hotel", ("hotel", "inn", "resort")),
    ("garden", ("garden", "gardens", "arboretum")),
    ("market", ("market", "bazaar")),
    ("landmark", ("bridge", "trestle", "monument", "tower", "statue", "museum", "cathedral",
                  "castle", "landmark", "skyline")),
)
# fmt: on
# Words before a link that make it a place ("dinner at [X]", "I love [X]").
_VENUE_BEFORE = re.compile(
    r"\b(?:at|to|visit|visited|visiting|love|loved|tried|into|inside|toward|towards)\s+"
    r"(?:the\s+)?(?:[A-Z0-9][\w'\u2019&.-]*\s+){0,4}$"
)
# fmt: off
VENUE_AFTER_WORDS = (
    "restaurant", "coffee shop", "cafe", "café", "bar", "brewery", "hotel", "food truck", "bakery",
    "diner", "pub", "shop", "market", "museum",
)
NOT_VENUE_STARTS = (
    "video", "slides", "photo", "photos", "code", "example", "read", "watch", "written", "more",
)
# Labels of lists of dishes ("Drinks had:", "Dishes:").
DISH_LIST_WORDS = (
    "drinks", "drink", "dishes", "dish", "food", "ate", "eaten", "ordered", "menu", "tried", "had",
    "meals", "eats", "tasted", "courses", "order",
)
# fmt: on
MEAL_WORDS = ("lunch", "dinner", "breakfast", "brunch", "meal", "snack")
FIRST_PERSON = ("I", "me", "Me", "my", "My", "we", "We", "our", "Our", "us", "Us")


def split_kind_prefix(heading: str) -> tuple[str | None, str]:
    """("keynote", "Title") for "Keynote- Title"; (None, heading) without a prefix."""
    match = _KIND_PREFIX.match(heading)
    if not match:
        return None, heading
    kind = kind_named_in_heading(match.group("prefix")) or "talk"
    return kind, match.group("rest").strip()


def kind_named_in_heading(heading: str) -> str | None:
    """A talk kind the heading names without a prefix ("Lightning Talk Cameo")."""
    for kind, words in HEADING_KIND_WORDS:
        if any(contains_phrase(heading, word) for word in words):
            return kind
    return None


def speaker_in_heading(heading: str, body: str) -> tuple[str, str] | None:
    """(name, title) for "Simon Willison- Imitation Intelligence" or "Title by Jane Doe".

    Only when the body confirms the name is a person doing something.
    """
    by = re.match(r"(?P<title>.+?)\s+by\s+(?P<name>[^,:;]+)$", heading)
    name = exact_name(by["name"]) if by else None
    if by and name and is_confirmed_person(name, body):
        return name, by["title"].strip()
    parts = _NAME_SEPARATOR.split(heading, maxsplit=1)
    if len(parts) != 2:
        return None
    for index, part in enumerate(parts):
        name = exact_name(part)
        if name and is_confirmed_person(name, body):
            return name, parts[1 - index].strip()
    return None


def is_confirmed_person(name: str, body: str) -> bool:
    """Whether the body speaks of ``name`` (or their first name) doing something."""
    first = name.split()[0]
    for match in re.finditer(rf"\b(?:{re.escape(name)}|{re.escape(first)})\b", body):
        if following_word(body, match.end()) in (*SPEAKING_VERBS, *BEING_VERBS):
            return True
    return False


def kind_mentioned(text: str) -> str:
    """The talk kind a speaker-titled section's opening mentions; "talk" by default."""
    if contains_phrase(text, "lightning talk"):
        return "lightning-talk"
    if contains_phrase(text, "keynote"):
        return "keynote"
    return "talk"


def classify(title: str, prose: list[str], text: str, *, place_centred: bool) -> str:
    """The kind of a section whose heading has no talk prefix, from its words."""
    opening = " ".join(prose[:3])
    first = prose[0] if prose else ""
    if any(cue.search(opening) for cue in LIGHTNING_CUES):
        return "lightning-talk"
    if any(cue.search(first) for cue in MEETING_CUES):
        return "note"
    if first and has_speaker_cue(first):
        return "talk"
    heading_kind = _kind_from_heading_words(title)
    if heading_kind:
        return heading_kind
    if _mentions_event(first):
        return "event"
    if place_centred:
        return "food" if _mentions_food(text) else "sight"
    if sum(contains_phrase(first, word) for word in FOOD_WORDS) >= 2:
        return "food"
    return "note"


def _kind_from_heading_words(title: str) -> str | None:
    """The cue word that comes first in the heading decides: event, food or sight."""
    found = [
        (position, kind)
        for kind, words in (("event", EVENT_WORDS), ("food", FOOD_WORDS), ("sight", SIGHT_WORDS))
        if (position := first_phrase_position(_without_exceptions(title), words)) is not None
    ]
    return min(found)[1] if found else None


def _without_exceptions(text: str) -> str:
    for phrase in EVENT_WORD_EXCEPTIONS:
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return text


def _mentions_event(text: str) -> bool:
    return first_phrase_position(_without_exceptions(text), EVENT_WORDS) is not None


def _mentions_food(text: str) -> bool:
    return first_phrase_position(text, FOOD_WORDS) is not None


# --- places ----------------------------------------------------------------------


@dataclass
class LinkInContext:
    """A link with the text before and after it in its paragraph."""

    text: str
    url: str
    before: str
    after: str
    in_first_prose: bool

    @property
    def sentence(self) -> str:
        whole = f"{self.before}{self.text}{self.after}"
        offset = len(self.before)
        position = 0
        for sentence in split_sentences(whole):
            position = whole.find(sentence, position)
            if position <= offset < position + len(sentence) + 1:
                return sentence
            position += len(sentence)
        return whole


def centred_place(title: str, links: list[LinkInContext]) -> LinkInContext | None:
    """The linked place a section is about: named by its heading, or the one venue it opens with."""
    for link in links:
        if _is_proper(link.text) and contains_phrase(title, link.text):
            return link
    venues = {
        normalise(link.text): link for link in links if link.in_first_prose and is_venue_link(link)
    }
    return next(iter(venues.values())) if len(venues) == 1 else None


def is_venue_link(link: LinkInContext) -> bool:
    if not _is_proper(link.text):
        return False
    after = link.after.lstrip().lower()
    return bool(_VENUE_BEFORE.search(link.before)) or any(
        re.match(rf"{re.escape(word)}\b", after) for word in VENUE_AFTER_WORDS
    )


def _is_proper(text: str) -> bool:
    words = text.split()
    return (
        bool(words)
        and (text[0].isupper() or text[0].isdigit())
        and len(words) <= 8
        and (words[0].lower() not in NOT_VENUE_STARTS)
    )


def place_kind(link: LinkInContext, opening: str, *, food: bool) -> str:
    """A place's kind from cue words in its name, its sentence, its paragraph, then the opening."""
    table = FOOD_PLACE_KINDS if food else SIGHT_PLACE_KINDS
    paragraph = f"{link.before}{link.text}{link.after}"
    for source in (link.text, link.sentence, paragraph, opening):
        for kind, words in table:
            if any(contains_phrase(source, word) for word in words):
                return kind
    return "restaurant" if food else "other"


# --- dishes ----------------------------------------------------------------------


def is_dish_list_label(text: str) -> bool:
    """A line such as "Drinks had:" that introduces a list of dishes."""
    text = text.strip()
    return (
        text.endswith(":")
        and len(text.split()) <= 6
        and any(contains_phrase(text, word) for word in DISH_LIST_WORDS)
    )


def dish_from_item(item: str) -> tuple[str, str] | None:
    """("Chai Latte", "Housemade chai ...") from 'Chai Latte: "Housemade chai ..."'."""
    match = re.match(r"\s*(?P<name>[^:]+?)\s*(?::|\s[-\u2013—]\s)\s*(?P<description>.*)$", item)
    name, description = (match["name"], match["description"]) if match else (item, "")
    name = name.strip().strip("*_").strip()
    if not name or len(name) > 80:
        return None
    return name, description.strip().strip("\"“”'").strip()


def dishes_in_caption(caption: str, avoid: list[str]) -> list[tuple[str, str]]:
    """Dishes named by a short photo caption ("Oysters on the half, blood orange mignonette")."""
    caption = caption.strip()
    if not caption or len(caption) > 200 or "..." in caption or "…" in caption:
        return []
    if caption.endswith(("!", "?")) or any(
        normalise(caption).startswith(normalise(name)) for name in avoid if normalise(name)
    ):
        return []
    dishes = []
    for part in caption.split(";"):
        words = re.findall(r"[\w'\u2019&-]+", part)
        if not words or len(words) > 16 or any(word in FIRST_PERSON for word in words):
            continue
        if words[0].lower().endswith("ing") or words[-1].lower() in MEAL_WORDS:
            continue
        if re.search(r"\b(?:photo|pic|credit)\b", part, re.IGNORECASE):
            continue
        name, _, description = part.partition(",")
        dishes.append((name.strip(), description.strip()))
    return dishes


def appears_in_eating_paragraph(caption: str, paragraphs: list[str]) -> bool:
    """Whether a caption repeats words of a paragraph about eating ("A slice of <caption> ...")."""
    key = caption.strip().lower()
    return bool(key) and any(
        key in paragraph.lower() and _mentions_food(paragraph) for paragraph in paragraphs
    )
