"""Who gave a talk: speakers, panellists and hosts, each with the evidence for them.

Candidates are the people named in an entry's opening paragraphs (see
``names``). Each earns points for what the prose says of them: followed by a
speaking verb, thanked for the talk, watched, credited with "talk by", named
again by first name, linked to a social profile, a known given name. The author
meeting someone ("I chatted with X", "X and I") earns nothing: those sentences
are about the author, not about a talk. Explicit credits ("keynote by X",
"Panelists: A, B and host C") are read as they are written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .evidence import Evidence
from .names import Mention, exact_name, is_role_word, leading_name, mentions_in, plain
from .text import split_sentences
from .words import (
    BEING_VERBS,
    CREDIT_WORDS,
    HOST_MARKERS,
    MEETING_VERBS,
    NOT_NAMES,
    PANEL_LABELS,
    PRONOUNS,
    SPEAKING_VERBS,
    TALK_WORDS,
)


def appositive_affiliation(sentence: str, mention: Mention) -> str:
    """The role in "Thibaud Colas, DSF Board Member and Wagtail Developer, for ..."."""
    match = re.match(r",\s*([^,;()]+?)\s*(?:,|\.|;|$)", sentence[mention.end :])
    if not match:
        return ""
    phrase = match.group(1)
    words = re.findall(r"[\w'\u2019-]+", phrase)
    if not words or not any(is_role_word(word) for word in words):
        return ""
    if mentions_in(phrase) and not any(is_role_word(w) for w in words[-1:]):
        return ""
    return phrase


def following_word(sentence: str, end: int) -> str:
    """The word after a name, skipping an appositive (", former X,") or a parenthesis."""
    rest = sentence[end:]
    rest = re.sub(r"^['\u2019]s\b", "", rest)
    rest = re.sub(r"^\s*\([^)]*\)", "", rest)
    appositive = re.match(r"^,\s*[^,;.]+,", rest)
    if appositive:
        rest = rest[appositive.end() :]
    word = re.match(r"\s*([a-z]+)", rest)
    return word.group(1) if word else ""


def people_affiliations(texts: list[str]) -> dict[str, str]:
    """Each named person's role, as written in front of or after their name."""
    found: dict[str, str] = {}
    for text in texts:
        for sentence in split_sentences(text):
            for mention in mentions_in(sentence):
                role = mention.affiliation or appositive_affiliation(sentence, mention)
                if role and not found.get(mention.name):
                    found[mention.name] = role
    return found


# --- who gave the talk -----------------------------------------------------------

# Points a candidate earns (the speaker evidence table).
SPEAKER_POINTS = {
    "named": 1.0,  # named in full in the opening paragraphs
    "speaking_verb": 3.0,  # "Ryan Cheley defined ...", "Sheena ... began her talk"
    "described": 2.0,  # "Jacob Kaplan-Moss is a retired Django BDFL ..."
    "thanked_for_talk": 5.0,  # "Thank you to X for this talk"
    "watched": 4.0,  # "I watched X's ...", "attended X's talk"
    "talk_by": 5.0,  # "a keynote by X"
    "subject_speaks": 2.0,  # "She explained ..." / "Chris started ..." after X was named
    "subject_names_talk": 3.0,  # "He gave a lightning talk about it"
    "first_name_again": 1.0,  # each later mention by first name alone (at most 6)
    "first_name_speaks": 1.0,  # ... followed by a speaking verb
    "profile_link": 2.0,  # linked to a social profile
    "given_name": 0.5,  # first word is a known given name
}
SPEAKER_MINIMUM = 3.0  # a passing mention (1 point) is not a speaker


@dataclass
class Candidate:
    """A person who may have given the talk, and the evidence so far."""

    name: str
    score: float = 0.0
    cued: bool = False  # followed by a speaking verb, thanked for the talk, ...
    order: int = 0
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, feature: str, detail: str = "", times: float = 1.0) -> None:
        weight = SPEAKER_POINTS[feature] * times
        self.score += weight
        self.evidence.append(Evidence(feature, weight, "speaker", detail[:120]))


def rank_speakers(
    opening: list[str],
    whole_text: str,
    *,
    profiles: set[str] | frozenset[str] = frozenset(),
) -> list[Candidate]:
    """People in the opening paragraphs, best speaker first."""
    candidates: dict[str, Candidate] = {}
    last_named: str | None = None
    for paragraph in opening:
        for sentence in split_sentences(paragraph):
            last_named = _score_sentence(sentence, candidates, last_named)
    for candidate in candidates.values():
        _first_name_points(candidate, whole_text)
        if candidate.name in profiles:
            candidate.add("profile_link", candidate.name)
    return sorted(candidates.values(), key=lambda c: (-c.score, c.order))


def best_speaker(
    opening: list[str], whole_text: str, *, profiles: set[str] | frozenset[str] = frozenset()
) -> Candidate | None:
    """The likeliest speaker, if the evidence is more than a passing mention."""
    ranked = rank_speakers(opening, whole_text, profiles=profiles)
    if ranked and ranked[0].score >= SPEAKER_MINIMUM:
        return ranked[0]
    return None


def other_cued_speakers(
    opening: list[str],
    whole_text: str,
    first: str,
    *,
    profiles: set[str] | frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Everyone else who gave a talk of their own in the opening ("X gave a lightning
    talk ..., and Y gave one ..."): a section of lightning talks has several speakers."""
    ranked = rank_speakers(opening, whole_text, profiles=profiles)
    return [c for c in ranked if c.name != first and c.cued and c.score >= SPEAKER_MINIMUM]


def speaker_cue(paragraph: str) -> str:
    """The person in ``paragraph`` doing talk things, or "" (the opening of a talk entry)."""
    return next((c.name for c in rank_speakers([paragraph], "") if c.cued), "")


def meeting_phrase(sentence: str) -> re.Match[str] | None:
    """The author meeting someone: "I chatted with", "X and I finally met", "had coffee with"."""
    return _MEETING.search(sentence)


_MEETING_VERBS = "|".join(re.escape(v) for v in sorted(MEETING_VERBS, key=len, reverse=True))
_ADVERB = r"(?:finally\s+|also\s+|briefly\s+|then\s+|quickly\s+|even\s+)?"
# "X and I met", or "I chatted with (co-creator) Jib": the verb, then a name within four words.
_MEETING = re.compile(
    rf"\band (?:I|me)\s+{_ADVERB}(?:{_MEETING_VERBS})\b"
    rf"|\b(?:I|[Ww]e)\s+{_ADVERB}(?:{_MEETING_VERBS})"
    r"(?:\s+(?:up\s+)?(?:with|to|next\s+to))?\s+(?:[a-z][\w-]*\s+){0,3}(?=[A-Z])"
)


def _score_sentence(
    sentence: str, candidates: dict[str, Candidate], last_named: str | None
) -> str | None:
    subject = _subject_candidate(sentence, candidates, last_named)
    if subject:
        verb = re.match(r"\s*\S+\s+(?:then\s+|also\s+)?([a-z]+)", sentence)
        if verb and verb.group(1) in SPEAKING_VERBS:
            candidates[subject].add("subject_speaks", sentence)
        if _names_a_talk(sentence):
            candidates[subject].add("subject_names_talk", sentence)
    meeting = meeting_phrase(sentence)
    for mention in mentions_in(sentence):
        last_named = mention.name
        candidate = candidates.setdefault(
            mention.name, Candidate(mention.name, order=len(candidates))
        )
        if not _is_met_or_credited(sentence, mention, meeting):
            _mention_points(candidate, sentence, mention)
        # else: "I chatted with X", "X and I met", "(photo credit: X)" earn nothing
    return last_named


def _is_met_or_credited(sentence: str, mention: Mention, meeting: re.Match[str] | None) -> bool:
    before = sentence[: mention.start].lower()
    if any(word in before[-40:] for word in CREDIT_WORDS):
        return True
    if meeting is None:
        return False
    after_verb = mention.start >= meeting.end()
    right_before_and_i = meeting.start() >= mention.end and not sentence[
        mention.end : meeting.start()
    ].strip(" ,'\u2019s")
    return after_verb or right_before_and_i


def _subject_candidate(
    sentence: str, candidates: dict[str, Candidate], last_named: str | None
) -> str | None:
    """The known person a sentence starts with: "He ..." or their first name alone."""
    first = re.match(r"\s*([^\W\d_][\w'\u2019-]*)(\s+\S+)?", sentence)
    if not first:
        return None
    word = first.group(1)
    if word.lower() in PRONOUNS:
        return last_named if last_named in candidates else None
    following = (first.group(2) or "").strip()
    for name in candidates:
        parts = name.split()
        if parts[0] == word and following != parts[1]:
            return name
    return None


def _names_a_talk(sentence: str) -> bool:
    return any(re.search(rf"\b{word}\b", sentence, re.IGNORECASE) for word in TALK_WORDS)


def _mention_points(candidate: Candidate, sentence: str, mention: Mention) -> None:
    before = sentence[: mention.start].lower()
    candidate.add("named", sentence)
    if mention.given and not any(e.feature == "given_name" for e in candidate.evidence):
        candidate.add("given_name", mention.name.split()[0])
    verb = following_word(sentence, mention.end)
    if verb in SPEAKING_VERBS:
        candidate.add("speaking_verb", f"{mention.name} {verb}")
        candidate.cued = True
    elif verb in BEING_VERBS and not mention.possessive and _verb_has_object(sentence, mention):
        candidate.add("described", f"{mention.name} {verb} …")
        candidate.cued = True
    if re.search(r"\bthank(?:s| you) to\s*$", before) and _names_a_talk(sentence):
        candidate.add("thanked_for_talk", sentence)
        candidate.cued = True
    if re.search(r"\b(?:watched|saw|attended|heard)\s*$", before):
        candidate.add("watched", sentence)
        candidate.cued = True
    if re.search(rf"\b(?:{'|'.join(TALK_WORDS)})\s+(?:given\s+|delivered\s+)?by\s*$", before):
        candidate.add("talk_by", sentence)
        candidate.cued = True


def _verb_has_object(sentence: str, mention: Mention) -> bool:
    """ "X is a retired ..." describes X; "... what X is." does not."""
    rest = sentence[mention.end :]
    return re.search(r"^\W*(?:\([^)]*\)\W*)?(?:,[^,]+,\s*)?[a-z]+\s+\w", rest) is not None


def _first_name_points(candidate: Candidate, text: str) -> None:
    """Later mentions by first name alone ("Chris started ...") count for the speaker.

    A "first name" that keeps being followed by other capitalised words
    ("Django Fellow", "Django Core") is a brand, not a person, and earns nothing.
    """
    first = plain(candidate.name.split()[0])
    rest = candidate.name.split()[1]
    mentions = speaking = 0
    brand_uses = 0
    for match in re.finditer(r"[^\W\d_][\w'\u2019-]*", text):
        word = match.group()
        bare = plain(re.sub(r"['\u2019]s$", "", word))
        if len(bare) < 3 or not word[0].isupper() or not first.startswith(bare):
            continue
        if bare in NOT_NAMES:
            continue
        following = re.match(r" ([^\W\d_][\w'\u2019.-]*)", text[match.end() :])
        if following and following.group(1) == rest:
            continue  # part of the full name
        if following and following.group(1)[0].isupper():
            brand_uses += 1
            continue
        mentions += 1
        if following_word(text, match.end()) in SPEAKING_VERBS:
            speaking += 1
    if brand_uses >= 2 or not mentions:
        return
    total = min(mentions + speaking, 6)
    used = min(mentions, total)
    candidate.add("first_name_again", f"{candidate.name.split()[0]} x{mentions}", used)
    if total > used:
        candidate.add("first_name_speaks", f"{candidate.name.split()[0]} …", total - used)


# --- explicit credits ------------------------------------------------------------


def panel_credits(sentence: str) -> list[tuple[str, str]]:
    """(name, role) from "A, B, C, and host D" or "Panel participants A, B and C"."""
    pieces = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", sentence) if p.strip()]
    if len(pieces) < 2:
        return []
    credits: list[tuple[str, str]] = []
    labelled = False
    for index, piece in enumerate(pieces):
        # The list may end the sentence's subject: "... and host C talked about it."
        name_of = leading_name if index == len(pieces) - 1 else exact_name
        host = re.match(
            rf"(?:the\s+|our\s+)?(?:{'|'.join(HOST_MARKERS)})\s*:?\s+(.+)$", piece, re.IGNORECASE
        )
        if host and name_of(host.group(1)):
            credits.append((name_of(host.group(1)) or "", "host"))
            continue
        if index == 0:
            label = re.match(rf"(?:{'|'.join(PANEL_LABELS)})\s*:?\s+(.+)$", piece, re.IGNORECASE)
            if label:
                labelled, piece = True, label.group(1)
        name = name_of(piece)
        if not name:
            return []
        credits.append((name, "panellist"))
    has_host = any(role == "host" for _, role in credits)
    panellists = sum(role == "panellist" for _, role in credits)
    if (has_host and panellists >= 1) or (labelled and panellists >= 2):
        return credits
    return []


def talk_by_credits(sentence: str) -> list[str]:
    """Names after "keynote by", "talk by", "presentation by" (role titles allowed between)."""
    names = []
    for match in re.finditer(
        rf"\b(?:{'|'.join(TALK_WORDS)})\s+(?:(?:given|delivered|led|taught|run)\s+)?by\s+",
        sentence,
        re.IGNORECASE,
    ):
        for mention in mentions_in(sentence):
            if sentence[match.end() : mention.start].strip() == mention.affiliation:
                names.append(mention.name)
                break
    return names


_LEADS = re.compile(
    r"^\s*(?:taught|teaches|led|leads|ran|runs|facilitated|gave|presented)\s+"
    r"(?:a|an|the|her|his|their)\s+(?:[\w-]+\s+){0,3}(?:workshop|tutorial|training)s?\b",
    re.IGNORECASE,
)


_THEIR_WORKSHOP = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}(?:workshop|tutorial|training)s?\b", re.IGNORECASE
)


def leader_credits(sentence: str) -> list[str]:
    """The people who taught or led a workshop: "Marisol Ortega taught a three hour tutorial",
    "I took Carlton Gibson's tutorial on forms"."""
    return [
        mention.name
        for mention in mentions_in(sentence)
        if _LEADS.match(sentence[mention.end :])
        or (mention.possessive and _THEIR_WORKSHOP.match(sentence[mention.end :]))
    ]


def co_speakers(sentence: str) -> list[list[str]]:
    """People named together as the subject of a talk: "Ana Souza and Luis Prado gave a talk"."""
    mentions = mentions_in(sentence)
    groups: list[list[Mention]] = []
    for mention in mentions:
        if groups:
            between = sentence[groups[-1][-1].end : mention.start]
            if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)", between.lstrip("'\u2019s")):
                groups[-1].append(mention)
                continue
        groups.append([mention])
    found = []
    for group in groups:
        if len(group) < 2:
            continue
        verb = following_word(sentence, group[-1].end)
        if verb in SPEAKING_VERBS or verb in {"co-presented", "presented", "teamed", "paired"}:
            found.append([mention.name for mention in group])
    return found


_FIRST_NAME_SPEAKS = re.compile(
    r"(?<![\w.])(?P<name>[A-Z][a-z\u00c0-\u024f-]{2,})(?P<possessive>['\u2019]s)?\s+"
)


def first_name_speaker(
    opening: list[str], resolve: Callable[[str], str | None]
) -> Candidate | None:
    """A speaker named only by a first name the recap introduced elsewhere: "Ada's talk was ...".

    ``resolve`` maps the first name to the one full person it stands for (or None).
    """
    for paragraph in opening:
        for sentence in split_sentences(paragraph):
            for match in _FIRST_NAME_SPEAKS.finditer(sentence):
                word = match["name"]
                if plain(word) in NOT_NAMES:
                    continue
                rest = sentence[match.end() :]
                verb = re.match(r"(?:then\s+|also\s+)?([a-z]+)", rest)
                talks = match["possessive"] and re.match(
                    r"(?:\w+\s+)?(?:talk|keynote|presentation|lightning talk)\b", rest
                )
                if not (talks or (verb and verb.group(1) in SPEAKING_VERBS)):
                    continue
                full = resolve(word)
                if full:
                    candidate = Candidate(full)
                    candidate.add("first_name_speaks", f"{word} → {full}: {sentence}", 3)
                    return candidate
    return None
