"""``manage.py export_recap SLUG``: write a curated recap as JSON or Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from explorer.curation.export import recap_to_data, recap_to_markdown
from explorer.models import Recap


class Command(BaseCommand):
    help = (
        "Export a recap. JSON is the format import_recap reads (use it for backups: "
        "importing it into an empty database restores the same data); Markdown is a "
        "readable recap in the source posts' style."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The recap's slug, e.g. djangocon-us-2024.")
        parser.add_argument("--format", choices=["json", "markdown"], default="json")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        recap = Recap.objects.filter(slug=options["slug"]).first()
        if recap is None:
            known = ", ".join(Recap.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No recap has the slug {options['slug']!r} (known: {known}).")
        data = recap_to_data(recap)
        if options["format"] == "json":
            text = json.dumps(data.to_dict(), ensure_ascii=False, indent=2) + "\n"
        else:
            text = recap_to_markdown(data)
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
            self.stderr.write(f"Wrote {path}.")
        else:
            self.stdout.write(text, ending="")
