"""``CuratorCRUDView``, the neapolitan ``CRUDView`` every curator screen extends.

In the view itself (whatever the template shows) it requires the model
permission of the view's role:

    list, detail → "view"    create → "add"    update → "change"    delete → "delete"

Anonymous visitors are sent to the login page, signed-in users without the
permission get a 403 (``access``).

Lists are filtered by a django-filter ``FilterSet`` (``SearchFilterSet`` and
``recap_filter`` are the pieces the screens' filters are made of) and paginated;
for the filter form's htmx requests (``HX-Target: crud-results``) only the
results partial of the same template is rendered. A deletion is explained before
it happens (``deletion``). Every history row one save writes gets the same date
and user, so the entry history (``history``) shows it as one version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from neapolitan.views import CRUDView, Role

from .. import search
from ..models import Recap
from ..templatetags.explorer_tags import safe_url
from . import forms as curator_forms
from . import history
from .access import login_redirect, model_permission, redirect_to
from .deletion import deletion_plan
from .object_urls import crud_url, site_url

ROLE_ACTIONS = {
    Role.LIST: "view",
    Role.DETAIL: "view",
    Role.CREATE: "add",
    Role.UPDATE: "change",
    Role.DELETE: "delete",
}

RESULTS_TARGET = "crud-results"


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
