"""Finding people's names in recap prose, and who gave a talk.

There is no list of names: a person's name is two to four capitalised words
(with initials, particles, apostrophes and hyphens) that are not function words
or acronyms, and a role title in front of it ("Django Fellow Sarah Boyce") is
peeled off as the affiliation. Who a talk is by is decided by scoring such names
in the opening paragraphs: being followed by a speaking verb, being thanked for
the talk, being watched, and being mentioned again by first name all count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .markdown_import_text import WEEKDAYS, split_sentences

# fmt: off
# Capitalised words that start sentences or titles but are not names.
NOT_NAMES = (
    "a", "an", "the", "and", "or", "but", "so", "if", "as", "at", "by", "for", "from", "in",
    "into", "of", "on", "to", "with", "after", "before", "during", "since", "until", "while",
    "when", "where", "why", "how", "what", "who", "which", "because", "although", "though", "also",
    "then", "there", "here", "this", "that", "these", "those", "it", "its", "i", "me", "my", "we",
    "our", "us", "you", "your", "he", "she", "his", "her", "they", "their", "them", "thank",
    "thanks", "last", "next", "first", "one", "two", "three", "some", "many", "most", "all",
    "every", "each", "no", "not", "yes", "please", "see", "check", "read", "watch", "according",
    "even", "just", "only", "more", "less", "great", "good", "new", "old", "today", "tonight",
    "yesterday", "tomorrow", "mr", "mrs", "ms", "dr", *WEEKDAYS,
)
# Lower-case words allowed inside a name ("Ludwig van Beethoven").
NAME_PARTICLES = (
    "de", "da", "das", "do", "dos", "van", "von", "der", "den", "del", "della", "di", "du", "la",
    "le", "bin", "ibn", "al", "el", "ten", "ter",
)
# Words of role titles written in front of or after a name.
ROLE_WORDS = (
    "fellow", "member", "members", "board", "president", "chair", "chairperson", "founder",
    "cofounder", "co-founder", "creator", "co-creator", "director", "executive", "executor",
    "recruiter", "developer", "engineer", "designer", "treasurer", "secretary", "organizer",
    "organiser", "maintainer", "contributor", "author", "speaker", "host", "ceo", "cto", "cfo",
    "coo", "manager", "lead", "advocate", "evangelist", "researcher", "professor", "student",
    "volunteer", "bdfl", "core", "staff", "emeritus", "chief", "officer", "consultant",
    "architect", "scientist", "writer", "editor", "mentor", "coach", "attendee", "vice",
)
# Last words that make a capitalised phrase a place or an organisation, not a person.
ORGANISATION_WORDS = (
    "center", "centre", "hotel", "garden", "gardens", "market", "company", "hall", "street",
    "foundation", "university", "college", "school", "summit", "conference", "lab", "labs", "inc",
    "office", "park", "museum", "bar", "cafe", "café", "restaurant", "devs", "space", "house",
    "brewing", "church", "bridge", "road", "avenue", "square", "club", "team", "project",
    "society", "association", "institute", "group", "studio", "studios", "fellowship", "program",
    "programme", "initiative", "committee", "council", "forum", "community", "framework",
)
# Verbs that show a person giving the talk when they follow the name.
SPEAKING_VERBS = (
    "defined", "defines", "showed", "shows", "said", "says", "started", "starts", "explained",
    "explains", "introduced", "introduces", "pointed", "points", "gave", "gives", "described",
    "describes", "talked", "talks", "discussed", "discusses", "presented", "presents",
    "demonstrated", "demonstrates", "shared", "shares", "began", "begins", "opened", "kicked",
    "walked", "argued", "argues", "emphasized", "emphasised", "highlighted", "covered", "covers",
    "spoke", "speaks", "reminded", "told", "asked", "recommended", "suggested", "delivered",
    "delivers", "proposed", "made", "encouraged", "reflected", "revealed",
    "acknowledged", "went", "walks", "took", "used",
)
# Verbs that make the name the subject of a description ("X is a retired ...").
BEING_VERBS = ("is", "was", "has", "had", "became", "works", "worked", "runs")
# Words naming a talk, for "keynote by X" and "Thank you to X for this talk".
TALK_WORDS = (
    "talk", "keynote", "presentation", "lightning talk", "session", "workshop", "tutorial",
    "address",
)
# fmt: on
PRONOUNS = ("he", "she", "they")

_WORD = re.compile(r"\S+")
_LEADING = "([{\"“\u2018'*_"
_TRAILING = ",.;:!?)]}\"”\u2019'*_"
_POSSESSIVE = re.compile(r"['\u2019]s$")


@dataclass
class Mention:
    """A person's full name found in a sentence."""

    name: str
    affiliation: str
    start: int  # offsets of the name (with any possessive) in the sentence
    end: int
    possessive: bool = False


@dataclass
class _Word:
    core: str
    start: int
    end: int
    kind: str  # "name", "initial", "particle", "acronym" or "other"
    breaks_before: bool
    breaks_after: bool
    possessive: bool


def is_name_word(word: str) -> bool:
    """A capitalised word that can be part of a person's name ("O'Connell", "Kaplan-Moss")."""
    if not word or not word[0].isupper() or not any(c.islower() for c in word):
        return False
    if not all(c.isalpha() or c in "'\u2019-" for c in word) or word.lower() in NOT_NAMES:
        return False
    for part in re.split(r"['\u2019-]", word):
        inner = part[1:]
        if any(c.isupper() for c in inner) and not re.match(r"(Mc|Mac)[A-Z][a-z]", part):
            return False  # "DjangoCon", "PostgreSQL", "JavaScript"
    return True


def mentions_in(sentence: str) -> list[Mention]:
    """Full names of people in a sentence, with the role title written in front of them."""
    words = _words(sentence)
    mentions: list[Mention] = []
    for run in _runs(words):
        mention = _mention_from_run(sentence, run)
        if mention:
            mentions.append(mention)
    return _drop_possessive_organisations(sentence, mentions)


def _words(sentence: str) -> list[_Word]:
    words = []
    for index, match in enumerate(_WORD.finditer(sentence)):
        chunk = match.group()
        lead = len(chunk) - len(chunk.lstrip(_LEADING))
        core = chunk[lead:].rstrip(_TRAILING)
        trail = chunk[lead + len(core) :]
        start = match.start() + lead
        end = start + len(core)
        possessive = bool(_POSSESSIVE.search(core)) and len(core) > 2
        if possessive:
            core = core[:-2]
        kind = _word_kind(core, trail, first=index == 0)
        breaks_after = bool(trail) and not (kind == "initial" and trail == ".")
        words.append(
            _Word(core, start, end, kind, bool(lead), breaks_after or possessive, possessive)
        )
    return words


def _word_kind(core: str, trail: str, *, first: bool) -> str:
    if len(core) == 1 and core.isupper() and trail.startswith("."):
        return "initial"
    if core in NAME_PARTICLES:
        return "particle"
    if len(core) >= 2 and core.isupper() and core.isalpha():
        return "acronym"
    if first and core.lower().endswith("ing"):
        return "other"  # "Using Lord of the Rings, ..."
    return "name" if is_name_word(core) else "other"


def _runs(words: list[_Word]) -> list[list[_Word]]:
    """Maximal runs of adjacent capitalised words (no punctuation between them)."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    for word in words:
        joins = word.kind != "other" and not word.breaks_before
        if current and (not joins or current[-1].breaks_after):
            runs.append(current)
            current = []
        if word.kind != "other":
            current.append(word)
    if current:
        runs.append(current)
    return runs


def _mention_from_run(sentence: str, run: list[_Word]) -> Mention | None:
    role_end = max(
        (i + 1 for i, w in enumerate(run) if _is_role_word(w.core) or w.kind == "acronym"),
        default=0,
    )
    name_words = run[role_end:]
    while name_words and name_words[0].kind == "particle":
        name_words = name_words[1:]
    while name_words and name_words[-1].kind in {"particle", "initial"}:
        name_words = name_words[:-1]
    real = [w for w in name_words if w.kind == "name"]
    if not 2 <= len(real) <= 4 or any(w.kind == "acronym" for w in name_words):
        return None
    if real[-1].core.lower() in ORGANISATION_WORDS:
        return None
    name = " ".join(w.core + ("." if w.kind == "initial" else "") for w in name_words)
    affiliation = " ".join(w.core for w in run[:role_end])
    return Mention(
        name, affiliation, name_words[0].start, name_words[-1].end, name_words[-1].possessive
    )


def _is_role_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in ROLE_WORDS or lowered.rsplit("-", 1)[-1] in ROLE_WORDS


def _drop_possessive_organisations(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """In "Foxley Talent's Jon Gould", the possessive is the person's organisation."""
    kept: list[Mention] = []
    for index, mention in enumerate(mentions):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if mention.possessive and following and sentence[mention.end : following.start].isspace():
            if not following.affiliation:
                following.affiliation = mention.name
            continue
        kept.append(mention)
    return kept


def exact_name(text: str) -> str | None:
    """``text`` if it is nothing but a person's name."""
    text = text.strip().strip(_TRAILING).strip()
    found = mentions_in(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        return found[0].name if not found[0].affiliation else None
    return None


def appositive_affiliation(sentence: str, mention: Mention) -> str:
    """The role in "Thibaud Colas, DSF Board Member and Wagtail Developer, for ..."."""
    match = re.match(r",\s*([^,;()]+?)\s*(?:,|\.|;|$)", sentence[mention.end :])
    if not match:
        return ""
    phrase = match.group(1)
    words = re.findall(r"[\w'\u2019-]+", phrase)
    if not words or not any(_is_role_word(word) for word in words):
        return ""
    if mentions_in(phrase) and not any(_is_role_word(w) for w in words[-1:]):
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


@dataclass
class Candidate:
    """A person who may have given the talk, and the evidence so far."""

    name: str
    score: float = 0.0
    cued: bool = False  # followed by a speaking verb, thanked for the talk, ...
    order: int = 0


def rank_speakers(opening: list[str], whole_text: str) -> list[Candidate]:
    """People in the opening paragraphs, best speaker first."""
    candidates: dict[str, Candidate] = {}
    last_named: str | None = None
    for paragraph in opening:
        for sentence in split_sentences(paragraph):
            last_named = _score_sentence(sentence, candidates, last_named)
    for candidate in candidates.values():
        candidate.score += _first_name_score(candidate.name, whole_text)
    return sorted(candidates.values(), key=lambda c: (-c.score, c.order))


def best_speaker(opening: list[str], whole_text: str, minimum: float = 3.0) -> str | None:
    """The likeliest speaker, if the evidence is more than a passing mention."""
    ranked = rank_speakers(opening, whole_text)
    if ranked and ranked[0].score >= minimum:
        return ranked[0].name
    return None


def has_speaker_cue(paragraph: str) -> bool:
    """Whether a person in ``paragraph`` is doing talk things (the opening of a talk entry)."""
    return any(candidate.cued for candidate in rank_speakers([paragraph], ""))


def _score_sentence(
    sentence: str, candidates: dict[str, Candidate], last_named: str | None
) -> str | None:
    subject = _subject_candidate(sentence, candidates, last_named)
    if subject:
        verb = re.match(r"\s*\S+\s+(?:then\s+|also\s+)?([a-z]+)", sentence)
        if verb and verb.group(1) in SPEAKING_VERBS:
            candidates[subject].score += 2
        if _names_a_talk(sentence):
            candidates[subject].score += 3  # "Jon was inspired to create a lightning talk"
    for mention in mentions_in(sentence):
        candidate = candidates.setdefault(
            mention.name, Candidate(mention.name, order=len(candidates))
        )
        points, cued = _mention_points(sentence, mention)
        candidate.score += points
        candidate.cued = candidate.cued or cued
        last_named = mention.name
    return last_named


def _subject_candidate(
    sentence: str, candidates: dict[str, Candidate], last_named: str | None
) -> str | None:
    """The known person a sentence starts with: "He ..." or their first name alone."""
    first = re.match(r"\s*([^\W\d_][\w'\u2019-]*)(\s+\S+)?", sentence)
    if not first:
        return None
    word = first.group(1)
    if word.lower() in PRONOUNS:
        return last_named
    following = (first.group(2) or "").strip()
    for name in candidates:
        parts = name.split()
        if parts[0] == word and following != parts[1]:
            return name
    return None


def _names_a_talk(sentence: str) -> bool:
    return any(re.search(rf"\b{word}\b", sentence, re.IGNORECASE) for word in TALK_WORDS)


def _mention_points(sentence: str, mention: Mention) -> tuple[float, bool]:
    before = sentence[: mention.start].lower()
    points, cued = 1.0, False
    verb = following_word(sentence, mention.end)
    if verb in SPEAKING_VERBS:
        points, cued = points + 3, True
    elif verb in BEING_VERBS and not mention.possessive and _verb_has_object(sentence, mention):
        points, cued = points + 2, True
    if re.search(r"\bthank(?:s| you) to\s*$", before) and _names_a_talk(sentence):
        points, cued = points + 5, True
    if re.search(r"\b(?:watched|saw|attended|heard)\s*$", before):
        points, cued = points + 4, True
    if re.search(rf"\b(?:{'|'.join(TALK_WORDS)})\s+(?:given\s+|delivered\s+)?by\s*$", before):
        points, cued = points + 5, True
    return points, cued


def _verb_has_object(sentence: str, mention: Mention) -> bool:
    """ "X is a retired ..." describes X; "... what X is." does not."""
    rest = sentence[mention.end :]
    return re.search(r"^\W*(?:\([^)]*\)\W*)?(?:,[^,]+,\s*)?[a-z]+\s+\w", rest) is not None


def _first_name_score(name: str, text: str) -> float:
    """Later mentions by first name alone ("Chris started ...") count for the speaker.

    A "first name" that keeps being followed by other capitalised words
    ("Django Fellow", "Django Core") is a brand, not a person, and earns nothing.
    """
    first = _plain(name.split()[0])
    rest = name.split()[1]
    score, brand_uses = 0.0, 0
    for match in re.finditer(r"[^\W\d_][\w'\u2019-]*", text):
        word = match.group()
        plain = _plain(re.sub(r"['\u2019]s$", "", word))
        if (
            len(plain) < 3
            or not word[0].isupper()
            or not first.startswith(plain)
            or plain in NOT_NAMES
        ):
            continue
        following = re.match(r" ([^\W\d_][\w'\u2019.-]*)", text[match.end() :])
        if following and following.group(1) == rest:
            continue  # part of the full name
        if following and following.group(1)[0].isupper():
            brand_uses += 1
            continue
        score += 1
        if following_word(text, match.end()) in SPEAKING_VERBS:
            score += 1
    return 0.0 if brand_uses >= 2 else min(score, 6.0)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- explicit credits ------------------------------------------------------------

HOST_MARKERS = ("host", "hosted by", "moderator", "moderated by", "emcee", "mc")
# fmt: off
PANEL_LABELS = (
    "panel participants", "panellists", "panelists", "panel members", "panel", "participants",
)
# fmt: on


def panel_credits(sentence: str) -> list[tuple[str, str]]:
    """(name, role) from "A, B, C, and host D" or "Panel participants A, B and C"."""
    pieces = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", sentence) if p.strip()]
    if len(pieces) < 2:
        return []
    credits: list[tuple[str, str]] = []
    labelled = False
    for index, piece in enumerate(pieces):
        host = re.match(
            rf"(?:the\s+|our\s+)?(?:{'|'.join(HOST_MARKERS)})\s*:?\s+(.+)$", piece, re.IGNORECASE
        )
        if host and exact_name(host.group(1)):
            credits.append((exact_name(host.group(1)) or "", "host"))
            continue
        if index == 0:
            label = re.match(rf"(?:{'|'.join(PANEL_LABELS)})\s*:?\s+(.+)$", piece, re.IGNORECASE)
            if label:
                labelled, piece = True, label.group(1)
        name = exact_name(piece)
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
        rf"\b(?:{'|'.join(TALK_WORDS)})\s+(?:given\s+|delivered\s+)?by\s+",
        sentence,
        re.IGNORECASE,
    ):
        for mention in mentions_in(sentence):
            if sentence[match.end() : mention.start].strip() == mention.affiliation:
                names.append(mention.name)
                break
    return names
