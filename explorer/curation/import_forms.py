"""The web import's forms: the upload, and one entry's corrections on the review page."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from ..importer import Explanation
from ..models import Credit, Entry, URLField
from ..recap_data import EntryData, RecapData
from ..recap_input import RecapInputError, check_size, decode_recap, read_markdown
from .web_import import PASTED_NAME

#: The file names the upload takes (Markdown, or plain text written as Markdown).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
#: What the refusals call pasted Markdown.
PASTED_LABEL = "The pasted text"


class RecapUploadForm(forms.Form):
    """A Markdown file or pasted Markdown, read by the importer on ``is_valid()``.

    Refusals are ``import_recap``'s one-sentence reasons (``explorer.recap_input``),
    attached to the field that holds the recap.
    """

    file = forms.FileField(
        required=False,
        label="Markdown file",
        help_text="A .md file.",
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,.txt,text/markdown"}),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste the Markdown",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    author = forms.CharField(
        required=False, max_length=200, help_text="If the recap does not say who wrote it."
    )
    source_url = URLField().formfield(
        required=False,
        max_length=500,
        label="Source URL",
        help_text="Where the recap is published; its relative links are read against it.",
    )

    document: RecapData
    explanation: Explanation
    source_name: str
    cleaned_text: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.RECAP_MAX_BYTES)
        self.fields["file"].help_text = f"A .md file of at most {limit} (RECAP_MAX_BYTES)."

    def clean_file(self):
        upload = self.files.get(self.add_prefix("file"))
        if upload is None:
            return None
        name = PurePath(upload.name).name or "The file"
        if PurePath(name).suffix.lower() not in MARKDOWN_SUFFIXES:
            raise ValidationError(f"{name} is not a Markdown file (.md).", code="suffix")
        try:
            check_size(upload.size, name)
            raw = upload.read()
            self.cleaned_text = decode_recap(raw, name)
        except RecapInputError as error:
            raise ValidationError(str(error), code="refused") from error
        self.source_name = name
        return upload

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "")
        if text and not self.files.get(self.add_prefix("file")):
            try:
                self.cleaned_text = decode_recap(text.encode("utf-8"), PASTED_LABEL)
            except RecapInputError as error:
                raise ValidationError(str(error), code="refused") from error
            self.source_name = PASTED_NAME
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_file = bool(self.files.get(self.add_prefix("file")))
        if has_file and cleaned.get("text"):
            self.add_error("text", "Upload a file or paste the text, not both.")
            return cleaned
        if not has_file and "text" not in self.errors and not cleaned.get("text"):
            if "file" not in self.errors:
                self.add_error("file", "Choose a Markdown file, or paste the recap below.")
            return cleaned
        if self.errors:
            return cleaned
        where = "file" if has_file else "text"
        try:
            self.document, self.explanation = read_markdown(
                self.cleaned_text,
                self.source_name if has_file else PASTED_LABEL,
                source_url=cleaned.get("source_url") or "",
                author=cleaned.get("author") or "",
            )
        except RecapInputError as error:
            self.add_error(where, ValidationError(str(error), code="refused"))
        return cleaned


def _role_label(role: str) -> str:
    return Credit.Role(role).label if role in Credit.Role else role


class CorrectionForm(forms.Form):
    """One entry's corrections: kind, day, title, speakers, place, or leave it out."""

    kind = forms.ChoiceField(choices=Entry.Kind.choices)
    day = forms.ChoiceField()
    title = forms.CharField(max_length=Entry._meta.get_field("title").max_length)
    remove = forms.MultipleChoiceField(
        required=False,
        label="Remove speakers",
        widget=forms.CheckboxSelectMultiple,
    )
    new_speaker = forms.CharField(
        required=False,
        max_length=200,
        label="Add a speaker",
        help_text="A person already in the archive (their name, in any case) or a new name.",
    )
    new_role = forms.ChoiceField(choices=Credit.Role.choices, label="Role", initial="speaker")
    place = forms.CharField(
        required=False,
        max_length=200,
        help_text="A place already in the archive, or a new name; empty for none.",
    )
    omit = forms.BooleanField(required=False, label="Leave this entry out of the import")

    def __init__(
        self, *args: Any, entry: EntryData, day_slug: str, days: list[tuple[str, str]], **kwargs
    ) -> None:
        kwargs.setdefault("prefix", f"c-{entry.slug}")
        kwargs.setdefault(
            "initial",
            {
                "kind": entry.kind,
                "day": day_slug,
                "title": entry.title,
                "place": entry.place or "",
            },
        )
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["day"].choices = days
        self.fields["remove"].choices = [
            (str(index), f"{credit.name} ({_role_label(credit.role)})")
            for index, credit in enumerate(entry.people)
        ]

    def changes(self) -> dict[str, Any]:
        """The corrected values, as ``web_import.updated_corrections`` takes them."""
        data = self.cleaned_data
        removed = {int(index) for index in data["remove"]}
        speakers = [
            [credit.name, credit.role]
            for index, credit in enumerate(self.entry.people)
            if index not in removed
        ]
        new_name = " ".join(data["new_speaker"].split())
        if new_name and all(name != new_name for name, _role in speakers):
            speakers.append([new_name, data["new_role"]])
        return {
            "kind": data["kind"],
            "day": data["day"],
            "title": data["title"].strip(),
            "speakers": speakers,
            "place": " ".join(data["place"].split()),
            "omit": data["omit"],
        }
