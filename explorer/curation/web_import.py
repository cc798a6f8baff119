"""The web import's logic, apart from its views and models: uploads, corrections, review cards.

A curator uploads a recap; the importer reads it into the recap document and
its explanation, stored as JSON in a ``PendingImport``. Nothing touches the
recap tables until the import. Corrections are kept beside the document, keyed
by the entry's slug (unique in the document, and kept when the title is
corrected, so a re-import still finds the entry)::

    {"<entry slug>": {"kind": "talk", "day": "<day slug>", "title": "…",
                      "speakers": [["Ada Lovelace", "speaker"], …],
                      "place": "Cocoa Cinnamon", "omit": true}}

A key is present only when the curator set it. ``corrected_document`` applies
them: the document the loader writes. ``review_days`` builds what the review
page shows: every entry (left-out ones too) as a card, with the importer's
evidence and, for a re-import, the diff.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from ..importer.evidence import Evidence
from ..loading import day_slug_of
from ..models import Credit, Entry
from ..recap_data import CreditData, DayData, EntryData, RecapData
from .import_diff import ArchiveMatches, EntryDiff

#: The fields a correction may hold.
CORRECTABLE = ("kind", "day", "title", "speakers", "place", "omit")
PASTED_NAME = "Pasted text"


def document_data(document: dict[str, Any]) -> RecapData:
    return RecapData.from_dict(document)


def correct_entry(entry: EntryData, correction: dict[str, Any]) -> EntryData:
    """A copy of ``entry`` with the curator's corrections applied."""
    entry = copy.deepcopy(entry)
    if "title" in correction:
        entry.slug = entry.slug or slugify(entry.title)
        entry.title = correction["title"]
    if "kind" in correction:
        entry.kind = correction["kind"]
    if "speakers" in correction:
        entry.people = [CreditData(name, role) for name, role in correction["speakers"]]
    if "place" in correction:
        entry.place = correction["place"] or None
        for dish in entry.dishes:  # a meal's dishes were eaten where the meal was
            dish.place = entry.place
    return entry


def corrected_document(document: dict[str, Any], corrections: dict[str, Any]) -> RecapData:
    """The recap document with the corrections applied: what the import writes.

    Left-out entries are dropped; an entry moved to another day goes there in
    document order.
    """
    data = document_data(document)
    days = {day_slug_of(day): day for day in data.days}
    placed: dict[str, list[EntryData]] = {slug: [] for slug in days}
    for day in data.days:
        for entry in day.entries:
            correction = corrections.get(entry.slug, {})
            if correction.get("omit"):
                continue
            target = correction.get("day", day_slug_of(day))
            placed[target if target in placed else day_slug_of(day)].append(
                correct_entry(entry, correction)
            )
    data.days = [
        DayData(day.label, day.slug, day.date, day.summary, placed[slug])
        for slug, day in days.items()
    ]
    return data


def updated_corrections(
    corrections: dict[str, Any], entry: EntryData, day_slug: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """``corrections`` with ``changes`` to one entry; a value equal to the importer's is dropped."""
    read = {
        "kind": entry.kind,
        "day": day_slug,
        "title": entry.title,
        "speakers": [[credit.name, credit.role] for credit in entry.people],
        "place": entry.place or "",
        "omit": False,
    }
    mine = dict(corrections.get(entry.slug, {}))
    for name, value in changes.items():
        if value == read[name]:
            mine.pop(name, None)
        else:
            mine[name] = value
    result = {key: value for key, value in corrections.items() if key != entry.slug}
    if mine:
        result[entry.slug] = mine
    return result


# -- The review page's cards ---------------------------------------------------------


@dataclass
class SpeakerCard:
    name: str
    role: str
    evidence: list[str]
    added: bool  # by the curator, not found by the importer
    known: bool  # a person already in the archive

    @property
    def role_label(self) -> str:
        return Credit.Role(self.role).label if self.role in Credit.Role else self.role


@dataclass
class ReviewCard:
    """One entry of the upload as the review shows it."""

    key: str
    entry: EntryData  # corrected
    day_slug: str
    day_label: str
    read_day_label: str  # where the importer put it
    corrected: set[str]
    omitted: bool
    speakers: list[SpeakerCard]
    read_kind: str = ""
    kind_score: float = 0
    runner_up: str = ""
    runner_up_score: float = 0
    kind_evidence: list[str] = field(default_factory=list)
    place_evidence: list[str] = field(default_factory=list)
    place_known: bool = False
    unsure: bool = False
    reasons: list[str] = field(default_factory=list)
    source: str = ""
    diff: EntryDiff | None = None

    @property
    def kind_label(self) -> str:
        return _kind_label(self.entry.kind)

    @property
    def runner_up_label(self) -> str:
        return _kind_label(self.runner_up)

    @property
    def read_kind_label(self) -> str:
        return _kind_label(self.read_kind)

    @property
    def moved(self) -> bool:
        return "day" in self.corrected


def _kind_label(kind: str) -> str:
    return Entry.Kind(kind).label if kind in Entry.Kind else kind


@dataclass
class ReviewDay:
    slug: str
    label: str
    date: dt.date | None
    cards: list[ReviewCard]


def _evidence(items: Iterable[dict[str, Any]]) -> list[str]:
    return [str(Evidence(**item)) for item in items]


def review_cards(
    document: dict[str, Any],
    explanation: dict[str, Any],
    corrections: dict[str, Any],
    *,
    matches: ArchiveMatches | None = None,
    diffs: dict[str, EntryDiff] | None = None,
) -> tuple[list[DayData], list[ReviewCard]]:
    """Every entry of the upload as a card, corrected, with its evidence and diff.

    ``matches`` says which people and places are already in the archive.
    """
    data = document_data(document)
    labels = {day_slug_of(day): day.label for day in data.days}
    explained = {item["slug"]: item for item in explanation.get("entries", [])}
    cards = []
    for day in data.days:
        for read in day.entries:
            correction = corrections.get(read.slug, {})
            entry = correct_entry(read, correction)
            why = explained.get(read.slug, {})
            found = {item["name"]: item for item in why.get("speakers", [])}
            day_slug = correction.get("day", day_slug_of(day))
            cards.append(
                ReviewCard(
                    key=read.slug,
                    entry=entry,
                    day_slug=day_slug if day_slug in labels else day_slug_of(day),
                    day_label=labels.get(day_slug, day.label),
                    read_day_label=day.label,
                    corrected=set(correction) - {"omit"},
                    omitted=bool(correction.get("omit")),
                    speakers=[
                        SpeakerCard(
                            name=credit.name,
                            role=credit.role,
                            evidence=_evidence(found.get(credit.name, {}).get("evidence", [])),
                            added=credit.name not in found,
                            known=bool(matches and matches.person(credit.name)),
                        )
                        for credit in entry.people
                    ],
                    read_kind=read.kind,
                    kind_score=why.get("scores", {}).get(read.kind, 0),
                    runner_up=why.get("runner_up", ""),
                    runner_up_score=why.get("runner_up_score", 0),
                    kind_evidence=_evidence(why.get("features", [])),
                    place_evidence=_evidence((why.get("place") or {}).get("evidence", []))
                    if "place" not in correction
                    else [],
                    place_known=bool(entry.place and matches and matches.place(entry.place)),
                    unsure=bool(why.get("unsure")),
                    reasons=list(why.get("reasons", [])),
                    source=why.get("source", ""),
                    diff=(diffs or {}).get(read.slug),
                )
            )
    return data.days, cards


def review_days(days: list[DayData], cards: list[ReviewCard]) -> list[ReviewDay]:
    """The cards grouped by the day they will be imported into, in document order."""
    grouped = {
        day_slug_of(day): ReviewDay(day_slug_of(day), day.label, day.date, []) for day in days
    }
    for card in cards:
        grouped[card.day_slug].cards.append(card)
    return list(grouped.values())


def names_in(document: dict[str, Any], corrections: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Every person's and place's name the upload holds, corrected (to match them at once)."""
    people, places = set(), set()
    for entry in document_data(document).entries():
        entry = correct_entry(entry, corrections.get(entry.slug, {}))
        people.update(credit.name for credit in entry.people)
        places.update(dish.place for dish in entry.dishes if dish.place)
        if entry.place:
            places.add(entry.place)
    return people, places
