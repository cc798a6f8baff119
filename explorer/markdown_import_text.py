"""Plain-text helpers for the Markdown recap importer.

Mojibake repair, sentence splitting, summaries, heading anchors and dates: the
small pieces of text handling that do not depend on the Markdown structure.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import ftfy

# --- mojibake -----------------------------------------------------------------

# Every character Mac Roman can produce from a byte >= 0x80; a run of two or more
# of them may be UTF-8 bytes that were wrongly decoded as Mac Roman.
_MAC_ROMAN_HIGH = bytes(range(0x80, 0x100)).decode("mac_roman")
_MAC_ROMAN_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]{2,}")


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded with the wrong codec.

    ftfy handles most cases but leaves four-byte sequences decoded as Mac Roman
    (emoji such as "üòé" for 😎) alone, so runs of Mac Roman characters are then
    re-decoded as UTF-8, one valid sequence at a time, only where that succeeds.
    """
    fixed = ftfy.fix_text(text, unescape_html=False)
    return _MAC_ROMAN_RUN.sub(_redecode_mac_roman_run, fixed)


def _redecode_mac_roman_run(match: re.Match[str]) -> str:
    run = match.group()
    raw = run.encode("mac_roman")  # one byte per character, by construction
    out: list[str] = []
    index = 0
    while index < len(raw):
        size = _utf8_sequence_length(raw[index])
        if size > 1:
            try:
                out.append(raw[index : index + size].decode("utf-8"))
            except UnicodeDecodeError:
                pass
            else:
                index += size
                continue
        out.append(run[index])
        index += 1
    return "".join(out)


def _utf8_sequence_length(lead_byte: int) -> int:
    if 0xC2 <= lead_byte <= 0xDF:
        return 2
    if 0xE0 <= lead_byte <= 0xEF:
        return 3
    if 0xF0 <= lead_byte <= 0xF4:
        return 4
    return 1


# --- sentences and summaries --------------------------------------------------

# fmt: off
# Words followed by a full stop that does not end a sentence.
ABBREVIATIONS = (
    "vs", "etc", "e.g", "i.e", "a.k.a", "aka", "dr", "mr", "mrs", "ms", "st", "jr", "sr", "prof",
    "no", "approx", "inc", "ltd", "co",
)
# fmt: on

_SENTENCE_END = re.compile(r"[.!?…]+[\"”'\u2019)\]]*\s+")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping initials ("Sarah P. Duke") and "vs." inside."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following and following.islower():
            continue
        if "." in match.group() and _ends_with_abbreviation(text[start : match.start()]):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [sentence for sentence in sentences if sentence]


def _ends_with_abbreviation(text: str) -> bool:
    words = text.split()
    if not words:
        return False
    word = words[-1].lstrip("([\"“'\u2018")
    if len(word) == 1 and word.isalpha():
        return True  # an initial
    return word.lower() in ABBREVIATIONS or "." in word


def cut_at_sentence(markdown: str, limit: int) -> str:
    """The leading sentences of ``markdown`` that fit in ``limit`` characters.

    Sentences are never cut inside a Markdown link; a first sentence longer than
    the limit is shortened at a word boundary and marked with an ellipsis.
    """
    markdown = " ".join(markdown.split())
    if len(markdown) <= limit:
        return markdown
    pieces = _merge_unbalanced_links(split_sentences(markdown))
    kept: list[str] = []
    for piece in pieces:
        if len(" ".join([*kept, piece])) > limit:
            break
        kept.append(piece)
    if kept:
        return " ".join(kept)
    head = markdown[:limit].rsplit(" ", 1)[0]
    if head.count("[") > head.count("]"):
        head = head[: head.rfind("[")].rstrip()
    return head.rstrip(",;:") + "…"


def _merge_unbalanced_links(pieces: list[str]) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        if merged and merged[-1].count("[") > merged[-1].count("]"):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


# --- matching and anchors ------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase letters and digits only, accents removed: for comparing headings and names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(
        char for char in decomposed if char.isalnum() and not unicodedata.combining(char)
    )


def github_anchor(heading: str) -> str:
    """The anchor GitHub-style renderers give a heading (when no table of contents links it)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` on word boundaries, ignoring case."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def first_phrase_position(text: str, phrases: tuple[str, ...]) -> int | None:
    """Where the earliest of ``phrases`` starts in ``text`` (word boundaries, any case)."""
    positions = [
        match.start()
        for phrase in phrases
        if (match := re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE))
    ]
    return min(positions) if positions else None


# --- dates and places --------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DASH = r"\s*(?:-|\u2013|—|to|through|thru|until)\s*"
_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d{2}))?"
_RANGES = (
    # September 22-27, October 28 - November 1, 2024
    re.compile(
        rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:,\s*(?P<y1>\d{{4}}))?{_DASH}"
        rf"(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY})\b{_YEAR}",
        re.IGNORECASE,
    ),
    # 22-27 September 2024, 31 May - 2 June
    re.compile(
        rf"\b(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH}))?{_DASH}(?P<d2>{_DAY})\s+"
        rf"(?P<m2>{_MONTH})\b{_YEAR}",
        re.IGNORECASE,
    ),
    # a one-day event: June 5, 2024
    re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\b{_YEAR}", re.IGNORECASE),
)
_ANY_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Words that end a city or venue phrase in a sentence like "... in Durham, NC at the X."
_PHRASE_STOP = (
    r"(?=\s+(?:at|in|from|on|for|during|between|with)\s|(?<!\b[A-Z])\.|[!?;]|,\s+[a-z]|$)"
)
_PHRASE_TEXT = r"(?:[^.!?;]|(?<=\b[A-Z])\.)*?"  # stops at a full stop, not at "L." of a name
_CITY = re.compile(rf"\bin\s+(?!the\b)(?P<city>[A-Z]{_PHRASE_TEXT}){_PHRASE_STOP}")
_VENUE = re.compile(rf"\bat\s+(?:the\s+)?(?P<venue>[A-Z0-9]{_PHRASE_TEXT}){_PHRASE_STOP}")


@dataclass
class RecapFacts:
    """When and where the conference happened, as the intro sentence says."""

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    city: str = ""
    venue: str = ""


def find_recap_facts(sentences: list[str], title: str) -> RecapFacts:
    """Dates, city and venue from the first sentence that gives a date (range)."""
    for sentence in sentences:
        dates = parse_date_range(sentence, default_year=_year_in(title))
        if dates:
            city, venue = _city_and_venue(sentence)
            return RecapFacts(dates[0], dates[1], city, venue)
    return RecapFacts()


def parse_date_range(text: str, default_year: int | None = None) -> tuple[dt.date, dt.date] | None:
    """The first date range (or single date) in ``text``, or None."""
    for pattern in _RANGES:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        year = _int(groups.get("year")) or _int(groups.get("y1")) or _year_in(text) or default_year
        if year is None:
            return None
        month1 = MONTHS[(groups.get("m1") or groups.get("m2") or "").lower().rstrip(".")]
        month2 = MONTHS[(groups.get("m2") or groups.get("m1") or "").lower().rstrip(".")]
        day1 = int(re.sub(r"\D", "", groups["d1"]))
        day2 = int(re.sub(r"\D", "", groups.get("d2") or groups["d1"]))
        start_year = year - 1 if month1 > month2 else year  # December 30 - January 2
        try:
            return dt.date(start_year, month1, day1), dt.date(year, month2, day2)
        except ValueError:
            return None
    return None


def _city_and_venue(sentence: str) -> tuple[str, str]:
    city = _CITY.search(sentence)
    venue = _VENUE.search(sentence)
    city_text = city.group("city").strip(" ,") if city else ""
    if city_text.split(" ")[0].lower().rstrip(".,") in MONTHS:
        city_text = ""
    return city_text, (venue.group("venue").strip(" ,").removesuffix(".") if venue else "")


def _year_in(text: str) -> int | None:
    match = _ANY_YEAR.search(text)
    return int(match.group()) if match else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def date_for_label(
    label: str, start: dt.date | None, end: dt.date | None, not_before: dt.date | None
) -> dt.date | None:
    """The date a part's label stands for: an explicit date, a weekday or "Day N" in the range."""
    year = (start or end).year if (start or end) else None
    explicit = parse_date_range(label, default_year=year)
    if explicit:
        return explicit[0]
    if not (start and end):
        return None
    words = re.findall(r"[a-z]+|\d+", label.lower())
    if not words:
        return None
    if words[0] in WEEKDAYS:
        day = max(start, not_before or start)
        while day <= end:
            if day.weekday() == WEEKDAYS.index(words[0]):
                return day
            day += dt.timedelta(days=1)
        return None
    if len(words) >= 2 and words[0] == "day" and words[1].isdigit():
        day = start + dt.timedelta(days=int(words[1]) - 1)
        return day if day <= end else None
    return None
