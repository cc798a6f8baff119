"""Turn a recap's outline and drafts into a ``RecapData`` and its ``Explanation``.

For each entry: its kind (``kinds.decide_kind``), its people (from the heading,
from a talk found in prose or a list, from explicit credits, or the best
speaker of its opening), its topics, place, links, photos and dishes; and for
each decision the evidence beside it. People are resolved within the recap
(``names.PeopleIndex``): a first name or a nickname becomes the full person.
The recap's author is never credited unless a heading names them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from django.utils.text import slugify

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
from explorer.text import person_key
from explorer.vocabulary import DEFAULT_TOPICS

from .dates import date_for_label, find_recap_facts
from .evidence import (
    DayExplanation,
    EntryExplanation,
    Evidence,
    Explanation,
    ImportWarning,
    PersonEvidence,
    ThingEvidence,
)
from .food import centred_place, entry_dishes, place_kind
from .kinds import Draft, decide_kind, unsure_reasons
from .links import host, is_profile_url
from .names import PeopleIndex, exact_name, is_given_name, is_surname, mentions_in
from .parse import (
    Block,
    Document,
    LinkInContext,
    block_sentences,
    captioned_images,
    external_links,
    is_prose,
    links_in_context,
    parse_document,
    prose_texts,
)
from .people import (
    best_speaker,
    co_speakers,
    first_name_speaker,
    leader_credits,
    other_cued_speakers,
    panel_credits,
    people_affiliations,
    talk_by_credits,
)
from .structure import (
    Outline,
    Part,
    lead_talks,
    outline,
    part_drafts,
    profile_names,
    section_drafts,
)
from .text import (
    contains_phrase,
    cut_at_sentence,
    fix_mojibake,
    github_anchor,
    normalise,
    split_sentences,
)
from .words import FOOD_WORDS, MEAL_WORDS, TALK_KINDS, TIME_WORDS

SUMMARY_LIMIT = 300
DAY_SUMMARY_LIMIT = 600
TOPIC_KINDS = (*TALK_KINDS, "event")
# Field lengths of the database (explorer.models): longer values are cut, with a warning.
MAX_TITLE, MAX_NAME, MAX_LABEL, MAX_SLUG = 300, 200, 200, 200


class RecapParseError(ValueError):
    """The Markdown cannot be imported; the message is one sentence for the user."""


def read_recap(
    markdown_text: str,
    *,
    topics: list[TopicData] | None = None,
    source_url: str = "",
    author: str = "",
) -> tuple[RecapData, Explanation]:
    """Read a recap post into the recap document and the evidence for it.

    Raises RecapParseError (one sentence) when the text is not a recap at all.
    """
    if not markdown_text or not markdown_text.strip():
        raise RecapParseError("The file is empty, so there is nothing to import.")
    document = parse_document(fix_mojibake(markdown_text), base_url=source_url)
    year = _year(document)
    shape = outline(document.root, year)
    title = shape.title or document.front_matter.get("title", "")
    if not shape.parts:
        raise RecapParseError("The file has no ## or ### headings, so there is nothing to import.")
    if not title:
        raise RecapParseError("The file has no # title heading, so the recap has no name.")
    name = _recap_name(title)
    facts = find_recap_facts(_intro_sentences(shape), title, year)
    author = (
        author
        or document.front_matter.get("author", "")
        or _byline(shape.preamble)
        or author_from_own_links(document)
    )
    recap = RecapData(
        name=name[:MAX_NAME],
        slug=(slugify(name) or "recap")[:MAX_SLUG],
        city=facts.city[:MAX_NAME],
        venue=facts.venue[:MAX_NAME],
        start_date=facts.start_date,
        end_date=facts.end_date,
        source_url=source_url,
        author=author[:MAX_NAME],
    )
    explanation = Explanation(
        day_level=shape.day_level or 0,
        author=author,
        warnings=[ImportWarning("", warning) for warning in document.warnings],
    )
    builder = _Builder(recap, document, DEFAULT_TOPICS if topics is None else topics, explanation)
    builder.run(shape)
    return builder.finish(), explanation


def parse_recap(
    markdown_text: str,
    *,
    topics: list[TopicData] | None = None,
    source_url: str = "",
    author: str = "",
) -> RecapData:
    """Read a recap post into the recap document (raises RecapParseError when impossible)."""
    return read_recap(markdown_text, topics=topics, source_url=source_url, author=author)[0]


# --- the recap as a whole --------------------------------------------------------------


def _recap_name(title: str) -> str:
    """ "DjangoCon US 2024 Recap ✨" names the recap "DjangoCon US 2024"."""
    title = title.strip()
    while title and not (title[-1].isalnum() or title[-1] in ")]!?.'\u2019"):
        title = title[:-1].rstrip()  # emoji and symbols after the name
    return (
        re.sub(r"\s*[-\u2013—:|]?\s*\brecap\s*$", "", title, flags=re.IGNORECASE).strip() or title
    )


def _year(document: Document) -> int | None:
    """The year of the conference: from the title, the front matter, or the first prose."""
    texts = [child.title for child in document.root.children if child.level == 1]
    texts.append(document.front_matter.get("title", ""))
    texts.append(document.front_matter.get("date", ""))
    texts += [block.text for block in document.root.blocks[:5]]
    for text in texts:
        match = re.search(r"\b(?:19|20)\d{2}\b", text)
        if match:
            return int(match.group())
    return None


def _intro_sentences(shape: Outline) -> list[str]:
    """Prose before the first entry: where "X took place from ... in ... at ..." is."""
    blocks = list(shape.preamble)
    for part in shape.parts:
        blocks += part.blocks
        if part.sections:
            break
    return [s for block in blocks if is_prose(block) for s in split_sentences(block.text)]


_BYLINE = re.compile(r"^(?:by|written by|posted by|author:)\s+(?P<name>.+?)\s*$", re.IGNORECASE)


def _byline(preamble: list[Block]) -> str:
    """The author named by a byline under the title ("By Ada Lovelace")."""
    for block in preamble[:3]:
        match = _BYLINE.match(block.text.strip())
        if match:
            words = match["name"].split()
            found = mentions_in(" ".join([*words[:4], "wrote."]))  # "Posted by Ada Lovelace on …"
            if found:
                return found[0].name
    return ""


_MY_LINK = re.compile(r"\b(?:my|my own)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)


def author_from_own_links(document: Document) -> str:
    """The author's name from the address of their own site ("I wrote about it in my [recap](…)").

    A site such as ``adalovelace.github.io`` or ``ada-lovelace.com`` linked as "my"
    something gives "Ada Lovelace" when the address splits into a given name and a
    family name (or a name the recap writes out).
    """
    text = " ".join(b.text for s in document.root.walk() for b in s.blocks)
    for section in document.root.walk():
        for block in section.blocks:
            for link in links_in_context([block]):
                if not (_MY_LINK.search(link.before) or link.text.lower().startswith("my ")):
                    continue
                name = _name_from_host(link.url, text)
                if name:
                    return name
    return ""


def _name_from_host(url: str, text: str) -> str:
    host_name = host(url)
    label = (
        host_name.split(".")[0]
        if host_name.endswith(".github.io")
        else (host_name.rsplit(".", 2)[-2] if host_name.count(".") else "")
    )
    parts = [p for p in re.split(r"[-_.]", label) if p]
    if len(parts) == 2 and all(p.isalpha() for p in parts):
        candidates = [parts]
    elif len(parts) == 1 and parts[0].isalpha():
        word = parts[0]
        candidates = [[word[:i], word[i:]] for i in range(len(word) - 3, 2, -1)]
    else:
        return ""
    for first, last in candidates:
        name = f"{first.capitalize()} {last.capitalize()}"
        if is_given_name(first) and (is_surname(last) or contains_phrase(text, name)):
            return name
    return ""


def _people_index(document: Document) -> PeopleIndex:
    """Everyone the recap names in full or links to a profile: to resolve short names."""
    index = PeopleIndex()
    for section in document.root.walk():
        for block in section.blocks:
            for link in block.links:
                name = exact_name(link.text)
                if name and is_profile_url(link.url):
                    index.add(name, profile=True)
            for sentence in block_sentences(block):
                for mention in mentions_in(sentence):
                    index.add(mention.name, nickname=mention.nickname, given=mention.given)
    return index


class _Builder:
    def __init__(
        self,
        recap: RecapData,
        document: Document,
        topics: list[TopicData],
        explanation: Explanation,
    ):
        self.recap = recap
        self.anchors = document.anchors
        self.topics = topics
        self.explanation = explanation
        self.people = _people_index(document)
        self.author = recap.author
        self.used_topics: set[str] = set()
        self.entry_slugs: set[str] = set()
        self.day_slugs: set[str] = set()
        self.computed_anchors: set[str] = set()
        self.last_date: dt.date | None = None
        self.known: dict[str, PersonData] = {}

    def run(self, shape: Outline) -> None:
        for part in shape.parts:
            self.add_day(part)

    def add_day(self, part: Part) -> None:
        label = (part.label or self.recap.name or "Recap").strip()
        date = date_for_label(label, self.recap.start_date, self.recap.end_date, self.last_date)
        self.last_date = date or self.last_date
        day = DayData(
            label=label[:MAX_LABEL],
            slug=_unique((slugify(label) or "part")[:MAX_SLUG], self.day_slugs),
            date=date,
        )
        why = list(part.evidence)
        if date:
            why.append(Evidence("day_date", 0, date.isoformat(), label))
        self.explanation.days.append(DayExplanation(label, date.isoformat() if date else None, why))
        if part.sections:
            talks, lead = lead_talks(part, self.people, self.author)
            day.summary = _lead_summary(lead)
            drafts = list(talks)
            for section in part.sections:
                drafts += section_drafts(section, self.people, self.author)
        else:
            drafts, _ = part_drafts(part, self.people, self.author)
        day.entries = [self._entry(draft, label) for draft in drafts]
        self.recap.days.append(day)

    def finish(self) -> RecapData:
        self.recap.topics = [
            replace(topic, slug=topic.slug or slugify(topic.name), keywords=list(topic.keywords))
            for topic in self.topics
            if topic.name in self.used_topics
        ]
        return self.recap

    # -- one entry --------------------------------------------------------------------

    def _entry(self, draft: Draft, day_label: str) -> EntryData:
        decision = decide_kind(draft)
        kind = decision.kind
        title = draft.title.strip() or draft.heading.strip() or "Untitled"
        if len(title) > MAX_TITLE:
            self._warn(day_label, f"the title “{title[:60]}…” was cut to {MAX_TITLE} characters")
            title = title[: MAX_TITLE - 1].rstrip() + "…"
        slug = _unique((slugify(title) or "entry")[:MAX_SLUG], self.entry_slugs)
        entry = EntryData(
            title=title,
            kind=kind,
            slug=slug,
            anchor=(self._anchor(draft.heading) or slug)[:MAX_TITLE],
            summary=_entry_summary(draft.blocks),
            links=_links(draft.blocks),
            photos=_photos(draft.blocks),
        )
        speakers = self._credits(draft, kind, entry)
        if kind in TOPIC_KINDS:
            entry.topics = self._topics(draft)
        place_evidence = self._place(entry, draft) if kind in {"food", "sight"} else None
        dishes: list[ThingEvidence] = []
        if kind not in TALK_KINDS:
            for name, description, evidence in entry_dishes(
                draft.title, draft.blocks, entry.place, food=kind == "food"
            ):
                entry.dishes.append(DishData(name[:MAX_TITLE], description, entry.place))
                dishes.append(ThingEvidence(name, [evidence]))
        reasons = unsure_reasons(decision)
        if kind in TALK_KINDS and not entry.people:
            reasons.append("no speaker found")
        if kind == "food" and not entry.place:
            reasons.append("no place found")
        runner, runner_score = decision.runner_up
        self.explanation.entries.append(
            EntryExplanation(
                day=day_label,
                title=title,
                slug=slug,
                kind=kind,
                scores=decision.scores,
                runner_up=runner,
                runner_up_score=runner_score,
                features=[*draft.extra, *decision.evidence],
                speakers=speakers,
                place=place_evidence,
                dishes=dishes,
                unsure=bool(reasons),
                reasons=reasons,
                source=draft.source,
            )
        )
        return entry

    def _warn(self, where: str, message: str) -> None:
        self.explanation.warnings.append(ImportWarning(where, message))

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

    # -- people -------------------------------------------------------------------------

    def _credits(self, draft: Draft, kind: str, entry: EntryData) -> list[PersonEvidence]:
        found = _credit_names(draft, kind, self.people)
        roles = people_affiliations([block.text for block in draft.blocks])
        credited: dict[str, PersonEvidence] = {}
        for name, role, evidence in found:
            full = self.people.resolve(name, prefer=draft.heading_speakers) or name
            if full != name:
                evidence = [*evidence, Evidence("same_person", 0, "speaker", f"{name} → {full}")]
            named_in_heading = any(e.feature == "heading_speaker" for e in evidence)
            if self.author and person_key(full) == person_key(self.author) and not named_in_heading:
                continue  # the author tells of the talk; they did not give it
            key = person_key(full)
            if not key or key in credited:
                continue
            credited[key] = PersonEvidence(full[:MAX_NAME], role, evidence)
        for credit in credited.values():
            person = self.known.get(person_key(credit.name))
            if person is None:
                person = PersonData(credit.name, roles.get(credit.name, "")[:300])
                self.known[person_key(credit.name)] = person
                self.recap.people.append(person)
            elif not person.affiliation:
                person.affiliation = roles.get(credit.name, "")[:300]
            entry.people.append(CreditData(person.name, credit.role))
        return list(credited.values())

    def _topics(self, draft: Draft) -> list[str]:
        text = " ".join([draft.title, *(block.text for block in draft.blocks)])
        names = [
            topic.name
            for topic in self.topics
            if any(contains_phrase(text, keyword) for keyword in topic.keywords if keyword.strip())
        ]
        self.used_topics.update(names)
        return names

    def _place(self, entry: EntryData, draft: Draft) -> ThingEvidence | None:
        links = links_in_context(draft.blocks)
        food = entry.kind == "food"
        opening = " ".join(prose_texts(draft.blocks)[:1])
        link = centred_place(draft.title, links)
        if link is not None:
            how = (
                "the heading names this link"
                if contains_phrase(draft.title, link.text)
                else ("the venue the opening links")
            )
            name, url = link.text, link.url
            kind = place_kind(link, opening, food=food)
            evidence = [Evidence("place_link", 0, kind, f"{how}: {url}")]
        elif food and draft.source != "part" and _names_a_place(draft.title):
            name, url, kind = draft.title, "", place_kind_from_words(draft, food=True)
            evidence = [Evidence("place_heading", 0, kind, "the heading is a name, not a meal")]
        else:
            return None
        entry.place = name[:MAX_NAME]
        if all(slugify(place.name) != slugify(entry.place) for place in self.recap.places):
            self.recap.places.append(PlaceData(entry.place, kind, url))
        return ThingEvidence(entry.place, evidence)


def place_kind_from_words(draft: Draft, *, food: bool) -> str:
    pseudo = LinkInContext(draft.title, "", "", "", True)
    return place_kind(pseudo, " ".join(prose_texts(draft.blocks)[:2]), food=food)


def _names_a_place(title: str) -> bool:
    """A heading that is a proper name ("Mother and Sons"), not a meal ("Lunch with friends")."""
    words = title.split()
    if not 1 <= len(words) <= 6 or not title[:1].isupper():
        return False
    if any(contains_phrase(title, word) for word in (*MEAL_WORDS, *TIME_WORDS)):
        return False
    capitalised = [w for w in words if w[:1].isupper() or w[:1].isdigit()]
    return len(capitalised) >= max(1, len(words) - 2) and not any(
        contains_phrase(title, word) for word in FOOD_WORDS if word not in {"coffee", "bakery"}
    )


def _unique(slug: str, used: set[str]) -> str:
    candidate, number = slug, 1
    while candidate in used:
        number += 1
        candidate = f"{slug}-{number}"
    used.add(candidate)
    return candidate


def _credit_names(
    draft: Draft, kind: str, people: PeopleIndex
) -> list[tuple[str, str, list[Evidence]]]:
    """Who spoke, sat on the panel or hosted, in order; nobody for meals, sights and notes."""
    credits: list[tuple[str, str, list[Evidence]]] = []
    if kind not in (*TALK_KINDS, "event"):
        return credits
    speaker_role = "panellist" if kind == "panel" else "speaker"
    if kind in TALK_KINDS:
        for name in draft.heading_speakers:
            why = [e for e in draft.extra if name in e.detail] or [
                Evidence("heading_speaker", 0, "speaker", name)
            ]
            if draft.source in {"heading", "sub-heading", "part"}:
                why = [Evidence("heading_speaker", 0, "speaker", name), *why]
            credits.append((name, speaker_role, why))
    sentences = [s for block in draft.blocks for s in block_sentences(block)]
    if kind == "event":
        for sentence in sentences:
            for name in talk_by_credits(sentence):
                credits.append((name, "speaker", [Evidence("talk_by", 0, "speaker", sentence)]))
            for name in leader_credits(sentence):
                credits.append((name, "speaker", [Evidence("led_it", 0, "speaker", sentence)]))
    if kind in {"event", "panel"}:
        for sentence in sentences:
            for name, role in panel_credits(sentence):
                credits.append((name, role, [Evidence("panel_credits", 0, role, sentence[:120])]))
    if kind in TALK_KINDS and not credits:
        text = " ".join([draft.title, *(block.text for block in draft.blocks)])
        opening = prose_texts(draft.blocks)[:3]
        speaker = best_speaker(opening, text, profiles=profile_names(draft.blocks))
        speaker = speaker or first_name_speaker(opening, people.resolve)
        if speaker:
            credits.append((speaker.name, speaker_role, speaker.evidence))
            if kind == "lightning-talk":
                profiles = profile_names(draft.blocks)
                for other in other_cued_speakers(opening, text, speaker.name, profiles=profiles):
                    credits.append((other.name, speaker_role, other.evidence))
            for sentence in (s for p in prose_texts(draft.blocks)[:3] for s in split_sentences(p)):
                for group in co_speakers(sentence):
                    if speaker.name in group:
                        why = [Evidence("named_with_the_speaker", 0, "speaker", sentence[:120])]
                        credits += [(n, speaker_role, why) for n in group if n != speaker.name]
    return credits


# --- blocks: summaries, links, photos ------------------------------------------------


def _entry_summary(blocks: list[Block]) -> str:
    first = next((block for block in blocks if is_prose(block)), None)
    return cut_at_sentence(first.markdown, SUMMARY_LIMIT) if first else ""


def _lead_summary(blocks: list[Block]) -> str:
    """A part's own prose before its first entry, as short Markdown."""
    paragraphs: list[str] = []
    for block in blocks:
        if not is_prose(block):
            continue
        text = cut_at_sentence(block.markdown, DAY_SUMMARY_LIMIT)
        if paragraphs and len("\n\n".join([*paragraphs, text])) > DAY_SUMMARY_LIMIT:
            break
        paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _links(blocks: list[Block]) -> list[LinkData]:
    links: dict[str, LinkData] = {}
    for link in external_links(blocks):
        if link.url.startswith(("http://", "https://")) and len(link.url) <= 1000:
            links.setdefault(link.url, LinkData((link.text or link.url)[:500], link.url))
    return list(links.values())


def _photos(blocks: list[Block]) -> list[PhotoData]:
    photos: dict[str, PhotoData] = {}
    for block in blocks:
        for src, caption in captioned_images(block):
            if len(src) <= 500:
                photos.setdefault(src, PhotoData(src, caption))
    return list(photos.values())
