"""What a recap must be before it is imported, however it arrives.

``import_recap`` reads a file on the server; curators upload one or paste it in
the browser (``explorer.curation.web_import``). Both refuse the same things with
the same one-sentence reasons, from here: too large (``RECAP_MAX_BYTES``),
binary, not UTF-8, empty, and (``read_markdown``) not a recap at all (no
headings, no title).
"""

from __future__ import annotations

from django.conf import settings

from .importer import Explanation, RecapParseError, read_recap
from .models import Topic
from .recap_data import RecapData, TopicData
from .vocabulary import DEFAULT_TOPICS


class RecapInputError(ValueError):
    """The input cannot be a recap; the message is one sentence naming it."""


def check_size(size: int, label: str) -> None:
    """Refuse ``label`` when its ``size`` in bytes is over ``RECAP_MAX_BYTES``."""
    limit = settings.RECAP_MAX_BYTES
    if size > limit:
        raise RecapInputError(
            f"{label} is {size:,} bytes, larger than the {limit:,}-byte limit "
            "(RECAP_MAX_BYTES); is it really a recap?"
        )


def decode_recap(raw: bytes, label: str) -> str:
    """``raw`` as UTF-8 text (a byte-order mark is dropped), or RecapInputError."""
    check_size(len(raw), label)
    if b"\x00" in raw:
        raise RecapInputError(f"{label} is a binary file, not a Markdown or JSON recap.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecapInputError(
            f"{label} is not UTF-8 text (byte {raw[error.start]:#04x} at position {error.start})."
        ) from error
    if not text.strip():
        raise RecapInputError(f"{label} is empty.")
    return text


def topic_vocabulary() -> list[TopicData]:
    """The default topics, overridden and extended by the curators' topics."""
    vocabulary = {topic.slug: topic for topic in DEFAULT_TOPICS}
    for topic in Topic.objects.all():
        vocabulary[topic.slug] = TopicData(
            topic.name, topic.slug, topic.description, topic.keyword_list
        )
    return list(vocabulary.values())


def read_markdown(
    text: str, label: str, *, source_url: str = "", author: str = ""
) -> tuple[RecapData, Explanation]:
    """The recap document and its explanation, or RecapInputError saying why not."""
    try:
        return read_recap(text, topics=topic_vocabulary(), source_url=source_url, author=author)
    except RecapParseError as error:
        raise RecapInputError(f"{label} cannot be imported: {sentence(error)}") from error


def sentence(error: Exception) -> str:
    """The error's message, ending like a sentence."""
    message = str(error).strip()
    return message if message.endswith((".", "?", "!")) else f"{message}."
