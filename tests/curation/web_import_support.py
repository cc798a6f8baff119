"""Helpers for the web import's tests: the small recap, uploading it, correcting an entry."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from explorer.models import PendingImport

HTMX = {"HX-Request": "true"}
SMALL_RECAP = (Path(__file__).parent / "riverside-django-2031.md").read_text()


def many_entries(count: int) -> str:
    """The small recap with ``count`` more talks on its first day."""
    talks = "".join(
        f"\n### Extra Talk Number {n}\n\n"
        f"[Speaker {n} Person](https://twitter.com/speaker{n}) spoke about topic {n}.\n"
        for n in range(count)
    )
    return SMALL_RECAP.replace("## Tuesday", talks + "\n## Tuesday")


def upload(client, text: str = SMALL_RECAP, name: str = "riverside.md", **fields):
    """Upload ``text`` as a file; returns the PendingImport it made."""
    response = client.post(
        reverse("recap-import"),
        {"file": SimpleUploadedFile(name, text.encode()), **fields},
    )
    assert response.status_code == 303, response.context["form"].errors
    return PendingImport.objects.order_by("pk").last()


def review_url(pending: PendingImport, query: str = "") -> str:
    return reverse("recap-import-review", kwargs={"pk": pending.pk}) + query


def entry_url(pending: PendingImport, key: str, edit: bool = False) -> str:
    name = "recap-import-entry-edit" if edit else "recap-import-entry"
    return reverse(name, kwargs={"pk": pending.pk, "key": key})


def correction(pending: PendingImport, key: str, **changes) -> dict:
    """POST data for ``key``'s correction form: its current values, with ``changes``."""
    for day in pending.document["days"]:
        for entry in day["entries"]:
            if entry["slug"] == key:
                current = pending.corrections.get(key, {})
                values = {
                    "kind": current.get("kind", entry["kind"]),
                    "day": current.get("day", day["slug"]),
                    "title": current.get("title", entry["title"]),
                    "place": current.get("place", entry["place"] or ""),
                    "new_speaker": "",
                    "new_role": "speaker",
                }
                if current.get("omit"):
                    values["omit"] = "on"
                values.update(changes)
                return {f"c-{key}-{name}": value for name, value in values.items()}
    raise AssertionError(key)


def import_form(client, pending: PendingImport) -> dict:
    """The hidden fields of the review page's import form, as the curator's page has them."""
    review = client.get(review_url(pending))
    return {"revision": review.context["pending"].revision, "state": review.context["state"]}


def commit_url(pending: PendingImport) -> str:
    return reverse("recap-import-commit", kwargs={"pk": pending.pk})
