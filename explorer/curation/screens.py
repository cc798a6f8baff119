"""The curator screens under /manage/: one ``CuratorCRUDView`` per explorer model.

Each screen names its model, form, filters, list columns and detail sections;
``CRUD_VIEWS`` lists them for the URLs and the index. Editing a dish, link or
photo writes a version of its entry too (``EntryPartView``). An entry form based
on an older ``version`` is refused (the UPDATE only matches the version the form
started from) and shown again with the curator's input and what changed
meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.urls import reverse
from neapolitan.views import Role

from .. import search
from ..filters import EntryFilterSet
from ..models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic
from . import forms as curator_forms
from . import history
from .crud_view import Column, CuratorCRUDView, Related, SearchFilterSet, recap_filter
from .merge_views import Mergeable


def joined(*names: str) -> Callable[[Any], str]:
    """A column listing the prefetched objects of a relation."""
    relation, *attrs = names

    def value(obj):
        items = getattr(obj, relation).all()
        for attr in attrs:
            items = [getattr(item, attr) for item in items]
        return ", ".join(str(item) for item in items)

    return value


class RecapFilterSet(SearchFilterSet):
    search_fields = ("name", "city", "venue", "author")

    class Meta:
        model = Recap
        fields = ["q"]


#: The recap downloads offered on its detail page: label and URL name.
EXPORTS = [("Download JSON", "recap-export-json"), ("Download Markdown", "recap-export-markdown")]


class RecapView(CuratorCRUDView):
    model = Recap
    form_class = curator_forms.RecapForm
    filterset_class = RecapFilterSet
    queryset = Recap.objects.annotate(day_count=Count("days"))
    ordering = ("-start_date", "name", "pk")
    description = "The recaps themselves: name, city, dates, source."
    columns = [
        Column("Name", "name"),
        Column("City", "city"),
        Column("Starts", "start_date"),
        Column("Ends", "end_date"),
        Column("Author", "author"),
        Column("Days", "day_count"),
    ]
    detail_related = [Related("days", "Days")]
    detail_prefetch = ["days"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.role == Role.DETAIL:
            # Detail pages need "view_recap" already: the downloads need nothing more.
            context["downloads"] = [
                {"label": label, "url": reverse(name, kwargs={"pk": self.object.pk})}
                for label, name in EXPORTS
            ]
        return context


class DayFilterSet(SearchFilterSet):
    search_fields = ("label", "summary")
    recap = recap_filter()

    class Meta:
        model = Day
        fields = ["q", "recap"]


class DayView(CuratorCRUDView):
    model = Day
    form_class = curator_forms.DayForm
    filterset_class = DayFilterSet
    queryset = Day.objects.select_related("recap").annotate(entry_count=Count("entries"))
    ordering = ("-recap__start_date", "recap__name", "order", "pk")
    description = "The parts of a recap: its days, or themed parts without a date."
    columns = [
        Column("Label", "label"),
        Column("Recap", "recap"),
        Column("Date", "date"),
        Column("Order", "order"),
        Column("Entries", "entry_count"),
    ]
    detail_related = [Related("entries", "Entries")]
    detail_prefetch = ["entries"]


def credit_label(credit: Credit) -> str:
    return f"{credit.person} — {credit.get_role_display()}"


class EntryView(CuratorCRUDView):
    model = Entry
    form_class = curator_forms.EntryForm
    # The explorer's own filters (same query string), shown with their facet counts.
    filterset_class = EntryFilterSet
    queryset = Entry.objects.select_related("recap", "day", "place").prefetch_related(
        Prefetch("credits", queryset=Credit.objects.select_related("person")), "topics"
    )
    ordering = ("-recap__start_date", "recap__name", "day__order", "order", "pk")
    description = "Talks, meals, events, sights and notes, with their speakers and topics."
    columns = [
        Column("Title", "title"),
        Column("Kind", "get_kind_display"),
        Column("Recap", "recap"),
        Column("Day", "day"),
        Column("People", joined("credits", "person")),
        Column("Topics", joined("topics")),
        Column("Place", "place"),
    ]
    detail_related = [
        Related("credits", "Speakers and roles", credit_label),
        Related("dishes", "Dishes"),
        Related("links", "Links"),
        Related("photos", "Photos"),
    ]
    detail_prefetch = ["credits__person", "dishes", "links", "photos", "topics"]

    def get_formsets(self, form, data=None, files=None):
        credits = curator_forms.CreditFormSet(
            data,
            files,
            instance=form.instance,
            prefix="credits",
            queryset=Credit.objects.select_related("person"),
        )
        credits.legend = "Speakers and roles"
        return [credits]

    def save(self, form):
        with transaction.atomic():
            if form.instance.pk is None:
                form.instance.version = 1
            else:
                # Refuse a save based on an older version, even when two saves race.
                curator_forms.claim_version(form.instance, form.cleaned_data["version"])
            super().save(form)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except curator_forms.StaleEntry:
            form.add_error(None, ValidationError(curator_forms.STALE_MESSAGE, code="stale"))
            return self.form_invalid(form)

    def form_invalid(self, form):
        if self.role == Role.UPDATE and form.has_error(NON_FIELD_ERRORS, "stale"):
            self.show_conflict(form)
        # 200 like any refused form: htmx 2 would not swap a 409 (the form is a plain
        # POST, or a boosted one, either way the page is replaced with this one).
        return super().form_invalid(form)

    def show_conflict(self, form) -> None:
        """Keep what the curator typed, say what changed since, and let them save again."""
        self.conflict, data = curator_forms.refit_stale(form, self.formsets, self.object)
        # Errors are kept; only the re-rendered values change (the version, the rows).
        form.data = data
        self.formsets = self.get_formsets(form, data=data, files=form.files)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.role in (Role.DETAIL, Role.UPDATE):
            context["history_url"] = reverse("entry-history", kwargs={"pk": self.object.pk})
        context["conflict"] = getattr(self, "conflict", None)
        return context


class EntryPartView(CuratorCRUDView):
    """Dishes, links and photos: changing one writes a version of its entry too."""

    def save(self, form):
        previous = form.initial.get("entry") if self.role == Role.UPDATE else None
        with transaction.atomic(), search.deferred():
            super().save(form)
            history.touch_entries(
                [previous, self.object.entry_id], when=self.changed_at, user=self.request.user
            )

    def delete_object(self) -> None:
        entry_id = self.object.entry_id
        super().delete_object()
        history.touch_entries([entry_id], when=self.changed_at, user=self.request.user)


class PersonFilterSet(SearchFilterSet):
    search_fields = ("name", "affiliation")

    class Meta:
        model = Person
        fields = ["q"]


class PersonView(Mergeable):
    model = Person
    form_class = curator_forms.PersonForm
    filterset_class = PersonFilterSet
    queryset = Person.objects.annotate(entry_count=Count("credits"))
    ordering = ("name", "pk")
    description = "Speakers, panellists and hosts."
    columns = [
        Column("Name", "name"),
        Column("Affiliation", "affiliation"),
        Column("Entries", "entry_count"),
    ]
    detail_related = [
        Related("credits", "Entries", lambda c: f"{c.entry} — {c.get_role_display()}")
    ]
    detail_prefetch = ["credits__entry"]


class TopicFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "keywords")

    class Meta:
        model = Topic
        fields = ["q"]


class TopicView(Mergeable):
    model = Topic
    form_class = curator_forms.TopicForm
    filterset_class = TopicFilterSet
    queryset = Topic.objects.annotate(entry_count=Count("entries"))
    ordering = ("name", "pk")
    description = "Subjects, and the keywords that tag imported entries with them."
    columns = [
        Column("Name", "name"),
        Column("Slug", "slug"),
        Column("Keywords", lambda topic: len(topic.keyword_list)),
        Column("Entries", "entry_count"),
    ]
    detail_related = [Related("entries", "Entries")]
    detail_prefetch = ["entries"]


class PlaceFilterSet(SearchFilterSet):
    search_fields = ("name", "city")
    kind = django_filters.ChoiceFilter(choices=Place.Kind.choices, empty_label="All")

    class Meta:
        model = Place
        fields = ["q", "kind"]


class PlaceView(Mergeable):
    model = Place
    form_class = curator_forms.PlaceForm
    filterset_class = PlaceFilterSet
    queryset = Place.objects.annotate(entry_count=Count("entries"))
    ordering = ("name", "pk")
    description = "Restaurants, venues, sights and the other places entries happen at."
    columns = [
        Column("Name", "name"),
        Column("Kind", "get_kind_display"),
        Column("City", "city"),
        Column("Entries", "entry_count"),
    ]
    detail_related = [Related("entries", "Entries"), Related("dishes", "Dishes")]
    detail_prefetch = ["entries", "dishes"]


class EntryChildFilterSet(SearchFilterSet):
    recap = recap_filter("entry__recap")


class DishFilterSet(EntryChildFilterSet):
    search_fields = ("name", "description")
    place = django_filters.ModelChoiceFilter(queryset=Place.objects.all(), empty_label="All")

    class Meta:
        model = Dish
        fields = ["q", "recap", "place"]


class DishView(EntryPartView):
    model = Dish
    form_class = curator_forms.DishForm
    filterset_class = DishFilterSet
    queryset = Dish.objects.select_related("entry", "place")
    ordering = ("entry__title", "order", "pk")
    description = "What was eaten and drunk, by entry."
    columns = [
        Column("Name", "name"),
        Column("Entry", "entry"),
        Column("Place", "place"),
    ]


class LinkFilterSet(EntryChildFilterSet):
    search_fields = ("title", "url")

    class Meta:
        model = Link
        fields = ["q", "recap"]


class LinkView(EntryPartView):
    model = Link
    form_class = curator_forms.LinkForm
    filterset_class = LinkFilterSet
    queryset = Link.objects.select_related("entry")
    ordering = ("entry__title", "order", "pk")
    description = "Slides, videos and other resources entries point to."
    columns = [
        Column("Title", "title"),
        Column("URL", "url"),
        Column("Entry", "entry"),
    ]


class PhotoFilterSet(EntryChildFilterSet):
    search_fields = ("image", "caption")

    class Meta:
        model = Photo
        fields = ["q", "recap"]


class PhotoView(EntryPartView):
    model = Photo
    form_class = curator_forms.PhotoForm
    filterset_class = PhotoFilterSet
    queryset = Photo.objects.select_related("entry")
    ordering = ("entry__title", "order", "pk")
    description = "Images of the recap and their captions."
    columns = [
        Column("Image", "image"),
        Column("Caption", "caption"),
        Column("Entry", "entry"),
    ]


CRUD_VIEWS: list[type[CuratorCRUDView]] = [
    RecapView,
    DayView,
    EntryView,
    PersonView,
    TopicView,
    PlaceView,
    DishView,
    LinkView,
    PhotoView,
]
