"""``manage.py generate_archive``: a synthetic archive for benchmarks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from explorer.models import Credit, Day, Dish, Entry, Person, Recap, SearchDocument
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_archive", *args, stdout=out)
    return out.getvalue()


def test_it_generates_a_searchable_archive(client):
    output = generate("--entries", "200", "--seed", "7")

    assert "Generated 200 entries" in output
    assert Entry.objects.count() == 200
    recaps = Recap.objects.all()
    assert recaps.count() == 2
    assert all(recap.slug.startswith("generated-") for recap in recaps)
    assert Day.objects.count() >= 8
    assert Credit.objects.exists() and Dish.objects.exists()
    assert Entry.topics.through.objects.exists()
    assert SearchDocument.objects.count() == 200
    # A few prolific speakers and a long tail.
    per_person = sorted(
        (p.credits.count() for p in Person.objects.filter(credits__isnull=False).distinct()),
        reverse=True,
    )
    assert per_person[0] >= 3 and per_person[-1] == 1

    data = client.get("/?format=json").json()
    assert data["count"] == 200
    word = Entry.objects.filter(kind="talk").first().title.split()[0]
    assert client.get("/", {"format": "json", "q": word}).json()["count"] > 0


def test_the_same_seed_gives_the_same_archive():
    generate("--entries", "50", "--seed", "3")
    first = list(Entry.objects.order_by("pk").values_list("title", "kind"))
    generate("--entries", "50", "--seed", "3", "--clear")
    assert list(Entry.objects.order_by("pk").values_list("title", "kind")) == first


def test_it_adds_to_an_archive_and_clear_removes_only_generated_recaps(conference):
    generate("--entries", "30")
    generate("--entries", "30")
    assert Recap.objects.filter(slug__startswith="generated-").count() == 2
    assert Entry.objects.count() == 60 + 9

    output = generate("--entries", "0", "--clear")

    assert "Removed 2 generated recaps" in output
    assert Entry.objects.count() == 9
    assert SearchDocument.objects.count() == 9
    assert not Person.objects.filter(slug__startswith="generated-").exists()
    assert Recap.objects.get().slug == "djangocon-us-2024"
    EntryFactory(day=conference.day1, title="Still indexed", slug="still-indexed")
    assert SearchDocument.objects.count() == 10


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError):
        generate("--entries", "-1")


@pytest.mark.django_db(transaction=True)
def test_the_planner_gets_statistics_after_a_bulk_load():
    """``ANALYZE`` runs, so that the first visitor gets index plans, not guesses.

    Outside a test transaction, as the command runs for real (PostgreSQL skips it
    in a transaction).
    """
    generate("--entries", "40")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'explorer_entry'")
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'explorer_entry'")
        assert cursor.fetchone()[0] > 0
