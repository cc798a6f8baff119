"""Template helpers for the attendee pages: ``{% load explorer_tags %}``."""

from urllib.parse import urlsplit

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from ..cards import render_card
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


@register.simple_tag
def explore_url(name: str, value: str) -> str:
    """The explorer filtered on one value: ``{% explore_url "speaker" person.slug %}``."""
    return build_explore_url({name: [value]})


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
