"""Markdown to safe HTML, for text curators and imports write (entry and day summaries).

markdown-it-py parses CommonMark with raw HTML disabled, so ``<script>`` in a
summary comes out as text; nh3 then cleans the result against an allow-list, a
second line of defence should a future parser option let something through.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

# A summary sits under the page's own headings: "#" becomes <h3>, "##" <h4>...
_HEADING_SHIFT = 2


def _image_as_text(self, tokens, idx, options, env) -> str:
    """Images are not shipped with the recap: show their description, not a broken image."""
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return escapeHtml(alt)


_parser.add_render_rule("image", _image_as_text)

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> SafeString:
    """Render Markdown ``text`` as sanitized HTML, safe to insert in a page."""
    if not text:
        return mark_safe("")
    tokens = _parser.parse(text)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1]) + _HEADING_SHIFT, 6)
            token.tag = f"h{level}"
    html = _parser.renderer.render(tokens, _parser.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    # Cleaned by nh3 against the allow-list above.
    return mark_safe(cleaned)
