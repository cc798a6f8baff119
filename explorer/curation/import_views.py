"""Importing a recap in the browser: upload, review with the evidence, correct, import.

Every view needs ``explorer.import_recap`` (``access.curator_required``: anonymous
→ login, by ``HX-Redirect`` for htmx; without the permission → 403) and sees only
the curator's own pending imports (another's is a 404).

``recap-import`` (``/manage/import/``)
    GET: the upload form and the curator's pending imports. POST: reads the
    upload; a refusal is shown next to its field and stores nothing; else a
    ``PendingImport`` is stored and the curator sent (303) to its review.
``recap-import-review`` (``/manage/import/<pk>/``)
    The review: the recap, each day's entries as cards with the importer's
    evidence and, for a recap already in the database, the diff. ``?unsure=1``
    lists only the entries the importer was unsure of; ``?edit=<slug>`` opens one
    card's corrections (how the "Correct" link works without JavaScript).
``recap-import-entry`` (``…/entries/<slug>/``)
    GET: one card (htmx: "Cancel"; a plain request goes to the review). POST:
    saves its corrections; htmx gets the card and, out of band, the import panel
    (its counts and the revision the import form carries); a plain POST is sent
    back to the review (303).
``recap-import-entry-edit`` (``…/entries/<slug>/edit/``)
    GET: the card's correction form (htmx: the fragment; plain: the review with
    that card open).
``recap-import-commit`` (``…/import/``)
    POST: imports the corrected document in one transaction with the loader
    (``load_recap``, as ``import_recap`` does), the curator recorded in history,
    then lands on the recap with a summary. Already imported (a second click, a
    reload): nothing is imported again. Stale (corrections saved in another tab,
    or the recap changed in the database since the review was shown): nothing is
    imported; the review is shown again with what changed, to confirm.
``recap-import-discard`` (``…/discard/``)
    POST: deletes the pending import.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ..loading import LoadError, day_slug_of, load_recap, refresh_planner_statistics
from ..models import PendingImport
from ..recap_input import sentence
from .access import curator_required, redirect_to
from .history import stamp_as_one_action
from .import_diff import ArchiveMatches, changed_since, diff_recap, recap_state
from .import_forms import CorrectionForm, RecapUploadForm
from .web_import import (
    ReviewCard,
    corrected_document,
    document_data,
    names_in,
    review_cards,
    review_days,
    updated_corrections,
)

PERMISSION = "explorer.import_recap"
START_TEMPLATE = "explorer/crud/import_start.html"
REVIEW_TEMPLATE = "explorer/crud/import_review.html"


def _see_other(request: HttpRequest, url: str) -> HttpResponse:
    """After a POST: 303 (the browser GETs ``url``); for htmx, ``HX-Redirect``."""
    if request.htmx:
        return redirect_to(request, url)
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _open_pending(request: HttpRequest, pk: int) -> PendingImport:
    """The curator's own pending import, not yet imported nor expired (else 404)."""
    return get_object_or_404(PendingImport.objects.open(), pk=pk, owner=request.user)


def review_url(pending: PendingImport, key: str = "") -> str:
    url = reverse("recap-import-review", kwargs={"pk": pending.pk})
    return f"{url}#entry-{key}" if key else url


# -- Upload --------------------------------------------------------------------------


@curator_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """The upload form, and the curator's pending imports."""
    PendingImport.objects.expired().delete()
    form = RecapUploadForm()
    if request.method == "POST":
        form = RecapUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.document
            pending = PendingImport.objects.create(
                owner=request.user,
                expires_at=timezone.now() + PendingImport.lifetime(),
                source_name=form.source_name[:255],
                recap_slug=data.slug,
                recap_name=data.name,
                document=data.to_dict(),
                explanation=form.explanation.to_dict(),
            )
            return _see_other(request, review_url(pending))
    pending = request.user.pending_imports.open().defer(
        "document", "explanation", "corrections", "summary"
    )
    context = {"form": form, "pending_imports": pending, "days": PendingImport.lifetime().days}
    return TemplateResponse(request, START_TEMPLATE, context)


@curator_required(PERMISSION)
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    pending = get_object_or_404(PendingImport, pk=pk, owner=request.user)
    pending.delete()
    messages.success(request, f"Discarded the upload of “{pending.recap_name}”.")
    return _see_other(request, reverse("recap-import"))


# -- Review --------------------------------------------------------------------------


class Review:
    """Everything the review page shows, built in a fixed number of queries."""

    def __init__(self, pending: PendingImport, *, only_unsure: bool = False) -> None:
        self.pending = pending
        self.data = corrected_document(pending.document, pending.corrections)
        matches = ArchiveMatches(*names_in(pending.document, pending.corrections))
        self.diff = diff_recap(self.data, matches)
        # Read now, before the page is shown: the import form carries it back.
        self.state = recap_state(pending.recap_slug)
        self.days, self.cards = review_cards(
            pending.document,
            pending.explanation,
            pending.corrections,
            matches=matches,
            diffs=self.diff.entries if self.diff else None,
        )
        self.only_unsure = only_unsure
        shown = [card for card in self.cards if card.unsure] if only_unsure else self.cards
        self.review_days = [day for day in review_days(self.days, shown) if day.cards]
        self.day_choices = [(day_slug_of(day), day.label) for day in self.days]

    def card(self, key: str) -> ReviewCard:
        for card in self.cards:
            if card.key == key:
                return card
        raise Http404("No such entry in this upload.")

    def form(self, card: ReviewCard, data=None, *, focus: bool = True) -> CorrectionForm:
        initial = None
        if data is None:
            initial = {
                "kind": card.entry.kind,
                "day": card.day_slug,
                "title": card.entry.title,
                "place": card.entry.place or "",
                "omit": card.omitted,
            }
        form = CorrectionForm(
            data,
            entry=card.entry,
            day_slug=card.day_slug,
            days=self.day_choices,
            **({"initial": initial} if initial else {}),
        )
        if focus and data is None:  # htmx focuses it once swapped in; a page load too
            form.fields["kind"].widget.attrs["autofocus"] = True
        return form

    @property
    def counts(self) -> dict[str, int]:
        return {
            "entries": len(self.cards),
            "unsure": sum(1 for card in self.cards if card.unsure),
            "omitted": sum(1 for card in self.cards if card.omitted),
            "corrected": sum(1 for card in self.cards if card.corrected),
            "importing": sum(1 for card in self.cards if not card.omitted),
        }

    def context(self, **extra) -> dict:
        return {
            "pending": self.pending,
            "review": self,
            "recap": self.data,
            "diff": self.diff,
            "counts": self.counts,
            "state": self.state,
            "warnings": self.pending.explanation.get("warnings", []),
            **extra,
        }


def _render_review(
    request: HttpRequest, review: Review, *, editing: str = "", form=None, **extra
) -> TemplateResponse:
    if editing:
        review.card(editing)  # 404 for a slug not in the upload
    context = review.context(editing=editing, edit_form=form, **extra)
    return TemplateResponse(request, REVIEW_TEMPLATE, context)


@curator_required(PERMISSION)
@require_http_methods(["GET", "HEAD"])
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page (a whole page for htmx too: nothing on it asks for a fragment)."""
    done = PendingImport.objects.filter(pk=pk, owner=request.user, imported_at__isnull=False)
    if already := done.select_related("recap").first():
        return _already_imported(request, already)
    pending = _open_pending(request, pk)
    review = Review(pending, only_unsure=request.GET.get("unsure") == "1")
    editing = request.GET.get("edit", "")
    form = review.form(review.card(editing)) if editing else None
    return _render_review(request, review, editing=editing, form=form)


def _card_response(request: HttpRequest, review: Review, card: ReviewCard, **extra):
    context = review.context(card=card, **extra)
    return TemplateResponse(request, f"{REVIEW_TEMPLATE}#card_swap", context)


@curator_required(PERMISSION)
@require_http_methods(["GET", "HEAD"])
def import_entry_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One card's correction form: the fragment for htmx, the review with it open without."""
    pending = _open_pending(request, pk)
    review = Review(pending)
    card = review.card(key)
    if not request.htmx:
        url = reverse("recap-import-review", kwargs={"pk": pk})
        return HttpResponseRedirect(f"{url}?edit={key}#entry-{key}")
    context = review.context(card=card, form=review.form(card), focus=True)
    return TemplateResponse(request, f"{REVIEW_TEMPLATE}#card_form", context)


@curator_required(PERMISSION)
@require_http_methods(["GET", "HEAD", "POST"])
def import_entry(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One card (GET), or its corrections saved (POST)."""
    if request.method != "POST":
        pending = _open_pending(request, pk)
        review = Review(pending)
        card = review.card(key)
        if not request.htmx:
            return HttpResponseRedirect(review_url(pending, key))
        return _card_response(request, review, card, focus=True)

    with transaction.atomic():
        pending = get_object_or_404(
            PendingImport.objects.open().select_for_update(), pk=pk, owner=request.user
        )
        review = Review(pending)
        card = review.card(key)
        form = review.form(card, request.POST)
        if not form.is_valid():
            if request.htmx:
                context = review.context(card=card, form=form, focus=True)
                return TemplateResponse(request, f"{REVIEW_TEMPLATE}#card_form", context)
            return _render_review(request, review, editing=key, form=form)
        changes = form.changes()
        changes["speakers"] = _known_names(changes["speakers"])
        read_day, read_entry = _read_entry(pending, key)
        pending.corrections = updated_corrections(
            pending.corrections, read_entry, read_day, changes
        )
        pending.revision += 1
        pending.save(update_fields=["corrections", "revision"])
    if not request.htmx:
        messages.success(request, f"Corrected “{changes['title']}”.")
        return _see_other(request, review_url(pending, key))
    review = Review(pending)
    # The import form keeps the recap's state the page was shown with: a change
    # in the database since then must still stop the import.
    state = request.POST.get("state") or review.state
    return _card_response(request, review, review.card(key), focus=True, oob=True, state=state)


def _read_entry(pending: PendingImport, key: str):
    for day in document_data(pending.document).days:
        for entry in day.entries:
            if entry.slug == key:
                return day_slug_of(day), entry
    raise Http404("No such entry in this upload.")


def _known_names(speakers: list[list[str]]) -> list[list[str]]:
    """Names typed for people already in the archive, written as the archive has them."""
    matches = ArchiveMatches({name for name, _role in speakers}, set())
    return [[(matches.person(name) or ("", name))[1], role] for name, role in speakers]


# -- Import --------------------------------------------------------------------------


def _already_imported(request: HttpRequest, pending: PendingImport) -> HttpResponse:
    when = timezone.localtime(pending.imported_at).strftime("%-d %b %Y, %H:%M")
    messages.info(
        request, f"“{pending.recap_name}” was already imported from this upload ({when})."
    )
    url = pending.recap.get_absolute_url() if pending.recap else reverse("recap-import")
    return _see_other(request, url)


@curator_required(PERMISSION)
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the reviewed, corrected recap: once, and only as the curator saw it."""
    try:
        with transaction.atomic():
            # Locked: a second click waits here, then finds it imported.
            pending = get_object_or_404(
                PendingImport.objects.select_for_update().filter(expires_at__gt=timezone.now()),
                pk=pk,
                owner=request.user,
            )
            if pending.imported_at:
                return _already_imported(request, pending)
            stale = []
            if request.POST.get("revision") != str(pending.revision):
                stale.append("The corrections were changed since this page was shown.")
            stale += changed_since(pending.recap_slug, request.POST.get("state", ""))
            if stale:
                return _refused(request, pending, stale=stale)
            data = corrected_document(pending.document, pending.corrections)
            overwrite = set(request.POST.getlist("overwrite"))
            started = timezone.now()
            recap, report = load_recap(data, force_entries=overwrite)
            stamp_as_one_action(request.user, started)
            pending.imported_at = timezone.now()
            pending.recap = recap
            pending.summary = report.lines()
            pending.save(update_fields=["imported_at", "recap", "summary"])
    except (LoadError, DatabaseError) as error:
        pending = _open_pending(request, pk)
        reason = sentence(error) if isinstance(error, LoadError) else "the database refused it."
        return _refused(request, pending, error=f"Nothing was imported: {reason}")
    # The curator waits for this answer: statistics, no vacuum (see there).
    refresh_planner_statistics(vacuum=False)
    entries = {"created": 0, "updated": 0, "unchanged": 0}
    for outcome in entries:
        entries[outcome] = sum(
            n for what, n in getattr(report, outcome).items() if what.startswith("entries")
        )
    messages.success(
        request,
        f"Imported “{recap.name}”: {_entries(entries['created'])} created, "
        f"{entries['updated']} updated, {entries['unchanged']} unchanged; "
        f"{_values(len(report.kept))} kept, {len(report.overwritten)} overwritten.",
    )
    for note in report.kept:
        messages.info(request, f"Kept curated value: {note}")
    url = recap.get_absolute_url()
    return _see_other(request, url)


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _values(n: int) -> str:
    return f"{n} curated value{'' if n == 1 else 's'}"


def _refused(request: HttpRequest, pending: PendingImport, **notice) -> TemplateResponse:
    """The review again, fresh, saying why nothing was imported."""
    review = Review(pending)
    template = f"{REVIEW_TEMPLATE}#review" if request.htmx else REVIEW_TEMPLATE
    context = review.context(**notice, editing="", edit_form=None)
    return TemplateResponse(request, template, context)
