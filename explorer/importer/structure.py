"""Where a recap's days and entries are: its outline, its headings, and talks in prose and lists.

The heading level that holds the days is inferred, not assumed: each level
scores how much its headings look like days (a weekday, a date, "Day 2" count
2; "Sprints", "Tutorials" count 1) and the best level wins (the shallowest on a
tie; with no day-like heading, the shallowest level whose headings have
sub-headings). Headings above that level that hold no day become parts of their
own ("About this post"); headings below it are entries, and sub-headings that
are talks become entries too.

Inside a day, talks told in prose (``In "[Title](…)," [Ada](…) explained …``)
and talk lists (``* [Title](…) by [Name](…)``) become entries of their own, in
order; the section keeps what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from explorer.text import person_key

from .dates import day_likeness
from .evidence import Evidence
from .kinds import Draft, decide_kind, group_kind, is_talk_group, split_kind_prefix
from .links import could_be_place_site, is_profile_url, is_talk_page_url, is_video_url
from .names import PeopleIndex, exact_name, is_given_name, mentions_in, names_in_phrase
from .parse import Block, Section, Segment, external_links, has_content, is_prose
from .people import SPEAKING_VERBS, following_word, meeting_phrase
from .text import contains_phrase, split_sentences
from .words import (
    BEING_VERBS,
    CREDIT_WORDS,
    HEADING_TALK_WORDS,
    ORDINAL_WORDS,
    ORDINALS,
    PRONOUNS,
    TALK_KINDS,
    TIME_WORDS,
)

# --- the outline ----------------------------------------------------------------------------------


@dataclass
class Part:
    """A day or another part of the recap: its heading, own blocks and entry sections."""

    label: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    preamble: list[Block]
    parts: list[Part]
    day_level: int | None
    evidence: list[Evidence] = field(default_factory=list)


def outline(root: Section, year: int | None = None) -> Outline:
    """The title, the blocks before the first part, and the parts with their sections."""
    title_section = next((child for child in root.children if child.level == 1), None)
    if title_section is None:  # "## PyCon US 2019 Recap" as the first heading
        title_section = next(
            (s for s in root.children[:1] if re.search(r"\brecap\b", s.title, re.I)), None
        )
    title = title_section.title if title_section else ""
    preamble = list(root.blocks) + (list(title_section.blocks) if title_section else [])
    sections: list[Section] = []
    for child in root.children:
        sections += child.children if child is title_section else [child]
    level, evidence = choose_day_level(sections, year)
    parts: list[Part] = []
    loose: list[Section] = []
    _collect(sections, level, parts, loose, year)
    if loose:
        parts.insert(0, Part("", preamble, loose))
    return Outline(title, preamble, parts, level, evidence)


def choose_day_level(
    sections: list[Section], year: int | None
) -> tuple[int | None, list[Evidence]]:
    """The heading level that holds the days (None: one part holds every entry)."""
    scores: dict[int, float] = {}
    reasons: dict[int, list[Evidence]] = {}
    with_children: set[int] = set()
    for section in (s for top in sections for s in top.walk()):
        score, why = day_likeness(section.title, year)
        scores[section.level] = scores.get(section.level, 0.0) + score
        if score:
            reasons.setdefault(section.level, []).append(
                Evidence("day_heading", score, f"level {section.level}", f"{section.title}: {why}")
            )
        if section.children:
            with_children.add(section.level)
    day_like = {level: score for level, score in scores.items() if score > 0}
    if day_like:
        level = min(day_like, key=lambda lv: (-day_like[lv], lv))
        return level, reasons[level]
    if with_children:
        level = min(with_children)
        return level, [Evidence("headings_with_sub_headings", 0, f"level {level}")]
    return None, [Evidence("flat_headings", 0, "one part")]


def _collect(
    sections: list[Section],
    level: int | None,
    parts: list[Part],
    loose: list[Section],
    year: int | None,
) -> None:
    for section in sections:
        if level is None or (section.level > level and not parts):
            loose.append(section)
        elif section.level == level:
            score, why = day_likeness(section.title, year)
            evidence = [Evidence("day_heading", score, "day", why)] if score else []
            parts.append(
                Part(section.title, list(section.blocks), list(section.children), evidence)
            )
        elif section.level > level:
            parts[-1].sections.append(section)
        elif any(s.level == level and day_likeness(s.title, year)[0] for s in section.walk()[1:]):
            # A heading above the days ("## Conference Days"): its own words make a part
            # of their own only if it has some; its days follow.
            if has_content(section.blocks):
                parts.append(Part(section.title, list(section.blocks)))
            _collect(section.children, level, parts, loose, year)
        else:
            parts.append(Part(section.title, list(section.blocks), list(section.children)))


def flatten(section: Section) -> list[Block]:
    """A section as blocks, its heading (and sub-headings) kept as "heading" blocks."""
    heading = Block("heading", [[Segment("text", section.title, markdown=section.title)]])
    own = [b for b in section.blocks if b.kind != "heading"]
    return [heading, *own, *(b for child in section.children for b in flatten(child))]


# --- reading a heading --------------------------------------------------------------------------

# Separators between a speaker's name and a talk title ("Simon Willison- Imitation ...").
_NAME_SEPARATOR = re.compile(r"\s*[\u2013—:|]\s+|\s+[-\u2013—]\s*|(?<=\w)-\s+")
_KIND_WORDS = [w for _, words in HEADING_TALK_WORDS for w in words]


@dataclass
class HeadingReading:
    title: str
    prefix_kind: str | None = None
    speakers: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def read_heading(heading: str, blocks: list[Block], people: PeopleIndex) -> HeadingReading:
    """The title, a kind prefix and the speakers a heading names."""
    body = " ".join(block.text for block in blocks)
    profiles = profile_names(blocks)
    prefix_kind, rest = split_kind_prefix(heading)
    bare_kind = kind_only(heading)
    if bare_kind:
        title = talk_title_in(blocks) or heading
        how = "the talk the body links" if title != heading else "the heading"
        return HeadingReading(title, bare_kind, [], [Evidence("title", 0, "title", how)])
    if prefix_kind:
        name = exact_name(rest)
        if name and is_confirmed_person(name, body, profiles):
            title = talk_title_in(blocks) or heading  # "Keynote: Jane Doe"
            return HeadingReading(title, prefix_kind, [name], [_named(name, "after the prefix")])
        found = speaker_split(rest, body, profiles)
        if found:
            title = _title_or_body(found[1], heading, blocks)
            evidence = [_named(name, "beside the title") for name in found[0]]
            return HeadingReading(title, prefix_kind, found[0], evidence)
        return HeadingReading(rest, prefix_kind)
    found = speaker_split(heading, body, profiles)
    if found:
        title = _title_or_body(found[1], heading, blocks)
        evidence = [_named(name, "beside the title") for name in found[0]]
        return HeadingReading(title, None, found[0], evidence)
    owner = talk_owner(heading, body, profiles, people)
    if owner:
        evidence = [_named(owner, "the heading names their talk")]
        return HeadingReading(heading, None, [owner], evidence)
    names = heading_people(heading, body, profiles, people, external_links(blocks))
    if names:
        title = talk_title_in(blocks) or heading
        evidence = [_named(name, "the heading is made of names") for name in names]
        return HeadingReading(title, None, names, evidence)
    return HeadingReading(heading)


_ONLY_KIND = re.compile(
    r"^(?:(?:the|my|a|day\s+\w+|first|second|third|final|opening|closing|morning|afternoon|"
    r"evening)\s+)*(?P<kind>keynote|lightning talk|panel(?: discussion)?|talk)$",
    re.IGNORECASE,
)


def kind_only(heading: str) -> str | None:
    """The kind a heading names and nothing else ("Keynote", "Opening Keynote", "Day 2 Keynote")."""
    match = _ONLY_KIND.match(" ".join(re.sub(r"[^\w\s'-]", " ", heading).split()))
    if not match:
        return None
    word = match["kind"].lower()
    return {"lightning talk": "lightning-talk", "panel discussion": "panel"}.get(word, word)


def _title_or_body(title: str, heading: str, blocks: list[Block]) -> str:
    """ "Jacob Kaplan-Moss- Keynote": the title is in the body (or the heading stays whole).

    A title in quotes ('"Spreadsheets Are Code" by Felienne Hermans') loses them.
    """
    if kind_only(title):
        return talk_title_in(blocks) or heading
    quoted = title[:1] in _OPEN_QUOTES and title[-1:] in _CLOSE_QUOTES
    return clean_title(title) if quoted else title


def _named(name: str, how: str) -> Evidence:
    return Evidence("heading_names_speaker", 0, "speaker", f"{name} ({how})")


def speaker_split(heading: str, body: str, profiles: set[str]) -> tuple[list[str], str] | None:
    """(names, title) for "Simon Willison- Title", "Title by Jane Doe", "Title (Ada and Alan)".

    After "by" or in parentheses a known given name is enough; so it is for a full
    name that starts the heading ("Nina Berg- Title"); otherwise, beside a dash or a
    colon, the body must confirm that the name is a person doing something.
    """
    by = re.match(r"(?P<title>.+?)\s+by\s+(?P<names>[^:;]+)$", heading) or re.match(
        r"(?P<title>.+?)\s*\((?P<names>[^()]+)\)$", heading
    )
    if by:
        names = names_in_phrase(by["names"])
        if names and all(
            is_confirmed_person(n, body, profiles) or is_given_name(n.split()[0]) for n in names
        ):
            return names, by["title"].strip()
    parts = _NAME_SEPARATOR.split(heading, maxsplit=1)
    if len(parts) != 2:
        return None
    for index, part in enumerate(parts):
        names = names_in_phrase(part)
        if names and all(
            is_confirmed_person(n, body, profiles) or (index == 0 and _full_given_name(n))
            for n in names
        ):
            return names, parts[1 - index].strip()
    return None


def _full_given_name(name: str) -> bool:
    """A given name and a family name ("Nina Berg"), not one word ("Austin")."""
    words = name.split()
    return len(words) >= 2 and is_given_name(words[0])


def is_confirmed_person(name: str, body: str, profiles: set[str] | None = None) -> bool:
    """Whether the body speaks of ``name`` (or their first name) doing something."""
    if profiles and name in profiles:
        return True
    first = name.split()[0]
    for match in re.finditer(rf"\b(?:{re.escape(name)}|{re.escape(first)})\b", body):
        if following_word(body, match.end()) in (*SPEAKING_VERBS, *BEING_VERBS):
            return True
        if re.match(
            r"['\u2019]s\s+(?:\w+\s+)?(?:talk|keynote|presentation|slides)\b", body[match.end() :]
        ):
            return True  # "Ada's talk", "Ada's opening keynote"
    return False


def _links_a_place(heading: str, links: list[Segment]) -> bool:
    key = person_key(heading)
    return any(person_key(link.text) == key and could_be_place_site(link.url) for link in links)


def heading_people(
    heading: str,
    body: str,
    profiles: set[str],
    people: PeopleIndex,
    body_links: list[Segment] | None = None,
) -> list[str]:
    """The speakers of a heading made of people's names ("Ada Lovelace Keynote", "Ana and Luis").

    Every name must be a person: linked to a profile, or a known given name that the
    body names again; a first name alone must stand for one person the recap names.
    """
    if re.search(r"['\u2019]s\s*$", heading) or _links_a_place(heading, body_links or []):
        return []  # "Lou Malnati's", "[Queeny's](…)": a place named after a person
    text = re.sub(r"['\u2019]s\b", "", heading)
    for word in sorted(_KIND_WORDS, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text, flags=re.IGNORECASE)
    text = " ".join(text.split()).strip(" -:,")
    if not text:
        return []
    names = names_in_phrase(text)
    if names:
        # Each a person (a profile, or a given name the body names again), one of them
        # at least doing something in the body ("Shannon explained", "Ada's talk").
        people_like = all(
            name in profiles or (_given_name_here(name.split()[0], body) and _mentioned(name, body))
            for name in names
        )
        confirmed = any(name in profiles or _named_in(name, body, profiles) for name in names)
        return names if people_like and confirmed else []
    pieces = [p for p in re.split(r"\s*(?:,|&|\band\b)\s*", text) if p]
    if len(pieces) < 2 or not all(re.fullmatch(r"[A-Z][\w'\u2019-]+", p) for p in pieces):
        return []
    local = PeopleIndex()
    for sentence in split_sentences(body):
        for mention in mentions_in(sentence):
            local.add(mention.name, given=mention.given)
    resolved = [local.resolve(piece) or people.resolve(piece) for piece in pieces]
    return [name for name in resolved if name] if all(resolved) else []


_OWNER = re.compile(
    r"^(?P<name>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})['\u2019]s\s+"
    r"(?:(?:opening|closing|lightning|keynote)\s+)?(?:talk|keynote|presentation|lightning talk)\b",
    re.IGNORECASE,
)


def talk_owner(heading: str, body: str, profiles: set[str], people: PeopleIndex) -> str:
    """The speaker in "Kenji's Talk on Time Zones" or "Ada Lovelace's Keynote" ("" if none)."""
    match = _OWNER.match(heading.strip())
    if not match or not match["name"][0].isupper():
        return ""
    name = match["name"]
    if len(name.split()) == 1:
        return people.resolve(name) or ""
    full = exact_name(name)
    return full if full and (full in profiles or _named_in(full, body, profiles)) else ""


def _named_in(name: str, body: str, profiles: set[str]) -> bool:
    """The body names the person again: in full, or as the subject of a verb."""
    return contains_phrase(body, name) or is_confirmed_person(name, body, profiles)


def _mentioned(name: str, body: str) -> bool:
    """The body names the person, in full or by first name."""
    first = name.split()[0]
    return contains_phrase(body, name) or re.search(rf"\b{re.escape(first)}\b", body) is not None


def _given_name_here(word: str, body: str) -> bool:
    """A known given name that the text does not also use as a common word ("a visa")."""
    return is_given_name(word) and not re.search(rf"\b{re.escape(word.lower())}\b", body)


def profile_names(blocks: list[Block]) -> set[str]:
    """The anchor texts of links to social profiles: people's names."""
    return {
        link.text.strip()
        for block in blocks
        for link in block.links
        if is_profile_url(link.url) and link.text.strip()
    }


def talk_title_in(blocks: list[Block]) -> str:
    """The title of the talk a section links: a talk page or a quoted link ("" if none)."""
    for block in blocks:
        for index, segment in enumerate(block.segments):
            if segment.kind != "link" or not _title_like_text(segment.text):
                continue
            if is_talk_page_url(segment.url) or _is_quoted(block.segments, index):
                return clean_title(segment.text)
    return ""


# --- talks inside prose and lists ----------------------------------------------------------------

_GENERIC_LINK_TEXTS = (
    "video", "slides", "here", "link", "this talk", "the talk", "recording", "watch", "youtube",
    "code", "repo", "blog post", "post", "article", "website", "site", "schedule", "talk",
)  # fmt: skip
_OPEN_QUOTES = ('"', "“", "\u2018", "'")
_CLOSE_QUOTES = ('"', "”", "\u2019", "'")


@dataclass
class TalkMention:
    """A talk named inside prose or a list item: its title, link, speakers and kind word."""

    title: str
    url: str
    speakers: list[str]
    kind_hint: str | None
    evidence: list[Evidence]


def clean_title(text: str) -> str:
    return text.strip().strip("".join(_OPEN_QUOTES + _CLOSE_QUOTES) + " ,.;:").strip()


def _title_like_text(text: str) -> bool:
    plain = clean_title(text)
    return (
        len(plain.split()) >= 1
        and len(plain) >= 3
        and plain.lower() not in _GENERIC_LINK_TEXTS
        and not _looks_like_person(plain)
    )


def _looks_like_person(text: str) -> bool:
    name = exact_name(text)
    return bool(name) and is_given_name(name.split()[0])


def _is_quoted(segments: list[Segment], index: int) -> bool:
    """The link at ``index`` is written in quotes: "[Title](…)" or [“Title”](…)."""
    text = segments[index].text.strip()
    if text[:1] in _OPEN_QUOTES and text[-1:] in (*_CLOSE_QUOTES, ",", "."):
        return True
    before = next(
        (s.text for s in reversed(segments[:index]) if s.kind in {"text", "code"} and s.text),
        "",
    )
    after = next((s.text for s in segments[index + 1 :] if s.kind == "text" and s.text), "")
    opens = before.rstrip().endswith(_OPEN_QUOTES)
    closes = after.lstrip()[:2].lstrip(",.")[:1] in _CLOSE_QUOTES or after.lstrip()[:1] in (
        _CLOSE_QUOTES
    )
    return opens and closes


def _plain_with_offsets(block: Block) -> tuple[str, list[tuple[Segment, int, int]]]:
    """The block's text and each segment's offsets in it."""
    text, spans = "", []
    for number, line in enumerate(block.lines):
        if number:
            text += " "
        for segment in line:
            piece = "" if segment.kind in {"image", "mark"} else segment.text
            spans.append((segment, len(text), len(text) + len(piece)))
            text += piece
    return text, spans


def _sentence_at(text: str, offset: int) -> tuple[int, int]:
    position = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, position)
        end = start + len(sentence)
        if start <= offset <= end:
            return start, end
        position = end
    return 0, len(text)


def talk_mentions(block: Block, people: PeopleIndex, author: str = "") -> list[TalkMention]:
    """Talks a paragraph or list item names, each with the people credited for it."""
    text, spans = _plain_with_offsets(block)
    segments = [segment for segment, _, _ in spans]
    found: list[TalkMention] = []
    for index, (segment, start, end) in enumerate(spans):
        if segment.kind != "link" or not segment.url or segment.url.startswith("#"):
            continue
        if is_profile_url(segment.url) or not _title_like_text(segment.text):
            continue
        after = text[end : end + 12].lower()
        by_follows = bool(re.match(r"[\s,\"”\u2019']*(?:by|from|with)\s", after))
        quoted = _is_quoted(segments, index)
        talk_page = is_talk_page_url(segment.url)
        item = block.kind == "item"
        beside = item and _name_beside(text, start, end, spans)
        if not (quoted or talk_page or (block.kind == "item" and by_follows) or beside):
            continue
        if is_video_url(segment.url) and not (quoted or beside or (item and by_follows)):
            continue
        s_start, s_end = _sentence_at(text, start)
        sentence = text[s_start:s_end]
        if meeting_phrase(sentence) and not by_follows:
            continue  # "I chatted with Lorenzo about his talk [Title](…)"
        speakers, evidence = _mention_speakers(
            spans, s_start, s_end, (start, end), sentence, people, author
        )
        if not speakers and not (talk_page and _names_talk_word(sentence)):
            continue
        how = "a talk page" if talk_page else "a quoted link" if quoted else "a linked title"
        evidence.insert(0, Evidence("talk_title", 0, "title", f"{segment.text} ({how})"))
        found.append(
            TalkMention(
                clean_title(segment.text), segment.url, speakers, _kind_hint(sentence), evidence
            )
        )
    if not found and block.kind == "item":
        quoted_title = _quoted_item(block.text, people, author)
        if quoted_title:
            found.append(quoted_title)
    if not found and block.kind == "paragraph":
        found += _quoted_titles(text, people, author)
    return found


_SEPARATOR = r"\s*(?:[-\u2013—:|]|\()\s*"


def _name_beside(text: str, start: int, end: int, spans: list[tuple[Segment, int, int]]) -> bool:
    """A list item "Ada Lovelace: [Title](…)" or "[Title](…) - [Ada](profile)"."""
    before, after = text[:start], text[end:]
    for segment, s_start, _ in spans:
        if segment.kind == "link" and is_profile_url(segment.url):
            if s_start >= end and re.fullmatch(_SEPARATOR, text[end:s_start]):
                return True
            if s_start < start and re.fullmatch(
                _SEPARATOR, text[s_start + len(segment.text) : start]
            ):
                return True
    lead = re.fullmatch(rf"\s*(?P<name>[^:\-\u2013—|(]+?){_SEPARATOR}", before)
    trail = re.match(rf"{_SEPARATOR}(?P<name>[^,;()]+?)\)?\s*$", after)
    for match in (lead, trail):
        name = exact_name(match["name"]) if match else None
        if name and is_given_name(name.split()[0]):
            return True
    return False


_QUOTED = re.compile(r"[\"“](?P<title>[^\"“”]{4,120}?)[,.]?[\"”]")


def _quoted_titles(text: str, people: PeopleIndex, author: str) -> list[TalkMention]:
    """Unlinked titles in quotes, with a speaker in the same sentence.

    ``In "Postgres for the Curious," Maya Chen explained ...``. Only a title in
    title case counts: quotations ("Given enough eyeballs, ...") are sentences.
    """
    found = []
    for match in _QUOTED.finditer(text):
        title = clean_title(match["title"])
        if not _title_cased(title):
            continue
        s_start, s_end = _sentence_at(text, match.start())
        sentence = text[s_start:s_end]
        if meeting_phrase(sentence):
            continue
        offset = match.start() - s_start
        names = []
        for mention in mentions_in(sentence):
            if offset <= mention.start < offset + len(match.group()):
                continue
            verb = following_word(sentence, mention.end)
            by = re.search(r"\bby\s*$", sentence[: mention.start])
            the_author = author and _same_person(mention.name, author)
            if (verb in SPEAKING_VERBS or by) and not the_author:
                names.append(people.resolve(mention.name) or mention.name)
        if names:
            evidence = [Evidence("talk_title", 0, "title", f"{title} (a quoted title)")]
            evidence += [Evidence("named_beside_title", 0, "speaker", name) for name in names]
            found.append(TalkMention(title, "", names, _kind_hint(sentence), evidence))
    return found


def _title_cased(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", text) if len(w) > 3]
    if not 1 <= len(text.split()) <= 15 or not words:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _names_talk_word(sentence: str) -> bool:
    return re.search(r"\b(?:talk|keynote|presentation|session)\b", sentence, re.I) is not None


_OTHER_TALK = re.compile(
    r"\b(?:after|before|during|following|than|as|at the same time as)\s+(?:the|a|an|his|her|"
    r"their|this|that)\s+(?:\w+\s+){0,2}(?:keynote|lightning talk|panel)s?\b",
    re.IGNORECASE,
)


def _kind_hint(sentence: str) -> str | None:
    """The kind a talk's sentence names for it ("gave the opening keynote, "[Title]""), not
    one it names for another talk ("at the same time as the afternoon keynote")."""
    sentence = _OTHER_TALK.sub(" ", sentence)
    if contains_phrase(sentence, "lightning talk"):
        return "lightning-talk"
    if re.search(r"\bkeynotes?\b", sentence, re.IGNORECASE):
        return "keynote"
    if re.search(r"\bpanel\b", sentence, re.IGNORECASE):
        return "panel"
    return None


def _mention_speakers(
    spans: list[tuple[Segment, int, int]],
    s_start: int,
    s_end: int,
    title_span: tuple[int, int],
    sentence: str,
    people: PeopleIndex,
    author: str,
) -> tuple[list[str], list[Evidence]]:
    """People credited in the sentence of a talk mention: profile links first, else names."""
    speakers: list[str] = []
    evidence: list[Evidence] = []

    def add(name: str, feature: str, detail: str) -> None:
        full = people.resolve(name) or name
        if full in speakers or (author and _same_person(full, author)):
            return
        speakers.append(full)
        evidence.append(Evidence(feature, 0, "speaker", f"{full}: {detail}"))

    for segment, start, _end in spans:
        if segment.kind == "link" and s_start <= start < s_end and is_profile_url(segment.url):
            name = segment.text.strip().lstrip("@")
            if name and not re.search(r"\b(?:I|me)\b", name):
                add(name, "profile_link", segment.url)
    if speakers:
        return speakers, evidence
    offset = s_start
    for mention in mentions_in(sentence):
        start = offset + mention.start
        if title_span[0] <= start < title_span[1]:
            continue
        before = sentence[: mention.start].lower()
        if any(word in before[-40:] for word in CREDIT_WORDS):
            continue
        meeting = meeting_phrase(sentence)
        if meeting and meeting.end() <= mention.start:
            continue
        add(mention.name, "named_beside_title", sentence[:120])
    return speakers, evidence


def _same_person(name: str, author: str) -> bool:
    return person_key(name) == person_key(author)


_QUOTED_ITEM = re.compile(r"^[\"“](?P<title>[^\"”]{3,200})[\"”],?\s+by\s+(?P<names>.+)$")


def _quoted_item(text: str, people: PeopleIndex, author: str) -> TalkMention | None:
    """'"Title" by Ada Lovelace' in a list item, with no link."""
    match = _QUOTED_ITEM.match(text.strip())
    if not match:
        return None
    names = names_in_phrase(match["names"].strip().rstrip("."))
    names = [people.resolve(n) or n for n in names if not (author and _same_person(n, author))]
    if not names:
        return None
    evidence = [Evidence("talk_title", 0, "title", f"{match['title']} (a quoted title)")]
    evidence += [Evidence("named_after_by", 0, "speaker", name) for name in names]
    return TalkMention(clean_title(match["title"]), "", names, None, evidence)


def extract_talks(
    blocks: list[Block],
    people: PeopleIndex,
    author: str,
    *,
    inherited: str | None = None,
) -> tuple[list[Draft], list[Block]]:
    """Talks told in ``blocks`` as drafts of their own, and the blocks that are left.

    A paragraph or list item that names a talk starts it; the blocks after it
    belong to it while they go on about it (a pronoun, the speaker's name, a
    nested item, a photo), and return to the section otherwise.
    """
    drafts: list[Draft] = []
    rest: list[Block] = []
    current: Draft | None = None
    for block in blocks:
        mentions = (
            talk_mentions(block, people, author) if block.kind in {"paragraph", "item"} else []
        )
        if block.kind == "item" and block.depth > 1 and current and current.source == "list":
            current.blocks.append(block)
            continue
        if mentions:
            for mention in mentions:
                current = Draft(
                    mention.title,
                    [block],
                    title=mention.title,
                    source="list" if block.kind == "item" else "prose",
                    heading_speakers=mention.speakers,
                    inherited=inherited,
                    kind_hint=mention.kind_hint,
                    extra=mention.evidence,
                    people=people,
                )
                drafts.append(current)
            continue
        if current is not None and _continues(block, current):
            current.blocks.append(block)
            continue
        current = None
        rest.append(block)
    return drafts, rest


def _continues(block: Block, talk: Draft) -> bool:
    """Whether a block after a talk still speaks of it."""
    if talk.source == "list":
        return False
    if block.images or block.kind in {"quote", "code"}:
        return True
    if block.kind == "item":
        return True
    text = block.text.strip()
    first = text.split(" ", 1)[0].lower().strip("\"“'") if text else ""
    if first in (*PRONOUNS, "his", "her", "their", "it", "this", "the"):
        return True
    for name in talk.heading_speakers:
        if any(re.search(rf"\b{re.escape(part)}\b", text) for part in name.split()[:1]):
            return True
    return False


# --- the entries of a section ------------------------------------------------------------------


def section_drafts(
    section: Section, people: PeopleIndex, author: str, inherited: str | None = None
) -> list[Draft]:
    """The entry for a section, then one per talk inside it (sub-headings, prose, lists).

    Sub-sections that are not talks are folded into the entry. A section that
    holds only talks gives no entry of its own.
    """
    own = list(section.blocks)
    parent = _draft(section.title, list(own), people, inherited)
    parent_kind = decide_kind(parent).kind
    inner = group_kind(section.title) or (parent_kind if parent_kind in TALK_KINDS else inherited)
    subs: list[Draft] = []
    for child in section.children:
        blocks = flatten(child)
        draft = _draft(
            child.title,
            blocks[1:],
            people,
            inner,
            source="sub-heading",
        )
        if decide_kind(draft).kind in TALK_KINDS:
            subs.append(draft)
        else:
            own += blocks
    group = is_talk_group(section.title)
    single_talk = parent.prefix_kind or parent.heading_speakers
    if group or not single_talk:
        talks, rest = extract_talks(own, people, author, inherited=inner)
        several = len(talks) >= 2 or (talks and is_generic_heading(section.title))
        if talks and (group or (several and not _is_one_talk(section.title, rest, people))):
            subs = talks + subs
            own = rest
    if subs and not _keeps_own_entry(own):
        return subs
    return [_draft(section.title, own, people, inherited), *subs]


_GENERIC_WORDS = (*TIME_WORDS, "session", "sessions", "track", "room", "hall", "day", "part")


def is_generic_heading(heading: str) -> bool:
    """A heading that names a time or a slot, not a talk: "Afternoon", "Tuesday Morning"."""
    words = re.findall(r"[a-z]+", heading.lower())
    return bool(words) and all(
        word in _GENERIC_WORDS or word in ORDINAL_WORDS or word in ORDINALS for word in words
    )


def _is_one_talk(heading: str, rest: list[Block], people: PeopleIndex) -> bool:
    """What is left after taking the talks out is itself a talk someone gave.

    Then the "talks" were the references of that talk (a reading list), not talks.
    """
    remainder = _draft(heading, rest, people, None)
    fired = {e.feature for e in decide_kind(remainder).evidence}
    return bool(fired & {"speaker_cue", "lightning_cue", "heading_speaker"})


def _keeps_own_entry(blocks: list[Block]) -> bool:
    return any(is_prose(block) or block.images for block in blocks)


def part_drafts(part: Part, people: PeopleIndex, author: str) -> tuple[list[Draft], list[Block]]:
    """The entries of a part with no sections: talks in its prose, then the rest as one entry."""
    talks, rest = extract_talks(part.blocks, people, author)
    if talks:
        entries = list(talks)
        if _keeps_own_entry(rest):
            entries.insert(0, _draft(part.label, rest, people, None, source="part"))
        return entries, []
    if has_content(part.blocks):
        return [_draft(part.label, part.blocks, people, None, source="part")], []
    return [], []


def lead_talks(part: Part, people: PeopleIndex, author: str) -> tuple[list[Draft], list[Block]]:
    """Talks told in a day's own prose before its first section, and the blocks left."""
    return extract_talks(part.blocks, people, author)


def _draft(
    heading: str,
    blocks: list[Block],
    people: PeopleIndex,
    inherited: str | None,
    source: str = "heading",
) -> Draft:
    reading = read_heading(heading, blocks, people)
    return Draft(
        heading,
        blocks,
        title=reading.title,
        source=source,
        heading_speakers=reading.speakers,
        prefix_kind=reading.prefix_kind,
        inherited=inherited,
        extra=reading.evidence,
        people=people,
    )
