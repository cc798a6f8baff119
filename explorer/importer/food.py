"""Where a food entry or a sight was, and what was eaten there.

A place is the linked name a section is about: the link whose text the
heading names, or the one venue its opening paragraph links ("dinner at [X]").
Its kind (cafe, bar, garden, ...) comes from cue words in its name, its
sentence, then the section's opening. Dishes come from lists introduced by a
label ("Drinks had:"), from photo captions that read as a list of dishes
("Oysters on the half, blood orange mignonette"), and from a caption that names
the place and then the dishes ("Mother and Sons... Squid Ink Tonnarelli").
"""

from __future__ import annotations

import re

from .evidence import Evidence
from .links import could_be_place_site
from .parse import Block, LinkInContext, captioned_images, prose_texts
from .text import contains_phrase, first_phrase_position, normalise
from .words import (
    DISH_LIST_WORDS,
    FIRST_PERSON,
    FOOD_PLACE_KINDS,
    FOOD_WORDS,
    MEAL_WORDS,
    NOT_VENUE_STARTS,
    SIGHT_PLACE_KINDS,
    VENUE_AFTER_WORDS,
    VENUE_BEFORE_WORDS,
)

# Words before a link that make it a place ("dinner at [X]", "I love [X]").
_VENUE_BEFORE = re.compile(
    rf"\b(?:{'|'.join(VENUE_BEFORE_WORDS)})\s+(?:the\s+)?(?:[A-Z0-9][\w'\u2019&.-]*\s+){{0,4}}$"
)


def centred_place(title: str, links: list[LinkInContext]) -> LinkInContext | None:
    """The linked place a section is about: named by its heading, or the one venue it opens with."""
    links = [link for link in links if could_be_place_site(link.url)]
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
        head = part.split(",", 1)[0]
        separator = ":" if ":" in head else ","
        name, _, description = part.partition(separator)
        dishes.append((name.strip(), description.strip()))
    return dishes


def appears_in_eating_paragraph(caption: str, paragraphs: list[str]) -> bool:
    """Whether a caption repeats words of a paragraph about eating ("A slice of <caption> ...")."""
    key = caption.strip().lower()
    return bool(key) and any(
        key in paragraph.lower() and mentions_food(paragraph) for paragraph in paragraphs
    )


def mentions_food(text: str) -> bool:
    return first_phrase_position(text, FOOD_WORDS) is not None


def caption_after_place(caption: str, place_names: list[str]) -> str:
    """The dishes part of "Mother and Sons... Squid Ink Tonnarelli, NC Shrimp" ("" if none)."""
    for name in place_names:
        if not name:
            continue
        match = re.match(rf"\s*{re.escape(name)}\s*(?:\.\.\.|…|:|-|\u2013|—)\s*(.+)$", caption)
        if match:
            return match.group(1).strip()
    return ""


def entry_dishes(
    title: str, blocks: list[Block], place: str | None, *, food: bool
) -> list[tuple[str, str, Evidence]]:
    """(name, description, evidence) for the dishes an entry names, in order, once each."""
    found: list[tuple[str, str, Evidence]] = []
    label_open = False
    for block in blocks:
        if block.kind == "item" and label_open:
            dish = dish_from_item(block.text)
            if dish and block.depth == 1:
                found.append((*dish, Evidence("dish_list", 0, "dish", block.text[:80])))
            continue
        label_open = block.kind == "paragraph" and is_dish_list_label(block.text)
    prose = prose_texts(blocks)
    avoid = [title, place or ""]
    for block in blocks:
        for _src, caption in captioned_images(block):
            after_place = caption_after_place(caption, [place or "", title])
            if after_place and _reads_as_dishes(after_place):
                for name, description in dishes_in_caption(after_place, avoid):
                    found.append(
                        (name, description, Evidence("caption_after_place", 0, "dish", caption))
                    )
            elif not after_place and (food or appears_in_eating_paragraph(caption, prose)):
                for name, description in dishes_in_caption(caption, avoid):
                    found.append((name, description, Evidence("dish_caption", 0, "dish", caption)))
    unique: dict[str, tuple[str, str, Evidence]] = {}
    for name, description, evidence in found:
        unique.setdefault(name.lower(), (name, description, evidence))
    return list(unique.values())


def _reads_as_dishes(text: str) -> bool:
    """A comma list of short names, no sentence: "Squid Ink Tonnarelli, NC Shrimp, uni"."""
    parts = [part.strip() for part in text.split(",")]
    return len(parts) >= 2 and all(0 < len(part.split()) <= 5 for part in parts)


def dish_caption_count(blocks: list[Block], title: str) -> int:
    """How many photo captions read as dishes (food evidence for a section)."""
    count = 0
    for block in blocks:
        for _src, caption in captioned_images(block):
            after_place = caption_after_place(caption, [title])
            text = after_place or caption
            short = 0 < len(text.split()) <= 5 and not text.endswith(("!", "?"))
            if (after_place and _reads_as_dishes(after_place)) or (
                (_reads_as_dishes(text) or short) and mentions_food(text)
            ):
                count += 1
    return count
