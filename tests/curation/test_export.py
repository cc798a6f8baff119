"""Exports: JSON round-trips to the same data; Markdown reads like a recap."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from explorer.curation.export import recap_to_data
from explorer.importer import parse_recap
from explorer.models import Person, Place, Recap, Topic

pytestmark = pytest.mark.django_db

BUNDLED = Path(__file__).resolve().parents[2] / "explorer" / "data" / "djangocon-us-2024.json"


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_recap", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bundled_recap() -> Recap:
    call_command("import_recap", str(BUNDLED), stdout=StringIO())
    return Recap.objects.get(slug="djangocon-us-2024")


def test_json_export_round_trips_through_an_empty_database(bundled_recap, tmp_path):
    exported = export("djangocon-us-2024", "--format", "json")
    before = recap_to_data(bundled_recap).to_dict()
    path = tmp_path / "backup.json"
    path.write_text(exported, encoding="utf-8")

    Recap.objects.all().delete()
    Person.objects.all().delete()
    Place.objects.all().delete()
    Topic.objects.all().delete()
    call_command("import_recap", str(path), stdout=StringIO())

    after = recap_to_data(Recap.objects.get(slug="djangocon-us-2024")).to_dict()
    assert after == before
    assert json.loads(exported) == before


def test_json_export_matches_the_bundled_document(bundled_recap):
    exported = json.loads(export("djangocon-us-2024"))
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))

    assert exported["recap"] == bundled["recap"]
    assert [d["label"] for d in exported["days"]] == [d["label"] for d in bundled["days"]]
    assert [e["title"] for d in exported["days"] for e in d["entries"]] == [
        e["title"] for d in bundled["days"] for e in d["entries"]
    ]


def test_markdown_export_is_a_readable_recap_the_importer_reads_back(bundled_recap):
    markdown = export("djangocon-us-2024", "--format", "markdown")

    assert markdown.startswith("# DjangoCon US 2024 Recap\n")
    assert "## Monday" in markdown
    assert "### Keynote- Power to the People who Teach the People" in markdown
    assert "[Chesterton's Fence](https://fs.blog/chestertons-fence/)" in markdown
    reread = parse_recap(markdown)
    original = recap_to_data(bundled_recap)
    assert [d.label for d in reread.days] == [d.label for d in original.days]
    assert [e.title for e in reread.entries()] == [e.title for e in original.entries()]
    assert (reread.start_date, reread.end_date) == (original.start_date, original.end_date)


def test_export_to_a_file(bundled_recap, tmp_path):
    path = tmp_path / "out.md"
    call_command(
        "export_recap",
        "djangocon-us-2024",
        "--format",
        "markdown",
        "-o",
        str(path),
        stderr=StringIO(),
    )
    assert path.read_text(encoding="utf-8").startswith("# DjangoCon US 2024 Recap")


def test_unknown_slug_is_a_clear_error():
    with pytest.raises(CommandError, match="No recap has the slug 'nope'"):
        export("nope")
