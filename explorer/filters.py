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
*other* active filter. Each facet is one grouped query, or one part of a query
shared by the facets whose conditions are the same (``_count_together``). Given
the data version (``explorer.versions.data_version``), what the facets list
(their values and labels) and the unfiltered facets whole are cached under it
(``CACHES["facets"]``): a facet's query is then its counts alone, and an
unfiltered answer has none.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache as cache_for_process
from functools import lru_cache, reduce
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from .models import Credit, Day, Entry, EntryKind, Person, Recap, Topic
from .rows import card_page
from .search import filter_entries, search_words
from .text import fold
from .versions import version_key

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
# The entries' condition when no entry can match (``EntryFilterSet._entries_where``).
NO_ENTRIES = object()


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


class CopiedLightly:
    """A filter that django-filter's copy for each filterset (a ``copy.deepcopy`` of
    the class's filters, on every request) copies shallowly.

    These filters keep nothing a request changes but the ``model`` and ``parent``
    django-filter then sets on the copy; the deep copy cost a quarter of a
    millisecond on every request of the explorer.
    """

    def __deepcopy__(self, memo: dict) -> CopiedLightly:
        clone = copy.copy(self)
        clone.extra = dict(self.extra)
        if self._method is not None:
            clone.method = self._method  # a FilterMethod calling the copy's parent
        return clone


class SlugsFilter(CopiedLightly, django_filters.Filter):
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
    # The conference facet: every recap's count, listed or not (for the total),
    # and its id (for the page of results, ``EntryFilterSet.results``).
    all_counts: dict[str, int] = field(default_factory=dict)
    all_ids: dict[str, int] = field(default_factory=dict)

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


class SearchFilter(CopiedLightly, django_filters.CharFilter):
    """The search box's words (``EntryFilterSet.search``)."""


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
    q = SearchFilter(
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

    def __init__(self, *args, data_version: str | None = None, **kwargs) -> None:
        """``data_version`` (``explorer.versions.data_version``) lets the facets use the cache."""
        super().__init__(*args, **kwargs)
        self.data_version = data_version if settings.EXPLORER_FACET_CACHE else None
        # Facet values found in the cache, and counts from a shared scan
        # (``_count_together``), for this request.
        self._kept_values: dict[str, Any] = {}
        self._counted_together: dict[str, dict] = {}
        # The speaker facet's people (slug, name, count), when a shared scan listed them.
        self._speakers_together: list[tuple[str, str, int]] | None = None

    def get_form_class(self) -> type[forms.Form]:
        """The form of the filters' fields, made once per filterset class.

        django-filter makes a new form class from the filters on every request;
        these fields depend on nothing but their declarations, and each form
        still copies its class's fields (Django's forms do), so one class serves all.
        """
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    # -- filtering ---------------------------------------------------------

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return _searched(qs, value)

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
        recaps = _conference_facet(facets)
        return sum(self._in_results(recaps).values())

    def recaps_in_results(self, facets: list[Facet]) -> int:
        """How many conferences the results come from (from the conference facet)."""
        recaps = _conference_facet(facets)
        return sum(1 for n in self._in_results(recaps).values() if n)

    def results(self, facets: list[Facet], offset: int, limit: int) -> list[Entry]:
        """Results ``offset`` to ``offset + limit``, each with its day, conference and
        place (``card_page``), read from the conferences they lie in.

        Results are listed conference by conference, in the conference facet's
        order, so a page of them lies in the few conferences whose counts reach
        it: the page's query then sorts their matching entries only, not every
        match (a tenth of 100,000 entries for a broad search).
        """
        recaps = _conference_facet(facets)
        counts = [(slug, n) for slug, n in self._in_results(recaps).items() if n]
        window, before, seen = [], 0, 0
        for slug, n in counts:
            if seen + n <= offset:
                before += n
            elif seen < offset + limit:
                window.append(slug)
            seen += n
        where = self._entries_where(None)
        if where is NO_ENTRIES or not window:
            return []
        conditions, params = ([where[0]], list(where[1])) if where else ([], [])
        if len(window) < len(counts):  # else every conference with results: nothing to narrow
            # By id, not slug: the entries' own column, which SQLite then reads
            # from the conference index with the search's ids, instead of
            # fetching every match's row to join its conference.
            qn = connections[self.queryset.db].ops.quote_name
            marks = ", ".join(["%s"] * len(window))
            conditions.append(f"{qn(Entry._meta.db_table)}.{qn('recap_id')} IN ({marks})")
            params += [recaps.all_ids[slug] for slug in window]
        condition = " AND ".join(f"({c})" for c in conditions)
        return card_page(
            self.queryset.db, (condition, params) if condition else None, offset - before, limit
        )

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

        Without any filter (the most common first request), the facets are the
        same for everyone until the data changes: with a ``data_version`` they
        are kept in the cache under it, and a hit costs no query.
        """
        key = None
        if self.data_version and not speaker_search and not self.is_filtered:
            key = _cache_key("facets-unfiltered", self.data_version)
            cached = caches["facets"].get(key)
            if cached is not None:
                return cached
        self._count_together(with_speakers=not search_words(speaker_search))
        facets = [self.facet(name, speaker_search) for name in self.FACETS]
        if key:
            caches["facets"].set(key, facets)
        return facets

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
            # The conferences' counts under every filter but the year, added up by year.
            recaps, counts = self._values(
                "recap", _RECAP_SQL, lambda: self._counts(name, Entry, "recap_id"), counted=name
            )
            years: dict[int, int] = {}
            for recap_id, _, _, year in recaps:
                if year is not None:
                    years[year] = years.get(year, 0) + counts.get(recap_id, 0)
            rows = [(str(year), str(year), n) for year, n in sorted(years.items(), reverse=True)]
        elif name == "topic":
            topics, counts = self._values(
                "topic",
                _TOPIC_SQL,
                lambda: self._counts(name, Entry.topics.through, "topic_id"),
                counted=name,
            )
            rows = [(slug, label, counts.get(topic_id, 0)) for topic_id, slug, label in topics]
        elif name == "speaker":
            rows = self._speaker_rows(selected, speaker_search)
        else:
            kinds, counts = self._values(
                "kind",
                _KIND_SQL,
                lambda: self._counts(name, Entry, "kind"),
                before=EntryKind.values,
                counted=name,
            )
            labels = dict(EntryKind.choices)
            rows = [(kind, labels[kind], counts.get(kind, 0)) for (kind,) in kinds]
        # PostgreSQL sums bigints as numeric: make every count an int.
        values = [FacetValue(value, str(label), int(n)) for value, label, n in rows]
        if name == "speaker":
            # Alphabetical as people read it: "Élodie" among the Es (topics come sorted).
            values.sort(key=lambda v: (fold(v.label), v.value))
        for value in values:
            value.selected = value.value in selected
        search = speaker_search if name == "speaker" else ""
        return Facet(name, str(self.filters[name].label), values, search=search)

    def _values(
        self,
        name: str,
        template: str,
        counts: Callable[[], tuple[str, list]],
        before: Iterable = (),
        counted: str = "",
    ) -> tuple[Any, dict]:
        """The values of facet ``name`` (as ``_FACET_VALUES`` shapes them) and their counts.

        A facet's values (every conference, day, topic or kind that has entries,
        with its labels) do not depend on the filters: with a ``data_version``
        they are kept in the cache under it, and a request then runs the grouped
        ``counts`` alone. Without them, ``template`` joins the values to the
        counts (one query either way), and the values are kept for next time.
        The data version changes with every edit and import, so a kept value is
        never stale. The counts of filter ``counted``'s facet may have come from
        a scan shared with other facets (``_count_together``): ``counts`` makes
        their SQL only when they did not.
        """
        key = _cache_key(f"facet-values:{name}", self.data_version) if self.data_version else None
        values = self._kept_values.get(key)
        if values is None and key:
            values = caches["facets"].get(key)
        if values is not None:
            together = self._counted_together.get(counted)
            return values, together if together is not None else dict(self._run(*counts()))
        rows = self._fetch(template, counts(), before=before)
        values = _FACET_VALUES[name]([row[:-1] for row in rows])
        if key:
            caches["facets"].set(key, values)
        return values, {row[0]: row[-1] for row in rows}

    def _count_together(self, with_speakers: bool = True) -> None:
        """Count the facets that share a condition in one query.

        Each facet counts the entries passing every other filter: with none of the
        facets' filters active (a search) the condition is the same for all, and
        with one of them the others share theirs. Each such group reads the
        matching entries once (a materialized ``WITH``) and groups them by each
        column in turn (the topics and people through their link tables): at
        100,000 entries a search matching a tenth of them then runs its full-text
        match and reads those rows once instead of five times. Only for facets
        whose values are in the cache (the others join their values to their
        counts), and for the speaker facet ``with_speakers``, when its own search
        does not narrow the people it lists.
        """
        if not self.data_version:
            return
        names = ["recap", "day", "kind", "topic"] + (["year"] if self.selected("year") else [])
        keys = {
            name: _cache_key(f"facet-values:{_COUNTED_TOGETHER[name][0]}", self.data_version)
            for name in names
        }
        self._kept_values = caches["facets"].get_many(set(keys.values()))
        groups: dict[Any, list[str]] = {}
        # The speaker facet needs no cached values: the scan names its few people.
        for name in names + (["speaker"] if with_speakers else []):
            where = self._entries_where(name)
            if (name == "speaker" or keys[name] in self._kept_values) and where is not NO_ENTRIES:
                hashable = where if where is None else (where[0], tuple(where[1]))
                groups.setdefault(hashable, []).append(name)
        for where, group in groups.items():
            if len(group) > 1:
                speakers = []
                for name, number, text, n, label in self._run(
                    *self._counts_of_columns(where, group)
                ):
                    if name == "speaker":
                        speakers.append((text, label, n))
                        continue
                    value = text if name == "kind" else number
                    self._counted_together.setdefault(name, {})[value] = n
                for name in group:
                    self._counted_together.setdefault(name, {})
                if "speaker" in group:
                    self._speakers_together = speakers

    def _counts_of_columns(
        self, where: tuple[str, tuple] | None, names: list[str]
    ) -> tuple[str, list]:
        """SQL for ``filter name, id, text, n, label``: the entries matching ``where``
        read once, grouped by each named facet's column (an id, or the kind's
        text); for the speaker facet its ``SPEAKER_FACET_LIMIT`` people with most
        entries (id, slug, count, name)."""
        connection = connections[self.queryset.db]
        qn = connection.ops.quote_name
        columns = {_COUNTED_TOGETHER.get(name, (None, None))[1] or "id" for name in names}
        select = ", ".join(qn(column) for column in sorted(columns))
        sql = f"SELECT {select} FROM {qn(Entry._meta.db_table)}"
        params: list = []
        if where is not None:
            sql += f" WHERE {where[0]}"
            params = list(where[1])
        # Read once for every grouping (SQLite 3.35+ and PostgreSQL 12+ take the
        # hint; without it an older SQLite would run the condition for each).
        takes_hint = connection.vendor == "postgresql" or (
            connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 35)
        )
        materialized = "MATERIALIZED " if takes_hint else ""
        # One column for the ids (conference, day, topic, person), one for the
        # text (kind, a person's slug) and one for a person's name: the branches
        # of a UNION must agree on each column's type.
        parts = []
        for name in names:
            if name == "speaker":
                credits, person = qn(Credit._meta.db_table), qn(Person._meta.db_table)
                top = (
                    f"SELECT {qn('person_id')} AS value, COUNT(*) AS n FROM {credits} "
                    f"WHERE {qn('entry_id')} IN (SELECT {qn('id')} FROM matching) "
                    f"GROUP BY {qn('person_id')} ORDER BY n DESC, value "
                    f"LIMIT {int(SPEAKER_FACET_LIMIT)}"
                )
                parts.append(
                    f"SELECT 'speaker', p.{qn('id')}, p.{qn('slug')}, top.n, p.{qn('name')} "
                    f"FROM ({top}) top JOIN {person} p ON p.{qn('id')} = top.value"
                )
                continue
            if name == "topic":
                # Inside the materialized WITH, PostgreSQL cannot merge the
                # matching entries into the join (see ``_counts``): one hashed set.
                links, topic = qn(Entry.topics.through._meta.db_table), qn("topic_id")
                parts.append(
                    f"SELECT 'topic', {links}.{topic}, NULL, COUNT(*), NULL FROM {links} "
                    f"WHERE {links}.{qn('entry_id')} IN (SELECT {qn('id')} FROM matching) "
                    f"GROUP BY {links}.{topic}"
                )
                continue
            column = qn(_COUNTED_TOGETHER[name][1])
            ids, text = (column, "NULL") if name != "kind" else ("NULL", column)
            parts.append(
                f"SELECT '{name}', {ids}, {text}, COUNT(*), NULL FROM matching GROUP BY {column}"
            )
        union = " UNION ALL ".join(parts)
        return f"WITH matching AS {materialized}({sql}) {union}", params

    def _recap_facet(self, selected: set[str]) -> Facet:
        """The conferences, newest first, with their counts (one query).

        Every conference's count is kept (for ``total``), but a large archive's
        facet lists only ``RECAP_FACET_LIMIT`` of them: those with matching entries
        first, and the selected ones.
        """
        recaps, counts = self._values(
            "recap", _RECAP_SQL, lambda: self._counts("recap", Entry, "recap_id"), counted="recap"
        )
        self._recap_rows = [
            (slug, name, int(counts.get(recap_id, 0)), year)
            for recap_id, slug, name, year in recaps
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
            all_ids={slug: recap_id for recap_id, slug, _, _ in recaps},
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
        Every day with entries (a few per conference) comes from ``_values``.
        """
        (recaps, recap_of_day), counts = self._values(
            "day", _DAY_SQL, lambda: self._counts("day", Entry, "day_id"), counted="day"
        )
        in_view = self._recap_in_view(selected)
        # The conferences in view (by position), those with matching entries first,
        # newest first within each: the work follows the matching days, not all days.
        shown = (
            range(len(recaps))
            if in_view is None
            else [i for i, (slug, _, year, _) in enumerate(recaps) if in_view(slug, year)]
        )
        matched = {recap_of_day[day] for day, n in counts.items() if n}
        listed = [i for i in shown if i in matched][:DAY_FACET_RECAPS]
        if len(listed) < DAY_FACET_RECAPS:
            rest = (i for i in shown if i not in matched)
            listed += list(itertools.islice(rest, DAY_FACET_RECAPS - len(listed)))
        grouped = len(shown) > 1
        bare, _ = split_days(selected)
        values = []
        for recap, recap_name, _, recap_days in (recaps[i] for i in listed):
            for day, slug, label in recap_days:
                qualified = f"{recap}{DAY_SEPARATOR}{slug}"
                values.append(
                    FacetValue(
                        qualified if grouped else slug,
                        label,
                        int(counts.get(day, 0)),
                        selected=slug in bare or qualified in selected,
                        recap=recap if grouped else "",
                        recap_name=recap_name if grouped else "",
                        slug=slug,
                    )
                )
        return Facet("day", str(self.filters["day"].label), values, more=len(shown) - len(listed))

    def _recap_in_view(self, selected_days: set[str]) -> Callable[[str, int | None], bool] | None:
        """Whether a recap (slug, year) has its days in the day facet; None for all of them.

        The recaps the conference and year filters leave, and those of the selected days.
        """
        recaps, years = set(self.selected("recap")), self.selected("year")
        if not recaps and not years:
            return None
        wanted_years = {int(y) for y in years if y.isascii() and y.isdigit() and len(y) == 4}
        _, qualified = split_days(selected_days)
        of_days = {recap for recap, _ in qualified}

        def in_view(recap: str, year: int | None) -> bool:
            if recap in of_days:
                return True
            return (not recaps or recap in recaps) and (not years or year in wanted_years)

        return in_view

    def _counts(self, name: str, model: type[Model], key: str) -> tuple[str, list]:
        """SQL for ``value, n``: ``model`` rows of the entries passing every filter but
        ``name``, grouped by ``key`` and counted.

        Only matching rows are read (the values with none are joined to them
        afterwards), so that a facet costs what the result holds, not what the
        archive holds: milliseconds for a narrow filter at 100,000 entries. On
        PostgreSQL the link tables (topics, credits) are read whole; see below.
        The entries' condition is built once per set of filters (``_entries_where``).
        """
        qn = connections[self.queryset.db].ops.quote_name
        table, column = qn(model._meta.db_table), qn(key)
        where = self._entries_where(name)
        if where is NO_ENTRIES:
            # A search for punctuation alone matches nothing.
            return f"SELECT {column} AS value, 0 AS n FROM {table} WHERE 1 = 0", []
        grouped = f"SELECT {table}.{column} AS value, COUNT(*) AS n FROM {table}"
        if where is None:
            return f"{grouped} GROUP BY 1", []
        condition, params = where
        if model is Entry:
            return f"{grouped} WHERE {condition} GROUP BY 1", params
        entry = qn(Entry._meta.db_table)
        entries = f"SELECT {entry}.{qn('id')} FROM {entry} WHERE {condition}"
        if connections[self.queryset.db].vendor == "postgresql":
            # PostgreSQL merges an IN (subquery) into the join, and with stale
            # statistics (fresh tables, test databases) it has been seen to re-run
            # the search for every link row: minutes. Inside an aggregate's FILTER
            # the subquery stays a hashed subplan, run once; the price is a scan
            # of the link table (tens of ms at 100,000 entries).
            count = f"COUNT(*) FILTER (WHERE {table}.{qn('entry_id')} IN ({entries}))"
            return f"SELECT {table}.{column} AS value, {count} AS n FROM {table} GROUP BY 1", params
        # SQLite runs the subquery once into a temporary index and fetches just
        # the matching rows.
        return f"{grouped} WHERE {table}.{qn('entry_id')} IN ({entries}) GROUP BY 1", params

    def _entries_where(self, excluded: str | None) -> tuple[str, list] | object | None:
        """The SQL condition on the entries table of every active filter but ``excluded``.

        None when nothing is filtered, ``NO_ENTRIES`` when nothing can match. Each
        filter's own condition is compiled by the ORM once per value in a process
        (``_filter_condition``), and the conditions of the filters applied are
        AND-ed: a new combination of values seen before costs no ORM work.
        """
        conditions = []
        for name, value in self.form.cleaned_data.items():
            if name == excluded or not value:
                continue
            value = value if isinstance(value, str) else tuple(value)
            condition = _filter_condition(self.queryset.db, name, value)
            if condition is NO_ENTRIES:
                return NO_ENTRIES
            if condition is not None:
                conditions.append(condition)
        if not conditions:
            return None
        if len(conditions) == 1:
            sql, params = conditions[0]
            return sql, list(params)
        sql = " AND ".join(f"({condition})" for condition, _ in conditions)
        return sql, [param for _, params in conditions for param in params]

    def filter_queryset(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        """``queryset`` narrowed to the entries every active filter lets through (``qs``).

        One path for the explorer, its JSON and the curators' entry list: the
        conditions the facets use (``_entries_where``), AND-ed, instead of
        django-filter applying each filter in turn and the ORM building it anew.
        """
        where = self._entries_where(None)
        if where is NO_ENTRIES:
            return queryset.none()
        if where is None:
            return queryset
        sql, params = where
        return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))

    def _run(self, sql: str, params: Iterable) -> list[tuple]:
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(sql, list(params))
            return cursor.fetchall()

    def _fetch(
        self,
        template: str,
        counts: tuple[str, list],
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
        return self._run(sql, [*before, *params, *after])

    def _speaker_rows(self, selected: set[str], search: str) -> list[tuple[str, str, int]]:
        """The ``SPEAKER_FACET_LIMIT`` people with most matching entries, and the selected.

        A large archive has tens of thousands of speakers: listing them all would
        make every page megabytes long. Without a ``search``, people without a
        matching entry are left out; with one, the people whose name has every
        word of it are listed (most matching entries first), even with none.
        The selected are always there, so that they can be unticked. Without a
        search or a speaker filter, a scan shared with other facets may have
        listed them already (``_count_together``).
        """
        if self._speakers_together is not None and not selected and not search_words(search):
            return self._speakers_together
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


def _days_by_recap(rows: list[tuple]) -> tuple[list[tuple], dict[int, int]]:
    """The day facet's rows (ordered by conference) as conferences with their days."""
    recaps: list[tuple[str, str, int | None, list[tuple[int, str, str]]]] = []
    recap_of_day: dict[int, int] = {}
    for pk, recap, recap_name, start, slug, label in rows:
        if not recaps or recaps[-1][0] != recap:
            recaps.append((recap, recap_name, _year(start), []))
        recaps[-1][3].append((pk, slug, label))
        recap_of_day[pk] = len(recaps) - 1
    return recaps, recap_of_day


# The facets that may be counted together (``_count_together``): the facet values
# they read (``_values``) and the entries' column they count, or None for the
# topics (counted through their link table). The year facet counts conferences.
_COUNTED_TOGETHER = {
    "recap": ("recap", "recap_id"),
    "year": ("recap", "recap_id"),
    "day": ("day", "day_id"),
    "kind": ("kind", "kind"),
    "topic": ("topic", None),
}


def _conference_facet(facets: list[Facet]) -> Facet:
    """The conference facet among ``facets``: its counts give the results' total and pages."""
    return next(facet for facet in facets if facet.name == "recap")


def _cache_key(kind: str, version: str) -> str:
    return f"{kind}:{version_key(version)}"


def _where_of(entries: QuerySet[Entry]) -> tuple[str, list] | object | None:
    """The WHERE condition of ``entries`` as SQL on the entries table: ``NO_ENTRIES``
    if nothing can match, None if everything does (search words of blanks alone).

    The filters add only subqueries (no join), so the compiled query is
    ``SELECT <pk> FROM <entry table> WHERE <condition>``; should one ever add a
    join, the whole query becomes an ``id IN (...)`` condition instead.
    """
    if entries.query.is_empty():
        return NO_ENTRIES
    if not entries.query.where:
        return None
    try:
        sql, params = entries.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return NO_ENTRIES
    prefix = _unfiltered_sql(entries.db) + " WHERE "
    if sql.startswith(prefix):
        return sql[len(prefix) :], list(params)
    qn = connections[entries.db].ops.quote_name
    return f"{qn(Entry._meta.db_table)}.{qn('id')} IN ({sql})", list(params)


def _searched(qs: QuerySet[Entry], text: str) -> QuerySet[Entry]:
    """``qs`` narrowed to ``text``'s search words, unless there are none but blanks."""
    if not text.strip():
        return qs
    # The database's full-text index (FTS5 on SQLite, tsvector on PostgreSQL).
    return filter_entries(qs, text)


# How many filter values' conditions a process keeps (each a short SQL string).
FILTER_CONDITIONS_KEPT = 4096


@lru_cache(maxsize=FILTER_CONDITIONS_KEPT)
def _filter_condition(
    alias: str, name: str, value: str | tuple[str, ...]
) -> tuple[str, list] | object | None:
    """Filter ``name``'s condition for ``value`` alone, as SQL on the entries table.

    The SQL depends on the schema and the value only, never on the data (slugs
    are looked up in subqueries, search words go to the full-text index as
    parameters), so it is kept for the life of the process.
    """
    entries = Entry.objects.using(alias).order_by()
    if name == "q":  # a filter by method: it needs a filterset, this has none
        entries = _searched(entries, value)
    else:
        entries = EntryFilterSet.base_filters[name].filter(entries, list(value))
    where = _where_of(entries)
    # Shared by every request: its parameters cannot be changed in place.
    return (where[0], tuple(where[1])) if isinstance(where, tuple) else where


@cache_for_process
def _unfiltered_sql(alias: str) -> str:
    """``SELECT <pk> FROM <entry table>`` as the ORM writes it for database ``alias``."""
    return Entry.objects.using(alias).order_by().values("pk").query.sql_with_params()[0]


# The facet queries: ``{counts}`` is the grouped count of the matching rows (see
# ``EntryFilterSet._counts``), joined to the values of the small tables, each
# value kept if any entry has it. Each row is the counts' key, the value's labels
# and its count; the values without their counts are what ``_values`` keeps
# (shaped by ``_FACET_VALUES``), and then the counts are queried alone.
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
SELECT r.id, r.slug, r.name, r.start_date, COALESCE(c.n, 0)
FROM {recap} r LEFT JOIN ({counts}) c ON c.value = r.id
WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.recap_id = r.id)
ORDER BY r.start_date IS NULL, r.start_date DESC, r.name, r.id
"""
# The days with entries, by conference (newest first), each conference's in order.
_DAY_SQL = """
SELECT d.id, r.slug, r.name, r.start_date, d.slug, d.label, COALESCE(c.n, 0)
FROM {day} d JOIN {recap} r ON r.id = d.recap_id LEFT JOIN ({counts}) c ON c.value = d.id
WHERE EXISTS (SELECT 1 FROM {entry} e WHERE e.day_id = d.id)
ORDER BY r.start_date IS NULL, r.start_date DESC, r.name, r.id, d."order", d.id
"""
_TOPIC_SQL = """
SELECT t.id, t.slug, t.name, COALESCE(c.n, 0)
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

# What ``_values`` keeps of each facet's rows (without their counts).
_FACET_VALUES: dict[str, Callable[[list[tuple]], Any]] = {
    # (id, slug, name, year)
    "recap": lambda rows: [(pk, slug, name, _year(start)) for pk, slug, name, start in rows],
    # The conferences, each (slug, name, year, its days: (id, slug, label)), and
    # each day's conference (its position).
    "day": _days_by_recap,
    # (id, slug, name), alphabetical as people read it: "Élodie" among the Es.
    "topic": lambda rows: sorted(rows, key=lambda row: (fold(row[2]), row[1])),
    # (kind,), in their declared order.
    "kind": list,
}
