"""How well the importer reads a recap, against the answer a person wrote for it.

An expected answer is JSON beside the recap (``name.md`` and ``name.json``)::

    {"styles": ["prose-talks", ...],
     "days": [{"label": "Monday", "date": "2019-05-06" | null}],
     "entries": [{"day": "Monday", "title": "...", "kind": "talk",
                  "speakers": ["Ada Lovelace"], "place": null, "dishes": []}]}

``place`` and ``dishes`` are checked only where the answer gives them. Entries
are matched by day and title (case, accents, punctuation and a kind prefix
ignored; a title may also contain the other, as "Keynote: X" and "X"), each
expected entry at most once. The measures:

- entries found: matched expected entries / expected entries;
- extra: imported entries that match no expected entry;
- kind accuracy: matched entries whose kind is right;
- speaker precision and recall: over the speakers of matched entries, names
  compared with ``explorer.text.person_key``;
- day accuracy: expected days found with the right label and date;
- place and dish accuracy: matched entries whose place is right, and expected
  dishes found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.recap_data import RecapData
from explorer.text import person_key

from .build import read_recap
from .text import normalise

MEASURES = ("entries", "kind", "speaker_precision", "speaker_recall", "days", "place", "dishes")
MEASURE_LABELS = {
    "entries": "entries found",
    "kind": "kind",
    "speaker_precision": "speaker P",
    "speaker_recall": "speaker R",
    "days": "days",
    "place": "place",
    "dishes": "dishes",
}


@dataclass
class Tally:
    """Counts behind each measure: right / total."""

    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    extra: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, measure: str, right: int, total: int) -> None:
        self.right[measure] += right
        self.total[measure] += total

    def score(self, measure: str) -> float | None:
        total = self.total[measure]
        return self.right[measure] / total if total else None

    def merge(self, other: Tally) -> None:
        for measure in MEASURES:
            self.add(measure, other.right[measure], other.total[measure])
        self.extra += other.extra


@dataclass
class RecapScore:
    name: str
    styles: list[str]
    tally: Tally


def _title_key(title: str) -> str:
    return normalise(title)


def _titles_match(found: str, expected: str) -> bool:
    a, b = _title_key(found), _title_key(expected)
    return bool(a and b) and (a == b or (len(b) >= 6 and b in a) or (len(a) >= 6 and a in b))


def score_recap(data: RecapData, expected: dict[str, Any]) -> Tally:
    """Compare an imported recap with its expected answer."""
    tally = Tally()
    days = {normalise(day.label): day for day in data.days}
    for day in expected.get("days", []):
        found = days.get(normalise(day["label"]))
        right = found is not None and (found.date.isoformat() if found.date else None) == day.get(
            "date"
        )
        tally.add("days", int(right), 1)
        if not right:
            tally.misses.append(f"day {day['label']!r}: got {found.date if found else 'nothing'}")
    imported = [(day.label, entry) for day in data.days for entry in day.entries]
    used: set[int] = set()
    for want in expected.get("entries", []):
        match = _find(imported, used, want)
        tally.add("entries", int(match is not None), 1)
        if match is None:
            tally.misses.append(f"entry {want['title']!r} ({want['day']}) not found")
            continue
        used.add(id(match))
        _score_entry(tally, match, want)
    tally.extra = len(imported) - len(used)
    for label, entry in imported:
        if id(entry) not in used:
            tally.misses.append(f"extra entry {entry.title!r} ({label}, {entry.kind})")
    return tally


def _find(imported: list[tuple[str, Any]], used: set[int], want: dict[str, Any]) -> Any:
    same_day = [e for label, e in imported if normalise(label) == normalise(want.get("day", ""))]
    for pool in (same_day, [e for _, e in imported]):
        for entry in pool:
            if id(entry) not in used and _title_key(entry.title) == _title_key(want["title"]):
                return entry
        for entry in pool:
            if id(entry) not in used and _titles_match(entry.title, want["title"]):
                return entry
    return None


def _score_entry(tally: Tally, entry: Any, want: dict[str, Any]) -> None:
    title = want["title"]
    tally.add("kind", int(entry.kind == want["kind"]), 1)
    if entry.kind != want["kind"]:
        tally.misses.append(f"{title!r}: kind {entry.kind}, expected {want['kind']}")
    found = {person_key(c.name) for c in entry.people}
    wanted = {person_key(name) for name in want.get("speakers", [])}
    tally.add("speaker_precision", len(found & wanted), len(found))
    tally.add("speaker_recall", len(found & wanted), len(wanted))
    if found != wanted:
        tally.misses.append(
            f"{title!r}: speakers {sorted(c.name for c in entry.people)}, "
            f"expected {sorted(want.get('speakers', []))}"
        )
    if "place" in want:
        right = normalise(entry.place or "") == normalise(want["place"] or "")
        tally.add("place", int(right), 1)
        if not right:
            tally.misses.append(f"{title!r}: place {entry.place!r}, expected {want['place']!r}")
    if "dishes" in want:
        dishes = {normalise(d.name) for d in entry.dishes}
        wanted_dishes = {normalise(d) for d in want["dishes"]}
        tally.add("dishes", len(dishes & wanted_dishes), len(wanted_dishes))
        tally.add("dishes", 0, len(dishes - wanted_dishes))  # an invented dish counts against
        if dishes != wanted_dishes:
            tally.misses.append(
                f"{title!r}: dishes {sorted(d.name for d in entry.dishes)}, "
                f"expected {sorted(want['dishes'])}"
            )


def corpus_files(folder: Path) -> list[tuple[Path, Path]]:
    """(recap, expected answer) pairs: every ``*.md`` with a ``*.json`` beside it."""
    return [
        (md, md.with_suffix(".json"))
        for md in sorted(folder.glob("*.md"))
        if md.with_suffix(".json").exists()
    ]


def evaluate_folder(folder: Path) -> list[RecapScore]:
    scores = []
    for recap_path, answer_path in corpus_files(folder):
        expected = json.loads(answer_path.read_text(encoding="utf-8"))
        data, _ = read_recap(recap_path.read_text(encoding="utf-8"))
        scores.append(
            RecapScore(recap_path.stem, expected.get("styles", []), score_recap(data, expected))
        )
    return scores


def by_style(scores: Iterable[RecapScore]) -> dict[str, Tally]:
    styles: dict[str, Tally] = {}
    for score in scores:
        for style in score.styles:
            styles.setdefault(style, Tally()).merge(score.tally)
    return dict(sorted(styles.items()))


def overall(scores: Iterable[RecapScore]) -> Tally:
    total = Tally()
    for score in scores:
        total.merge(score.tally)
    return total


def table(rows: list[tuple[str, Tally]], first: str) -> str:
    """A Markdown table: one row per recap or style, one column per measure."""
    header = [first, *(MEASURE_LABELS[m] for m in MEASURES), "extra"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for name, tally in rows:
        cells = [name]
        for measure in MEASURES:
            value = tally.score(measure)
            cells.append(
                "n/a"
                if value is None
                else f"{value:.0%} ({tally.right[measure]}/{tally.total[measure]})"
            )
        cells.append(str(tally.extra))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
