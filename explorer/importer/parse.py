"""The recap's Markdown as a tree of sections made of simple blocks.

markdown-it-py's tokens are turned into ``Block``s (paragraphs, list items, code)
whose lines are ``Segment``s (text, links, images), grouped under the heading
they follow. HTML (comments hide unpublished content, headings included), YAML
front matter, the table of contents and "back to top" navigation are dropped
here, so the rest of the importer only ever sees published content. Links are
repaired on the way (a bare domain gets ``https://``, a bare URL on a line of
its own becomes a link) or dropped, each with a warning. In-page links
harvested on the way give the anchors the source uses for its headings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .links import looks_like_url, repair_url
from .text import normalise, split_sentences
from .words import CONTENTS_HEADINGS, NAVIGATION_TEXTS

_MARKS = {"strong": "**", "em": "*", "s": "~~"}


@dataclass
class Segment:
    """A run of inline content: text, a link (``url`` = href) or an image (``url`` = src)."""

    kind: str  # "text", "link", "image", "code" or "mark" (emphasis markers)
    text: str = ""
    url: str = ""
    markdown: str = ""


@dataclass
class Block:
    """A paragraph, list item, quote or code block; ``lines`` are its source lines."""

    kind: str  # "paragraph", "item", "quote", "code" or "heading" (a folded sub-heading)
    lines: list[list[Segment]]
    depth: int = 0  # list nesting depth for items

    @property
    def segments(self) -> list[Segment]:
        return [segment for line in self.lines for segment in line]

    @property
    def text(self) -> str:
        """Plain text, lines joined with spaces."""
        return " ".join(t for t in (line_text(line) for line in self.lines) if t)

    @property
    def markdown(self) -> str:
        """Markdown text without images, lines joined with spaces."""
        rendered = (
            "".join(s.markdown for s in line if s.kind != "image").strip() for line in self.lines
        )
        return " ".join(text for text in rendered if text)

    @property
    def images(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.kind == "image"]

    @property
    def links(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.kind == "link"]

    @property
    def is_navigation(self) -> bool:
        """Only in-page links ("back to top", table of contents lines) and no other text."""
        if not self.links or self.images:
            return False
        if any(
            not (link.url.startswith("#") or _navigation_text(link.text)) for link in self.links
        ):
            return False
        other = "".join(s.text for s in self.segments if s.kind not in {"link", "mark"})
        return _symbols_only(other) or _navigation_text(self.text)


@dataclass
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level."""

    level: int
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> list[Section]:
        """This section and all sections below it, in document order."""
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass
class Document:
    root: Section  # level 0: the blocks before the first heading, and the top headings
    anchors: dict[str, str]  # normalised link text -> anchor, from in-page links
    front_matter: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _symbols_only(text: str) -> bool:
    """Nothing but punctuation, emoji and spaces ("🔝 |", " - ")."""
    return not any(char.isalnum() for char in text)


def _navigation_text(text: str) -> bool:
    """ "back to top", "🔝 Back to top", "⬆️ top": navigation whatever the emoji around it."""
    words = "".join(char if char.isalnum() or char.isspace() else " " for char in text.lower())
    plain = " ".join(words.split())
    return plain in NAVIGATION_TEXTS or (not plain and bool(text.strip()))


def line_text(line: list[Segment]) -> str:
    return " ".join("".join(s.text for s in line if s.kind != "image").split())


def parse_document(markdown_text: str, base_url: str = "") -> Document:
    """Parse Markdown into sections of published blocks and collect the in-page anchors."""
    front_matter, markdown_text = split_front_matter(markdown_text)
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown_text)
    root = Section(level=0, title="")
    document = Document(root=root, anchors={}, front_matter=front_matter)
    _build_sections(tokens, document, base_url)
    _drop_contents_sections(root, document.anchors)
    return document


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter ("---\ntitle: X\n---") as simple key/values, and the rest."""
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for index, line in enumerate(lines[1:60], start=1):
        if line.strip() in {"---", "..."}:
            values = {}
            for entry in lines[1:index]:
                key, colon, value = entry.partition(":")
                if colon and key.strip() and not key.startswith((" ", "\t", "-")):
                    values[key.strip().lower()] = value.strip().strip("\"'")
            if not values:
                return {}, text
            return values, "\n".join(lines[index + 1 :])
    return {}, text


def _build_sections(tokens: list[Token], document: Document, base_url: str) -> None:
    root, anchors = document.root, document.anchors
    stack = [root]
    list_depth = quote_depth = 0
    for index, token in enumerate(tokens):
        if token.type in {"bullet_list_open", "ordered_list_open"}:
            list_depth += 1
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            list_depth -= 1
        elif token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in {"fence", "code_block"}:
            stack[-1].blocks.append(Block("code", [[Segment("text", token.content)]]))
        elif token.type == "inline":
            opener = tokens[index - 1].type if index else ""
            lines = _inline_lines(token.children or [])
            lines = _repair_links(lines, base_url, document.warnings)
            if opener == "heading_open":
                _open_section(stack, int(tokens[index - 1].tag[1:]), lines)
                continue
            kind = "item" if list_depth else "quote" if quote_depth else "paragraph"
            block = Block(kind, lines, depth=list_depth)
            if block.is_navigation:
                _harvest_anchors(block, anchors)
                continue
            block = _without_navigation(block)
            if block.segments:
                stack[-1].blocks.append(block)
        elif token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
            # Raw HTML is not published text, but an <img> in it is a photo.
            images = [_image_segment(src, alt) for src, alt in html_images(token.content)]
            if images:
                stack[-1].blocks.append(Block("paragraph", [images]))
        # Comments (html_block or inline) hide unpublished content: skipped.


def _open_section(stack: list[Section], level: int, lines: list[list[Segment]]) -> None:
    title = " ".join(line_text(line) for line in lines).strip()
    if not title:
        return  # an empty heading starts nothing; its content stays where it is
    section = Section(level=level, title=title)
    if any(segment.kind == "link" for line in lines for segment in line):
        section.blocks.append(Block("heading", lines))  # keeps "### [Place](url)" links
    while stack[-1].level >= level:
        stack.pop()
    stack[-1].children.append(section)
    stack.append(section)


def _without_navigation(block: Block) -> Block:
    """The block less its "back to top" links and the arrows around them."""
    if not any(s.kind == "link" and _is_navigation_link(s) for s in block.segments):
        return block
    lines = []
    for line in block.lines:
        kept = [s for s in line if not (s.kind == "link" and _is_navigation_link(s))]
        while kept and kept[-1].kind in {"text", "mark"} and _symbols_only(kept[-1].text):
            kept.pop()
        if kept and kept[-1].kind == "text":
            text = _strip_trailing_symbols(kept[-1].text)
            kept[-1] = Segment("text", text, markdown=text)
        if kept:
            lines.append(kept)
    return Block(block.kind, lines, block.depth)


def _strip_trailing_symbols(text: str) -> str:
    """ "Text 🔝 " -> "Text": emoji and arrows left behind by a removed navigation link."""
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1])[0] in "SM"):
        end -= 1
    return text[:end] if end < len(text) else text


def _is_navigation_link(link: Segment) -> bool:
    return link.url.startswith("#") and _navigation_text(link.text)


def _harvest_anchors(block: Block, anchors: dict[str, str]) -> None:
    for link in block.links:
        key = normalise(link.text)
        if key and link.url.startswith("#") and len(link.url) > 1:
            anchors.setdefault(key, link.url[1:])


def _drop_contents_sections(section: Section, anchors: dict[str, str]) -> None:
    """Remove table-of-contents sections, keeping their links as anchors."""
    kept = []
    for child in section.children:
        if normalise(child.title) in {normalise(t) for t in CONTENTS_HEADINGS}:
            for block in (b for s in child.walk() for b in s.blocks):
                _harvest_anchors(block, anchors)
            # Prose written under the contents (an intro) belongs to the post, not to them.
            section.blocks += [b for b in child.blocks if b.kind != "heading"]
        else:
            _drop_contents_sections(child, anchors)
            kept.append(child)
    section.children = kept


def _inline_lines(children: list[Token]) -> list[list[Segment]]:
    """Inline tokens as lines of segments; HTML (comments, tags) is left out."""
    lines: list[list[Segment]] = [[]]
    link: tuple[str, list[Segment]] | None = None
    for token in children:
        target = link[1] if link else lines[-1]
        if token.type in {"softbreak", "hardbreak"} or (
            token.type == "html_inline" and re.match(r"<br\s*/?>", token.content, re.I)
        ):
            if link is None:
                lines.append([])
        elif token.type == "text":
            target.append(Segment("text", token.content, markdown=token.content))
        elif token.type == "code_inline":
            target.append(Segment("code", token.content, markdown=f"`{token.content}`"))
        elif token.type == "image":
            lines[-1].append(_image_segment(str(token.attrs.get("src", "")), token.content))
        elif token.type == "html_inline" and token.content.lower().startswith("<img"):
            lines[-1] += [_image_segment(src, alt) for src, alt in html_images(token.content)]
        elif token.type.endswith(("_open", "_close")) and token.tag in {"strong", "em", "s"}:
            marker = _MARKS[token.tag]
            target.append(Segment("mark", markdown=marker))
        elif token.type == "link_open":
            link = (str(token.attrs.get("href", "")), [])
        elif token.type == "link_close" and link is not None:
            lines[-1].append(_link_segment(*link))
            link = None
    if link is not None:
        lines[-1].append(_link_segment(*link))
    return [line for line in lines if line]


def _image_segment(src: str, alt: str) -> Segment:
    return Segment("image", alt, src, f"![{alt}]({src})")


class _ImageFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and values.get("src"):
            self.images.append((values["src"] or "", values.get("alt") or ""))


def html_images(html: str) -> list[tuple[str, str]]:
    """(src, alt) of every <img> in a piece of raw HTML."""
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    return finder.images


def _repair_links(
    lines: list[list[Segment]], base_url: str, warnings: list[str]
) -> list[list[Segment]]:
    """Give bare domains a scheme, turn a lone bare URL into a link, drop unusable links.

    A dropped link keeps its text as plain text, so no words are lost.
    """
    repaired: list[list[Segment]] = []
    for line in lines:
        texts = [s for s in line if s.kind == "text" and s.text.strip()]
        if len(line) == 1 and texts and looks_like_url(texts[0].text):
            line = [_link_segment(texts[0].text.strip(), [Segment("text", texts[0].text.strip())])]
        kept: list[Segment] = []
        for segment in line:
            if segment.kind == "link":
                url, note = repair_url(segment.url, base_url)
                if note:
                    warnings.append(f"link “{segment.text[:60] or segment.url[:60]}”: {note}")
                if url is None:
                    if segment.text:
                        kept.append(Segment("text", segment.text, markdown=segment.text))
                    continue
                if url != segment.url:
                    segment = _link_segment(url, [Segment("text", segment.text)], segment.text)
            kept.append(segment)
        if kept:
            repaired.append(kept)
    return repaired


def _link_segment(url: str, inner: list[Segment], label: str | None = None) -> Segment:
    if label is not None:
        return Segment("link", label, url, f"[{label or url}]({url})")
    text = "".join(s.text for s in inner if s.kind != "image").strip()
    label = "".join(s.markdown for s in inner if s.kind != "image").strip()
    return Segment("link", text, url, f"[{label or url}]({url})")


# --- reading blocks --------------------------------------------------------------------

_SENTENCE_END = (".", "!", "?", "…", '"', "”", "'", "\u2019", ")")


def is_prose(block: Block) -> bool:
    """A paragraph of running text: not a caption, an image, a list or a lone link."""
    if block.kind != "paragraph" or block.images:
        return False
    text = block.text.strip()
    outside_links = "".join(s.text for s in block.segments if s.kind in {"text", "code"})
    if len(outside_links.split()) < 3:
        return False
    return text.endswith(_SENTENCE_END) or len(text.split()) >= 12


def prose_texts(blocks: list[Block]) -> list[str]:
    return [block.text for block in blocks if is_prose(block)]


def has_content(blocks: list[Block]) -> bool:
    return any(block.kind != "heading" and (block.text or block.images) for block in blocks)


def block_sentences(block: Block) -> list[str]:
    """Sentences; each line of a captioned image is read on its own."""
    if block.images or block.kind != "paragraph":
        return [s for line in block.lines for s in split_sentences(line_text(line))]
    return split_sentences(block.text)


def external_links(blocks: list[Block]) -> list[Segment]:
    """Links out of the page, in order (not in-page anchors)."""
    return [link for block in blocks for link in block.links if link.url and link.url[0] != "#"]


@dataclass
class LinkInContext:
    """A link with the text before and after it in its paragraph."""

    text: str
    url: str
    before: str
    after: str
    in_first_prose: bool

    @property
    def sentence(self) -> str:
        whole = f"{self.before}{self.text}{self.after}"
        offset = len(self.before)
        position = 0
        for sentence in split_sentences(whole):
            position = whole.find(sentence, position)
            if position <= offset < position + len(sentence) + 1:
                return sentence
            position += len(sentence)
        return whole


def links_in_context(blocks: list[Block]) -> list[LinkInContext]:
    """Every outside link with the paragraph text around it."""
    first_prose = next((block for block in blocks if is_prose(block)), None)
    found = []
    for block in blocks:
        pieces: list[tuple[Segment | None, str]] = []
        for number, line in enumerate(block.lines):
            pieces += [(None, " ")] if number else []
            pieces += [(s, "" if s.kind == "image" else s.text) for s in line]
        before = ""
        for index, (segment, text) in enumerate(pieces):
            if segment and segment.kind == "link" and not segment.url.startswith("#"):
                after = "".join(t for _, t in pieces[index + 1 :])
                found.append(
                    LinkInContext(segment.text, segment.url, before, after, block is first_prose)
                )
            before += text
    return found


def captioned_images(block: Block) -> list[tuple[str, str]]:
    """Images with the text lines of their paragraph, above or below them.

    With several images in one paragraph, text goes to the image it sits
    above, or below when the paragraph starts with an image. An image with no
    caption is described by its alt text.
    """
    rows: list[tuple[str | None, str]] = []
    alts: dict[str, str] = {}
    for line in block.lines:
        images = [s for s in line if s.kind == "image" and s.url]
        for image in images:
            alts.setdefault(image.url, image.text.strip())
        text = line_text(line).strip()
        rows += [(image.url, text if i == 0 else "") for i, image in enumerate(images)] or [
            (None, text)
        ]
    images = [src for src, _ in rows if src]
    if not images:
        return []
    if len(images) == 1:
        caption = " ".join(t for _, t in rows if t).strip()
        return [(images[0], caption or alts.get(images[0], ""))]
    below = rows[0][0] is not None  # the paragraph opens with an image: captions sit below
    captions: dict[str, list[str]] = {src: [] for src in images}
    owner, pending = images[0], []
    for src, text in rows:
        if src is None and below:
            captions[owner].append(text)
        elif src is None:
            pending.append(text)
        else:
            owner = src
            captions[src] += [*pending, text]
            pending = []
    captions[owner] += pending  # text after the last image
    return [(src, " ".join(t for t in captions[src] if t) or alts.get(src, "")) for src in images]
