"""Plain-text helpers: mojibake repair, sentences, summaries, anchors, phrase matching.

The small pieces of text handling that do not depend on the Markdown structure.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import ftfy

# --- mojibake -----------------------------------------------------------------

# Every character Mac Roman can produce from a byte >= 0x80; a run of two or more
# of them may be UTF-8 bytes that were wrongly decoded as Mac Roman.
_MAC_ROMAN_HIGH = bytes(range(0x80, 0x100)).decode("mac_roman")
_MAC_ROMAN_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]{2,}")


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded with the wrong codec.

    ftfy handles most cases but leaves four-byte sequences decoded as Mac Roman
    (emoji such as "üòé" for 😎) alone, so runs of Mac Roman characters are then
    re-decoded as UTF-8, one valid sequence at a time, only where that succeeds.
    """
    fixed = ftfy.fix_text(text, unescape_html=False)
    return _MAC_ROMAN_RUN.sub(_redecode_mac_roman_run, fixed)


def _redecode_mac_roman_run(match: re.Match[str]) -> str:
    run = match.group()
    raw = run.encode("mac_roman")  # one byte per character, by construction
    out: list[str] = []
    index = 0
    while index < len(raw):
        size = _utf8_sequence_length(raw[index])
        if size > 1:
            try:
                out.append(raw[index : index + size].decode("utf-8"))
            except UnicodeDecodeError:
                pass
            else:
                index += size
                continue
        out.append(run[index])
        index += 1
    return "".join(out)


def _utf8_sequence_length(lead_byte: int) -> int:
    if 0xC2 <= lead_byte <= 0xDF:
        return 2
    if 0xE0 <= lead_byte <= 0xEF:
        return 3
    if 0xF0 <= lead_byte <= 0xF4:
        return 4
    return 1


# --- sentences and summaries --------------------------------------------------

# fmt: off
# Words followed by a full stop that does not end a sentence.
ABBREVIATIONS = (
    "vs", "etc", "e.g", "i.e", "a.k.a", "aka", "dr", "mr", "mrs", "ms", "st", "jr", "sr", "prof",
    "no", "approx", "inc", "ltd", "co",
)
# fmt: on

_SENTENCE_END = re.compile(r"[.!?…]+[\"”'\u2019)\]]*\s+")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping initials ("Sarah P. Duke") and "vs." inside."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following and following.islower():
            continue
        if "." in match.group() and _ends_with_abbreviation(text[start : match.start()]):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [sentence for sentence in sentences if sentence]


def _ends_with_abbreviation(text: str) -> bool:
    words = text.split()
    if not words:
        return False
    word = words[-1].lstrip("([\"“'\u2018")
    if len(word) == 1 and word.isalpha():
        return True  # an initial
    return word.lower() in ABBREVIATIONS or "." in word


def cut_at_sentence(markdown: str, limit: int) -> str:
    """The leading sentences of ``markdown`` that fit in ``limit`` characters.

    Sentences are never cut inside a Markdown link; a first sentence longer than
    the limit is shortened at a word boundary and marked with an ellipsis.
    """
    markdown = " ".join(markdown.split())
    if len(markdown) <= limit:
        return markdown
    pieces = _merge_unbalanced_links(split_sentences(markdown))
    kept: list[str] = []
    for piece in pieces:
        if len(" ".join([*kept, piece])) > limit:
            break
        kept.append(piece)
    if kept:
        return " ".join(kept)
    head = markdown[:limit].rsplit(" ", 1)[0]
    if head.count("[") > head.count("]"):
        head = head[: head.rfind("[")].rstrip()
    return head.rstrip(",;:") + "…"


def _merge_unbalanced_links(pieces: list[str]) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        if merged and merged[-1].count("[") > merged[-1].count("]"):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


# --- matching and anchors ------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase letters and digits only, accents removed: for comparing headings and names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(
        char for char in decomposed if char.isalnum() and not unicodedata.combining(char)
    )


def github_anchor(heading: str) -> str:
    """The anchor GitHub-style renderers give a heading (when no table of contents links it)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@cache
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled pattern for any of ``phrases`` on word boundaries, ignoring case."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    body = "|".join(re.escape(phrase) for phrase in ordered) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` on word boundaries, ignoring case."""
    return phrase_pattern((phrase,)).search(text) is not None


def first_phrase_position(text: str, phrases: tuple[str, ...]) -> int | None:
    """Where the earliest of ``phrases`` starts in ``text`` (word boundaries, any case)."""
    match = phrase_pattern(phrases).search(text)
    return match.start() if match else None


def phrases_in(text: str, phrases: tuple[str, ...]) -> list[str]:
    """The distinct ``phrases`` found in ``text``, lower-cased, in order of appearance."""
    found = dict.fromkeys(m.group().lower() for m in phrase_pattern(phrases).finditer(text))
    return list(found)
