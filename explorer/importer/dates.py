"""When the conference happened: date ranges, the date of a day's heading, city and venue."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .words import DAY_WORDS, ORDINAL_WORDS, ORDINALS, WEEKDAYS

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


def find_recap_facts(sentences: list[str], title: str, year: int | None = None) -> RecapFacts:
    """Dates, city and venue from the first sentence that gives a range (else a single date).

    "I arrived on Sunday, October 15. DjangoCon took place October 16-20": the range.
    """
    for ranges_only in (True, False):
        for sentence in sentences:
            dates = parse_date_range(
                sentence, default_year=_year_in(title) or year, ranges_only=ranges_only
            )
            if dates:
                city, venue = _city_and_venue(sentence)
                return RecapFacts(dates[0], dates[1], city, venue)
    return RecapFacts()


def parse_date_range(
    text: str, default_year: int | None = None, *, ranges_only: bool = False
) -> tuple[dt.date, dt.date] | None:
    """The first date range (or single date) in ``text``, or None."""
    for pattern in _RANGES[:2] if ranges_only else _RANGES:
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
    # "in Riverbend, May 12-13": the dates are not part of the city.
    city_text = re.split(rf",\s*(?={_MONTH}\b)", city_text, flags=re.IGNORECASE)[0].strip(" ,")
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
    weekday = next((word for word in words if word in WEEKDAYS), None)
    if weekday:
        day = max(start, not_before or start)
        while day <= end:
            if day.weekday() == WEEKDAYS.index(weekday):
                return day
            day += dt.timedelta(days=1)
        return None
    number = day_number(words)
    if number:
        day = start + dt.timedelta(days=number - 1)
        return day if day <= end else None
    return None


def day_number(words: list[str]) -> int | None:
    """3 for "Day 3", "Day Three" or "Third Day"."""
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word == "day" and following.isdigit():
            return int(following)
        if word == "day" and following in ORDINALS:
            return ORDINALS.index(following)
        if word in ORDINAL_WORDS and following == "day":
            return ORDINAL_WORDS.index(word) + 1
    return None


def day_likeness(label: str, year: int | None = None) -> tuple[float, str]:
    """How much a heading looks like a day of the conference, and why (0 and "" if not).

    A weekday, a date or "Day N" count 2; words such as "Sprints" or "Tutorials" 1.
    """
    words = re.findall(r"[a-z]+|\d+", label.lower())
    if any(word in WEEKDAYS for word in words):
        return 2.0, "a weekday"
    if day_number(words):
        return 2.0, "a day number"
    if parse_date_range(label, default_year=year or 2000):
        return 2.0, "a date"
    plain = " ".join(words)
    for word in DAY_WORDS:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", plain):
            return 1.0, f"the word “{word}”"
    return 0.0, ""
