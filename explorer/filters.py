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

from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connections
from django.db.models import Case, Count, Exists, Max, Min, Model, OuterRef, Q, QuerySet, When

from .models import Credit, Day, Entry, EntryKind, Person
from .search import filter_entries, fold

SEARCH_MAX_LENGTH = 200
# The speaker facet lists this many people (those with most entries) and the selected ones.
SPEAKER_FACET_LIMIT = 30
# Values beyond this many for one filter are ignored.
MAX_VALUES_PER_FILTER = 50


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

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]

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

    # -- facets ------------------------------------------------------------

    def facets(self) -> list[Facet]:
        """One ``Facet`` per filter, with Datasette-style counts (one query each).

        Values come from every entry (so that a value with nothing left shows
        as 0, not vanishes); counts from the entries matching the other filters.
        """
        return [self._facet(name) for name in self.FACETS]

    def _facet(self, name: str) -> Facet:
        # Which entries a value's count covers: those passing the *other* filters,
        # as ``id IN (subquery)``. The subquery runs once: SQLite keeps its ids in
        # a temporary index, PostgreSQL in a hashed SubPlan (while they fit in
        # hash_mem: at default settings several hundred thousand entries; beyond
        # that it would rescan them per row). A correlated EXISTS here, per row,
        # costs PostgreSQL seconds at 100,000 entries once a search is involved.
        if any(value for key, value in self.form.cleaned_data.items() if key != name):
            ids = self.filter_queryset_except(Entry.objects.order_by(), name).values("pk")
            on_entry, on_row = Q(pk__in=ids), Q(entry_id__in=ids)
        else:
            on_entry = on_row = None
        selected = set(self.selected(name))
        legend = str(self.filters[name].label)
        if name == "day":
            # One value per day slug, shared by every recap's day with that slug.
            rows = (
                Entry.objects.order_by()
                .values("day__slug")
                .annotate(
                    label=Min("day__label"),
                    position=Min("day__order"),
                    n=Count("pk", filter=on_entry),
                )
                .order_by("position", "day__slug")
            )
            values = [FacetValue(r["day__slug"], r["label"], r["n"]) for r in rows]
        elif name == "topic":
            # From the link table: (entry, topic) pairs are unique, so rows count entries.
            rows = (
                Entry.topics.through.objects.values("topic__slug", "topic__name")
                .annotate(n=Count("pk", filter=on_row))
                .order_by()
            )
            values = [FacetValue(r["topic__slug"], r["topic__name"], r["n"]) for r in rows]
        elif name == "speaker":
            values = self._speaker_values(on_row, selected)
        else:
            counts = {
                r["kind"]: r["n"]
                for r in Entry.objects.order_by()
                .values("kind")
                .annotate(n=Count("pk", filter=on_entry))
            }
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

    def _speaker_values(self, on_row: Q | Exists | None, selected: set[str]) -> list[FacetValue]:
        """The selected people and the ``SPEAKER_FACET_LIMIT`` others with most entries.

        A large archive has tens of thousands of speakers: listing them all would
        make every page megabytes long. One query: the credits grouped by person
        (a scan of the (person, entry) index, no join), the selected people first
        so that the limit never drops them; only those rows then join the people.
        """
        chosen_ids = Person.objects.filter(slug__in=selected).values("pk")
        top = (
            Credit.objects.values("person_id")
            .annotate(
                n=Count("pk", filter=on_row),
                chosen=Max(Case(When(person_id__in=chosen_ids, then=1), default=0)),
            )
            .order_by("-chosen", "-n", "person_id")
        )[: SPEAKER_FACET_LIMIT + len(selected)]
        sql, params = top.query.sql_with_params()
        person = Person._meta.db_table
        people = Person.objects.raw(
            f"SELECT p.id, p.slug, p.name, top.n FROM ({sql}) top "
            f"JOIN {person} p ON p.id = top.person_id",
            params,
        )
        return [FacetValue(p.slug, p.name, p.n) for p in people]
