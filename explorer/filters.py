"""The entry filters shared by the explorer page, its JSON and the curators' lists.

Filters take slugs from the query string (``?day=day-1&topic=orm&topic=testing``):
several values of one filter are OR-ed, different filters AND-ed, and a slug
that names nothing simply matches nothing. ``recap`` takes a conference's slug,
``year`` its year (``year=2024``). A day is ``<recap>.<day>``, one conference's
day (``<recap>/<day>`` also works), or a bare ``<day>``: that day of every
conference the other filters leave (``?recap=a&recap=b&day=monday`` is both
Mondays). ``q`` searches titles, summaries,
speaker, place and dish names with the database's full-text index, ignoring case
and accents, by word prefix and stem (see ``explorer.search``).

Facet counts follow Datasette: the count shown next to a value of one facet is
the number of entries the listing would have with that value, keeping every
*other* active filter. Each facet is one grouped query.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.db.models.functions import ExtractYear
from django.http import QueryDict

from .models import Credit, Day, Entry, EntryKind, Person, Recap, Topic
from .search import filter_entries, search_words
from .text import fold

SEARCH_MAX_LENGTH = 200
# The speaker facet lists this many people (those with most entries) and the selected ones.
SPEAKER_FACET_LIMIT = 30
# Values beyond this many for one filter are ignored.
MAX_VALUES_PER_FILTER = 50
# The conference facet lists this many conferences (those with matching entries
# first, newest first) and the selected ones; /recaps/ lists them all.
RECAP_FACET_LIMIT = 20
# With several conferences in view, the day facet lists the days of this many.
DAY_FACET_RECAPS = 5
# A day of one conference in the ``day`` parameter: "<recap>.<day>", which a
# browser's form leaves as it is in the address ("/" would become "%2F"); a "/"
# typed by hand ("<recap>/<day>") means the same.
DAY_SEPARATOR = "."
DAY_SEPARATOR_TYPED = "/"


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


def split_days(values: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """``day`` values as bare day slugs and (recap slug, day slug) pairs."""
    bare, qualified = [], []
    for value in values:
        recap, separator, day = value.partition(DAY_SEPARATOR)
        if separator:
            qualified.append((recap, day))
        else:
            bare.append(value)
    return bare, qualified


def days_named(values: Iterable[str]) -> QuerySet[Day]:
    """The days the ``day`` values name: a bare slug names that day of every recap."""
    bare, qualified = split_days(values)
    conditions = [Q(slug__in=bare)] if bare else []
    conditions += [Q(recap__slug=recap, slug=day) for recap, day in qualified]
    return Day.objects.filter(reduce(operator.or_, conditions, Q(pk__in=[])))


class DayListField(SlugListField):
    """``day`` values, each "<recap>.<day>" (or "<recap>/<day>") or a bare "<day>"."""

    def to_python(self, value) -> list[str]:
        days = [
            day.replace(DAY_SEPARATOR_TYPED, DAY_SEPARATOR, 1) for day in super().to_python(value)
        ]
        return list(dict.fromkeys(days))


class DaysFilter(SlugsFilter):
    """Entries of the named days (``<recap>.<day>``, or a bare ``<day>`` of any recap).

    ``day_id IN (SELECT ...)``, not a join: with a join SQLite walks every entry
    of those days, however few others match.
    """

    field_class = DayListField

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        return qs.filter(day__in=days_named(value).values("pk"))


def in_years(values: Iterable[str]) -> Q | None:
    """Recaps that started in one of the years ``values`` ("2024"); None if none is a year.

    ``start_date__year=2024`` is a date range, which needs no function per row.
    """
    years = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) == 4]
    if not years:
        return None
    return reduce(operator.or_, [Q(start_date__year=year) for year in years])


class YearsFilter(SlugsFilter):
    """Entries of the recaps that started in one of the given years."""

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        years = in_years(value)
        if years is None:
            # Nothing that could be a year: nothing matches, as for an unknown slug.
            return qs.none()
        return qs.filter(recap__in=Recap.objects.filter(years).values("pk"))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    # A day's conference, when the day facet lists several (its values are then
    # "<recap>.<day>"); ``slug`` is the bare day slug an old ``?day=`` URL gives.
    recap: str = ""
    recap_name: str = ""
    slug: str = ""

    @property
    def disabled(self) -> bool:
        # A selected value stays usable, so that it can always be unticked.
        return self.count == 0 and not self.selected

    @property
    def full_label(self) -> str:
        """The label with its conference, for lists without groups: "Monday, DjangoCon US 2024"."""
        return f"{self.label}, {self.recap_name}" if self.recap else self.label

    @property
    def html_id(self) -> str:
        """The value as part of an element id (no ".")."""
        return self.value.replace(DAY_SEPARATOR, "--")

    def as_json(self) -> dict:
        data = {
            "value": self.value,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
        }
        if self.recap:
            data["recap"] = self.recap
        return data


@dataclass
class FacetGroup:
    """The values of one conference in a grouped facet (the days of several)."""

    label: str
    values: list[FacetValue]


@dataclass
class Facet:
    name: str
    legend: str
    values: list[FacetValue] = field(default_factory=list)
    # The speaker facet's own search (``speaker_q``): the names it was narrowed to.
    search: str = ""
    # How many values there were beyond those listed (conferences, or the
    # conferences whose days the day facet leaves out).
    more: int = 0
    # The conference facet: every recap's count, listed or not (for the total).
    all_counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> list[dict]:
        return [v.as_json() for v in self.values]

    @property
    def groups(self) -> list[FacetGroup]:
        """The values by conference, when they belong to several (else none)."""
        groups: dict[str, FacetGroup] = {}
        for value in self.values:
            if not value.recap:
                return []
            groups.setdefault(value.recap, FacetGroup(value.recap_name, [])).values.append(value)
        return list(groups.values())

    @property
    def shown(self) -> bool:
        """Whether the facet is worth showing: more than one value, or one selected.

        With a single conference in the database, its conference and year facets
        stay out of the way.
        """
        return len(self.values) > 1 or any(v.selected for v in self.values)

    @property
    def visible(self) -> bool:
        """Whether the page shows the facet: the conference and year facets only if shown."""
        return self.name not in {"recap", "year"} or self.shown

    def label(self, value: str) -> str:
        """What a chip says for ``value`` (itself when the facet does not know it)."""
        for option in self.values:
            if option.value == value:
                return option.full_label
        for option in self.values:
            if option.slug == value and option.recap:
                # A bare day slug among several conferences: that day in each.
                return f"{option.label}, every conference"
        return value


class EntryFilterSet(django_filters.FilterSet):
    recap = SlugsFilter(field_name="recap__slug", label="Conference", foreign=(Recap, "recap"))
    year = YearsFilter(field_name="recap__start_date", label="Year")
    day = DaysFilter(field_name="day__slug", label="Day")
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

    FACETS = ("recap", "year", "day", "topic", "speaker", "kind")

    # The conference facet's rows (slug, name, count, year), once it has run: the
    # year facet is made from them when it can (``_years_from_recaps``).
    _recap_rows: list[tuple[str, str, int, int | None]] | None = None

    class Meta:
        model = Entry
        fields = ["recap", "year", "day", "topic", "speaker", "kind", "q"]

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
        """How many entries match, from the conference facet: no ``COUNT`` query.

        Every entry belongs to exactly one recap, so the conference facet's counts
        add up to the total (those of the selected recaps, when recaps are filtered).
        The facet keeps every recap's count for this, even those it does not list.
        """
        recaps = next(facet for facet in facets if facet.name == "recap")
        return sum(self._in_results(recaps).values())

    def recaps_in_results(self, facets: list[Facet]) -> int:
        """How many conferences the results come from (from the conference facet)."""
        recaps = next(facet for facet in facets if facet.name == "recap")
        return sum(1 for n in self._in_results(recaps).values() if n)

    def _in_results(self, recaps: Facet) -> dict[str, int]:
        selected = set(self.selected("recap"))
        counts = recaps.all_counts
        return {slug: n for slug, n in counts.items() if not selected or slug in selected}

    # -- facets ------------------------------------------------------------

    def facets(self, speaker_search: str = "") -> list[Facet]:
        """One ``Facet`` per filter, with Datasette-style counts (one query each).

        Day, topic and kind values come from every entry (so that a value with
        nothing left shows as 0, not vanishes); counts from the entries matching
        the other filters. Without a year filter, the year facet is added up from
        the conference facet's counts, without a query of its own.
        """
        return [self.facet(name, speaker_search) for name in self.FACETS]

    def facet(self, name: str, speaker_search: str = "") -> Facet:
        """The facet of filter ``name``; ``speaker_search`` narrows the speakers listed."""
        selected = set(self.selected(name))
        if name == "recap":
            return self._recap_facet(selected)
        if name == "day":
            return self._day_facet(selected)
        if name == "year" and not selected and self._recap_rows is not None:
            rows = self._years_from_recaps()
        elif name == "year":
            counts = self._counts(name, Entry, "recap_id")
            years = (
                Recap.objects.filter(start_date__isnull=False)
                .order_by()
                .values("id", recap_year=ExtractYear("start_date"))
            )
            sql, params = years.query.sql_with_params()
            rows = [
                (str(int(year)), str(int(year)), n)
                for year, n in self._fetch(_YEAR_SQL, counts, before=params, years=sql)
            ]
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

    def _recap_facet(self, selected: set[str]) -> Facet:
        """The conferences, newest first, with their counts (one query).

        Every conference's count is kept (for ``total``), but a large archive's
        facet lists only ``RECAP_FACET_LIMIT`` of them: those with matching entries
        first, and the selected ones.
        """
        counts = self._counts("recap", Entry, "recap_id")
        self._recap_rows = [
            (slug, name, int(n), _year(start))
            for slug, name, n, start in self._fetch(_RECAP_SQL, counts)
        ]
        values = [
            FacetValue(slug, name, n, selected=slug in selected)
            for slug, name, n, _ in self._recap_rows
        ]
        listed = values
        if len(values) > RECAP_FACET_LIMIT:
            # A stable sort: the newest first within "matching or selected" and the rest.
            ranked = sorted(values, key=lambda v: not (v.count or v.selected))
            keep = {v.value for v in ranked[:RECAP_FACET_LIMIT]} | selected
            listed = [v for v in values if v.value in keep]
        return Facet(
            "recap",
            str(self.filters["recap"].label),
            listed,
            more=len(values) - len(listed),
            all_counts={v.value: v.count for v in values},
        )

    def _years_from_recaps(self) -> list[tuple[str, str, int]]:
        """The year facet from the conference facet's counts: no query.

        Without a year filter, both facets count the entries of the same filters,
        but the conference filter: so a year's count is the sum of its
        conferences' counts (of the selected conferences, when some are).
        """
        recaps = set(self.selected("recap"))
        years: dict[int, int] = {}
        for slug, _, n, year in self._recap_rows or ():
            if year is not None:
                years[year] = years.get(year, 0) + (n if not recaps or slug in recaps else 0)
        return [(str(year), str(year), n) for year, n in sorted(years.items(), reverse=True)]

    def _day_facet(self, selected: set[str]) -> Facet:
        """The days of the conferences in view, with their counts (one query).

        The conferences in view are those the conference and year filters leave,
        and those of the selected days. With one, its days are listed by bare slug
        (``day=monday``), as on a single-recap site; with several, each value is
        ``<recap>.<day>`` and the facet groups them by conference, for the
        ``DAY_FACET_RECAPS`` conferences with matching entries (newest first).
        """
        counts = self._counts("day", Entry, "day_id")
        in_view = self._recaps_in_view(selected)
        parts, params = {"in_view": ""}, []
        if in_view is not None:
            try:
                sql, params = in_view.order_by().values("pk").query.sql_with_params()
                parts["in_view"] = f"AND d.recap_id IN ({sql})"
            except EmptyResultSet:
                parts["in_view"] = "AND 1 = 0"
        rows = self._fetch(_DAY_SQL, counts, after=[*params, DAY_FACET_RECAPS], **parts)
        in_view_count = rows[0][2] if rows else 0
        grouped = in_view_count > 1
        bare, _ = split_days(selected)
        values = []
        for recap, recap_name, _, slug, label, n in rows:
            qualified = f"{recap}{DAY_SEPARATOR}{slug}"
            values.append(
                FacetValue(
                    qualified if grouped else slug,
                    label,
                    int(n),
                    selected=slug in bare or qualified in selected,
                    recap=recap if grouped else "",
                    recap_name=recap_name if grouped else "",
                    slug=slug,
                )
            )
        listed = len({v.recap for v in values})
        return Facet(
            "day", str(self.filters["day"].label), values, more=max(0, in_view_count - listed)
        )

    def _recaps_in_view(self, selected_days: set[str]) -> QuerySet[Recap] | None:
        """The recaps whose days the day facet lists; None for all of them."""
        recaps, years = self.selected("recap"), self.selected("year")
        if not recaps and not years:
            return None
        condition = Q(slug__in=recaps) if recaps else Q()
        if years:
            condition &= in_years(years) or Q(pk__in=[])
        _, qualified = split_days(selected_days)
        if qualified:
            condition |= Q(slug__in=[recap for recap, _ in qualified])
        return Recap.objects.filter(condition)

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


def _year(start: dt.date | str | None) -> int | None:
    """The year of a date as a raw query gives it (a date, or a string on SQLite)."""
    if start is None:
        return None
    return start.year if isinstance(start, dt.date) else int(str(start)[:4])


# The facet queries: ``{counts}`` is the grouped count of the matching rows (see
# ``EntryFilterSet._counts``), joined to the values of the small tables, each
# value kept if any entry has it.
_TABLES = {
    "entry": Entry._meta.db_table,
    "recap": Recap._meta.db_table,
    "day": Day._meta.db_table,
    "topic": Topic._meta.db_table,
    "entry_topics": Entry.topics.through._meta.db_table,
    "person": Person._meta.db_table,
}
# The conferences with entries, newest first (undated last).
_RECAP_SQL = """
SELECT r.slug, r.name, COALESCE(c.n, 0), r.start_date
FROM {recap} r LEFT JOIN ({counts}) c ON c.value = r.id
WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.recap_id = r.id)
ORDER BY r.start_date IS NULL, r.start_date DESC, r.name, r.id
"""
# The years conferences started in (``{years}``: recap id, year), newest first.
_YEAR_SQL = """
SELECT y.recap_year, COALESCE(SUM(c.n), 0)
FROM ({years}) y LEFT JOIN ({counts}) c ON c.value = y.id
WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.recap_id = y.id)
GROUP BY y.recap_year
ORDER BY y.recap_year DESC
"""
# The days of the conferences in view (``{in_view}``), each conference's in order:
# the first few conferences (``LIMIT``) with matching entries first, newest first.
# ``total`` is how many conferences are in view.
_DAY_SQL = """
WITH counts AS ({counts}),
days AS (
    SELECT d.id, d.recap_id, d.slug, d.label, d."order" AS position, COALESCE(c.n, 0) AS n
    FROM {day} d LEFT JOIN counts c ON c.value = d.id
    WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.day_id = d.id) {in_view}
),
recaps AS (
    SELECT r.id, r.slug, r.name, r.start_date, SUM(days.n) AS n, COUNT(*) OVER () AS total
    FROM {recap} r JOIN days ON days.recap_id = r.id
    GROUP BY r.id, r.slug, r.name, r.start_date
    ORDER BY SUM(days.n) = 0, r.start_date IS NULL, r.start_date DESC, r.name, r.id
    LIMIT %s
)
SELECT recaps.slug, recaps.name, recaps.total, days.slug, days.label, days.n
FROM recaps JOIN days ON days.recap_id = recaps.id
ORDER BY recaps.n = 0, recaps.start_date IS NULL, recaps.start_date DESC, recaps.name,
    recaps.id, days.position, days.id
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
