"""Inline editing on the explorer's cards, for curators (``explorer.change_entry``).

Three URLs, each checking the permission in the view (``access.curator_required``:
anonymous → the login page, by ``HX-Redirect`` for htmx; signed in without the
permission → 403):

``entry-inline-edit`` (``/entries/<pk>/edit/``)
    GET: the edit form. A plain request gets the full page (it works without
    JavaScript); an htmx one (the card's "Edit" link) gets the ``#card_form``
    partial of the same template, swapped in place of the card.
    POST: saves the entry (``forms.InlineEntryEditor``: the entry form's checks,
    one new ``version``, one history version by the curator). htmx gets the
    updated card, the explorer's facets with fresh counts and its result count
    (out of band, so that nothing else on the page is re-rendered and the focus
    stays on the card) and
    an ``HX-Trigger: entrySaved`` event; a plain POST is redirected (303) back to
    the explorer with a message.
``entry-inline-card`` (``/entries/<pk>/card/``)
    The card again (the form's "Cancel", or Escape). Plain requests are sent to
    the card on the explorer.
``entry-preview`` (``/entries/preview/``)
    POST: a summary's Markdown as the sanitized HTML a card shows.

Focus: htmx focuses the ``[autofocus]`` element of swapped-in content. The form
marks its first field (or the first field in error, or its alert), a card sent
back after a save or a cancel marks its title link.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import trigger_client_event

from ..filters import EntryFilterSet, speaker_search
from ..markdown import render_markdown
from ..models import Entry
from ..views import card_entries
from .access import curator_required
from .forms import STALE_MESSAGE, InlineEntryEditor, StaleEntry

PERMISSION = "explorer.change_entry"
EDIT_TEMPLATE = "explorer/entry_edit_page.html"
CARD_TEMPLATE = "partials/cards.html#card"
#: The answer to a form that was not saved (invalid, or based on an older version):
#: see ``entry_inline_edit``.
REFUSED = 200
#: The event an htmx save triggers on the page (``HX-Trigger``), for listeners.
SAVED_EVENT = "entrySaved"


def return_url(request: HttpRequest, entry: Entry) -> str:
    """Where the curator came from (``next``, if it is this site's), else the explorer."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("explore")


def at_card(url: str, entry: Entry) -> str:
    """``url`` scrolled to the entry's card."""
    return f"{url.split('#')[0]}#entry-{entry.pk}"


def explorer_state(request: HttpRequest) -> dict:
    """The facets and result count of the explorer page an htmx request comes from.

    Counted for the filters in that page's address (``HX-Current-URL``), so that
    they match the checkboxes the curator sees. Empty when the request does not
    come from the explorer.
    """
    url = request.htmx.current_url_abs_path if request.htmx else None
    if not url:
        return {}
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return {}
    if match.url_name != "explore":
        return {}
    params = QueryDict(parts.query)
    filterset = EntryFilterSet(params, queryset=Entry.objects.all())
    if not filterset.is_valid():
        return {}
    facets = filterset.facets(speaker_search(params))
    return {
        "facets": facets,
        "count": filterset.total(facets),
        "is_filtered": filterset.is_filtered,
    }


def render_form(
    request: HttpRequest, editor: InlineEntryEditor, back: str, status: int = 200
) -> HttpResponse:
    focus_alert = editor.set_focus()
    context = {
        "entry": editor.entry,
        "editor": editor,
        "form": editor.form,
        "formsets": editor.formsets,
        "conflict": editor.conflict,
        "has_errors": editor.has_errors,
        "focus_alert": focus_alert,
        "return_url": back,
        "cancel_url": at_card(back, editor.entry),
        # Under the day's <h2> on the explorer; under the page's <h1> on its own.
        "heading": "h3" if request.htmx else "h2",
    }
    template = f"{EDIT_TEMPLATE}#card_form" if request.htmx else EDIT_TEMPLATE
    return TemplateResponse(request, template, context, status=status)


def saved(request: HttpRequest, pk: int, back: str) -> HttpResponse:
    entry = card_entries(Entry.objects.filter(pk=pk)).get()
    if not request.htmx:
        messages.success(request, f"Saved “{entry.title}”.")
        response = HttpResponseRedirect(at_card(back, entry))
        response.status_code = 303  # See Other: the browser GETs the explorer.
        return response
    context = {
        "entry": entry,
        "focus_card": True,
        "return_url": back,
        "saved_message": f"Saved “{entry.title}”.",
        **explorer_state(request),
    }
    response = TemplateResponse(request, f"{EDIT_TEMPLATE}#card_saved", context)
    return trigger_client_event(response, SAVED_EVENT, {"id": entry.pk})


@curator_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def entry_inline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry's card form (GET), saved in place (POST).

    A refused form (invalid, or based on a version someone else has replaced
    since) is answered with the form again, the errors next to their fields and
    the curator's input kept, with status 200 on purpose, like the CRUD screens'
    entry form: htmx 2 swaps no 4xx answer by default, and a 422 swapped through
    a site-wide ``responseHandling`` setting would still be logged as a failed
    request in the browser's console on every typo. A save is told apart by its
    answer instead: the card (``#card_saved``) with ``HX-Trigger: entrySaved``
    for htmx, a 303 redirect without it.
    """
    entry = get_object_or_404(Entry.objects.select_related("recap", "day", "place"), pk=pk)
    back = return_url(request, entry)
    if request.method == "GET":
        return render_form(request, InlineEntryEditor(entry), back)

    editor = InlineEntryEditor(entry, data=request.POST)
    if editor.is_valid():
        try:
            editor.save(request.user)
        except StaleEntry:
            editor.form.add_error(None, ValidationError(STALE_MESSAGE, code="stale"))
        else:
            return saved(request, entry.pk, back)
    if editor.is_stale:
        editor.refuse_stale()
    return render_form(request, editor, back, status=REFUSED)


@curator_required(PERMISSION)
@require_safe
def entry_inline_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's card, focused: what "Cancel" puts back in place of the form."""
    entry = get_object_or_404(card_entries(Entry.objects.all()), pk=pk)
    back = return_url(request, entry)
    if not request.htmx:
        return HttpResponseRedirect(at_card(back, entry))
    context = {"entry": entry, "focus_card": True, "return_url": back}
    return TemplateResponse(request, CARD_TEMPLATE, context)


@curator_required(PERMISSION)
@require_POST
def entry_preview(request: HttpRequest) -> HttpResponse:
    """A summary as a card would show it: Markdown rendered, then sanitized.

    The text is the POST field named by ``?field=`` (the card forms' fields carry
    the entry's prefix), else ``summary``.
    """
    field = request.GET.get("field") or "summary"
    text = request.POST.get(field, "")
    context = {"preview": render_markdown(text), "empty": not text.strip()}
    return TemplateResponse(request, f"{EDIT_TEMPLATE}#preview", context)
