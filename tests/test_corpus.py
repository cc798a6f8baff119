"""The corpus: our own recaps in each of the author's styles, against their expected answers.

``python manage.py evaluate_importer tests/corpus`` prints the same figures as a
table (see the README). Each recap must reach the floor on every measure; a
change that makes one style better and another worse fails here.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from explorer.importer.evaluate import MEASURES, by_style, corpus_files, evaluate_folder

CORPUS = Path(__file__).resolve().parent / "corpus"
FLOOR = 0.9  # every measure, every recap
STYLES = {
    "days-deeper",
    "prose-talks",
    "talk-lists",
    "people-headings",
    "speakers-loose",
    "not-talks",
    "food-without-food-words",
    "messy-markdown",
}


@pytest.fixture(scope="module")
def scores():
    return evaluate_folder(CORPUS)


def test_every_style_of_the_issue_has_recaps():
    styles = {
        style
        for _, answer in corpus_files(CORPUS)
        for style in json.loads(answer.read_text(encoding="utf-8"))["styles"]
    }
    assert styles == STYLES
    assert len(corpus_files(CORPUS)) >= 8


@pytest.mark.parametrize("measure", MEASURES)
def test_each_recap_reaches_the_floor(scores, measure):
    below = {
        score.name: round(value, 2)
        for score in scores
        if (value := score.tally.score(measure)) is not None and value < FLOOR
    }
    assert below == {}, [miss for score in scores for miss in score.tally.misses]


def test_each_style_reaches_the_floor(scores):
    for style, tally in by_style(scores).items():
        for measure in MEASURES:
            value = tally.score(measure)
            assert value is None or value >= FLOOR, (style, measure, value)


def test_few_entries_are_invented(scores):
    for score in scores:
        found = score.tally.right["entries"]
        assert score.tally.extra <= max(1, found // 10), score.tally.misses


def test_evaluate_importer_prints_a_table_per_recap_and_per_style():
    out = StringIO()
    call_command("evaluate_importer", str(CORPUS), "--misses", stdout=out)
    text = out.getvalue()
    assert "| recap | entries found | kind | speaker P | speaker R | days |" in text
    assert "| style | entries found |" in text
    assert "| northbay-python-2019 | 100% (13/13) |" in text
    assert "| days-deeper |" in text and "| **all** |" in text


def test_evaluate_importer_refuses_a_folder_without_answers(tmp_path):
    with pytest.raises(CommandError, match="no recap"):
        call_command("evaluate_importer", str(tmp_path), stdout=StringIO())
