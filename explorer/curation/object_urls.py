"""Where an object is shown: its curator screen and its attendee page."""

from __future__ import annotations

from django.db import models
from django.urls import NoReverseMatch, reverse
from neapolitan.views import Role


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
