"""The recap document: one plain data shape shared by import, bundled data and export.

The Markdown importer produces a ``RecapData``; the bundled curated data is a
``RecapData`` saved as JSON; ``explorer.loading`` writes any ``RecapData`` to the
database. Keeping one shape means every source goes through the same, tested
write path (with the same protection of curators' edits).

JSON layout (``to_dict``/``from_dict``)::

    {"format": "recap-explorer/1",
     "recap": {"name", "slug", "city", "venue", "start_date", "end_date", "source_url", "author",
               "image_base" (optional: where relative photo paths point; by default the
               folder of source_url)},
     "topics": [{"name", "slug", "description", "keywords": [...]}],
     "people": [{"name", "affiliation"}],
     "places": [{"name", "kind", "url", "city"}],
     "days": [{"label", "slug", "date", "summary",
               "entries": [{"title", "slug", "kind", "anchor", "summary", "place",
                            "people": [{"name", "role"}], "topics": [topic names],
                            "links": [{"title", "url"}], "photos": [{"image", "caption"}],
                            "dishes": [{"name", "description", "place"}]}]}]}

People, places and topics are referred to by name inside entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FORMAT = "recap-explorer/1"


class RecapDataError(ValueError):
    """The document does not have the recap shape; the message says where."""


@dataclass
class PersonData:
    name: str
    affiliation: str = ""


@dataclass
class PlaceData:
    name: str
    kind: str = "other"
    url: str = ""
    city: str = ""


@dataclass
class TopicData:
    name: str
    slug: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)


@dataclass
class CreditData:
    name: str
    role: str = "speaker"


@dataclass
class LinkData:
    title: str
    url: str


@dataclass
class PhotoData:
    image: str
    caption: str = ""


@dataclass
class DishData:
    name: str
    description: str = ""
    place: str | None = None


@dataclass
class EntryData:
    title: str
    kind: str = "note"
    slug: str = ""
    anchor: str = ""
    summary: str = ""
    place: str | None = None
    people: list[CreditData] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    links: list[LinkData] = field(default_factory=list)
    photos: list[PhotoData] = field(default_factory=list)
    dishes: list[DishData] = field(default_factory=list)


@dataclass
class DayData:
    label: str
    slug: str = ""
    date: dt.date | None = None
    summary: str = ""
    entries: list[EntryData] = field(default_factory=list)


@dataclass
class RecapData:
    name: str
    slug: str
    city: str = ""
    venue: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    source_url: str = ""
    author: str = ""
    image_base: str = ""
    days: list[DayData] = field(default_factory=list)
    people: list[PersonData] = field(default_factory=list)
    places: list[PlaceData] = field(default_factory=list)
    topics: list[TopicData] = field(default_factory=list)

    def entries(self) -> list[EntryData]:
        return [entry for day in self.days for entry in day.entries]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict in the documented layout."""
        recap = {
            f.name: _json_value(getattr(self, f.name))
            for f in fields(self)
            if f.name not in {"days", "people", "places", "topics"}
        }
        if not recap["image_base"]:  # optional: the loader derives it from source_url
            del recap["image_base"]
        days = []
        for day in self.days:
            day_dict = asdict(day)
            day_dict["date"] = _json_value(day.date)
            days.append(day_dict)
        return {
            "format": FORMAT,
            "recap": recap,
            "topics": [asdict(topic) for topic in self.topics],
            "people": [asdict(person) for person in self.people],
            "places": [asdict(place) for place in self.places],
            "days": days,
        }

    @classmethod
    def from_dict(cls, document: Any) -> RecapData:
        """Build from the documented layout; raise RecapDataError saying what is wrong."""
        if not isinstance(document, dict) or not isinstance(document.get("recap"), dict):
            raise RecapDataError("the JSON document has no “recap” object.")
        if document.get("format", FORMAT) != FORMAT:
            raise RecapDataError(
                f"the JSON document is in format {document.get('format')!r}, expected {FORMAT!r}."
            )
        recap = document["recap"]
        try:
            data = cls(
                name=_text(recap, "name", required=True),
                slug=_text(recap, "slug", required=True),
                city=_text(recap, "city"),
                venue=_text(recap, "venue"),
                start_date=_date(recap, "start_date"),
                end_date=_date(recap, "end_date"),
                source_url=_text(recap, "source_url"),
                author=_text(recap, "author"),
                image_base=_text(recap, "image_base"),
                topics=[
                    TopicData(
                        name=_text(t, "name", required=True),
                        slug=_text(t, "slug"),
                        description=_text(t, "description"),
                        keywords=[str(k) for k in _list(t, "keywords")],
                    )
                    for t in _list(document, "topics")
                ],
                people=[
                    PersonData(
                        name=_text(p, "name", required=True), affiliation=_text(p, "affiliation")
                    )
                    for p in _list(document, "people")
                ],
                places=[
                    PlaceData(
                        name=_text(p, "name", required=True),
                        kind=_text(p, "kind") or "other",
                        url=_text(p, "url"),
                        city=_text(p, "city"),
                    )
                    for p in _list(document, "places")
                ],
                days=[_day_from_dict(d) for d in _list(document, "days")],
            )
        except (TypeError, AttributeError) as error:  # a list where an object belongs, etc.
            raise RecapDataError(f"the JSON document is malformed ({error}).") from error
        return data


def _day_from_dict(day: dict[str, Any]) -> DayData:
    return DayData(
        label=_text(day, "label", required=True),
        slug=_text(day, "slug"),
        date=_date(day, "date"),
        summary=_text(day, "summary"),
        entries=[_entry_from_dict(e) for e in _list(day, "entries")],
    )


def _entry_from_dict(entry: dict[str, Any]) -> EntryData:
    return EntryData(
        title=_text(entry, "title", required=True),
        kind=_text(entry, "kind") or "note",
        slug=_text(entry, "slug"),
        anchor=_text(entry, "anchor"),
        summary=_text(entry, "summary"),
        place=_text(entry, "place") or None,
        people=[
            CreditData(name=_text(c, "name", required=True), role=_text(c, "role") or "speaker")
            for c in _list(entry, "people")
        ],
        topics=[str(t) for t in _list(entry, "topics")],
        links=[
            LinkData(title=_text(li, "title"), url=_text(li, "url", required=True))
            for li in _list(entry, "links")
        ],
        photos=[
            PhotoData(image=_text(p, "image", required=True), caption=_text(p, "caption"))
            for p in _list(entry, "photos")
        ],
        dishes=[
            DishData(
                name=_text(d, "name", required=True),
                description=_text(d, "description"),
                place=_text(d, "place") or None,
            )
            for d in _list(entry, "dishes")
        ],
    )


def _text(obj: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise RecapDataError(f"an object in the JSON document has no “{key}”: {obj!r:.80}")
        return ""
    if not isinstance(value, str):
        raise RecapDataError(f"“{key}” must be text, not {type(value).__name__}: {value!r:.80}")
    return value


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise RecapDataError(f"“{key}” must be a list, not {type(value).__name__}.")
    return value


def _date(obj: dict[str, Any], key: str) -> dt.date | None:
    value = _text(obj, key)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise RecapDataError(f"“{key}” must be a date like 2024-09-23, not {value!r}.") from error


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
