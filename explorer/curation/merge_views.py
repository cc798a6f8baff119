"""The "Merge into…" screen of a person, place or topic, and reverting a merge.

``Mergeable`` is what the person, place and topic screens (``screens``) add to
``CuratorCRUDView``: a ``<model>/<pk>/merge/`` screen and, on the detail page,
the link to it and the merges into this record, each with a Revert button. The
merge screen is that screen's own ``CuratorCRUDView`` (same model, queryset and
templates' frame) in the update role: a curator searches the record to keep
(htmx narrows the list as they type; without JavaScript it is a GET form),
reviews what would move, and confirms with a POST. Merging changes one record
and deletes another: it needs both permissions, checked in the view. The work
itself is ``merge``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from neapolitan.views import Role

from ..models import Merge, Person
from ..search import search_words
from ..text import person_key
from .access import login_redirect, model_permission, redirect_to
from .crud_view import CuratorCRUDView
from .merge import KINDS, MODELS, MergeError, merge, plan, revert

#: Records offered to merge into at once; the search finds the others.
CANDIDATES = 20
#: The id of the list of records to keep (its search answers with it alone).
CANDIDATES_TARGET = "merge-candidates"


def merge_permissions(model: type[models.Model]) -> list[str]:
    """A merge changes the record kept and deletes the other one."""
    return [model_permission(model, "change"), model_permission(model, "delete")]


def candidates(obj: models.Model, search: str) -> list[models.Model]:
    """The records ``obj`` could be merged into: those named like ``search``, or like it.

    Without a search, the likely duplicates come first: for a person, those with
    the same ``person_key``; then the names sharing ``obj``'s longest word.
    """
    model = type(obj)
    others = model.objects.exclude(pk=obj.pk).order_by("name", "pk")
    words = search_words(search)
    if words:
        field = "name_folded__contains" if model is Person else "name__icontains"
        for word in words:
            others = others.filter(**{field: word})
        return list(others[:CANDIDATES])
    found: list[models.Model] = []
    if model is Person:
        found = list(others.filter(key=person_key(obj.name))[:CANDIDATES])
    longest = max(search_words(str(obj)), key=len, default="")
    if longest and len(found) < CANDIDATES:
        field = "name_folded__contains" if model is Person else "name__icontains"
        rest = others.filter(**{field: longest}).exclude(pk__in=[o.pk for o in found])
        found += list(rest[: CANDIDATES - len(found)])
    return found


class MergeForm(forms.Form):
    """The record to keep; a record is never merged into itself."""

    into = forms.IntegerField(
        label="Keep",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the record to keep.",
            "invalid": "Choose the record to keep.",
        },
    )

    def __init__(self, *args, obj: models.Model, **kwargs) -> None:
        self.obj = obj
        super().__init__(*args, **kwargs)

    def clean_into(self) -> models.Model:
        model = type(self.obj)
        noun = model._meta.verbose_name
        pk = self.cleaned_data["into"]
        if pk == self.obj.pk:
            raise forms.ValidationError(
                f"A {noun} cannot be merged into itself: choose another one to keep.",
                code="itself",
            )
        kept = model.objects.filter(pk=pk).first()
        if kept is None:
            raise forms.ValidationError(f"That {noun} does not exist (any more).", code="missing")
        return kept


class MergeView(CuratorCRUDView):
    """“Merge into…”: one screen per mergeable model (``Mergeable.get_urls`` makes it)."""

    template_name = "explorer/crud/object_merge.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not all(
            request.user.has_perm(p) for p in merge_permissions(self.model)
        ):
            raise PermissionDenied(
                f"You may not merge {self.model._meta.verbose_name_plural}: it changes one and "
                "deletes another."
            )
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and htmx.target == CANDIDATES_TARGET and not htmx.history_restore_request:
            return [f"{self.template_name}#candidates"]
        return [self.template_name]

    def show_form(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = MergeForm(request.GET if "into" in request.GET else None, obj=self.object)
        return self.render_merge(form)

    def process_form(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = MergeForm(request.POST, obj=self.object)
        if form.is_valid():
            kept, removed = form.cleaned_data["into"], self.object
            try:
                merge(removed, kept, user=request.user)
            except MergeError as error:
                form.add_error("into", str(error))
            else:
                messages.success(
                    request,
                    f"Merged “{removed}” into “{kept}”: everything that pointed to “{removed}” "
                    f"now points to “{kept}”. You can revert it below.",
                )
                return self.redirect(Role.DETAIL.reverse(self, kept))
        # Shown again with the error next to the field (200, as every form here).
        return self.render_merge(form)

    def render_merge(self, form: MergeForm):
        search = self.request.GET.get("q", "")[:200].strip()
        kept = form.cleaned_data.get("into") if form.is_bound and form.is_valid() else None
        found = candidates(self.object, search)
        if kept is not None and kept not in found:
            found.insert(0, kept)  # the one chosen stays in the list, ticked
        context = self.get_context_data(
            form=form,
            search=search,
            candidates=found,
            kept=kept,
            plan=plan(self.object, kept) if kept is not None else None,
            merge_url=merge_url(self.object),
            candidates_target=CANDIDATES_TARGET,
        )
        return self.render_to_response(context)


class Mergeable(CuratorCRUDView):
    """A screen whose records can be merged: its merge URL and detail page parts."""

    @classmethod
    def get_urls(cls, roles=None):
        screen = type(f"{cls.__name__}Merge", (MergeView, cls), {})
        merge_path = path(
            f"{cls.url_base}/<int:pk>/merge/",
            screen.as_view(role=Role.UPDATE),
            name=f"{cls.url_base}-merge",
        )
        return [*super().get_urls(roles), merge_path]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.role == Role.DETAIL:
            user = self.request.user
            may_merge = all(user.has_perm(p) for p in merge_permissions(self.model))
            context["merge_url"] = merge_url(self.object) if may_merge else None
            context["merges"] = list(
                Merge.objects.filter(
                    kind=KINDS[self.model], kept_id=self.object.pk, reverted_at__isnull=True
                ).select_related("merged_by")
            )
            context["can_revert_merges"] = may_merge
        return context


def merge_url(obj: models.Model) -> str:
    return reverse(f"{obj._meta.model_name}-merge", kwargs={"pk": obj.pk})


@require_POST
def merge_revert(request, pk: int):
    """Undo a merge: the record merged away comes back with what was moved from it."""
    if not request.user.is_authenticated:
        response = login_redirect(request)
        patch_vary_headers(response, ["HX-Request"])
        return response
    record = get_object_or_404(Merge, pk=pk)
    model = MODELS[record.kind]
    if not all(request.user.has_perm(p) for p in merge_permissions(model)):
        raise PermissionDenied("You may not revert this merge.")
    kept_url = reverse(f"{model._meta.model_name}-detail", kwargs={"pk": record.kept_id})
    try:
        restored = revert(record, user=request.user)
    except MergeError as error:
        messages.error(request, f"Nothing was reverted: {error}")
        url = (
            kept_url
            if model.objects.filter(pk=record.kept_id).exists()
            else reverse(f"{model._meta.model_name}-list")
        )
    else:
        messages.success(
            request,
            f"Reverted: “{restored}” is back, with what was merged into “{record.kept_name}”.",
        )
        url = reverse(f"{model._meta.model_name}-detail", kwargs={"pk": restored.pk})
    response = redirect_to(request, url)
    patch_vary_headers(response, ["HX-Request"])
    return response
