"""Text helpers shared by the models and the search (no model imports here)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents: "Café Été" -> "cafe ete"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Honorifics that do not tell two people apart ("Dr. Ada Lovelace" is "Ada Lovelace").
# A short list on purpose: broader title lists (nameparser's) hold given names
# such as "Dean" or "Major".
HONORIFICS = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"})


def person_key(name: str) -> str:
    """The key under which two spellings of one person's name are the same person.

    Case, accents, punctuation, spacing and leading honorifics are ignored:
    "Dr. Élodie  Martin" and "elodie martin" share the key "elodie martin".
    Every place that matches people by name (the importer within a recap, the
    loader across recaps, curators' merges) uses this one function.
    """
    words = "".join(c if c.isalnum() else " " for c in fold(name)).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)
