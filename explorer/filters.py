"""The entry filters shared by the explorer page, its JSON and the curators' lists.

Filters take slugs from the query string (``?day=day-1&topic=orm&topic=testing``):
several values of one filter are OR-ed, different filters AND-ed, and a slug
that names nothing simply matches nothing. ``q`` searches titles, summaries,
speaker, place and dish names with the database's full-text index, ignoring case
and accents, by word prefix and stem (see ``explorer.search``).

Facet counts follow Datasette: the count shown next to a value of one facet is
the number of entries the listing would have with that value, keeping every
*other* active filter. Each facet is one grouped query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connections
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.http import QueryDict

from .models import Credit, Day, Entry, EntryKind, Person, Topic
from .search import filter_entries, search_words
from .text import fold

SEARCH_MAX_LENGTH = 200
# The speaker facet lists this many people (those with most entries) and the selected ones.
SPEAKER_FACET_LIMIT = 30
# Values beyond this many for one filter are ignored.
MAX_VALUES_PER_FILTER = 50


def speaker_search(params: QueryDict) -> str:
    """The speaker facet's own search text (``speaker_q``), trimmed and bounded."""
    return params.get("speaker_q", "")[:SEARCH_MAX_LENGTH].strip()


class SlugListField(forms.Field):
    """Every value given for a repeated query parameter, de-duplicated, in order."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        slugs = [str(v).strip() for v in value]
        if any("\x00" in slug for slug in slugs):
            raise forms.ValidationError("Null characters are not allowed.", code="null_characters")
        return list(dict.fromkeys(s for s in slugs if s))[:MAX_VALUES_PER_FILTER]


class SlugsFilter(django_filters.Filter):
    """Entries whose ``field_name`` is one of the given slugs (an OR).

    For a foreign key to a model with a ``slug``, give ``foreign=(model, field)``.
    Across a to-many relation, give ``related=(model, lookup)``: the filter is then
    a semi-join on that model's rows (an EXISTS on PostgreSQL, an IN (subquery) on
    SQLite), so that an entry never comes back twice.
    """

    field_class = SlugListField

    def __init__(
        self,
        *args,
        related: tuple[type[Model], str] | None = None,
        foreign: tuple[type[Model], str] | None = None,
        **kwargs,
    ):
        self.related = related
        self.foreign = foreign
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        if self.related:
            model, lookup = self.related
            rows = model.objects.filter(**{f"{lookup}__in": value})
            if connections[qs.db].vendor == "sqlite":
                # SQLite runs an IN (subquery) once and then fetches just those
                # entries by primary key; it cannot turn an EXISTS round.
                return qs.filter(pk__in=rows.values("entry_id"))
            return qs.filter(Exists(rows.filter(entry_id=OuterRef("pk"))))
        if self.foreign:
            # ``day_id IN (SELECT id FROM day WHERE slug IN ...)``, not a join: with
            # a join SQLite walks every entry of those days, however few others match.
            model, key = self.foreign
            return qs.filter(**{f"{key}__in": model.objects.filter(slug__in=value).values("pk")})
        return qs.filter(**{f"{self.field_name}__in": value})


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False

    @property
    def disabled(self) -> bool:
        # A selected value stays usable, so that it can always be unticked.
        return self.count == 0 and not self.selected


@dataclass
class Facet:
    name: str
    legend: str
    values: list[FacetValue] = field(default_factory=list)
    # The speaker facet's own search (``speaker_q``): the names it was narrowed to.
    search: str = ""

    def as_json(self) -> list[dict]:
        return [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in self.values
        ]


class EntryFilterSet(django_filters.FilterSet):
    day = SlugsFilter(field_name="day__slug", label="Day", foreign=(Day, "day"))
    topic = SlugsFilter(
        field_name="topics__slug", label="Topic", related=(Entry.topics.through, "topic__slug")
    )
    speaker = SlugsFilter(
        field_name="credits__person__slug", label="Speaker", related=(Credit, "person__slug")
    )
    kind = SlugsFilter(field_name="kind", label="Kind")
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": f"The search text is too long: use at most {SEARCH_MAX_LENGTH} "
            "characters (you sent %(show_value)d).",
        },
    )

    FACETS = ("day", "topic", "speaker", "kind")

    class Meta:
        model = Entry
        fields = ["day", "topic", "speaker", "kind", "q"]

    # -- filtering ---------------------------------------------------------

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return qs
        # The database's full-text index (FTS5 on SQLite, tsvector on PostgreSQL).
        return filter_entries(qs, value)

    def filter_queryset_except(self, queryset: QuerySet, excluded: str) -> QuerySet:
        """``queryset`` with every active filter applied except ``excluded``."""
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def selected(self, name: str) -> list[str]:
        """The values asked for in filter ``name`` (after validation)."""
        return list(self.form.cleaned_data.get(name) or [])

    @property
    def is_filtered(self) -> bool:
        """Whether any filter value or search words were given."""
        data = self.form.cleaned_data
        return any(self.selected(name) for name in self.FACETS) or bool(
            (data.get("q") or "").strip()
        )

    def total(self, facets: list[Facet]) -> int:
        """How many entries match, from the kind facet: no ``COUNT`` query.

        Every entry has exactly one kind, so the kind facet's counts add up to the
        total (those of the selected kinds, when kinds are filtered).
        """
        kinds = next(facet for facet in facets if facet.name == "kind")
        selected = set(self.selected("kind"))
        return sum(v.count for v in kinds.values if not selected or v.value in selected)

    # -- facets ------------------------------------------------------------

    def facets(self, speaker_search: str = "") -> list[Facet]:
        """One ``Facet`` per filter, with Datasette-style counts (one query each).

        Day, topic and kind values come from every entry (so that a value with
        nothing left shows as 0, not vanishes); counts from the entries matching
        the other filters.
        """
        return [self.facet(name, speaker_search) for name in self.FACETS]

    def facet(self, name: str, speaker_search: str = "") -> Facet:
        """The facet of filter ``name``; ``speaker_search`` narrows the speakers listed."""
        selected = set(self.selected(name))
        if name == "day":
            counts = self._counts(name, Entry, "day_id")
            rows = self._fetch(_DAY_SQL, counts)
        elif name == "topic":
            counts = self._counts(name, Entry.topics.through, "topic_id")
            rows = self._fetch(_TOPIC_SQL, counts)
        elif name == "speaker":
            rows = self._speaker_rows(selected, speaker_search)
        else:
            counts = self._counts(name, Entry, "kind")
            labels = dict(EntryKind.choices)
            rows = [
                (kind, labels[kind], n)
                for kind, n in self._fetch(_KIND_SQL, counts, before=EntryKind.values)
            ]
        # PostgreSQL sums bigints as numeric: make every count an int.
        values = [FacetValue(value, str(label), int(n)) for value, label, n in rows]
        if name in {"topic", "speaker"}:
            # Alphabetical as people read it: "Élodie" among the Es.
            values.sort(key=lambda v: (fold(v.label), v.value))
        for value in values:
            value.selected = value.value in selected
        search = speaker_search if name == "speaker" else ""
        return Facet(name, str(self.filters[name].label), values, search=search)

    def _counts(self, name: str, model: type[Model], key: str) -> tuple[str, tuple]:
        """SQL for ``value, n``: ``model`` rows of the entries passing every filter but
        ``name``, grouped by ``key`` and counted.

        Only matching rows are read (the values with none are joined to them
        afterwards), so that a facet costs what the result holds, not what the
        archive holds: milliseconds for a narrow filter at 100,000 entries. On
        PostgreSQL the link tables (topics, credits) are read whole; see below.
        """
        entries = self.filter_queryset_except(Entry.objects.order_by(), name)
        count = Count("pk")
        if entries.query.is_empty():
            # A search for punctuation alone matches nothing: ``QuerySet.none()``,
            # which has no SQL of its own.
            rows = model.objects.filter(Value(False))
        elif model is Entry:
            rows = entries
        elif not entries.query.where:
            rows = model.objects.all()
        elif connections[self.queryset.db].vendor == "postgresql":
            # PostgreSQL merges an IN (subquery) into the join, and with stale
            # statistics (fresh tables, test databases) it has been seen to re-run
            # the search for every link row: minutes. Inside an aggregate's FILTER
            # the subquery stays a hashed subplan, run once; the price is a scan
            # of the link table (tens of ms at 100,000 entries).
            rows = model.objects.all()
            count = Count("pk", filter=Q(entry_id__in=entries.values("pk")))
        else:
            # SQLite runs the subquery once into a temporary index and fetches
            # just the matching rows.
            rows = model.objects.filter(entry_id__in=entries.values("pk"))
        grouped = rows.order_by().values(value=F(key)).annotate(n=count)
        return grouped.values_list("value", "n").query.sql_with_params()

    def _fetch(
        self,
        template: str,
        counts: tuple[str, tuple],
        before: Iterable = (),
        after: Iterable = (),
        **parts: str,
    ) -> list[tuple]:
        """Run ``template`` with the grouped ``counts`` in place of ``{counts}``.

        ``before`` and ``after`` are the parameters of the placeholders before and
        after ``{counts}``; ``parts`` fill the template's other fields.
        """
        sql, params = counts
        sql = template.format(counts=sql, **_TABLES, **parts)
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(sql, [*before, *params, *after])
            return cursor.fetchall()

    def _speaker_rows(self, selected: set[str], search: str) -> list[tuple[str, str, int]]:
        """The ``SPEAKER_FACET_LIMIT`` people with most matching entries, and the selected.

        A large archive has tens of thousands of speakers: listing them all would
        make every page megabytes long. Without a ``search``, people without a
        matching entry are left out; with one, the people whose name has every
        word of it are listed (most matching entries first), even with none.
        The selected are always there, so that they can be unticked.
        """
        counts = self._counts("speaker", Credit, "person_id")
        parts = {"found": "", "marks": ", ".join(["%s"] * len(selected))}
        words = search_words(search)
        if words:
            found = Person.objects.all()
            for word in words:
                found = found.filter(name_folded__contains=word)
            parts["found"], found_params = found.values("pk").query.sql_with_params()
            sql, after = _FOUND_SPEAKERS_SQL, [*found_params, SPEAKER_FACET_LIMIT]
        else:
            sql, after = _TOP_SPEAKERS_SQL, [SPEAKER_FACET_LIMIT]
        if selected:
            sql += _SELECTED_SPEAKERS_SQL
            after += sorted(selected)
        rows = self._fetch(sql, counts, after=after, **parts)
        if words:
            return rows
        # PostgreSQL's counts include people with none (see ``_counts``).
        return [(slug, name, n) for slug, name, n in rows if n or slug in selected]


# The facet queries: ``{counts}`` is the grouped count of the matching rows (see
# ``EntryFilterSet._counts``), joined to the values of the small tables, each
# value kept if any entry has it.
_TABLES = {
    "entry": Entry._meta.db_table,
    "day": Day._meta.db_table,
    "topic": Topic._meta.db_table,
    "entry_topics": Entry.topics.through._meta.db_table,
    "person": Person._meta.db_table,
}
# One value per day slug, shared by every recap's day with that slug.
_DAY_SQL = """
SELECT d.slug, MIN(d.label), COALESCE(SUM(c.n), 0)
FROM {day} d LEFT JOIN ({counts}) c ON c.value = d.id
WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.day_id = d.id)
GROUP BY d.slug
ORDER BY MIN(d."order"), d.slug
"""
_TOPIC_SQL = """
SELECT t.slug, t.name, COALESCE(c.n, 0)
FROM {topic} t LEFT JOIN ({counts}) c ON c.value = t.id
WHERE EXISTS (SELECT 1 FROM {entry_topics} et WHERE et.topic_id = t.id)
"""
# The kinds in their declared order, each kept if any entry has it (an index probe).
_KIND_SQL = (
    "SELECT k.kind, COALESCE(c.n, 0) FROM ("
    + " UNION ALL ".join(f"SELECT %s AS kind, {i} AS position" for i in range(len(EntryKind)))
    + """) k
LEFT JOIN ({counts}) c ON c.value = k.kind
WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.kind = k.kind)
ORDER BY k.position
"""
)
# The people with most matching entries: only those few rows join the people.
# UNION (not ALL) so that a selected person already among them comes once.
_TOP_SPEAKERS_SQL = """
WITH counts AS ({counts})
SELECT p.slug, p.name, top.n
FROM (SELECT value, n FROM counts ORDER BY n DESC, value LIMIT %s) top
JOIN {person} p ON p.id = top.value
"""
# The people found by the facet's search (``{found}``), with their counts.
_FOUND_SPEAKERS_SQL = """
WITH counts AS ({counts})
SELECT slug, name, n FROM (
    SELECT p.slug, p.name, COALESCE(c.n, 0) AS n
    FROM {person} p LEFT JOIN counts c ON c.value = p.id
    WHERE p.id IN ({found})
    ORDER BY n DESC, p.id LIMIT %s
) found
"""
# The selected people (``{marks}``: one placeholder each), with their counts.
_SELECTED_SPEAKERS_SQL = """
UNION
SELECT p.slug, p.name, COALESCE(c.n, 0)
FROM {person} p LEFT JOIN counts c ON c.value = p.id
WHERE p.slug IN ({marks})
"""
