"""An entry's history page and its one-step revert (the versions: ``history``).

Plain views with the same guard as the CRUD screens (``access.curator_required``).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ..models import Entry
from . import history
from .access import curator_required, redirect_to


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
