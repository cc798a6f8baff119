"""Template helpers for the attendee pages: ``{% load explorer_tags %}``."""

import datetime as dt
from urllib.parse import urlsplit

from django import template
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from ..markdown import render_markdown
from ..views import explore_url as build_explore_url

register = template.Library()

LINKABLE_SCHEMES = {"http", "https", "mailto"}


@register.filter
def markdown(text: str | None) -> SafeString:
    """Render Markdown as sanitized HTML: ``{{ entry.summary|markdown }}``."""
    return render_markdown(text or "")


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
