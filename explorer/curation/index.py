"""``/manage/``: the curators' index, listing the screens a user may open."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from neapolitan.views import Role

from .access import login_redirect
from .import_views import PERMISSION as IMPORT_PERMISSION
from .screens import CRUD_VIEWS


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
    can_import = user.has_perm(IMPORT_PERMISSION)
    if not screens and not can_import:
        raise PermissionDenied("You are not a curator.")
    context = {"screens": screens, "can_import": can_import}
    response = TemplateResponse(request, "explorer/crud/index.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
