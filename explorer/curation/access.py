"""Who may open a curator view, and where the others are sent.

Anonymous visitors go to the login page (for htmx requests by ``HX-Redirect``,
so that htmx loads the page instead of swapping it into a fragment); signed-in
users without the permission get a 403. The CRUD screens (``crud_view``) and the
plain curator views (``curator_required``) share these answers.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_permission_codename
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


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
