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

import hashlib
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition
from django.views.decorators.vary import vary_on_headers

from .filters import SEARCH_MAX_LENGTH, EntryFilterSet, Facet, speaker_search
from .models import Credit, Day, Dish, Entry, Person, Place, Recap, Topic

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


def card_entries(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """``queryset`` with what a card shows loaded up front, in recap order."""
    return (
        queryset.select_related("day", "recap", "place")
        .prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("person")),
            "topics",
            Prefetch("dishes", queryset=Dish.objects.select_related("place")),
        )
        .order_by("-recap__start_date", "recap__name", "recap_id", "day__order", "order", "pk")
    )


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
        labels = {v.value: v.label for v in facet.values}
        for value in state[facet.name]:
            rest = {**state, facet.name: [v for v in state[facet.name] if v != value]}
            # An unknown slug still gets a chip, so that it can be removed.
            chips.append(Chip(facet.legend, labels.get(value, value), explore_url(rest)))
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
        "day": entry.day.label,
        "day_slug": entry.day.slug,
        "speakers": [credit.person.name for credit in entry.credits.all()],
        "topics": [topic.name for topic in entry.topics.all()],
        "place": entry.place.name if entry.place else None,
        "dishes": [dish.name for dish in entry.dishes.all()],
        "summary": entry.summary,
        "url": entry.get_absolute_url(),
    }


def _bad_request(request: HttpRequest, fmt: str, errors: dict[str, list[str]]) -> HttpResponse:
    if fmt == "json":
        return JsonResponse({"errors": errors}, status=400)
    context = {"errors": [m for messages in errors.values() for m in messages], "entries": []}
    return TemplateResponse(request, EXPLORE_TEMPLATE, context, status=400)


# What the explorer shows changes only when one of these tables does: the newest
# history row of each (every curator edit, import and ORM delete writes one), plus
# the entries' newest change and id (bulk loads write no history) and the number
# of recaps (``generate_archive --clear`` deletes whole recaps without history).
# Each is an index lookup: no COUNT over the entries, which PostgreSQL would scan.
_VERSION_TABLES = (
    "explorer_historicalrecap",
    "explorer_historicalday",
    "explorer_historicalperson",
    "explorer_historicaltopic",
    "explorer_historicalplace",
    "explorer_historicalentry",
    "explorer_historicalentry_topics",
    "explorer_historicalcredit",
    "explorer_historicaldish",
)
_VERSION_SQL = "SELECT " + ", ".join(
    [
        "(SELECT MAX(updated_at) FROM explorer_entry)",
        "(SELECT MAX(id) FROM explorer_entry)",
        "(SELECT COUNT(*) FROM explorer_recap)",
        "(SELECT MAX(id) FROM explorer_entry_topics)",
    ]
    + [f"(SELECT MAX(history_id) FROM {table})" for table in _VERSION_TABLES]
)


def data_version() -> str:
    """A string that changes whenever the explorer's data does (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        return repr(cursor.fetchone())


def explore_etag(request: HttpRequest) -> str:
    """The explorer's ETag: the request's inputs and the data version, hashed.

    Everything the answer depends on goes in: the query string, the htmx headers
    that pick the fragment and its out-of-band parts, who is asking (curators see
    more) and their CSRF cookie (the page embeds a token for it). It is weak: the
    same answer gzipped (``GZipMiddleware``) or not, or with its CSRF token masked
    afresh, is the same to the reader; the 200 and the 304 carry the same one.
    """
    parts = [
        request.META.get("QUERY_STRING", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Trigger", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        str(request.user.pk) if getattr(request, "user", None) else "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        data_version(),
    ]
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    request._explore_etag = etag
    return f'W/"{etag}"'


def cached_by_etag(view):
    """Serve a repeated anonymous request from the cache, keyed by its ETag.

    The ETag already names the data version and everything the answer depends
    on, so a hit can never be stale: no invalidation is needed, and each app
    server's own cache (the default, in memory) is as good as a shared one.
    Only answers that set no cookie and never used the CSRF token are kept (the
    full page embeds a token, so it is always rendered afresh); logged-in users
    are never served from the cache.
    """

    @wraps(view)
    def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.EXPLORER_CACHE_SECONDS
        etag = getattr(request, "_explore_etag", None)
        if not (seconds and etag and request.method == "GET" and request.user.is_anonymous):
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
    filterset = EntryFilterSet(request.GET, queryset=card_entries(Entry.objects.all()))
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

    # "Load more" gets the next page's cards alone: of the facets it needs the total.
    load_more = fmt == "html" and htmx and htmx.trigger == LOAD_MORE_TRIGGER
    facets = [filterset.facet("kind")] if load_more else filterset.facets(speaker_q)
    total = filterset.total(facets)
    page = Page(request, total)
    entries = list(filterset.qs[page.offset : page.offset + PAGE_SIZE])
    several_recaps = len({entry.recap_id for entry in entries}) > 1
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
        "recaps": Recap.objects.all(),
    }
    template = f"{EXPLORE_TEMPLATE}#results" if fragment else EXPLORE_TEMPLATE
    return TemplateResponse(request, template, context)


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
        card_entries(Entry.objects.all()).prefetch_related("links", "photos"),
        recap__slug=recap,
        slug=slug,
    )
    previous, following = _neighbours(entry)
    context = {"entry": entry, "previous": previous, "next": following}
    return TemplateResponse(request, "explorer/entry_page.html", context)


def detail_entries(queryset: QuerySet[Entry]) -> dict:
    """A detail page's cards: the first ``DETAIL_LIMIT``, and how many there are in all.

    A prolific speaker or a broad topic of a large archive has thousands of
    entries; the page shows the first ones and links to the explorer for the rest.
    The count costs a query only when there are more than the page shows.
    """
    entries = list(card_entries(queryset)[: DETAIL_LIMIT + 1])
    total = len(entries) if len(entries) <= DETAIL_LIMIT else queryset.count()
    return {"entries": entries[:DETAIL_LIMIT], "total": total}


def speaker_page(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    context = {
        "person": person,
        **detail_entries(Entry.objects.filter(credits__person=person)),
        "explore_url": explore_url({"speaker": [person.slug]}),
    }
    return TemplateResponse(request, "explorer/speaker_page.html", context)


def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    context = {
        "topic": topic,
        **detail_entries(Entry.objects.filter(topics=topic)),
        "explore_url": explore_url({"topic": [topic.slug]}),
    }
    return TemplateResponse(request, "explorer/topic_page.html", context)


def day_page(request: HttpRequest, recap: str, slug: str) -> HttpResponse:
    day = get_object_or_404(Day.objects.select_related("recap"), recap__slug=recap, slug=slug)
    context = {
        "day": day,
        **detail_entries(Entry.objects.filter(day=day)),
        "explore_url": explore_url({"day": [day.slug]}),
    }
    return TemplateResponse(request, "explorer/day_page.html", context)


def place_page(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    dishes_here = Dish.objects.filter(place=place).values("entry_id")
    context = {
        "place": place,
        **detail_entries(Entry.objects.filter(Q(place=place) | Q(pk__in=dishes_here))),
        # The explorer has no place filter: its search covers place names.
        "explore_url": explore_url({"q": place.name}),
    }
    return TemplateResponse(request, "explorer/place_page.html", context)
