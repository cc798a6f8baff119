"""``manage.py import_recap PATH``: load a recap from Markdown or from our JSON format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from explorer.importer import Explanation
from explorer.importer.explain import explanation_lines, unsure_lines
from explorer.loading import LoadError, LoadReport, load_recap, refresh_planner_statistics
from explorer.recap_data import RecapData, RecapDataError
from explorer.recap_images import RecapImages, RecapImagesError, plan_recap_images
from explorer.recap_input import (
    RecapInputError,
    check_size,
    decode_recap,
    read_markdown,
    sentence,
)


class DryRunRollback(Exception):
    """Raised inside the transaction to undo a --dry-run."""


class Command(BaseCommand):
    help = (
        "Import a conference recap from a Markdown file (or a JSON file in the "
        "recap-explorer format, e.g. an export). Re-importing is idempotent and keeps "
        "curators' edits unless --force is given. Nothing is written if anything fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The recap file: Markdown (.md) or JSON (.json).")
        parser.add_argument(
            "--format",
            choices=["auto", "markdown", "json"],
            default="auto",
            help="How to read PATH (default: by its extension; .json is JSON, else Markdown).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite values that curators changed since the last import.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, write nothing."
        )
        parser.add_argument("--author", default="", help="The recap's author (Markdown only).")
        parser.add_argument(
            "--source-url", default="", help="Where the recap is published (Markdown only)."
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help=(
                "Markdown only: print, per entry, its kind, speakers, place and dishes with the "
                "evidence that decided each, and the runner-up kind with its score."
            ),
        )
        parser.add_argument(
            "--images",
            metavar="DIR",
            help="Copy the recap's image folder into the file storage and show its photos "
            "from there (explorer.recap_images).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        text = read_recap_text(path)
        as_json = options["format"] == "json" or (
            options["format"] == "auto" and path.suffix.lower() == ".json"
        )
        explanation: Explanation | None = None
        try:
            if as_json:
                data = RecapData.from_dict(_parse_json(text, path))
            else:
                data, explanation = read_markdown(
                    text, str(path), source_url=options["source_url"], author=options["author"]
                )
        except RecapInputError as error:
            raise CommandError(str(error)) from error
        except RecapDataError as error:
            raise CommandError(f"{path} cannot be imported: {sentence(error)}") from error
        if explanation is not None:
            lines = explanation_lines(explanation) if options["explain"] else []
            lines += unsure_lines(explanation, detailed=not options["explain"])
            for line in lines:
                self.stdout.write(self.style.WARNING(line) if line.startswith("!") else line)
        images = _plan_images(options["images"], data) if options["images"] else None

        try:
            with transaction.atomic():
                recap, report = load_recap(data, force=options["force"])
                if options["dry_run"]:
                    raise DryRunRollback
                if images:
                    images.copy()
        except DryRunRollback:
            self.stdout.write("Dry run: nothing was written.")
        except (LoadError, RecapImagesError) as error:
            raise CommandError(
                f"{path} was not imported, nothing was changed: {sentence(error)}"
            ) from error
        except DatabaseError as error:
            # One line, as every other refusal (PostgreSQL adds a DETAIL line).
            reason = " ".join(str(error).split())
            raise CommandError(
                f"{path} was not imported, nothing was changed: the database refused it ({reason})."
            ) from error
        else:
            refresh_planner_statistics()
            self.stdout.write(self.style.SUCCESS(f"Imported “{recap.name}” from {path}."))
        if images:
            self.stdout.write(images.summary(dry_run=options["dry_run"]))
        self._print_report(report)

    def _print_report(self, report: LoadReport) -> None:
        for line in report.lines():
            style = self.style.WARNING if line.startswith(("kept", "overwrote")) else str
            self.stdout.write(style(f"  {line}"))


def read_recap_text(path: Path) -> str:
    """Read PATH as UTF-8 text, or raise CommandError with one clear sentence."""
    if not path.exists():
        raise CommandError(f"{path} does not exist.")
    if path.is_dir():
        raise CommandError(f"{path} is a directory, not a recap file.")
    try:
        check_size(path.stat().st_size, str(path))
        raw = path.read_bytes()
        return decode_recap(raw, str(path))
    except RecapInputError as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from error


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path} is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})."
        ) from error


def _plan_images(folder: str, data: RecapData) -> RecapImages:
    """``--images DIR``: what to copy, with the recap's image base pointing at the copies."""
    try:
        images = plan_recap_images(folder, data)
    except RecapImagesError as error:
        raise CommandError(f"--images {folder}: {sentence(error)}") from error
    data.image_base = images.base_url
    return images
