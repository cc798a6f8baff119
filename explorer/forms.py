"""Curator forms for the CRUD screens (see ``explorer.crud``).

Slugs may be left empty: they are then made from the name (or title, or label).
Choices that would be ambiguous on their own (a day, an entry) name their recap.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.text import slugify

from .models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic


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
                raise forms.ValidationError(
                    "Someone else saved this entry after you opened it. Open it again to see "
                    "their changes, then make yours.",
                    code="stale",
                )
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
