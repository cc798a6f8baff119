"""Template helpers for the attendee pages: ``{% load explorer_tags %}``."""

import datetime as dt
import html
from collections.abc import Iterable
from urllib.parse import urlsplit

from django import template
from django.core.exceptions import DisallowedHost
from django.template import Context
from django.utils.dateformat import format as date_format
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from ..cards import PreviewPhoto, render_card
from ..filters import Facet, FacetValue
from ..markdown import render_markdown
from ..models import Entry
from ..views import explore_url as build_explore_url

register = template.Library()

LINKABLE_SCHEMES = {"http", "https", "mailto"}


@register.filter
def markdown(text: str | None) -> SafeString:
    """Render Markdown as sanitized HTML: ``{{ entry.summary|markdown }}``."""
    return render_markdown(text or "")


@register.simple_tag(takes_context=True)
def card(context: Context, entry: Entry) -> SafeString:
    """An entry's card, rendered once per version of what it shows: ``{% card entry %}``."""
    return render_card(context, entry)


# One value of a facet (partials/facets.html#value_list): its checkbox inside its label
# (no for= to repeat the id), then its count, read out as "(3 entries)". The id stays:
# htmx gives the focus back to the ticked box by it after a swap.
FACET_OPTION = (
    '\n  <li class="facet-value{empty}"><label>\n'
    '    <input type="checkbox" id="{id}" name="{name}" value="{value}"{checked}{disabled}>'
    '<span class="facet-label">{label}</span><span class="count">'
    '<span class="visually-hidden"> (</span>{count}<span class="visually-hidden"> {noun})</span>'
    "</span></label></li>"
)


@register.simple_tag
def facet_options(facet: Facet, values: Iterable[FacetValue]) -> SafeString:
    """The list items of a facet's values: ``{% facet_options facet values %}``.

    One string format per value instead of a dozen template nodes: an answer
    shows a hundred values or so, and rendering them was a fifth of its time.
    """
    # The standard library's escape, as Django's does it, without its lazy-text check.
    escape = html.escape
    name = escape(facet.name)
    items = []
    for option in values:
        disabled = option.disabled
        items.append(
            FACET_OPTION.format(
                empty=" is-empty" if disabled else "",
                id=f"f-{name}-{escape(option.html_id)}",
                name=name,
                value=escape(option.value),
                checked=" checked" if option.selected else "",
                disabled=" disabled" if disabled else "",
                label=escape(option.label),
                count=option.count,
                noun="entry" if option.count == 1 else "entries",
            )
        )
    return mark_safe("".join(items))


@register.simple_tag
def explore_url(*pairs: str) -> str:
    """The explorer filtered on values: ``{% explore_url "speaker" person.slug %}``.

    Give several names and values for several filters:
    ``{% explore_url "recap" day.recap.slug "day" day.slug %}``.
    """
    params: dict[str, list[str]] = {}
    for name, value in zip(pairs[::2], pairs[1::2], strict=True):
        params.setdefault(name, []).append(value)
    return build_explore_url(params)


# Between the two ends of a date range.
EN_DASH = "\u2013"


@register.filter
def date_range(start: dt.date | None, end: dt.date | None = None) -> str:
    """A conference's dates as people write them: "22-27 September 2024" (an en dash).

    ``{{ recap.start_date|date_range:recap.end_date }}``; "30 May - 2 June 2024"
    across months, the years in full across years, "" without a start.
    """
    if not start:
        return ""
    if not end or end <= start:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{EN_DASH}{date_format(end, 'j F Y')}"
    first = date_format(start, "j F" if start.year == end.year else "j F Y")
    return f"{first} {EN_DASH} {date_format(end, 'j F Y')}"


@register.filter
def safe_url(url: str | None) -> str:
    """``url`` if it is an http(s) or mailto address, else "" (never a javascript: link).

    Stored URLs are not all validated (imports and the ORM skip form validation),
    so a template links one only through this filter:
    ``{% with href=link.url|safe_url %}{% if href %}<a href="{{ href }}">…``.
    """
    url = (url or "").strip()
    # urlsplit drops the tabs and newlines browsers ignore inside a scheme.
    return url if urlsplit(url).scheme.lower() in LINKABLE_SCHEMES else ""


# -- Link previews: meta description, Open Graph and Twitter card tags ------------------

SITE_NAME = "Recap Explorer"
SITE_DESCRIPTION = (
    "Recap Explorer: the talks, people, meals and places of conference recaps, to browse, "
    "filter, pick, print and share."
)
# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 200


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: render the content into ``name``.

    For text made of several values, such as a page's description.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


def absolute_url(request, location: str | None = None) -> str:
    """``request.build_absolute_uri(location)``, or "" for a host not allowed (the 400 page)."""
    if request is None:
        return ""
    try:
        return request.build_absolute_uri(location)
    except DisallowedHost:
        return ""


@register.simple_tag(takes_context=True)
def page_url(context: template.Context) -> str:
    """This page's full address: ``{% page_url %}``."""
    return absolute_url(context.get("request"))


def plain_text(text: str) -> str:
    """Rendered HTML (or Markdown rendered first) as one line of plain text."""
    return " ".join(html.unescape(strip_tags(text)).split())


@register.inclusion_tag("partials/meta.html", takes_context=True)
def page_meta(
    context: template.Context,
    title: str = SITE_NAME,
    description: str = "",
    markdown_description: str = "",
    kind: str = "website",
    photo: PreviewPhoto | None = None,
) -> dict:
    """A page's description and its Open Graph and Twitter card tags.

    ``description`` is HTML-escaped text (a ``{% capture %}``), or give
    ``markdown_description`` (a summary); ``photo`` illustrates the page: its
    view picks it (``explorer.cards.preview_photo``).
    """
    request = context.get("request")
    if markdown_description:
        description = render_markdown(markdown_description)
    text = plain_text(str(description)) or SITE_DESCRIPTION
    image = absolute_url(request, photo.src) if photo is not None else ""
    if urlsplit(image).scheme not in {"http", "https"}:
        image = ""
    return {
        "title": title,
        "description": Truncator(text).chars(DESCRIPTION_LENGTH),
        "image": image,
        "image_alt": photo.caption if image else "",
        "kind": kind,
        "url": absolute_url(request),
        "site_name": SITE_NAME,
    }


@register.filter
def titles(entries: Iterable, total: int | None = None) -> str:
    """``Keynote, Lunch, Panel and 4 more``: the first three titles of ``total`` entries."""
    entries = list(entries)
    names = [entry.title for entry in entries[:3]]
    rest = (len(entries) if total is None else int(total)) - len(names)
    if rest > 0:
        return f"{', '.join(names)} and {rest} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0] if names else ""
