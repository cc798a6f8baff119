"""``manage.py evaluate_importer FOLDER``: the importer's accuracy on a corpus of recaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.importer.evaluate import by_style, corpus_files, evaluate_folder, overall, table


class Command(BaseCommand):
    help = (
        "Import every recap in FOLDER (name.md with its expected answer name.json beside it) "
        "and print, per recap and per style, the entries found, kind accuracy, speaker "
        "precision and recall, day, place and dish accuracy. Writes nothing to the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="A folder of recaps and their expected answers.")
        parser.add_argument(
            "--misses", action="store_true", help="Also list every miss, per recap."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        if not corpus_files(folder):
            raise CommandError(f"{folder} holds no recap (.md) with an expected answer (.json).")
        scores = evaluate_folder(folder)
        rows = [(score.name, score.tally) for score in scores]
        rows.append(("**all**", overall(scores)))
        self.stdout.write(table(rows, "recap"))
        self.stdout.write("")
        self.stdout.write(table(list(by_style(scores).items()), "style"))
        if options["misses"]:
            for score in scores:
                if score.tally.misses:
                    self.stdout.write(f"\n{score.name}:")
                    for miss in score.tally.misses:
                        self.stdout.write(f"  - {miss}")
