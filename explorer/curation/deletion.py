"""A deletion explained before it happens: what goes with an object, what prevents it.

The confirmation page of every CRUD screen shows this plan (Django's
``NestedObjects``, as the admin uses), with links to the curator screens.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.db import models, router
from django.utils.html import format_html
from django.utils.text import capfirst

from .object_urls import crud_url


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
