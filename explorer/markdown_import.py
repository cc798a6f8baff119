"""Turn a conference recap blog post (Markdown) into a ``RecapData`` document.

``parse_recap`` is a pure function: no database, no network. The ``#`` heading
names the recap, ``##`` headings are its days or parts, ``###`` headings its
entries (``####`` sub-talks become entries too). What each entry is (keynote,
talk, meal, sight, ...), who spoke, where it was and what was eaten are read
from general cue words and sentence shapes (see ``markdown_import_kinds`` and
``markdown_import_people``), so that other recaps in the same style import too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from django.utils.text import slugify

from .markdown_import_doc import Block, Section, Segment, line_text, parse_document
from .markdown_import_kinds import (
    TALK_KINDS,
    LinkInContext,
    appears_in_eating_paragraph,
    centred_place,
    classify,
    dish_from_item,
    dishes_in_caption,
    is_confirmed_person,
    is_dish_list_label,
    kind_mentioned,
    kind_named_in_heading,
    place_kind,
    speaker_in_heading,
    split_kind_prefix,
)
from .markdown_import_people import (
    best_speaker,
    exact_name,
    panel_credits,
    people_affiliations,
    talk_by_credits,
)
from .markdown_import_text import (
    contains_phrase,
    cut_at_sentence,
    date_for_label,
    find_recap_facts,
    fix_mojibake,
    github_anchor,
    normalise,
    split_sentences,
)
from .recap_data import (
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
from .vocabulary import DEFAULT_TOPICS

SUMMARY_LIMIT = 300
DAY_SUMMARY_LIMIT = 600
TOPIC_KINDS = (*TALK_KINDS, "event")
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "'", "\u2019", ")")


class RecapParseError(ValueError):
    """The Markdown cannot be imported; the message is one sentence for the user."""


def parse_recap(
    markdown_text: str,
    *,
    topics: list[TopicData] | None = None,
    source_url: str = "",
    author: str = "",
) -> RecapData:
    """Read a recap post into the recap document (raises RecapParseError when impossible)."""
    if not markdown_text or not markdown_text.strip():
        raise RecapParseError("The file is empty, so there is nothing to import.")
    document = parse_document(fix_mojibake(markdown_text))
    title, preamble, parts = _outline(document.root)
    if not parts:
        raise RecapParseError("The file has no ## or ### headings, so there is nothing to import.")
    if not title:
        raise RecapParseError("The file has no # title heading, so the recap has no name.")
    name = _recap_name(title)
    facts = find_recap_facts(_intro_sentences(preamble, parts), title)
    recap = RecapData(
        name=name,
        slug=slugify(name) or "recap",
        city=facts.city,
        venue=facts.venue,
        start_date=facts.start_date,
        end_date=facts.end_date,
        source_url=source_url,
        author=author,
    )
    builder = _Builder(recap, document.anchors, DEFAULT_TOPICS if topics is None else topics)
    for part in parts:
        builder.add_day(part)
    return builder.finish()


# --- the outline: title, preamble and parts --------------------------------------


@dataclass
class _Part:
    label: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _outline(root: Section) -> tuple[str, list[Block], list[_Part]]:
    """The title, the blocks before the first part, and the parts (``##`` sections)."""
    title = ""
    preamble = list(root.blocks)
    parts: list[_Part] = []
    loose = _Part(label="")  # entries written before any ``##`` part

    def add(section: Section) -> None:
        if section.level <= 2:
            parts.append(_Part(section.title, section.blocks, section.children))
        elif parts:
            parts[-1].sections.append(section)
        else:
            loose.sections.append(section)

    for child in root.children:
        if child.level == 1 and not title:
            title = child.title
            preamble += child.blocks
            for grandchild in child.children:
                add(grandchild)
        else:
            add(child)
    if loose.sections:
        loose.label = _recap_name(title) or "Recap"
        loose.blocks = preamble
        parts.insert(0, loose)
    return title, preamble, parts


def _recap_name(title: str) -> str:
    """ "DjangoCon US 2024 Recap" names the recap "DjangoCon US 2024"."""
    return (
        re.sub(r"\s*[-\u2013—:|]?\s*\brecap\s*$", "", title, flags=re.IGNORECASE).strip() or title
    )


def _intro_sentences(preamble: list[Block], parts: list[_Part]) -> list[str]:
    """Prose before the first entry: where "X took place from ... in ... at ..." is."""
    blocks = list(preamble)
    for part in parts:
        blocks += part.blocks
        if part.sections:
            break
    return [s for block in blocks if _is_prose(block) for s in split_sentences(block.text)]


# --- building the document -------------------------------------------------------


@dataclass
class _Draft:
    """An entry being read: its heading, blocks and what was decided about it."""

    heading: str
    blocks: list[Block]
    title: str = ""
    kind: str = "note"
    speaker: str | None = None  # named in the heading


class _Builder:
    def __init__(self, recap: RecapData, anchors: dict[str, str], topics: list[TopicData]):
        self.recap = recap
        self.anchors = anchors
        self.topics = topics
        self.used_topics: set[str] = set()
        self.entry_slugs: set[str] = set()
        self.day_slugs: set[str] = set()
        self.computed_anchors: set[str] = set()
        self.last_date: dt.date | None = None

    def add_day(self, part: _Part) -> None:
        label = part.label.strip()
        date = date_for_label(label, self.recap.start_date, self.recap.end_date, self.last_date)
        self.last_date = date or self.last_date
        day = DayData(
            label=label, slug=_unique(slugify(label) or "part", self.day_slugs), date=date
        )
        if part.sections:
            day.summary = _lead_summary(part.blocks)
            for section in part.sections:
                day.entries += [self._entry(draft) for draft in _drafts(section)]
        elif _has_content(part.blocks):
            day.entries.append(self._entry(_Draft(label, part.blocks, title=label, kind="note")))
        self.recap.days.append(day)

    def finish(self) -> RecapData:
        self.recap.topics = [
            replace(topic, slug=topic.slug or slugify(topic.name), keywords=list(topic.keywords))
            for topic in self.topics
            if topic.name in self.used_topics
        ]
        return self.recap

    def _entry(self, draft: _Draft) -> EntryData:
        slug = _unique(slugify(draft.title) or "entry", self.entry_slugs)
        entry = EntryData(
            title=draft.title,
            kind=draft.kind,
            slug=slug,
            anchor=self._anchor(draft.heading) or slug,
            summary=_entry_summary(draft.blocks),
            links=_links(draft.blocks),
            photos=_photos(draft.blocks),
        )
        entry.people = self._credits(draft)
        if draft.kind in TOPIC_KINDS:
            entry.topics = self._topics(draft)
        if draft.kind in {"food", "sight"}:
            self._place(entry, draft)
        if draft.kind not in TALK_KINDS:
            entry.dishes = _dishes(draft, entry.place)
        return entry

    def _anchor(self, heading: str) -> str:
        known = self.anchors.get(normalise(heading))
        if known:
            return known
        anchor = github_anchor(heading)
        if not anchor:
            return ""
        candidate, number = anchor, 0
        while candidate in self.computed_anchors:
            number += 1
            candidate = f"{anchor}-{number}"
        self.computed_anchors.add(candidate)
        return candidate

    def _credits(self, draft: _Draft) -> list[CreditData]:
        credits = _credit_names(draft)
        roles = people_affiliations([block.text for block in draft.blocks])
        known = {slugify(person.name): person for person in self.recap.people}
        for credit in credits:
            person = known.get(slugify(credit.name))
            if person is None:
                person = PersonData(credit.name, roles.get(credit.name, ""))
                known[slugify(credit.name)] = person
                self.recap.people.append(person)
            elif not person.affiliation:
                person.affiliation = roles.get(credit.name, "")
        return credits

    def _topics(self, draft: _Draft) -> list[str]:
        text = " ".join([draft.title, *(block.text for block in draft.blocks)])
        names = [
            topic.name
            for topic in self.topics
            if any(contains_phrase(text, keyword) for keyword in topic.keywords if keyword.strip())
        ]
        self.used_topics.update(names)
        return names

    def _place(self, entry: EntryData, draft: _Draft) -> None:
        link = centred_place(draft.title, _links_in_context(draft.blocks))
        if link is None:
            return
        food = draft.kind == "food"
        opening = " ".join(_prose_texts(draft.blocks)[:1])
        kind = place_kind(link, opening, food=food)
        entry.place = link.text
        if all(slugify(place.name) != slugify(link.text) for place in self.recap.places):
            self.recap.places.append(PlaceData(link.text, kind, link.url))


def _unique(slug: str, used: set[str]) -> str:
    candidate, number = slug, 1
    while candidate in used:
        number += 1
        candidate = f"{slug}-{number}"
    used.add(candidate)
    return candidate


# --- entries: drafts, kinds and people --------------------------------------------


def _drafts(section: Section) -> list[_Draft]:
    """The entry for a ``###`` section, then one per ``####`` sub-talk inside it.

    Sub-sections that are not talks are folded into the entry. A section that
    only holds sub-talks gives no entry of its own.
    """
    parent = _read_draft(section.title, list(section.blocks))
    own_blocks = list(section.blocks)
    subs: list[_Draft] = []
    for child in section.children:
        blocks = _flatten(child)
        draft = _read_draft(child.title, blocks[1:], inherited=parent.kind)
        if draft.kind in TALK_KINDS:
            subs.append(draft)
        else:
            own_blocks += blocks
    if subs and not _has_content(own_blocks):
        return subs
    return [_read_draft(section.title, own_blocks), *subs]


def _flatten(section: Section) -> list[Block]:
    """A section as blocks, its heading (and sub-headings) kept as "heading" blocks."""
    heading = Block("heading", [[Segment("text", section.title, markdown=section.title)]])
    return [heading, *section.blocks, *(b for child in section.children for b in _flatten(child))]


def _read_draft(heading: str, blocks: list[Block], inherited: str | None = None) -> _Draft:
    """Decide an entry's title, kind and the speaker its heading names."""
    draft = _Draft(heading, blocks, title=heading)
    body = " ".join(block.text for block in blocks)
    prefix_kind, rest = split_kind_prefix(heading)
    if prefix_kind:
        draft.kind, draft.title = prefix_kind, rest
        name = exact_name(rest)
        if name and is_confirmed_person(name, body):
            draft.speaker, draft.title = name, heading  # "Keynote: Jane Doe" stays whole
        elif found := speaker_in_heading(rest, body):
            draft.speaker, draft.title = found
        return draft
    if found := speaker_in_heading(heading, body):
        draft.speaker, draft.title = found
    draft.kind = _kind_without_prefix(draft, body)
    if draft.kind == "talk" and inherited in TALK_KINDS:
        draft.kind = inherited  # a sub-talk of "### Lightning Talks"
    return draft


def _kind_without_prefix(draft: _Draft, body: str) -> str:
    named = kind_named_in_heading(draft.heading)
    if named:
        return named
    prose = _prose_texts(draft.blocks)
    if draft.speaker:
        return kind_mentioned(" ".join(prose[:1]))
    place = centred_place(draft.title, _links_in_context(draft.blocks))
    return classify(draft.title, prose, body, place_centred=place is not None)


def _credit_names(draft: _Draft) -> list[CreditData]:
    """Who spoke, sat on the panel or hosted, in order; nobody for meals, sights and notes."""
    credits: list[CreditData] = []
    if draft.kind not in (*TALK_KINDS, "event"):
        return credits
    if draft.speaker:
        credits.append(CreditData(draft.speaker, "speaker"))
    sentences = [s for block in draft.blocks for s in _block_sentences(block)]
    if draft.kind == "event":
        credits += [CreditData(n, "speaker") for s in sentences for n in talk_by_credits(s)]
    if draft.kind in {"event", "panel"}:
        credits += [CreditData(n, role) for s in sentences for n, role in panel_credits(s)]
    if draft.kind in TALK_KINDS and not credits:
        speaker = best_speaker(_prose_texts(draft.blocks)[:3], _text(draft))
        if speaker:
            role = "panellist" if draft.kind == "panel" else "speaker"
            credits.append(CreditData(speaker, role))
    unique: dict[str, CreditData] = {}
    for credit in credits:
        unique.setdefault(slugify(credit.name), credit)
    return list(unique.values())


# --- blocks: prose, summaries, links, photos, dishes ------------------------------


def _is_prose(block: Block) -> bool:
    """A paragraph of running text: not a caption, an image, a list or a lone link."""
    if block.kind != "paragraph" or block.images:
        return False
    text = block.text.strip()
    outside_links = "".join(s.text for s in block.segments if s.kind in {"text", "code"})
    if len(outside_links.split()) < 3:
        return False
    return text.endswith(_SENTENCE_END) or len(text.split()) >= 12


def _prose_texts(blocks: list[Block]) -> list[str]:
    return [block.text for block in blocks if _is_prose(block)]


def _has_content(blocks: list[Block]) -> bool:
    return any(block.kind != "heading" and (block.text or block.images) for block in blocks)


def _text(draft: _Draft) -> str:
    return " ".join([draft.title, *(block.text for block in draft.blocks)])


def _block_sentences(block: Block) -> list[str]:
    """Sentences; each line of a captioned image is read on its own."""
    if block.images or block.kind != "paragraph":
        return [s for line in block.lines for s in split_sentences(line_text(line))]
    return split_sentences(block.text)


def _entry_summary(blocks: list[Block]) -> str:
    first = next((block for block in blocks if _is_prose(block)), None)
    return cut_at_sentence(first.markdown, SUMMARY_LIMIT) if first else ""


def _lead_summary(blocks: list[Block]) -> str:
    """A part's own prose before its first entry, as short Markdown."""
    paragraphs: list[str] = []
    for block in blocks:
        if not _is_prose(block):
            continue
        text = cut_at_sentence(block.markdown, DAY_SUMMARY_LIMIT)
        if paragraphs and len("\n\n".join([*paragraphs, text])) > DAY_SUMMARY_LIMIT:
            break
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _links(blocks: list[Block]) -> list[LinkData]:
    links: dict[str, LinkData] = {}
    for block in blocks:
        for link in block.links:
            if link.url and not link.url.startswith("#"):
                links.setdefault(link.url, LinkData(link.text or link.url, link.url))
    return list(links.values())


def _links_in_context(blocks: list[Block]) -> list[LinkInContext]:
    """Every outside link with the paragraph text around it."""
    first_prose = next((block for block in blocks if _is_prose(block)), None)
    found = []
    for block in blocks:
        pieces: list[tuple[Segment | None, str]] = []
        for number, line in enumerate(block.lines):
            pieces += [(None, " ")] if number else []
            pieces += [(s, "" if s.kind == "image" else s.text) for s in line]
        before = ""
        for index, (segment, text) in enumerate(pieces):
            if segment and segment.kind == "link" and not segment.url.startswith("#"):
                after = "".join(t for _, t in pieces[index + 1 :])
                found.append(
                    LinkInContext(segment.text, segment.url, before, after, block is first_prose)
                )
            before += text
    return found


def _photos(blocks: list[Block]) -> list[PhotoData]:
    photos: dict[str, PhotoData] = {}
    for block in blocks:
        for src, caption in _captioned_images(block):
            photos.setdefault(src, PhotoData(src, caption))
    return list(photos.values())


def _captioned_images(block: Block) -> list[tuple[str, str]]:
    """Images with the text lines of their paragraph, above or below them.

    With several images in one paragraph, text goes to the image it sits
    above, or below when the paragraph starts with an image.
    """
    rows: list[tuple[str | None, str]] = []
    for line in block.lines:
        images = [s.url for s in line if s.kind == "image" and s.url]
        text = line_text(line).strip()
        rows += [(src, text if i == 0 else "") for i, src in enumerate(images)] or [(None, text)]
    images = [src for src, _ in rows if src]
    if not images:
        return []
    if len(images) == 1:
        return [(images[0], " ".join(t for _, t in rows if t).strip())]
    below = rows[0][0] is not None  # the paragraph opens with an image: captions sit below
    captions: dict[str, list[str]] = {src: [] for src in images}
    owner, pending = images[0], []
    for src, text in rows:
        if src is None and below:
            captions[owner].append(text)
        elif src is None:
            pending.append(text)
        else:
            owner = src
            captions[src] += [*pending, text]
            pending = []
    captions[owner] += pending  # text after the last image
    return [(src, " ".join(t for t in captions[src] if t)) for src in images]


def _dishes(draft: _Draft, place: str | None) -> list[DishData]:
    """Dishes from "Drinks had:" lists and from captions that name what was eaten."""
    found: list[tuple[str, str]] = []
    label_open = False
    for block in draft.blocks:
        if block.kind == "item" and label_open:
            dish = dish_from_item(block.text)
            if dish and block.depth == 1:
                found.append(dish)
            continue
        label_open = block.kind == "paragraph" and is_dish_list_label(block.text)
    prose = _prose_texts(draft.blocks)
    avoid = [draft.title, place or ""]
    for block in draft.blocks:
        for _src, caption in _captioned_images(block):
            if draft.kind == "food" or appears_in_eating_paragraph(caption, prose):
                found += dishes_in_caption(caption, avoid)
    dishes: dict[str, DishData] = {}
    for name, description in found:
        dishes.setdefault(name.lower(), DishData(name, description, place))
    return list(dishes.values())
