"""The explanation as text: what ``import_recap --explain`` prints, and the unsure summary."""

from __future__ import annotations

from .evidence import EntryExplanation, Evidence, Explanation


def _evidence(items: list[Evidence], indent: str = "      ") -> list[str]:
    return [f"{indent}{item}" for item in items]


def entry_lines(entry: EntryExplanation) -> list[str]:
    """One entry: kind with its score and runner-up, the features, speakers, place, dishes."""
    score = entry.scores.get(entry.kind, 0)
    runner = f"; runner-up {entry.runner_up} {entry.runner_up_score:g}" if entry.runner_up else ""
    lines = [
        f"  {entry.title}  [{entry.source}]",
        f"    kind: {entry.kind} {score:g}{runner}",
        *_evidence(entry.features),
    ]
    if entry.speakers:
        for person in entry.speakers:
            lines.append(f"    {person.role}: {person.name}")
            lines += _evidence(person.evidence)
    else:
        lines.append("    speakers: none")
    if entry.place:
        lines.append(f"    place: {entry.place.name}")
        lines += _evidence(entry.place.evidence)
    for dish in entry.dishes:
        lines.append(f"    dish: {dish.name}")
        lines += _evidence(dish.evidence)
    if entry.unsure:
        lines.append(f"    ! unsure: {'; '.join(entry.reasons)}")
    return lines


def explanation_lines(explanation: Explanation) -> list[str]:
    """Everything: the day level, each day with its date evidence, then its entries."""
    level = f"{'#' * explanation.day_level} headings" if explanation.day_level else "none"
    lines = [
        f"Days are {level}." + (f" Author: {explanation.author}." if explanation.author else "")
    ]
    entries_by_day: dict[str, list[EntryExplanation]] = {}
    for entry in explanation.entries:
        entries_by_day.setdefault(entry.day, []).append(entry)
    for day in explanation.days:
        date = f" ({day.date})" if day.date else ""
        lines.append(f"{day.label}{date}")
        lines += _evidence(day.evidence, "    ")
        for entry in entries_by_day.get(day.label, []):
            lines += entry_lines(entry)
    return lines


def unsure_lines(explanation: Explanation, *, detailed: bool) -> list[str]:
    """Warnings and the entries the importer was unsure of, one line each."""
    lines = [f"! warning: {warning}" for warning in explanation.warnings]
    unsure = explanation.unsure
    if unsure:
        lines.append(
            f"! unsure about {len(unsure)} of {len(explanation.entries)} entries"
            + (" (see --explain):" if detailed else ":")
        )
        lines += [f"!   {e.day} / {e.title}: {e.kind}: {'; '.join(e.reasons)}" for e in unsure]
    return lines
