"""Curator forms for the CRUD screens (``screens``) and the explorer's cards (``inline``).

Slugs may be left empty: they are then made from the name (or title, or label).
Choices that would be ambiguous on their own (a day, an entry) name their recap.

Saving an entry is shared by both (``claim_version``, ``save_together``,
``refit_stale``): every save of an existing entry claims its next ``version``
(a save based on an older one is refused), every history row of one save gets
the same date and user (one version in ``history``), and a refused form
is shown again with the curator's input, fitted to the entry as saved now.
``InlineEntryEditor`` is the smaller form of an explorer card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.db.models import F, Max
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify

from .. import search
from ..models import (
    Credit,
    CreditRole,
    Day,
    Dish,
    Entry,
    EntryKind,
    Link,
    Person,
    Photo,
    Place,
    Recap,
    Topic,
)
from . import history

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
        fields = [
            "name",
            "slug",
            "city",
            "venue",
            "start_date",
            "end_date",
            "source_url",
            "author",
            "image_base",
        ]
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


# -- Saving an entry: shared by the CRUD screen and the explorer's cards --------


class StaleEntry(Exception):
    """An entry was saved by someone else since the form was opened."""


def claim_version(entry: Entry, expected: int) -> None:
    """Take the entry's next ``version`` if it still is ``expected``, else raise ``StaleEntry``.

    Run it in the save's transaction: of two saves based on the same version, even
    racing ones, only one UPDATE matches the row.
    """
    bumped = Entry.objects.filter(pk=entry.pk, version=expected).update(version=F("version") + 1)
    if not bumped:
        raise StaleEntry
    entry.version = expected + 1


def save_together(
    form: forms.ModelForm, formsets: Iterable[forms.BaseModelFormSet], *, when: dt.datetime, user
) -> models.Model:
    """Save a model form and its formsets, every history row dated ``when`` by ``user``.

    Rows written with one date and user are one version of the history. Run it in
    a transaction.
    """
    history.mark(form.instance, when=when, user=user)
    obj = form.save()
    for formset in formsets:
        formset.instance = obj
        for subform in formset.forms:
            history.mark(subform.instance, when=when, user=user)
        formset.save()
    return obj


def refit_stale(
    form: forms.ModelForm,
    formsets: Iterable[forms.BaseInlineFormSet],
    entry: Entry,
    fields: Iterable[str] = history.FORM_FIELDS,
) -> tuple[history.Conflict, QueryDict]:
    """What others changed since a refused entry form's version, and its data fitted to now.

    The curator's input is kept; its version becomes the current one (saving again
    is then deliberate, and works), and rows of the formsets whose object someone
    deleted meanwhile become new rows (``rebase_formset_data``).
    """
    try:
        submitted = int(form.data.get(form.add_prefix("version"), ""))
    except (TypeError, ValueError):
        submitted = None
    conflict = history.conflict(entry, submitted, fields=fields)
    data = form.data.copy()
    for formset in formsets:
        rows = formset.model.objects.filter(**{formset.fk.name: entry})
        data = rebase_formset_data(data, formset.prefix, set(rows.values_list("pk", flat=True)))
    data[form.add_prefix("version")] = str(conflict.current_version)
    return conflict, data


# -- The explorer's cards: the entry form of a curator editing in place ----------

#: What a conflict on a card lists: the entry form's fields and the dishes.
INLINE_CONFLICT_FIELDS = (*history.FORM_FIELDS, "dishes")


class InlineEntryForm(EntryForm):
    """The fields of an entry a curator edits on its card, with the entry form's checks.

    The day is one of the entry's recap; the place is offered for food entries only.
    ``new_speaker`` names a person to credit too: an existing person with that name
    (the same slug, as imports match people) or a new one, made on save.
    """

    new_speaker = forms.CharField(
        label="New speaker name",
        required=False,
        max_length=Person._meta.get_field("name").max_length,
        help_text="Someone not in the list above: saved as a new person, or matched "
        "to the person with this name.",
    )
    new_speaker_role = forms.ChoiceField(
        label="Their role", choices=CreditRole.choices, initial=CreditRole.SPEAKER
    )

    class Meta(EntryForm.Meta):
        fields = ["title", "kind", "day", "place", "topics", "summary", "version"]
        widgets = {
            "version": forms.HiddenInput(),
            "topics": forms.CheckboxSelectMultiple(),
            "summary": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"summary": "Markdown: **bold**, *italic*, [a link](https://…), - a list."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        day = self.fields["day"]
        day.queryset = Day.objects.filter(recap_id=entry.recap_id).order_by("order", "pk")
        day.label_from_instance = lambda obj: obj.label
        day.help_text = ""
        if entry.kind != EntryKind.FOOD:
            del self.fields["place"]

    def clean_new_speaker(self) -> str:
        name = " ".join(self.cleaned_data["new_speaker"].split())
        if name and not slugify(name):
            raise forms.ValidationError("Give a name with letters or digits.", code="no_slug")
        return name


class EntryRowsFormSet(forms.BaseInlineFormSet):
    """Rows an entry owns, edited on its card: a "Remove" box each, new rows added last."""

    legend = ""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"
            form.fields["DELETE"].label_suffix = ""

    def number_new_rows(self) -> None:
        """Put the rows being added after the existing ones."""
        order = max((f.instance.order for f in self.initial_forms), default=-1) + 1
        for form in self.extra_forms:
            if form.has_changed() and not self._should_delete_form(form):
                form.instance.order = order
                order += 1


class InlineCreditForm(CreditForm):
    class Meta(CreditForm.Meta):
        fields = ["person", "role"]


class CreditRowsFormSet(EntryRowsFormSet):
    legend = "Speakers"

    @cached_property
    def person_choices(self) -> list[tuple[Any, str]]:
        """Everyone, loaded once for every row's select (not once per row)."""
        return [("", "---------"), *Person.objects.order_by("name").values_list("pk", "name")]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["person"].choices = self.person_choices

    def kept_people(self) -> set[int]:
        """The people the valid formset credits once saved."""
        return {
            form.cleaned_data["person"].pk
            for form in self.forms
            if form.cleaned_data.get("person") and not self._should_delete_form(form)
        }


class InlineDishForm(forms.ModelForm):
    class Meta:
        model = Dish
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DishRowsFormSet(EntryRowsFormSet):
    legend = "Dishes"


InlineCreditFormSet = forms.inlineformset_factory(
    Entry, Credit, form=InlineCreditForm, formset=CreditRowsFormSet, extra=1, can_delete=True
)
InlineDishFormSet = forms.inlineformset_factory(
    Entry, Dish, form=InlineDishForm, formset=DishRowsFormSet, extra=1, can_delete=True
)


class InlineEntryEditor:
    """An entry's card form: its fields, its speakers and, for food, its dishes.

    ``is_valid`` then ``save(user)`` (which may raise ``StaleEntry``); a refused
    stale form is fitted to the entry as saved now by ``refuse_stale``.
    """

    def __init__(self, entry: Entry, data: QueryDict | None = None):
        self.entry = entry
        #: The title as saved, for headings (the form's instance takes the input).
        self.title = entry.title
        self.prefix = f"entry-{entry.pk}"
        self.form = InlineEntryForm(data, instance=entry, prefix=self.prefix)
        self.conflict: history.Conflict | None = None
        self.new_person: Person | None = None
        self._build_formsets(data)

    def _build_formsets(self, data: QueryDict | None) -> None:
        self.credits = InlineCreditFormSet(
            data, instance=self.entry, prefix=f"{self.prefix}-credits"
        )
        self.dishes = None
        if self.entry.kind == EntryKind.FOOD:
            self.dishes = InlineDishFormSet(
                data, instance=self.entry, prefix=f"{self.prefix}-dishes"
            )

    @property
    def formsets(self) -> Sequence[EntryRowsFormSet]:
        return [formset for formset in (self.credits, self.dishes) if formset is not None]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(fs.total_error_count() for fs in self.formsets)

    def is_valid(self) -> bool:
        # Every formset is validated, so that all errors show at once.
        valid = all([self.form.is_valid(), *[formset.is_valid() for formset in self.formsets]])
        return valid and self._check_new_speaker()

    def _check_new_speaker(self) -> bool:
        name = self.form.cleaned_data.get("new_speaker")
        if not name:
            return True
        slug = slugify(name)[: Person._meta.get_field("slug").max_length]
        person = Person.objects.filter(slug=slug).first()
        if person is not None and person.pk in self.credits.kept_people():
            self.form.add_error("new_speaker", f"{person} is already one of the speakers above.")
            return False
        self.new_person = person or Person(name=name, slug=slug)
        return True

    def save(self, user) -> Entry:
        """Save everything as one new version of the entry (raises ``StaleEntry``)."""
        when = timezone.now()
        # The entry's search document is rebuilt once, not once per row saved.
        with transaction.atomic(), search.deferred():
            claim_version(self.entry, self.form.cleaned_data["version"])
            for formset in self.formsets:
                formset.number_new_rows()
            entry = save_together(self.form, self.formsets, when=when, user=user)
            if self.new_person is not None:
                if self.new_person.pk is None:
                    history.mark(self.new_person, when=when, user=user)
                    self.new_person.save()
                last = entry.credits.aggregate(last=Max("order"))["last"]
                credit = Credit(
                    entry=entry,
                    person=self.new_person,
                    role=self.form.cleaned_data["new_speaker_role"],
                    order=0 if last is None else last + 1,
                )
                history.mark(credit, when=when, user=user)
                credit.save()
        return entry

    @property
    def is_stale(self) -> bool:
        return self.form.has_error(NON_FIELD_ERRORS, "stale")

    def refuse_stale(self) -> None:
        """Keep the input, say what changed since, and let a second save go through."""
        self.conflict, data = refit_stale(
            self.form, self.formsets, self.entry, fields=INLINE_CONFLICT_FIELDS
        )
        # The form keeps its errors; only the values shown again change.
        self.form.data = data
        self._build_formsets(data)

    def set_focus(self) -> bool:
        """Mark where the focus goes when the form is shown (htmx honours ``autofocus``).

        The first field in error, else the title; True when it should be the
        form's alert instead (an error that belongs to no field, e.g. a conflict).
        """
        if self.conflict is not None or self.form.non_field_errors():
            return True
        for form in [self.form, *(f for formset in self.formsets for f in formset.forms)]:
            for name, field in form.fields.items():
                if form.has_error(name) and not field.widget.is_hidden:
                    field.widget.attrs["autofocus"] = True
                    return False
        if any(formset.non_form_errors() for formset in self.formsets):
            return True
        self.form.fields["title"].widget.attrs["autofocus"] = True
        return False
