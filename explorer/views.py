"""The attendee pages: the explorer (HTML, htmx fragment and JSON) and the detail pages.

The explorer is one view for all its answers: the full page, the
``explorer/explore.html#results`` fragment for htmx requests (the same template,
so the two cannot drift apart), ``?format=json``, and two smaller fragments for
htmx requests from inside the page: the next page's cards for "Load more"
(``#result_page``) and the speaker list for the speaker facet's search box
(``partials/facets.html#facet_values``). Every answer lists its entries with the
same few queries, whatever their number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition
from django.views.decorators.vary import vary_on_headers

from .cards import CARD_PARTS, PreviewPhoto, load_cards, preview_photo
from .filters import SEARCH_MAX_LENGTH, EntryFilterSet, Facet, speaker_search
from .models import Day, Dish, Entry, EntryKind, Person, Place, Recap, Topic
from .versions import request_data_version

EXPLORE_TEMPLATE = "explorer/explore.html"
# Cards per page of the explorer (HTML and JSON).
PAGE_SIZE = 24
# Cards on a speaker, topic, day or place page; the explorer has the rest.
DETAIL_LIMIT = 60
FORMATS = {"html", "json"}
# The element ids whose htmx requests leave the search box alone: the search
# box's own form (the filters) and the box itself.
SEARCH_TRIGGERS = {"filters", "q"}
# The ids of the speaker facet's search box (partials/facets.html) and of the
# explorer's "Load more" link, whose htmx requests get a partial answer of their own.
SPEAKER_SEARCH_TRIGGER = "speaker-q"
LOAD_MORE_TRIGGER = "load-more"


def card_rows(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """``queryset`` in recap order, with each entry's day, recap and place beside it.

    The rest of what a card shows is ``CARD_PARTS``: ``load_cards`` loads it for
    the cards the cache does not have.
    """
    # Undated conferences last on every database, as the conference facet lists
    # them: PostgreSQL would put them first, SQLite already puts them last. The
    # explorer's own page query (``explorer.rows``) sorts the same way in SQL;
    # tests/test_rows.py checks that the two agree.
    return queryset.select_related("day", "recap", "place").order_by(
        F("recap__start_date").desc(nulls_last=True),
        "recap__name",
        "recap_id",
        "day__order",
        "order",
        "pk",
    )


def card_entries(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """``queryset`` with everything a card shows loaded up front, in recap order."""
    return card_rows(queryset).prefetch_related(*CARD_PARTS)


def explore_url(params: dict[str, list[str] | str] | None = None) -> str:
    """The explorer's URL for a filter state, e.g. ``{"topic": ["orm"]}`` -> ``/?topic=orm``."""
    url = reverse("explore")
    pairs = []
    for name, values in (params or {}).items():
        for value in [values] if isinstance(values, str) else values:
            if value:
                pairs.append((name, value))
    return f"{url}?{urlencode(pairs)}" if pairs else url


@dataclass
class Chip:
    """An active filter value, shown with a link that removes it."""

    legend: str
    label: str
    remove_url: str


def _state(filterset: EntryFilterSet) -> dict[str, list[str]]:
    state = {name: filterset.selected(name) for name in EntryFilterSet.FACETS}
    q = filterset.form.cleaned_data.get("q") or ""
    state["q"] = [q] if q.strip() else []
    return state


def _chips(state: dict[str, list[str]], facets: list[Facet]) -> list[Chip]:
    chips = []
    for facet in facets:
        for value in state[facet.name]:
            rest = {**state, facet.name: [v for v in state[facet.name] if v != value]}
            # An unknown slug still gets a chip (saying the slug), so that it can be removed.
            chips.append(Chip(facet.legend, facet.label(value), explore_url(rest)))
    for q in state["q"]:
        chips.append(Chip("Search", f"“{q}”", explore_url({**state, "q": []})))
    return chips


def entry_json(entry: Entry) -> dict:
    return {
        "title": entry.title,
        "slug": entry.slug,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "recap": entry.recap.slug,
        "recap_name": entry.recap.name,
        "day": entry.day.label,
        "day_slug": entry.day.slug,
        "speakers": [credit.person.name for credit in entry.credits.all()],
        "topics": [topic.name for topic in entry.topics.all()],
        "place": entry.place.name if entry.place else None,
        "dishes": [dish.name for dish in entry.dishes.all()],
        "summary": entry.summary,
        # The card's photo: the first one, where it can be shown.
        "photo": next((photo.src or None for photo in entry.photos.all()), None),
        "url": entry.get_absolute_url(),
    }


def _bad_request(request: HttpRequest, fmt: str, errors: dict[str, list[str]]) -> HttpResponse:
    if fmt == "json":
        return JsonResponse({"errors": errors}, status=400)
    context = {"errors": [m for messages in errors.values() for m in messages], "entries": []}
    return TemplateResponse(request, EXPLORE_TEMPLATE, context, status=400)


def explore_etag(request: HttpRequest) -> str:
    """The explorer's ETag: the request's inputs and the data version, hashed.

    Everything the answer depends on goes in: the site's address (the link
    preview and the JSON's page links are absolute), the query string, the htmx
    headers that pick the fragment and its out-of-band parts, who is asking
    (curators see more) and, for a logged-in user, their CSRF cookie (their page
    embeds a token for it; an anonymous visitor's embeds none). It is weak: the
    same answer gzipped (``GZipMiddleware``) or not, or with its CSRF token masked
    afresh, is the same to the reader; the 200 and the 304 carry the same one.
    """
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    parts = [
        request.build_absolute_uri("/"),
        request.META.get("QUERY_STRING", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Trigger", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        str(user.pk) if signed_in else "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, "") if signed_in else "",
        request_data_version(request),
    ]
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    request._explore_etag = etag
    return f'W/"{etag}"'


def cached_by_etag(view):
    """Serve a repeated anonymous request from the cache, keyed by its ETag.

    The ETag already names the data version and everything the answer depends
    on, so a hit can never be stale: no invalidation is needed, and each app
    server's own cache (the default, in memory) is as good as a shared one.
    Only answers that set no cookie and never used the CSRF token are kept (an
    anonymous visitor's page embeds none, so it is kept like the fragments); logged-in
    users are never served from the cache, nor is a visitor with messages waiting
    (a curator who just logged out): their page shows them once.
    """

    @wraps(view)
    def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.EXPLORER_CACHE_SECONDS
        etag = getattr(request, "_explore_etag", None)
        if not (
            seconds
            and etag
            and request.method == "GET"
            and request.user.is_anonymous
            and CookieStorage.cookie_name not in request.COOKIES
        ):
            return view(request, *args, **kwargs)
        key = f"explore:{etag}"
        if hit := cache.get(key):
            content_type, body = hit
            response = HttpResponse(body, content_type=content_type)
            return response
        response = view(request, *args, **kwargs)

        def store(rendered: HttpResponse) -> None:
            if (
                rendered.status_code == 200
                and not rendered.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                cache.set(key, (rendered["Content-Type"], rendered.content), seconds)

        if isinstance(response, TemplateResponse) and not response.is_rendered:
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return inner


class Page:
    """One page of ``total`` results: ``?page=N`` (1-based; out of range is the nearest)."""

    def __init__(self, request: HttpRequest, total: int) -> None:
        self.request = request
        self.total = total
        self.last = max(1, -(-total // PAGE_SIZE))
        raw = request.GET.get("page", "")
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1
        self.number = min(max(number, 1), self.last)
        self.offset = (self.number - 1) * PAGE_SIZE

    @property
    def has_next(self) -> bool:
        return self.number < self.last

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.has_next else None

    def absolute_url(self, number: int) -> str:
        return self.request.build_absolute_uri(self.url(number))

    def url(self, number: int) -> str:
        """This page's query string with ``page=number`` (absent for page 1)."""
        params = self.request.GET.copy()
        params.pop("page", None)
        if number > 1:
            params["page"] = str(number)
        query = params.urlencode()
        return f"{reverse('explore')}?{query}" if query else reverse("explore")


# Every answer depends on these headers (they pick the fragment), 304s and
# cached answers included: the ETag covers them too (``explore_etag``). Accept-Encoding
# is named here too (GZipMiddleware adds it to the 200s only) so that a 304 says it.
@vary_on_headers("HX-Request", "HX-Trigger", "HX-History-Restore-Request", "Accept-Encoding")
@condition(etag_func=explore_etag)
@cached_by_etag
def explore(request: HttpRequest) -> HttpResponse:
    """Every entry as a card, narrowed by the filters in the query string."""
    fmt = request.GET.get("format") or "html"
    if fmt not in FORMATS:
        return _bad_request(
            request, "html", {"format": [f"Unknown format “{fmt[:20]}”: use format=json or none."]}
        )
    filterset = EntryFilterSet(
        request.GET,
        queryset=Entry.objects.all(),  # its page of results: ``EntryFilterSet.results``
        # Facet values (and the unfiltered facets) are cached under it.
        data_version=request_data_version(request),
    )
    if not filterset.is_valid():
        errors = filterset.errors.get_json_data()
        return _bad_request(
            request, fmt, {name: [e["message"] for e in errs] for name, errs in errors.items()}
        )
    speaker_q = speaker_search(request.GET)
    htmx = getattr(request, "htmx", None)
    if fmt == "html" and htmx and htmx.trigger == SPEAKER_SEARCH_TRIGGER:
        # The speaker facet's own search box: just its list of people.
        context = {"facet": filterset.facet("speaker", speaker_q), "oob_status": True}
        return TemplateResponse(request, "partials/facets.html#facet_values", context)

    # "Load more" gets the next page's cards alone: of the facets it needs the
    # conference facet, for the total and to know whether the results span several.
    load_more = fmt == "html" and htmx and htmx.trigger == LOAD_MORE_TRIGGER
    facets = [filterset.facet("recap")] if load_more else filterset.facets(speaker_q)
    total = filterset.total(facets)
    page = Page(request, total)
    entries = filterset.results(facets, page.offset, PAGE_SIZE)
    if fmt == "json":
        prefetch_related_objects(entries, *CARD_PARTS)
    else:
        # The cached cards, and for the others what they show.
        load_cards(request, entries)
    # Day headings name their conference when the results come from several.
    several_recaps = filterset.recaps_in_results(facets) > 1
    if load_more:
        context = {"entries": entries, "page": page, "several_recaps": several_recaps}
        return TemplateResponse(request, f"{EXPLORE_TEMPLATE}#result_page", context)

    if fmt == "json":
        return JsonResponse(
            {
                "count": total,
                "next": page.absolute_url(page.number + 1) if page.has_next else None,
                "previous": page.absolute_url(page.number - 1) if page.has_previous else None,
                "results": [entry_json(entry) for entry in entries],
                "facets": {facet.name: facet.as_json() for facet in facets},
            }
        )

    state = _state(filterset)
    chips = _chips(state, facets)
    fragment = bool(htmx) and not htmx.history_restore_request
    context = {
        "entries": entries,
        "count": total,
        "page": page,
        "facets": facets,
        "chips": chips,
        # Named after the filters, so that history entries and tabs tell states apart.
        "page_title": "Explore" + (": " + ", ".join(c.label for c in chips) if chips else ""),
        "q": state["q"][0] if state["q"] else "",
        "search_max_length": SEARCH_MAX_LENGTH,
        "is_filtered": filterset.is_filtered,
        "several_recaps": several_recaps,
        "fragment": fragment,
        # A chip or "clear all" link changed the search text: update the box too.
        "sync_search": fragment and htmx.trigger not in SEARCH_TRIGGERS,
        # The page's heading: the one recap's facts, or the archive's span.
        "recaps": Recap.objects.all()[:2],
        "archive": _archive(facets),
        # The page's link preview shows its first photo (``page_meta``).
        "preview_photo": None if fragment else preview_photo(entries),
    }
    template = f"{EXPLORE_TEMPLATE}#results" if fragment else EXPLORE_TEMPLATE
    return TemplateResponse(request, template, context)


def _archive(facets: list[Facet]) -> dict[str, Any]:
    """How many conferences have entries, and the years they span (from the facets)."""
    by_name = {facet.name: facet for facet in facets}
    years = [int(v.value) for v in by_name["year"].values]
    return {
        "conferences": len(by_name["recap"].all_counts),
        "first_year": min(years, default=None),
        "last_year": max(years, default=None),
    }


# The site's mark (the header's logo square), so that browsers asking for an icon
# get one instead of a 404.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
    '<stop offset="0" stop-color="#0b6b4c"/><stop offset="1" stop-color="#1d4ed8"/>'
    "</linearGradient></defs>"
    '<rect width="32" height="32" rx="7" fill="url(#g)"/>'
    '<path d="M16 7l2.6 5.6 6.1.7-4.5 4.2 1.2 6-5.4-3-5.4 3 1.2-6-4.5-4.2 6.1-.7z" fill="#fff"/>'
    "</svg>"
)


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FAVICON_SVG, content_type="image/svg+xml")


def _neighbours(entry: Entry) -> tuple[Entry | None, Entry | None]:
    """The entries before and after ``entry`` on its day."""
    same_day = Entry.objects.filter(day_id=entry.day_id).select_related("recap")
    before = Q(order__lt=entry.order) | Q(order=entry.order, pk__lt=entry.pk)
    after = Q(order__gt=entry.order) | Q(order=entry.order, pk__gt=entry.pk)
    previous = same_day.filter(before).order_by("-order", "-pk").first()
    following = same_day.filter(after).order_by("order", "pk").first()
    return previous, following


def entry_page(request: HttpRequest, recap: str, slug: str) -> HttpResponse:
    entry = get_object_or_404(
        card_entries(Entry.objects.all()).prefetch_related("links"),
        recap__slug=recap,
        slug=slug,
    )
    previous, following = _neighbours(entry)
    context = {
        "entry": entry,
        "previous": previous,
        "next": following,
        "preview_photo": preview_photo([entry]),  # its photos are loaded: no query
    }
    return TemplateResponse(request, "explorer/entry_page.html", context)


def detail_cards(request: HttpRequest, entries: list[Entry]) -> PreviewPhoto | None:
    """A detail page's cards from the card cache, and the photo of its link preview."""
    load_cards(request, entries)
    return preview_photo(entries)


def detail_entries(request: HttpRequest, queryset: QuerySet[Entry]) -> dict:
    """A detail page's cards: the first ``DETAIL_LIMIT``, and how many there are in all.

    A prolific speaker or a broad topic of a large archive has thousands of
    entries; the page shows the first ones and links to the explorer for the rest.
    The count costs a query only when there are more than the page shows.
    """
    entries = list(card_rows(queryset)[: DETAIL_LIMIT + 1])
    total = len(entries) if len(entries) <= DETAIL_LIMIT else queryset.count()
    photo = detail_cards(request, entries[:DETAIL_LIMIT])
    return {"entries": entries[:DETAIL_LIMIT], "total": total, "preview_photo": photo}


@dataclass
class RecapGroup:
    """A detail page's entries at one conference: its first cards and how many in all."""

    slug: str
    name: str
    start_date: dt.date | None
    count: int
    explore_url: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return reverse("recap", kwargs={"slug": self.slug})


def entries_by_recap(
    request: HttpRequest, queryset: QuerySet[Entry], params: dict[str, list[str]]
) -> dict:
    """A detail page's cards grouped by conference, newest first, with counts (two queries).

    Every conference of the entries gets its count (one grouped query) and a link
    to the explorer filtered on ``params`` and on it; the page shows the first
    ``DETAIL_LIMIT`` cards in all, so a prolific speaker of a large archive costs
    what one page of cards costs.
    """
    counts = (
        queryset.order_by()
        .values("recap_id", "recap__slug", "recap__name", "recap__start_date")
        .annotate(n=Count("pk"))
    )
    groups = {
        row["recap_id"]: RecapGroup(
            slug=row["recap__slug"],
            name=row["recap__name"],
            start_date=row["recap__start_date"],
            count=row["n"],
            explore_url=explore_url({**params, "recap": [row["recap__slug"]]}),
        )
        for row in counts
    }
    entries = list(card_rows(queryset)[:DETAIL_LIMIT])
    photo = detail_cards(request, entries)
    for entry in entries:
        groups[entry.recap_id].entries.append(entry)
    ordered = sorted(groups.values(), key=lambda g: (g.name, g.slug))
    ordered.sort(key=lambda g: g.start_date or dt.date.min, reverse=True)
    return {
        "groups": ordered,
        # The shown cards in the page's order, for its description and preview photo.
        "entries": [entry for group in ordered for entry in group.entries],
        "total": sum(group.count for group in ordered),
        "explore_url": explore_url(params),
        "preview_photo": photo,
    }


def speaker_page(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    context = {
        "person": person,
        **entries_by_recap(
            request, Entry.objects.filter(credits__person=person), {"speaker": [slug]}
        ),
    }
    return TemplateResponse(request, "explorer/speaker_page.html", context)


def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    context = {
        "topic": topic,
        **entries_by_recap(request, Entry.objects.filter(topics=topic), {"topic": [slug]}),
    }
    return TemplateResponse(request, "explorer/topic_page.html", context)


def day_page(request: HttpRequest, recap: str, slug: str) -> HttpResponse:
    day = get_object_or_404(Day.objects.select_related("recap"), recap__slug=recap, slug=slug)
    context = {
        "day": day,
        **detail_entries(request, Entry.objects.filter(day=day)),
        "explore_url": explore_url({"recap": [day.recap.slug], "day": [day.slug]}),
    }
    return TemplateResponse(request, "explorer/day_page.html", context)


def place_page(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    dishes_here = Dish.objects.filter(place=place).values("entry_id")
    entries = Entry.objects.filter(Q(place=place) | Q(pk__in=dishes_here))
    # The explorer has no place filter: its search covers place names.
    context = {"place": place, **entries_by_recap(request, entries, {"q": [place.name]})}
    return TemplateResponse(request, "explorer/place_page.html", context)


# Conferences per page of /recaps/.
RECAPS_PER_PAGE = 60


def recap_index(request: HttpRequest) -> HttpResponse:
    """Every conference as a card, newest first, with its counts (two queries a page)."""
    recaps = Recap.objects.annotate(
        talks=Count("entries", filter=Q(entries__kind__in=Entry.TALK_KINDS)),
        events=Count("entries", filter=Q(entries__kind=EntryKind.EVENT)),
        food_places=Count("entries__place", filter=Q(entries__kind=EntryKind.FOOD), distinct=True),
    ).order_by(F("start_date").desc(nulls_last=True), "name", "pk")
    page = Paginator(recaps, RECAPS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "explorer/recap_index.html", {"page": page})


def recap_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A conference's landing page: its facts, days, speakers and places (five queries)."""
    recap = get_object_or_404(Recap, slug=slug)
    days = recap.days.annotate(n=Count("entries")).order_by("order", "pk")
    kinds = dict(recap.entries.order_by().values_list("kind").annotate(n=Count("pk")))
    speakers = (
        Person.objects.filter(credits__entry__recap=recap)
        .annotate(n=Count("credits"))
        .order_by("-n", "name", "pk")
    )
    dish_places = Dish.objects.filter(entry__recap=recap).values("place_id")
    places = (
        Place.objects.filter(Q(pk__in=recap.entries.values("place_id")) | Q(pk__in=dish_places))
        .annotate(n=Count("entries", filter=Q(entries__recap=recap)))
        .order_by("name", "pk")
    )
    labels = dict(EntryKind.choices)
    context = {
        "recap": recap,
        "days": days,
        "kinds": [(kind, labels[kind], n) for kind, n in sorted(kinds.items(), key=_kind_order)],
        "entry_count": sum(kinds.values()),
        "speakers": speakers,
        "places": places,
        "explore_url": explore_url({"recap": [recap.slug]}),
    }
    return TemplateResponse(request, "explorer/recap_page.html", context)


def _kind_order(item: tuple[str, int]) -> int:
    kind = item[0]
    return EntryKind.values.index(kind) if kind in EntryKind.values else len(EntryKind)
