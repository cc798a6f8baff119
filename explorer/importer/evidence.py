"""The importer's explanation: plain data, beside the RecapData it explains.

Every decision keeps the evidence that made it: which features fired, with
which weight, for which kind; who was taken for a speaker and why; which link
or caption gave a place or a dish. ``Explanation.to_dict()`` is JSON-ready, so
a web import can store it and show it on a review page, and ``import_recap
--explain`` prints it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "recap-explorer-explanation/1"


@dataclass
class Evidence:
    """One feature that fired: its name, the weight it added, for what, and where it was seen."""

    feature: str
    weight: float
    target: str = ""  # the kind (or role) it counted for
    detail: str = ""  # the words or link that made it fire

    def __str__(self) -> str:
        target = f" → {self.target}" if self.target else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.feature} {self.weight:+g}{target}{detail}"


@dataclass
class KindDecision:
    """The scores of every kind, the winner, the runner-up and the evidence."""

    kind: str
    scores: dict[str, float]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.scores.items(), key=lambda item: -item[1])

    @property
    def runner_up(self) -> tuple[str, float]:
        rest = [(kind, score) for kind, score in self.ranked if kind != self.kind]
        return rest[0] if rest else ("", 0.0)

    @property
    def margin(self) -> float:
        return self.scores.get(self.kind, 0.0) - self.runner_up[1]


@dataclass
class PersonEvidence:
    """A person credited on an entry, their role, and why."""

    name: str
    role: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ThingEvidence:
    """A place or a dish, and what it was read from."""

    name: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class EntryExplanation:
    day: str
    title: str
    slug: str
    kind: str
    scores: dict[str, float]
    runner_up: str
    runner_up_score: float
    features: list[Evidence]
    speakers: list[PersonEvidence] = field(default_factory=list)
    place: ThingEvidence | None = None
    dishes: list[ThingEvidence] = field(default_factory=list)
    unsure: bool = False
    reasons: list[str] = field(default_factory=list)
    source: str = ""  # how the entry was found: "heading", "sub-heading", "prose", "list"


@dataclass
class DayExplanation:
    label: str
    date: str | None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ImportWarning:
    """Something repaired or dropped while reading, and where."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class Explanation:
    """Why the importer read a recap as it did."""

    day_level: int = 2
    days: list[DayExplanation] = field(default_factory=list)
    entries: list[EntryExplanation] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    author: str = ""

    @property
    def unsure(self) -> list[EntryExplanation]:
        return [entry for entry in self.entries if entry.unsure]

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}
