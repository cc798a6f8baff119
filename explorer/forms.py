"""Curator forms for the CRUD screens (see ``explorer.crud``).

Slugs may be left empty: they are then made from the name (or title, or label).
Choices that would be ambiguous on their own (a day, an entry) name their recap.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.text import slugify

from .models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic

#: Why an entry form based on an older version of the entry is refused.
STALE_MESSAGE = (
    "Someone else saved this entry while you were editing it, so nothing was saved. "
    "Your changes are still in the form below: check what they changed, then save again "
    "to keep yours."
)


class DayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Day) -> str:
        return f"{obj.recap} · {obj.label}"


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Entry) -> str:
        return f"{obj.recap} · {obj.title}"


def day_choices():
    return Day.objects.select_related("recap")


def entry_choices():
    return Entry.objects.select_related("recap")


def https_urls(db_field, **kwargs):
    """Form fields of a model, with URLs typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class CuratorModelForm(forms.ModelForm):
    """A model form whose empty slug is made from another field."""

    slug_source: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and self.slug_source:
            slug.required = False
            source_label = self.fields[self.slug_source].label or self.slug_source
            slug.help_text = (
                f"The name in the page's address. Leave empty to make it from the "
                f"{source_label.lower()}."
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.slug_source and "slug" in self.fields and not cleaned_data.get("slug"):
            source = cleaned_data.get(self.slug_source)
            if source:
                max_length = self._meta.model._meta.get_field("slug").max_length
                cleaned_data["slug"] = slugify(source)[:max_length]
        return cleaned_data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RecapForm(CuratorModelForm):
    slug_source = "name"

    class Meta:
        model = Recap
        fields = ["name", "slug", "city", "venue", "start_date", "end_date", "source_url", "author"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"source_url": "Source URL"}
        formfield_callback = https_urls
        help_texts = {"source_url": "Where the recap was published."}


class DayForm(CuratorModelForm):
    slug_source = "label"

    class Meta:
        model = Day
        fields = ["recap", "label", "slug", "date", "order", "summary"]
        widgets = {"date": DateInput()}
        help_texts = {
            "date": "Leave empty for a part of the recap that is not a calendar day.",
            "order": "Position of this day in its recap, smallest first.",
        }


class EntryForm(CuratorModelForm):
    slug_source = "title"

    day = DayChoiceField(queryset=day_choices())

    class Meta:
        model = Entry
        fields = [
            "recap",
            "day",
            "kind",
            "title",
            "slug",
            "summary",
            "order",
            "anchor",
            "place",
            "topics",
            "version",
        ]
        widgets = {"version": forms.HiddenInput()}
        help_texts = {
            "order": "Position of this entry in its recap, smallest first.",
            "topics": "Hold Ctrl (⌘ on a Mac) to choose several.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].help_text = "The day must belong to the recap chosen above."
        self.fields["place"].queryset = Place.objects.order_by("name")

    def clean(self):
        cleaned_data = super().clean()
        recap, day = cleaned_data.get("recap"), cleaned_data.get("day")
        if recap and day and day.recap_id != recap.pk:
            self.add_error("day", f"“{day.label}” is a day of “{day.recap}”, not of “{recap}”.")
        version = cleaned_data.get("version")
        if self.instance.pk and version is not None:
            current = Entry.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current and current[0] != version:
                raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned_data


class CreditForm(forms.ModelForm):
    class Meta:
        model = Credit
        fields = ["person", "role", "order"]


CreditFormSet = forms.inlineformset_factory(
    Entry,
    Credit,
    form=CreditForm,
    extra=2,
    can_delete=True,
)


def rebase_formset_data(data: QueryDict, prefix: str, existing: set[int]) -> QueryDict:
    """A formset's submitted rows, fitted to the objects that exist now.

    A row for an object someone else deleted meanwhile would fail on its hidden id
    (an error no one sees): it becomes a new row with the same values, or is
    dropped if it was to be deleted anyway. The management form is updated.
    """
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except ValueError:
        return data.copy()
    rows: list[tuple[bool, dict[str, list[str]]]] = []
    for index in range(total):
        start = f"{prefix}-{index}-"
        row = {key[len(start) :]: data.getlist(key) for key in data if key.startswith(start)}
        is_initial = index < initial
        if is_initial:
            pk = (row.get("id") or [""])[0]
            if not (pk.isdigit() and int(pk) in existing):
                if row.get("DELETE"):
                    continue
                row.pop("id", None)
                is_initial = False
        rows.append((is_initial, row))
    rows.sort(key=lambda item: not item[0])  # stable: existing objects first

    rebased = data.copy()
    for key in list(rebased):
        if key.startswith(f"{prefix}-") and key[len(prefix) + 1 :].split("-")[0].isdigit():
            del rebased[key]
    for index, (_, row) in enumerate(rows):
        for name, values in row.items():
            rebased.setlist(f"{prefix}-{index}-{name}", values)
    rebased[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    rebased[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for is_initial, _ in rows if is_initial))
    return rebased


class PersonForm(CuratorModelForm):
    slug_source = "name"

    class Meta:
        model = Person
        fields = ["name", "slug", "affiliation"]


class TopicForm(CuratorModelForm):
    slug_source = "name"

    class Meta:
        model = Topic
        fields = ["name", "slug", "description", "keywords"]


class PlaceForm(CuratorModelForm):
    slug_source = "name"

    class Meta:
        model = Place
        fields = ["name", "slug", "kind", "url", "city"]
        labels = {"url": "Web site"}
        formfield_callback = https_urls


class EntryChildForm(CuratorModelForm):
    """Base form of the things an entry owns (dishes, links, photos)."""

    entry = EntryChoiceField(queryset=entry_choices())


class DishForm(EntryChildForm):
    class Meta:
        model = Dish
        fields = ["entry", "name", "description", "place", "order"]
        help_texts = {"place": "Where it was eaten or drunk, if not the entry's place."}


class LinkForm(EntryChildForm):
    class Meta:
        model = Link
        fields = ["entry", "title", "url", "order"]
        labels = {"url": "URL"}
        formfield_callback = https_urls


class PhotoForm(EntryChildForm):
    class Meta:
        model = Photo
        fields = ["entry", "image", "caption", "order"]
