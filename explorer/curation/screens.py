"""Curator screens: one neapolitan ``CRUDView`` per explorer model, under /manage/.

``CuratorCRUDView`` is the base of every screen. In the view itself (whatever
the template shows) it requires the model permission of the view's role:

    list, detail → "view"    create → "add"    update → "change"    delete → "delete"

Anonymous visitors are sent to the login page (for htmx requests, with an
``HX-Redirect`` so that htmx loads the page instead of swapping it into a
fragment); signed-in users without the permission get a 403.

Lists are filtered by a django-filter ``FilterSet`` and paginated; for the
filter form's htmx requests (``HX-Target: crud-results``) only the results
partial of the same template is rendered. A deletion is explained before it
happens: the confirmation page lists what goes with the object and what
prevents deleting it.

Every history row one save writes gets the same date and user, so the entry
history (``explorer.history``) shows it as one version; editing a dish, link or
photo writes a version of its entry too. An entry form based on an older
``version`` is refused (the UPDATE only matches the version the form started
from) and shown again with the curator's input and what changed meanwhile.
Beside the screens: an entry's history and revert, and a recap's downloads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_permission_codename
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect
from neapolitan.views import CRUDView, Role

from .. import search
from ..filters import EntryFilterSet
from ..models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic
from ..templatetags.explorer_tags import safe_url
from . import forms as curator_forms
from . import history
from .export import recap_to_data, recap_to_markdown

ROLE_ACTIONS = {
    Role.LIST: "view",
    Role.DETAIL: "view",
    Role.CREATE: "add",
    Role.UPDATE: "change",
    Role.DELETE: "delete",
}

RESULTS_TARGET = "crud-results"


def model_permission(model: type[models.Model], action: str) -> str:
    """The permission name ("explorer.change_entry") of an action on a model."""
    opts = model._meta
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def login_redirect(request):
    """Send an anonymous visitor to the login page, coming back here afterwards."""
    response = redirect_to_login(request.get_full_path())
    if request.htmx:
        # htmx would follow a 302 itself and swap the login page into its target.
        return HttpResponseClientRedirect(response.url)
    return response


def curator_required(permission: str):
    """Guard a curator view like the CRUD screens: login first, then ``permission``."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                response = login_redirect(request)
            elif not request.user.has_perm(permission):
                raise PermissionDenied("You may not do this.")
            else:
                response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["HX-Request"])
            return response

        return guarded

    return decorator


def redirect_to(request, url: str):
    """A redirect; for htmx, an ``HX-Redirect`` (htmx would swap a followed 302)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def crud_url(obj: models.Model, role: Role = Role.DETAIL) -> str | None:
    """The curator screen of an object, or None for models without one."""
    try:
        return reverse(f"{obj._meta.model_name}-{role.url_name_component}", kwargs={"pk": obj.pk})
    except NoReverseMatch:
        return None


def site_url(obj: models.Model) -> str | None:
    """The attendee page of an object, or None while that page does not exist."""
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return None


def count_label(count: int, model: type[models.Model]) -> str:
    opts = model._meta
    if opts.auto_created:
        return f"{count} {m2m_name(model)}{'' if count == 1 else 's'}"
    return f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"


def m2m_name(through: type[models.Model]) -> str:
    """An auto-created many-to-many row's kind: "entry-topic link"."""
    ends = [
        f.related_model._meta.verbose_name for f in through._meta.concrete_fields if f.many_to_one
    ]
    return f"{'-'.join(ends)} link"


@dataclass(frozen=True)
class Column:
    """A column of a list: its header and how to get its value from a row."""

    header: str
    accessor: str | Callable[[Any], Any]

    def value(self, obj: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(obj)
        for part in self.accessor.split("."):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj() if callable(obj) else obj


@dataclass(frozen=True)
class Related:
    """Objects listed on a detail page: a related manager's name and a heading."""

    name: str
    heading: str
    label: Callable[[Any], str] = str


def field_display(obj: models.Model, name: str) -> dict[str, Any]:
    """A detail page row: the field's label, its value, and a link if it has one."""
    field = obj._meta.get_field(name)
    row = {"label": capfirst(field.verbose_name), "value": None, "url": None, "text": False}
    if field.many_to_many:
        row["value"] = ", ".join(str(related) for related in getattr(obj, name).all())
    elif field.choices:
        row["value"] = getattr(obj, f"get_{name}_display")()
    else:
        value = getattr(obj, name)
        row["value"] = value
        if field.many_to_one and value is not None:
            row["url"] = crud_url(value)
        elif isinstance(field, models.URLField) and value:
            row["url"] = safe_url(value) or None
        row["text"] = isinstance(field, models.TextField)
    return row


class DeletionCollector(NestedObjects):
    """Collects what a deletion takes along, loading the names it will show."""

    def related_objects(self, related_model, related_fields, objs):
        queryset = super().related_objects(related_model, related_fields, objs)
        forward = [field.name for field in related_model._meta.concrete_fields if field.many_to_one]
        return queryset.select_related(*forward)


def describe(obj: models.Model) -> str:
    """One line of the deletion tree: the kind of object and its name, linked."""
    opts = obj._meta
    if opts.auto_created:
        # A many-to-many row, e.g. "Entry-topic link: Keynote · Django".
        ends = [
            str(getattr(obj, field.name)) for field in opts.concrete_fields if field.many_to_one
        ]
        return f"{capfirst(m2m_name(type(obj)))}: {' · '.join(ends)}"
    url = crud_url(obj)
    if url:
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)
    return f"{capfirst(opts.verbose_name)}: {obj}"


def deletion_plan(obj: models.Model) -> dict[str, Any]:
    """What deleting ``obj`` would delete, change, and what prevents it."""
    collector = DeletionCollector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    deleted = [
        count_label(len(objs), model)
        for model, objs in collector.model_objs.items()
        if model is not type(obj) and objs
    ]
    updated = []
    for (field, value), querysets in collector.field_updates.items():
        count = sum(len(objs) for objs in querysets)
        if count:
            what = "no longer have this" if value is None else "change their"
            updated.append(f"{count_label(count, field.model)} will {what} {field.verbose_name}.")
    protected = sorted(collector.protected, key=lambda o: (o._meta.verbose_name, str(o)))
    return {
        "tree": collector.nested(describe),
        "deleted": deleted,
        "updated": updated,
        "protected": [{"object": o, "label": describe(o)} for o in protected],
        "protected_summary": ", ".join(
            count_label(sum(1 for o in protected if type(o) is model), model)
            for model in dict.fromkeys(type(o) for o in protected)
        ),
    }


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text search over ``search_fields``."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


def recap_filter(field_name: str = "recap") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Recap.objects.all(), label="Recap", empty_label="All"
    )


class CuratorCRUDView(CRUDView):
    """The base of every curator screen: permissions, templates, htmx, deletion."""

    paginate_by = 25
    #: The list's table.
    columns: list[Column] = []
    #: Fields shown on the detail page (default: the form's fields).
    detail_fields: list[str] | None = None
    #: Objects listed under the fields on the detail page.
    detail_related: list[Related] = []
    #: Lookups prefetched for the detail page.
    detail_prefetch: list[str] = []
    #: The list's order; it ends with "pk" so that pages never overlap.
    ordering: tuple[str, ...] = ("pk",)
    #: One sentence on the index page.
    description = ""

    # Permissions

    @classmethod
    def permission_for(cls, role: Role) -> str:
        return model_permission(cls.model, ROLE_ACTIONS[role])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            response = login_redirect(request)
        elif not request.user.has_perm(self.permission_for(self.role)):
            raise PermissionDenied(
                f"You may not {ROLE_ACTIONS[self.role]} {self.model._meta.verbose_name_plural}."
            )
        else:
            response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def redirect(self, url: str):
        return redirect_to(self.request, url)

    # Templates

    def results_only(self) -> bool:
        """Whether this is the list filter's htmx request for the results table."""
        htmx = self.request.htmx
        return bool(
            htmx
            and htmx.target == RESULTS_TARGET
            and not htmx.boosted
            and not htmx.history_restore_request
        )

    def get_template_names(self):
        if self.template_name is not None:
            return [self.template_name]
        suffix = self.template_name_suffix
        names = [
            f"explorer/crud/{self.model._meta.model_name}{suffix}.html",
            f"explorer/crud/object{suffix}.html",
        ]
        if self.role == Role.LIST and self.results_only():
            names = [f"{name}#results" for name in names]
        return names

    # Queries

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.role == Role.LIST:
            queryset = queryset.order_by(*self.ordering)
        if self.role == Role.DETAIL and self.detail_prefetch:
            queryset = queryset.prefetch_related(*self.detail_prefetch)
        return queryset

    # Forms

    def get_formsets(self, form, data=None, files=None) -> list:
        """Formsets edited with the object (e.g. an entry's credits)."""
        return []

    def show_form(self, request, *args, **kwargs):
        if self.role == Role.UPDATE:
            self.object = self.get_object()
        form = self.get_form(instance=self.object)
        self.formsets = self.get_formsets(form)
        return self.render_to_response(self.get_context_data(form=form))

    def process_form(self, request, *args, **kwargs):
        if self.role == Role.UPDATE:
            self.object = self.get_object()
        form = self.get_form(data=request.POST, files=request.FILES, instance=self.object)
        self.formsets = self.get_formsets(form, data=request.POST, files=request.FILES)
        # Validate every formset, so that all errors show at once.
        formsets_valid = all([formset.is_valid() for formset in self.formsets])
        if form.is_valid() and formsets_valid:
            return self.form_valid(form)
        return self.form_invalid(form)

    def history_mark(self, obj: models.Model) -> None:
        """Date every history row of this request alike: together they are one version."""
        if not hasattr(self, "changed_at"):
            self.changed_at = timezone.now()
        history.mark(obj, when=self.changed_at, user=self.request.user)

    def save(self, form):
        self.history_mark(form.instance)
        # Search documents are rebuilt once, not once per row saved.
        with transaction.atomic(), search.deferred():
            self.object = curator_forms.save_together(
                form, self.formsets, when=self.changed_at, user=self.request.user
            )

    def form_valid(self, form):
        created = self.role == Role.CREATE
        self.save(form)
        verb = "Added" if created else "Saved"
        messages.success(self.request, f"{verb} {self.model._meta.verbose_name} “{self.object}”.")
        return self.redirect(self.get_success_url())

    # Deletion

    def process_deletion(self, request, *args, **kwargs):
        self.object = self.get_object()
        name = str(self.object)
        try:
            with transaction.atomic(), search.deferred():
                self.delete_object()
        except (models.ProtectedError, models.RestrictedError):
            context = self.get_context_data(deletion_refused=True)
            return self.render_to_response(context)
        messages.success(request, f"Deleted {self.model._meta.verbose_name} “{name}”.")
        return self.redirect(self.get_success_url())

    def delete_object(self) -> None:
        self.history_mark(self.object)
        self.object.delete()

    # Context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        opts = self.model._meta
        context.update(
            can_add=user.has_perm(self.permission_for(Role.CREATE)),
            can_change=user.has_perm(self.permission_for(Role.UPDATE)),
            can_delete=user.has_perm(self.permission_for(Role.DELETE)),
            list_view_url=Role.LIST.reverse(self),
            results_target=RESULTS_TARGET,
            model_name=opts.model_name,
        )
        obj = self.object
        if obj is not None and obj.pk is not None:
            context.update(
                detail_view_url=Role.DETAIL.reverse(self, obj),
                delete_view_url=Role.DELETE.reverse(self, obj),
                site_url=site_url(obj),
            )
        match self.role:
            case Role.LIST:
                context.update(self.list_context(context))
            case Role.DETAIL:
                context["detail_rows"] = [
                    field_display(obj, name) for name in self.get_detail_fields()
                ]
                context["related_sections"] = [
                    {
                        "heading": related.heading,
                        "items": [
                            {"label": related.label(item), "url": crud_url(item)}
                            for item in getattr(obj, related.name).all()
                        ],
                    }
                    for related in self.detail_related
                ]
            case Role.CREATE | Role.UPDATE:
                formsets = getattr(self, "formsets", [])
                form = context["form"]
                context["formsets"] = formsets
                context["has_errors"] = bool(form.errors) or any(
                    formset.total_error_count() for formset in formsets
                )
            case Role.DELETE:
                context["plan"] = deletion_plan(obj)
        return context

    def list_context(self, context: dict[str, Any]) -> dict[str, Any]:
        filterset, page = context.get("filterset"), context.get("page_obj")
        facets = []
        filter_fields = []
        if filterset is not None and not self.results_only():
            # A FilterSet with facets (the explorer's) offers their values as choices.
            facet_names = set(getattr(filterset, "FACETS", ()))
            if facet_names and filterset.is_valid():
                facets = filterset.facets()
            filter_fields = [field for field in filterset.form if field.name not in facet_names]
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)

        def page_url(number: int) -> str:
            params = query.copy()
            params[self.page_kwarg] = str(number)
            return f"{self.request.path}?{params.urlencode()}"

        rows = [
            {
                "object": obj,
                "cells": [column.value(obj) for column in self.columns],
                "detail_url": Role.DETAIL.reverse(self, obj),
                "update_url": Role.UPDATE.reverse(self, obj),
                "delete_url": Role.DELETE.reverse(self, obj),
            }
            for obj in self.object_list
        ]
        return {
            "previous_page_url": page_url(page.previous_page_number())
            if page and page.has_previous()
            else None,
            "next_page_url": page_url(page.next_page_number())
            if page and page.has_next()
            else None,
            "is_filtered": any(query.values()),
            "facets": facets,
            "filter_fields": filter_fields,
            "columns": self.columns,
            "rows": rows,
        }

    def get_detail_fields(self) -> list[str]:
        if self.detail_fields is not None:
            return self.detail_fields
        form_class = self.get_form_class()
        return [
            name
            for name in form_class._meta.fields
            if not form_class.base_fields[name].widget.is_hidden
        ]


# The screens, one per model.


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


class PersonView(CuratorCRUDView):
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


class TopicView(CuratorCRUDView):
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


class PlaceView(CuratorCRUDView):
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


def manage(request):
    """The curators' index: the screens this user may open."""
    if not request.user.is_authenticated:
        response = login_redirect(request)
        patch_vary_headers(response, ["HX-Request"])
        return response
    user = request.user
    screens = [
        {
            "name": capfirst(view.model._meta.verbose_name_plural),
            "description": view.description,
            "count": view.model._default_manager.count(),
            "list_url": reverse(f"{view.url_base}-list"),
            "create_url": (
                reverse(f"{view.url_base}-create")
                if user.has_perm(view.permission_for(Role.CREATE))
                else None
            ),
            "verbose_name": view.model._meta.verbose_name,
        }
        for view in CRUD_VIEWS
        if user.has_perm(view.permission_for(Role.LIST))
    ]
    if not screens:
        raise PermissionDenied("You are not a curator.")
    response = TemplateResponse(request, "explorer/crud/index.html", {"screens": screens})
    patch_vary_headers(response, ["HX-Request"])
    return response


# History, revert and downloads: plain views with the same guard as the screens.


@curator_required("explorer.view_entry")
@require_safe
def entry_history(request, pk: int):
    """Every version of an entry, newest first, with what each changed."""
    entry = get_object_or_404(Entry.objects.select_related("recap"), pk=pk)
    context = {
        "entry": entry,
        "versions": history.shown_versions(entry),
        "can_revert": request.user.has_perm("explorer.change_entry"),
        "list_view_url": reverse("entry-list"),
        "detail_view_url": reverse("entry-detail", kwargs={"pk": pk}),
        "update_view_url": reverse("entry-update", kwargs={"pk": pk}),
    }
    return TemplateResponse(request, "explorer/crud/entry_history.html", context)


@curator_required("explorer.change_entry")
@require_POST
def entry_revert(request, pk: int, history_id: int):
    """Put an entry back as it was at one of its versions, as a new version."""
    entry = get_object_or_404(Entry, pk=pk)
    get_object_or_404(Entry.history.filter(id=pk), history_id=history_id)
    try:
        reverted = history.revert_entry(entry, history_id, request.user)
    except history.RevertError as error:
        messages.error(request, f"Nothing was reverted: {error}")
    else:
        when = timezone.localtime(reverted.version.when)
        messages.success(
            request,
            f"Reverted “{entry}” to version {reverted.version.number} of {when:%Y-%m-%d %H:%M:%S}.",
        )
        for note in reverted.notes:
            messages.warning(request, note)
    return redirect_to(request, reverse("entry-history", kwargs={"pk": pk}))


def recap_download(request, pk: int, extension: str, content_type: str, render) -> HttpResponse:
    recap = get_object_or_404(Recap, pk=pk)
    response = HttpResponse(render(recap_to_data(recap)), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{recap.slug}.{extension}"
    )
    return response


@curator_required("explorer.view_recap")
@require_safe
def recap_export_json(request, pk: int):
    """The recap as the JSON document ``import_recap`` reads (a backup)."""
    return recap_download(
        request,
        pk,
        "json",
        "application/json; charset=utf-8",
        lambda data: json.dumps(data.to_dict(), ensure_ascii=False, indent=2) + "\n",
    )


@curator_required("explorer.view_recap")
@require_safe
def recap_export_markdown(request, pk: int):
    """The recap as readable Markdown in the source posts' style."""
    return recap_download(request, pk, "md", "text/markdown; charset=utf-8", recap_to_markdown)
