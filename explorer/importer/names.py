"""People's names in recap prose: what is a name, and which person a short name means.

A name is two to four capitalised words (initials, particles, apostrophes and
hyphens allowed) that are not function words, acronyms, or the words of an
organisation or event ("Black Python Devs", "Django Social"). A role written in
front of it ("Django Fellow Sarah Boyce") is peeled off as the affiliation.
Whether its first word is a known given name is evidence, from Faker's
given-name lists of every locale it ships (a maintained package, not a list of
ours); nicknames come from the ``nicknames`` package and names are split with
``nameparser``. Within a recap, ``PeopleIndex`` maps a first name alone
("Ada"), a nickname ("Bobby", "Rob") or another spelling to the full person,
comparing names with ``explorer.text.person_key``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from nameparser import HumanName
from nicknames import NickNamer

from explorer.text import fold, person_key

from .words import (
    NAME_PARTICLES,
    NOT_NAMES,
    ORGANISATION_ANYWHERE,
    ORGANISATION_WORDS,
    ROLE_WORDS,
)

_WORD = re.compile(r"\S+")
_LEADING = "([{\"“\u2018'*_"
_TRAILING = ",.;:!?)]}\"”\u2019'*_"
_POSSESSIVE = re.compile(r"['\u2019]s$")


# --- given names and nicknames (data from packages) -----------------------------------


def _faker_names(attributes: tuple[str, ...]) -> frozenset[str]:
    """The names in these attributes of every Faker person provider (each locale), folded."""
    import faker.providers.person as person_providers

    names: set[str] = set()
    for module_info in pkgutil.iter_modules(person_providers.__path__):
        module = importlib.import_module(f"{person_providers.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        for attribute in attributes:
            value = vars(provider).get(attribute) if provider else None
            if isinstance(value, dict | list | tuple | set | frozenset):
                names.update(_fold_name(str(name)) for name in value)
    return frozenset(names)


def _fold_name(name: str) -> str:
    return name.lower() if name.isascii() else fold(name)


@cache
def given_names() -> frozenset[str]:
    """Every given name Faker knows, folded ("Álvaro" -> "alvaro")."""
    names = _faker_names(("first_names", "first_names_male", "first_names_female"))
    return frozenset(name for name in names if name.isalpha() or "-" in name)


@cache
def surnames() -> frozenset[str]:
    """Every family name Faker knows, folded."""
    return _faker_names(("last_names",))


def is_surname(word: str) -> bool:
    return _fold_name(word.strip(_TRAILING)) in surnames()


def is_given_name(word: str) -> bool:
    """Whether ``word`` is a known given name ("Sarah", "Álvaro", "Kojo")."""
    return _fold_name(word.strip(_TRAILING)) in given_names()


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


def same_first_name(short: str, first: str) -> bool:
    """Whether ``short`` may stand for the given name ``first``: equal, a nickname, a shortening.

    "Rob" and "Bobby" for "Robert", "Chris" for "Christopher", "Ada" for "Ada".
    """
    short, first = fold(short), fold(first)
    if not short or not first:
        return False
    if short == first:
        return True
    if len(short) >= 3 and first.startswith(short):
        return True
    namer = _nicknamer()
    return first in namer.canonicals_of(short) or short in namer.nicknames_of(first)


@lru_cache(maxsize=4096)
def split_name(name: str) -> tuple[str, str]:
    """(first, last) of a full name, as nameparser reads it."""
    parsed = HumanName(name)
    words = name.split()
    return parsed.first or words[0], parsed.last or words[-1]


# --- names in a sentence -----------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A person's full name found in a sentence."""

    name: str
    affiliation: str
    start: int  # offsets of the name (with any possessive) in the sentence
    end: int
    possessive: bool = False
    given: bool = False  # its first word is a known given name
    nickname: str = ""  # written in quotes inside the name: Robert "Bobby" Tables
    organisation: bool = False  # "Foxley Talent": kept only as someone's affiliation


@dataclass
class _Word:
    core: str
    start: int
    end: int
    kind: str  # "name", "initial", "particle", "acronym", "nickname" or "other"
    breaks_before: bool
    breaks_after: bool
    possessive: bool


def is_name_word(word: str) -> bool:
    """A capitalised word that can be part of a person's name ("O'Connell", "Kaplan-Moss")."""
    if not word or not word[0].isupper() or not any(c.islower() for c in word):
        return False
    if not all(c.isalpha() or c in "'\u2019-" for c in word) or word.lower() in NOT_NAMES:
        return False
    for part in re.split(r"['\u2019-]", word):
        inner = part[1:]
        if any(c.isupper() for c in inner) and not re.match(r"(Mc|Mac)[A-Z][a-z]", part):
            return False  # "DjangoCon", "PostgreSQL", "JavaScript"
    return True


def is_organisation(words: list[str]) -> bool:
    """A capitalised phrase that names an organisation, event or place, not a person.

    Its last word is an organisation or place word ("Center", "Devs"), or any word is
    a brand ("Django", "PyCon"); but a given name followed by a family name that is
    also such a word ("Helen Park", "Ruth Hall") is a person.
    """
    lowered = [word.lower() for word in words]
    if not lowered or any(word in ORGANISATION_ANYWHERE for word in lowered):
        return bool(lowered)
    if lowered[-1] not in ORGANISATION_WORDS:
        return False
    return not (len(words) == 2 and is_given_name(words[0]) and is_surname(words[-1]))


def mentions_in(sentence: str) -> tuple[Mention, ...]:
    """Full names of people in a sentence, with the role title written in front of them."""
    return _mentions_in(sentence)


@lru_cache(maxsize=16384)
def _mentions_in(sentence: str) -> tuple[Mention, ...]:
    words = _words(sentence)
    mentions: list[Mention] = []
    for run in _runs(words):
        mention = _mention_from_run(run)
        if mention:
            mentions.append(mention)
    return tuple(_drop_possessive_organisations(sentence, mentions))


def _words(sentence: str) -> list[_Word]:
    words = []
    for index, match in enumerate(_WORD.finditer(sentence)):
        chunk = match.group()
        lead = len(chunk) - len(chunk.lstrip(_LEADING))
        core = chunk[lead:].rstrip(_TRAILING)
        trail = chunk[lead + len(core) :]
        start = match.start() + lead
        end = start + len(core)
        possessive = bool(_POSSESSIVE.search(core)) and len(core) > 2
        if possessive:
            core = core[:-2]
        quoted = chunk[:1] in '"“' and chunk.rstrip(",.;:")[-1:] in '"”' and len(core) > 1
        kind = "nickname" if quoted and is_name_word(core) else _word_kind(core, trail, index == 0)
        breaks_after = bool(trail) and not (kind == "initial" and trail == ".")
        breaks_after = breaks_after and not (kind == "nickname" and trail in '"”')
        words.append(
            _Word(
                core,
                start,
                end,
                kind,
                bool(lead) and kind != "nickname",
                breaks_after or possessive,
                possessive,
            )
        )
    return words


def _word_kind(core: str, trail: str, first: bool) -> str:
    if len(core) == 1 and core.isupper() and trail.startswith("."):
        return "initial"
    if core in NAME_PARTICLES:
        return "particle"
    if len(core) >= 2 and core.isupper() and core.isalpha():
        return "acronym"
    if first and core.lower().endswith("ing"):
        return "other"  # "Using Lord of the Rings, ..."
    return "name" if is_name_word(core) else "other"


def _runs(words: list[_Word]) -> list[list[_Word]]:
    """Maximal runs of adjacent capitalised words (no punctuation between them)."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    for word in words:
        joins = word.kind != "other" and not word.breaks_before
        if current and (not joins or current[-1].breaks_after):
            runs.append(current)
            current = []
        if word.kind != "other":
            current.append(word)
    if current:
        runs.append(current)
    return runs


def _mention_from_run(run: list[_Word]) -> Mention | None:
    role_end = max(
        (i + 1 for i, w in enumerate(run) if is_role_word(w.core) or w.kind == "acronym"),
        default=0,
    )
    name_words = run[role_end:]
    while name_words and name_words[0].kind in {"particle", "nickname"}:
        name_words = name_words[1:]
    while name_words and name_words[-1].kind in {"particle", "initial", "nickname"}:
        name_words = name_words[:-1]
    real = [w for w in name_words if w.kind == "name"]
    if not 2 <= len(real) <= 4 or any(w.kind == "acronym" for w in name_words):
        return None
    nickname = next((w.core for w in name_words if w.kind == "nickname"), "")
    name = " ".join(
        w.core + ("." if w.kind == "initial" else "") for w in name_words if w.kind != "nickname"
    )
    affiliation = " ".join(w.core for w in run[:role_end])
    return Mention(
        name,
        affiliation,
        name_words[0].start,
        name_words[-1].end,
        name_words[-1].possessive,
        given=is_given_name(real[0].core),
        nickname=nickname,
        organisation=is_organisation([w.core for w in real]),
    )


def is_role_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in ROLE_WORDS or lowered.rsplit("-", 1)[-1] in ROLE_WORDS


def _drop_possessive_organisations(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """In "Foxley Talent's Jon Gould", the possessive is the person's organisation."""
    mentions = list(mentions)
    kept: list[Mention] = []
    for index, mention in enumerate(mentions):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if mention.possessive and following and sentence[mention.end : following.start].isspace():
            if not following.affiliation:
                mentions[index + 1] = replace(following, affiliation=mention.name)
            continue
        if not mention.organisation:
            kept.append(mention)
    return kept


def exact_name(text: str) -> str | None:
    """``text`` if it is nothing but a person's name."""
    text = text.strip().strip(_TRAILING).strip()
    found = mentions_in(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        return found[0].name if not found[0].affiliation else None
    return None


def leading_name(text: str) -> str | None:
    """The name ``text`` starts with when the rest says what they did ("Ada talked ...").

    Like ``exact_name``, but for the last name of a list that is a sentence's subject.
    """
    text = text.strip()
    found = mentions_in(text)
    if not found or found[0].start != 0 or found[0].affiliation:
        return None
    rest = text[found[0].end :].strip().strip(_TRAILING)
    return found[0].name if not rest or rest[:1].islower() else None


def names_in_phrase(text: str) -> list[str]:
    """The people a short phrase lists, and nothing else ("Ada Lovelace and Alan Turing").

    Empty unless every piece between commas and "and" is a person's name.
    """
    pieces = [p for p in re.split(r"\s*(?:,|&|\band\b|\bwith\b)\s*", text.strip()) if p.strip()]
    names = [exact_name(piece) for piece in pieces]
    return [name for name in names if name] if names and all(names) else []


def plain(text: str) -> str:
    """Lower case without accents, for comparing single words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- the people of one recap ------------------------------------------------------------------


@dataclass
class KnownPerson:
    name: str
    first: str
    last: str
    nicknames: set[str] = field(default_factory=set)
    given: bool = False
    profile: bool = False  # named by a link to a social profile


class PeopleIndex:
    """The people a recap names in full, to resolve short and loose mentions of them.

    ``add`` registers a full name (the first spelling wins); ``resolve`` maps
    another spelling, a nickname or a first name alone to that person, when
    exactly one known person fits.
    """

    def __init__(self) -> None:
        self.people: dict[str, KnownPerson] = {}

    def add(
        self, name: str, *, nickname: str = "", given: bool = False, profile: bool = False
    ) -> KnownPerson:
        key = person_key(name)
        known = self.people.get(key)
        if known is None:
            first, last = split_name(name)
            known = KnownPerson(name, first, last, given=given, profile=profile)
            self.people[key] = known
        if nickname:
            known.nicknames.add(fold(nickname))
        known.given = known.given or given
        known.profile = known.profile or profile
        return known

    def get(self, name: str) -> KnownPerson | None:
        return self.people.get(person_key(name))

    def resolve(self, name: str, prefer: list[str] | None = None) -> str | None:
        """The full name ``name`` stands for, or None when nobody (or more than one) fits."""
        known = self.get(name)
        if known:
            return known.name
        words = name.split()
        if not words:
            return None
        if len(words) == 1:
            matches = self._first_name_matches(words[0])
        else:
            last = person_key(words[-1])
            matches = [
                p
                for p in self.people.values()
                if person_key(p.last) == last
                and (same_first_name(words[0], p.first) or fold(words[0]) in p.nicknames)
            ]
        if len(matches) > 1 and prefer:
            preferred = {person_key(n) for n in prefer}
            matches = [p for p in matches if person_key(p.name) in preferred] or matches
        return matches[0].name if len(matches) == 1 else None

    def _first_name_matches(self, word: str) -> list[KnownPerson]:
        exact = [
            p
            for p in self.people.values()
            if fold(p.first) == fold(word) or fold(word) in p.nicknames
        ]
        if exact:
            return exact
        return [p for p in self.people.values() if same_first_name(word, p.first)]
