"""Export a curated recap: as a RecapData document (JSON) or as Markdown.

The JSON export is the same document ``import_recap`` reads, so exporting and
importing into an empty database gives the same data back (a backup format).
The Markdown export is a readable recap in the style of the source posts, which
the Markdown importer can read again.
"""

from __future__ import annotations

from django.db.models import Prefetch

from ..models import Credit, Dish, Entry, Recap
from ..photos import default_image_base
from ..recap_data import (
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


def recap_to_data(recap: Recap) -> RecapData:
    """Read a recap and everything it points to in a fixed number of queries."""
    entries = (
        Entry.objects.filter(recap=recap)
        .select_related("place")
        .prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("person").order_by("order")),
            "topics",
            "links",
            "photos",
            Prefetch("dishes", queryset=Dish.objects.select_related("place").order_by("order")),
        )
        .order_by("order", "pk")
    )
    entries_by_day: dict[int, list[Entry]] = {}
    for entry in entries:
        entries_by_day.setdefault(entry.day_id, []).append(entry)

    people, places, topics = {}, {}, {}
    days = []
    for day in recap.days.order_by("order", "pk"):
        day_entries = []
        for entry in entries_by_day.get(day.pk, []):
            for credit in entry.credits.all():
                people[credit.person.slug] = credit.person
            for topic in entry.topics.all():
                topics[topic.slug] = topic
            for place in [entry.place, *(dish.place for dish in entry.dishes.all())]:
                if place is not None:
                    places[place.slug] = place
            day_entries.append(_entry_data(entry))
        days.append(DayData(day.label, day.slug, day.date, day.summary, day_entries))

    return RecapData(
        name=recap.name,
        slug=recap.slug,
        city=recap.city,
        venue=recap.venue,
        start_date=recap.start_date,
        end_date=recap.end_date,
        source_url=recap.source_url,
        # Only when a curator or --images set it: the loader derives the default.
        image_base=""
        if recap.image_base == default_image_base(recap.source_url)
        else recap.image_base,
        author=recap.author,
        days=days,
        people=[PersonData(p.name, p.affiliation) for p in people.values()],
        places=[PlaceData(p.name, p.kind, p.url, p.city) for p in places.values()],
        topics=[
            TopicData(t.name, t.slug, t.description, t.keyword_list)
            for t in sorted(topics.values(), key=lambda t: t.name)
        ],
    )


def _entry_data(entry: Entry) -> EntryData:
    return EntryData(
        title=entry.title,
        kind=entry.kind,
        slug=entry.slug,
        anchor=entry.anchor,
        summary=entry.summary,
        place=entry.place.name if entry.place else None,
        people=[CreditData(c.person.name, c.role) for c in entry.credits.all()],
        topics=sorted(topic.name for topic in entry.topics.all()),
        links=[LinkData(link.title, link.url) for link in entry.links.all()],
        photos=[PhotoData(photo.image, photo.caption) for photo in entry.photos.all()],
        dishes=[
            DishData(dish.name, dish.description, dish.place.name if dish.place else None)
            for dish in entry.dishes.all()
        ],
    )


_HEADING_PREFIX = {
    Entry.Kind.KEYNOTE: "Keynote- ",
    Entry.Kind.PANEL: "Panel Discussion: ",
}
BACK_TO_TOP = "<sub>[**back to top**](#table-of-contents)</sub>"


def recap_to_markdown(data: RecapData) -> str:
    """A readable recap in the source posts' style (table of contents, parts, sections)."""
    lines = [f"# {data.name} Recap", "", "Table of Contents", "-----------------", ""]
    for day in data.days:
        lines.append(f"- [{day.label}](#{day.slug})")
        for entry in day.entries:
            lines.append(f"    - [{_heading(entry)}](#{entry.anchor or entry.slug})")
    lines.append("")
    intro = _intro_sentence(data)
    for index, day in enumerate(data.days):
        lines += [f"## {day.label}", ""]
        if index == 0 and intro:
            lines += [intro, ""]
        if day.summary:
            lines += [day.summary.strip(), ""]
        lines += [BACK_TO_TOP, ""]
        for entry in day.entries:
            lines += _entry_markdown(entry)
    return "\n".join(lines).rstrip() + "\n"


def _heading(entry: EntryData) -> str:
    return _HEADING_PREFIX.get(entry.kind, "") + entry.title


def _intro_sentence(data: RecapData) -> str:
    if not (data.start_date and data.end_date):
        return ""
    start, end = data.start_date, data.end_date
    if start.month == end.month:
        when = f"{start:%B} {start.day}-{end.day}, {end.year}"
    else:
        when = f"{start:%B} {start.day}-{end:%B} {end.day}, {end.year}"
    where = f" in {data.city}" if data.city else ""
    venue = f" at the {data.venue}" if data.venue else ""
    return f"{data.name} took place from {when}{where}{venue}."


def _entry_markdown(entry: EntryData) -> list[str]:
    lines = [f"### {_heading(entry)}", ""]
    people_line = _people_sentence(entry)
    if people_line:
        lines += [people_line, ""]
    if entry.summary:
        lines += [entry.summary.strip(), ""]
    if entry.place:
        lines += [f"Place: {entry.place}", ""]
    if entry.dishes:
        lines.append("Dishes:")
        for dish in entry.dishes:
            description = f": {dish.description}" if dish.description else ""
            lines.append(f"* {dish.name}{description}")
        lines.append("")
    if entry.links:
        lines.append("Links:")
        lines += [f"* [{link.title or link.url}]({link.url})" for link in entry.links]
        lines.append("")
    for photo in entry.photos:
        if photo.caption:
            lines.append(photo.caption)
        lines += [f"![]({photo.image})", ""]
    if entry.topics:
        lines += [f"Topics: {', '.join(entry.topics)}", ""]
    lines += [BACK_TO_TOP, ""]
    return lines


def _people_sentence(entry: EntryData) -> str:
    speakers = [c.name for c in entry.people if c.role == "speaker"]
    panellists = [c.name for c in entry.people if c.role == "panellist"]
    hosts = [c.name for c in entry.people if c.role == "host"]
    parts = []
    if panellists or hosts:
        names = panellists + [f"host {name}" for name in hosts]
        parts.append(_join(names))
    if speakers:
        talk = "a lightning talk" if entry.kind == Entry.Kind.LIGHTNING_TALK else "this talk"
        parts.insert(0, f"{_join(speakers)} gave {talk}.")
    return " ".join(parts) if len(parts) < 2 else "\n\n".join(parts)


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f", and {names[-1]}"
