"""The Markdown recap importer: a recap blog post in, a ``RecapData`` and its evidence out.

``read_recap`` returns the document and an ``Explanation`` (plain data, JSON-ready)
of every decision; ``parse_recap`` returns the document alone. Both are pure
functions: no database, no network. The modules, each with one job, import one
way (each only from those listed before it):

- ``words``: the small documented word lists (cue words, role words, place words);
- ``text``: mojibake repair, sentences, summaries, anchors;
- ``dates``: date ranges and the dates of day headings;
- ``links``: what a URL points at (profile, talk page, video, a place's site), link repair;
- ``evidence``: the explanation's data classes;
- ``parse``: Markdown (markdown-it-py tokens) to sections of blocks, links repaired;
- ``names``: people's names (given names from Faker, nicknames, nameparser) and
  ``PeopleIndex``, which maps short names to full ones;
- ``people``: who gave a talk, with the evidence;
- ``food``: places and dishes;
- ``kinds``: the features and the scoring table that decide an entry's kind;
- ``structure``: the outline (which heading level holds the days), headings, and
  talks found in prose and lists;
- ``build``: the RecapData and the Explanation;
- ``explain``: the explanation as text (``import_recap --explain``);
- ``evaluate``: an imported recap against its expected answer (the corpus figures).
"""

from .build import RecapParseError, parse_recap, read_recap
from .evidence import Explanation

__all__ = ["Explanation", "RecapParseError", "parse_recap", "read_recap"]
