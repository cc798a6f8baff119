"""The attendee pages: the explorer (HTML, htmx fragment and JSON) and the detail pages.

The explorer is one view for three answers: the full page, the
``explorer/explore.html#results`` fragment for htmx requests (the same template,
so the two cannot drift apart) and ``?format=json``. Every page lists its
entries with the same few queries, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control

from .filters import SEARCH_MAX_LENGTH, EntryFilterSet, Facet
from .models import Credit, Day, Dish, Entry, Person, Place, Recap, Topic

EXPLORE_TEMPLATE = "explorer/explore.html"
FORMATS = {"html", "json"}
# The element ids whose htmx requests come from the search box's own form.
SEARCH_TRIGGERS = {"filters", "q"}


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
    response = TemplateResponse(request, EXPLORE_TEMPLATE, context, status=400)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    entries = list(filterset.qs)
    facets = filterset.facets()

    if fmt == "json":
        return JsonResponse(
            {
                "count": len(entries),
                "results": [entry_json(entry) for entry in entries],
                "facets": {facet.name: facet.as_json() for facet in facets},
            }
        )

    state = _state(filterset)
    chips = _chips(state, facets)
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request
    context = {
        "entries": entries,
        "count": len(entries),
        "facets": facets,
        "chips": chips,
        # Named after the filters, so that history entries and tabs tell states apart.
        "page_title": "Explore" + (": " + ", ".join(c.label for c in chips) if chips else ""),
        "q": state["q"][0] if state["q"] else "",
        "search_max_length": SEARCH_MAX_LENGTH,
        "is_filtered": any(state.values()),
        "several_recaps": len({entry.recap_id for entry in entries}) > 1,
        "fragment": fragment,
        # A chip or "clear all" link changed the search text: update the box too.
        "sync_search": fragment and htmx.trigger not in SEARCH_TRIGGERS,
        "recaps": Recap.objects.all(),
    }
    template = f"{EXPLORE_TEMPLATE}#results" if fragment else EXPLORE_TEMPLATE
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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


def speaker_page(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    entries = card_entries(Entry.objects.filter(credits__person=person))
    context = {
        "person": person,
        "entries": entries,
        "explore_url": explore_url({"speaker": [person.slug]}),
    }
    return TemplateResponse(request, "explorer/speaker_page.html", context)


def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    entries = card_entries(Entry.objects.filter(topics=topic))
    context = {
        "topic": topic,
        "entries": entries,
        "explore_url": explore_url({"topic": [topic.slug]}),
    }
    return TemplateResponse(request, "explorer/topic_page.html", context)


def day_page(request: HttpRequest, recap: str, slug: str) -> HttpResponse:
    day = get_object_or_404(Day.objects.select_related("recap"), recap__slug=recap, slug=slug)
    entries = card_entries(Entry.objects.filter(day=day))
    context = {"day": day, "entries": entries, "explore_url": explore_url({"day": [day.slug]})}
    return TemplateResponse(request, "explorer/day_page.html", context)


def place_page(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    dishes_here = Dish.objects.filter(place=place).values("entry_id")
    entries = card_entries(Entry.objects.filter(Q(place=place) | Q(pk__in=dishes_here)))
    context = {
        "place": place,
        "entries": entries,
        # The explorer has no place filter: its search covers place names.
        "explore_url": explore_url({"q": place.name}),
    }
    return TemplateResponse(request, "explorer/place_page.html", context)
