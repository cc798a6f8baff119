"""The recap's Markdown as a tree of sections made of simple blocks.

markdown-it-py tokens are turned into ``Block``s (paragraphs, list items, code)
whose lines are ``Segment``s (text, links, images), grouped under the heading
they follow. HTML (comments hide unpublished content), the table of contents
and "back to top" navigation are dropped here, so the rest of the importer only
ever sees published content. In-page links harvested on the way give the
anchors the source uses for its headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .markdown_import_text import normalise

# Heading texts that introduce a table of contents.
CONTENTS_HEADINGS = ("table of contents", "contents", "toc", "on this page")
# Link texts of navigation links.
NAVIGATION_TEXTS = ("back to top", "top", "to top", "return to top", "↑", "⬆")

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
        if any(not link.url.startswith("#") for link in self.links):
            return False
        other = "".join(s.text for s in self.segments if s.kind not in {"link", "mark"})
        return (
            not other.strip(" \t|·•-\u2013—()[]") or self.text.strip().lower() in NAVIGATION_TEXTS
        )


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


def line_text(line: list[Segment]) -> str:
    return " ".join("".join(s.text for s in line if s.kind != "image").split())


def parse_document(markdown_text: str) -> Document:
    """Parse Markdown into sections of published blocks and collect the in-page anchors."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown_text)
    root = Section(level=0, title="")
    anchors: dict[str, str] = {}
    _build_sections(tokens, root, anchors)
    _drop_contents_sections(root, anchors)
    return Document(root=root, anchors=anchors)


def _build_sections(tokens: list[Token], root: Section, anchors: dict[str, str]) -> None:
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
            if opener == "heading_open":
                _open_section(stack, int(tokens[index - 1].tag[1:]), lines)
                continue
            kind = "item" if list_depth else "quote" if quote_depth else "paragraph"
            block = Block(kind, lines, depth=list_depth)
            if block.is_navigation:
                _harvest_anchors(block, anchors)
            elif block.segments:
                stack[-1].blocks.append(block)
        # html_block tokens (comments hiding unpublished content) are skipped.


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
            src = str(token.attrs.get("src", ""))
            lines[-1].append(Segment("image", token.content, src, f"![{token.content}]({src})"))
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


def _link_segment(url: str, inner: list[Segment]) -> Segment:
    text = "".join(s.text for s in inner if s.kind != "image").strip()
    label = "".join(s.markdown for s in inner if s.kind != "image").strip()
    return Segment("link", text, url, f"[{label or url}]({url})")
