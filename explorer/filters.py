"""The entry filters shared by the explorer page, its JSON and the curators' lists.

Filters take slugs from the query string (``?day=day-1&topic=orm&topic=testing``):
several values of one filter are OR-ed, different filters AND-ed, and a slug
that names nothing simply matches nothing. ``q`` searches titles, summaries,
speaker, place and dish names, ignoring case (and, on SQLite, accents).

Facet counts follow Datasette: the count shown next to a value of one facet is
the number of entries the listing would have with that value, keeping every
*other* active filter. Each facet is one grouped query.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connections
from django.db.models import Count, Exists, Func, Min, Model, OuterRef, Q, QuerySet

from .models import Credit, Dish, Entry, EntryKind

SEARCH_MAX_LENGTH = 200
# More words than this in ``q`` are ignored (each word costs a few subqueries).
SEARCH_MAX_TERMS = 8
# Values beyond this many for one filter are ignored.
MAX_VALUES_PER_FILTER = 50


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents: "Café Été" -> "cafe ete"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _sqlite_fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


# Accented Latin letters and their plain lower-case forms, for PostgreSQL's
# TRANSLATE() (its "unaccent" would need an extension). Upper-case ones are
# listed too, as LOWER() leaves them alone under the "C" locale.
_ACCENTED_LOWER = "àáâãäåāăąçćĉċčďèéêëēĕėęěĝğġģĥìíîïĩīĭįĵķĺļľñńņňòóôõöōŏőŕŗřśŝşšţťùúûüũūŭůűųŵýÿŷźżž"
ACCENTED = _ACCENTED_LOWER + _ACCENTED_LOWER.upper()
PLAIN = "".join(fold(char) for char in ACCENTED)
assert len(ACCENTED) == len(PLAIN), "each accented letter folds to one letter"
_UNACCENT = str.maketrans(ACCENTED, PLAIN)


class Folded(Func):
    """Text as the search compares it: lower case, and without accents where possible.

    SQLite gets ``fold()`` itself, as a function registered on its connection;
    PostgreSQL gets ``TRANSLATE(LOWER(...))`` over the common accented letters;
    other databases only lower-case. ``fold_for`` treats the search term alike.
    """

    function = "LOWER"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        # Registered lazily on whichever connection compiles the query, so it
        # works for connections opened before this module was imported.
        connection.ensure_connection()
        connection.connection.create_function("explorer_fold", 1, _sqlite_fold, deterministic=True)
        return self.as_sql(compiler, connection, function="explorer_fold", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        return f"TRANSLATE({sql}, %s, %s)", (*params, ACCENTED, PLAIN)


def fold_for(connection_vendor: str, text: str) -> str:
    """The search term as ``Folded`` makes the column text on this database."""
    if connection_vendor == "sqlite":
        return fold(text)
    if connection_vendor == "postgresql":
        return text.lower().translate(_UNACCENT)
    return text.lower()


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

    Across a to-many relation, give ``related=(model, lookup)``: the filter is then
    an EXISTS on that model's rows of the entry, so that an entry never comes
    back twice and the database looks the entry's rows up by index.
    """

    field_class = SlugListField

    def __init__(self, *args, related: tuple[type[Model], str] | None = None, **kwargs):
        self.related = related
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        if self.related:
            model, lookup = self.related
            rows = model.objects.filter(entry_id=OuterRef("pk"), **{f"{lookup}__in": value})
            return qs.filter(Exists(rows))
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

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]

    def as_json(self) -> list[dict]:
        return [
            {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
            for v in self.values
        ]


class EntryFilterSet(django_filters.FilterSet):
    day = SlugsFilter(field_name="day__slug", label="Day")
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
        terms = value.split()[:SEARCH_MAX_TERMS]
        if not terms:
            return qs
        vendor = connections[qs.db].vendor
        qs = qs.alias(
            _f_title=Folded("title"),
            _f_summary=Folded("summary"),
            _f_place=Folded("place__name"),
        )
        for term in terms:
            folded = fold_for(vendor, term)
            # Correlated EXISTS: looked up by index for each candidate entry.
            people = Credit.objects.filter(entry_id=OuterRef("pk")).alias(_f=Folded("person__name"))
            dishes = Dish.objects.filter(entry_id=OuterRef("pk")).alias(_f=Folded("name"))
            qs = qs.filter(
                Q(_f_title__contains=folded)
                | Q(_f_summary__contains=folded)
                | Q(_f_place__contains=folded)
                | Exists(people.filter(_f__contains=folded))
                | Exists(dishes.filter(_f__contains=folded))
            )
        return qs

    def filter_queryset_except(self, queryset: QuerySet, excluded: str) -> QuerySet:
        """``queryset`` with every active filter applied except ``excluded``."""
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def selected(self, name: str) -> list[str]:
        """The values asked for in filter ``name`` (after validation)."""
        return list(self.form.cleaned_data.get(name) or [])

    # -- facets ------------------------------------------------------------

    def facets(self) -> list[Facet]:
        """One ``Facet`` per filter, with Datasette-style counts (one query each).

        Values come from every entry (so that a value with nothing left shows
        as 0, not vanishes); counts from the entries matching the other filters.
        """
        return [self._facet(name) for name in self.FACETS]

    def _facet(self, name: str) -> Facet:
        if any(value for key, value in self.form.cleaned_data.items() if key != name):
            # Counted where the entry passes the other filters: an EXISTS on the
            # entry itself, which stays a cheap per-row lookup whatever the
            # database's statistics say (an IN (subquery) here can go quadratic).
            others = self.filter_queryset_except(Entry.objects.all(), name)
            matching = Count("id", filter=Exists(others.filter(pk=OuterRef("pk"))), distinct=True)
        else:
            matching = Count("id", distinct=True)
        selected = set(self.selected(name))
        legend = str(self.filters[name].label)
        if name == "day":
            # One value per day slug, shared by every recap's day with that slug.
            rows = (
                Entry.objects.values("day__slug")
                .annotate(label=Min("day__label"), position=Min("day__order"), n=matching)
                .order_by("position", "day__slug")
            )
            values = [FacetValue(r["day__slug"], r["label"], r["n"]) for r in rows]
        elif name == "topic":
            rows = (
                Entry.objects.filter(topics__isnull=False)
                .values("topics__slug", "topics__name")
                .annotate(n=matching)
                .order_by()
            )
            values = [FacetValue(r["topics__slug"], r["topics__name"], r["n"]) for r in rows]
        elif name == "speaker":
            rows = (
                Entry.objects.filter(credits__isnull=False)
                .values("credits__person__slug", "credits__person__name")
                .annotate(n=matching)
                .order_by()
            )
            values = [
                FacetValue(r["credits__person__slug"], r["credits__person__name"], r["n"])
                for r in rows
            ]
        else:
            counts = {r["kind"]: r["n"] for r in Entry.objects.values("kind").annotate(n=matching)}
            values = [
                FacetValue(kind.value, str(kind.label), counts[kind.value])
                for kind in EntryKind
                if kind.value in counts
            ]
        if name in {"topic", "speaker"}:
            # Alphabetical as people read it: "Élodie" among the Es.
            values.sort(key=lambda v: (fold(v.label), v.value))
        for value in values:
            value.selected = value.value in selected
        return Facet(name=name, legend=legend, values=values)
