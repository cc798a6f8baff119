"""The import_recap command: real files in, clear sentences out, nothing half-written."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from explorer.importer import parse_recap
from explorer.models import Credit, Day, Entry, Link, Person, Photo, Place, Recap
from explorer.recap_data import RecapData

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "explorer" / "data" / "djangocon-us-2024.json"
SHARED_RECAP = PROJECT.parent / "shared" / "recaps" / "djangocon-us-2024-recap.md"
needs_shared_recap = pytest.mark.skipif(
    not SHARED_RECAP.exists(), reason=f"the shared recap is not at {SHARED_RECAP}"
)

SMALL_RECAP = """\
# TinyConf 2031 Recap

TinyConf 2031 took place from March 3-4 in Oslo, Norway at the Opera House.

## Monday

### Keynote- Small Is Beautiful

Kari Nordmann showed how small things add up. Kari explained a lot.

[Slides](https://example.com/slides)

## Tuesday

### Waffle Stand

I ordered a waffle at the [Waffle Stand](https://example.com/waffles). Delicious!
"""


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_recap", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Recap, Day, Entry, Person, Credit, Place, Link, Photo)
    }


@pytest.fixture
def small_recap_file(tmp_path: Path) -> Path:
    path = tmp_path / "tinyconf.md"
    path.write_text(SMALL_RECAP, encoding="utf-8")
    return path


def test_imports_a_markdown_recap_and_prints_a_summary(small_recap_file):
    output = run(str(small_recap_file))

    recap = Recap.objects.get()
    assert recap.name == "TinyConf 2031"
    keynote = Entry.objects.get(kind="keynote")
    assert keynote.title == "Small Is Beautiful"
    assert list(keynote.people.values_list("name", flat=True)) == ["Kari Nordmann"]
    assert "Imported “TinyConf 2031”" in output
    assert "entries (keynote): 1 created" in output
    assert "people: 1 created" in output


def test_reimport_is_idempotent_and_keeps_curated_values(small_recap_file):
    run(str(small_recap_file))
    counts = row_counts()
    Entry.objects.filter(kind="keynote").update(title="Small Is Beautiful (curated)")

    output = run(str(small_recap_file))

    assert row_counts() == counts
    assert Entry.objects.get(kind="keynote").title == "Small Is Beautiful (curated)"
    assert "kept curated value" in output and "title" in output

    run(str(small_recap_file), "--force")
    assert Entry.objects.get(kind="keynote").title == "Small Is Beautiful"


def test_dry_run_writes_nothing(small_recap_file):
    output = run(str(small_recap_file), "--dry-run")

    assert "nothing was written" in output
    assert "entries (keynote): 1 created" in output
    assert not Recap.objects.exists()


def bad_file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("make_path", "message"),
    [
        (lambda tmp: tmp / "missing.md", "does not exist"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: bad_file(tmp, "a.md", b""), "is empty"),
        (lambda tmp: bad_file(tmp, "a.md", b"  \n\n\t"), "is empty"),
        (lambda tmp: bad_file(tmp, "a.md", b"\x89PNG\r\n\x1a\n\x00\x00"), "binary file"),
        (lambda tmp: bad_file(tmp, "a.md", "# Caf\xe9\n".encode("latin-1")), "not UTF-8"),
        (lambda tmp: bad_file(tmp, "a.md", b"Just some words, no headings."), "no"),
        (lambda tmp: bad_file(tmp, "a.json", b"{not json"), "not valid JSON"),
        (lambda tmp: bad_file(tmp, "a.json", b'{"recap": []}'), "recap"),
        (lambda tmp: bad_file(tmp, "a.json", b'{"recap": {"name": "X"}}'), "slug"),
    ],
    ids=[
        "missing",
        "directory",
        "empty",
        "blank",
        "binary",
        "latin-1",
        "no-headings",
        "broken-json",
        "json-shape",
        "json-missing-field",
    ],
)
def test_bad_input_is_one_clear_sentence_and_changes_nothing(
    tmp_path, small_recap_file, make_path, message
):
    run(str(small_recap_file))
    before = row_counts()

    with pytest.raises(CommandError) as error:
        run(str(make_path(tmp_path)))

    assert message in str(error.value)
    assert "Traceback" not in str(error.value)
    assert str(error.value).count("\n") == 0
    assert row_counts() == before


def test_a_file_over_the_size_limit_is_refused(small_recap_file, settings):
    settings.RECAP_MAX_BYTES = 100

    with pytest.raises(CommandError, match="larger than the 100-byte limit"):
        run(str(small_recap_file))

    assert not Recap.objects.exists()


def test_a_document_the_database_refuses_leaves_everything_as_it_was(tmp_path, small_recap_file):
    run(str(small_recap_file))
    before = row_counts()
    document = RecapData.from_dict(
        json.loads(json.dumps(parse_recap(SMALL_RECAP).to_dict()))
    ).to_dict()
    document["days"][0]["entries"].append({"title": "Late entry", "kind": "talk"})
    document["days"][1]["entries"][0]["kind"] = "banquet"  # not a kind
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was changed"):
        run(str(path))

    assert row_counts() == before
    assert not Entry.objects.filter(title="Late entry").exists()


def test_a_credit_with_an_unknown_role_is_refused_in_one_sentence(tmp_path, small_recap_file):
    """A credit's role is checked like every other field, before the database sees it
    (PostgreSQL would refuse it on two lines), naming the entry and the person."""
    run(str(small_recap_file))
    before = row_counts()
    document = parse_recap(SMALL_RECAP).to_dict()
    entry = next(e for day in document["days"] for e in day["entries"] if e["people"])
    entry["people"][0]["role"] = "javascript:alert(1)"
    path = tmp_path / "bad-role.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run(str(path))

    message = str(error.value)
    assert "nothing was changed" in message
    assert f"{entry['title']}: {entry['people'][0]['name']}" in message
    assert "role" in message
    assert message.count("\n") == 0
    assert row_counts() == before


def test_the_process_exits_non_zero_without_a_traceback(tmp_path):
    """What a user at a shell sees: a non-zero exit and one line on stderr."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "import_recap", str(tmp_path / "nope.md")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


@needs_shared_recap
def test_the_shared_recap_imports_twice_without_duplicates():
    run(str(SHARED_RECAP))
    counts = row_counts()

    output = run(str(SHARED_RECAP))

    assert row_counts() == counts
    assert " 0 created" in output and "kept curated value" not in output
    assert Recap.objects.get().days.count() == 9


def test_the_bundled_data_loads_idempotently():
    run(str(BUNDLED))
    counts = row_counts()

    run(str(BUNDLED))

    assert row_counts() == counts
    panel = Entry.objects.get(kind="panel")
    assert panel.credits.get(role="host").person.name == "Lacey Henschel"
    assert Person.objects.filter(name="Álvaro Justen").exists()


@needs_shared_recap
def test_the_importer_and_the_bundled_data_agree():
    """Days, entry titles, kinds and speakers match between the two sources."""
    bundled = RecapData.from_dict(json.loads(BUNDLED.read_text(encoding="utf-8")))
    imported = parse_recap(SHARED_RECAP.read_text(encoding="utf-8"))

    def outline(data: RecapData) -> list:
        return [
            (
                day.label,
                day.date,
                [
                    (entry.title, entry.kind, [(c.name, c.role) for c in entry.people])
                    for entry in day.entries
                ],
            )
            for day in data.days
        ]

    assert outline(imported) == outline(bundled)


MESSY_RECAP = """\
# MessyConf 2030 Recap

## Monday

### Keynote- Links Everywhere

Kari Nordmann explained why links break. Her [site](kari.example.org) has more.

[Broken](htp:/not-a-url)

### Thoughts

It was a good week.
"""


def test_explain_prints_the_evidence_for_every_entry(small_recap_file):
    output = run(str(small_recap_file), "--explain", "--dry-run")

    assert "Days are ## headings." in output
    assert "Small Is Beautiful  [heading]" in output
    assert "kind: keynote 19; runner-up talk 7" in output
    assert "shares_talk_evidence +7 → keynote" in output
    assert "heading_prefix_keynote +12 → keynote: Keynote- Small Is Beautiful" in output
    assert "speaker: Kari Nordmann" in output
    assert "speaking_verb +3 → speaker: Kari Nordmann showed" in output
    assert "place: Waffle Stand" in output
    assert "nothing was written" in output


def test_without_explain_the_import_still_says_where_it_was_unsure(tmp_path):
    path = tmp_path / "messy.md"
    path.write_text(MESSY_RECAP, encoding="utf-8")

    output = run(str(path))

    assert "! unsure about 1 of 2 entries (see --explain):" in output
    assert "!   Monday / Thoughts: note: no evidence for any kind: read as a note" in output
    assert "heading_prefix_keynote" not in output


def test_a_broken_link_never_sinks_the_import(tmp_path):
    path = tmp_path / "messy.md"
    path.write_text(MESSY_RECAP, encoding="utf-8")

    output = run(str(path))

    keynote = Entry.objects.get(kind="keynote")
    assert list(keynote.links.values_list("title", "url")) == [("site", "https://kari.example.org")]
    assert "! warning: link “site”: “kari.example.org” had no scheme" in output
    assert "“htp:/not-a-url” is not a web address: the link was dropped" in output
    assert "Imported “MessyConf 2030”" in output
