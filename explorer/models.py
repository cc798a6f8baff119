"""The recap as curators and attendees think of it.

A Recap is split into Days (the ``##`` parts of the post, some of which are not
calendar days), each holding Entries (the ``###`` sections): talks, meals,
events, sights and notes. Entries point at People (with their role), Topics, a
Place, and own their Dishes, Links and Photos.

Rows written by an import keep a snapshot of what the import wrote in
``imported``; a later import compares the current values with that snapshot to
tell a curator's edit from stale imported data (see ``explorer.loading``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .photos import photo_src, validate_image_base
from .text import fold, person_key


class PlaceKind(models.TextChoices):
    RESTAURANT = "restaurant", "Restaurant"
    CAFE = "cafe", "Café"
    BAR = "bar", "Bar"
    FOOD_TRUCK = "food-truck", "Food truck"
    FOOD_HALL = "food-hall", "Food hall"
    ICE_CREAM = "ice-cream", "Ice-cream shop"
    HOTEL = "hotel", "Hotel"
    GARDEN = "garden", "Garden"
    LANDMARK = "landmark", "Landmark"
    MARKET = "market", "Market"
    VENUE = "venue", "Venue"
    OTHER = "other", "Other"


class EntryKind(models.TextChoices):
    KEYNOTE = "keynote", "Keynote"
    TALK = "talk", "Talk"
    PANEL = "panel", "Panel"
    LIGHTNING_TALK = "lightning-talk", "Lightning talk"
    FOOD = "food", "Food"
    EVENT = "event", "Event"
    SIGHT = "sight", "Sight"
    NOTE = "note", "Note"


class CreditRole(models.TextChoices):
    SPEAKER = "speaker", "Speaker"
    PANELLIST = "panellist", "Panellist"
    HOST = "host", "Host"


class URLField(models.URLField):
    """A URL field whose forms read "example.com" as https://example.com (Django 6's default)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class ImportTracked(models.Model):
    """Remembers the values the last import wrote, to protect curators' edits."""

    imported = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Recap(ImportTracked):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    city = models.CharField(max_length=200, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source_url = URLField(max_length=500, blank=True)
    author = models.CharField(max_length=200, blank=True)
    image_base = models.CharField(
        "image base URL",
        max_length=500,
        blank=True,
        validators=[validate_image_base],
        help_text="Where the recap's relative image paths point: by default the folder of "
        "its source URL. An http(s) address, or a path on this site (/media/…).",
    )

    # Who changed what and when, for curators (the import snapshot is not history).
    history = HistoricalRecords(excluded_fields=["imported"])

    class Meta:
        ordering = ["-start_date", "name"]
        indexes = [
            # The explorer lists entries recap by recap in this order.
            models.Index(fields=["-start_date", "name", "id"], name="recap_listing_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="recap_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("recap", kwargs={"slug": self.slug})


class Day(ImportTracked):
    """A part of a recap: a conference day, or a themed part with no date."""

    recap = models.ForeignKey(Recap, on_delete=models.CASCADE, related_name="days")
    label = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    date = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True, help_text="Markdown.")

    # Who changed what and when, for curators (the import snapshot is not history).
    history = HistoricalRecords(excluded_fields=["imported"])

    class Meta:
        ordering = ["recap", "order"]
        constraints = [
            models.UniqueConstraint(fields=["recap", "slug"], name="day_slug_unique_per_recap"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("day", kwargs={"recap": self.recap.slug, "slug": self.slug})


class Person(ImportTracked):
    """A speaker, panellist or host."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    affiliation = models.CharField(
        max_length=300, blank=True, help_text="Role or affiliation, e.g. “Django Fellow”."
    )
    # ``name`` lower-cased without accents, for the speaker facet's search ("alvaro"
    # finds "Álvaro"). Set by ``save()``; writers that bypass it (``bulk_create``)
    # set it themselves.
    name_folded = models.CharField(max_length=200, blank=True, editable=False)
    # ``explorer.text.person_key(name)``: how a load finds this person again, from any
    # recap and in any spelling ("Dr. Élodie Martin" is "elodie martin"). Set by
    # ``save()`` like ``name_folded``.
    key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    # The names of the people merged into this one: a load matches them too.
    aliases = models.JSONField(default=list, blank=True, editable=False)

    # Who changed what and when, for curators (the import snapshot is not history).
    history = HistoricalRecords(excluded_fields=["imported", "name_folded", "key"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        self.key = person_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded", "key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("speaker", kwargs={"slug": self.slug})


class Topic(models.Model):
    """A subject entries are about; its keywords drive the importer's tagging."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    keywords = models.TextField(
        blank=True,
        help_text="One keyword or phrase per line; an imported entry mentioning any of "
        "them is tagged with this topic.",
    )
    # The names of the topics merged into this one: a load matches them too.
    aliases = models.JSONField(default=list, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topic", kwargs={"slug": self.slug})

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]


class Place(ImportTracked):
    Kind = PlaceKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.OTHER)
    url = URLField(max_length=500, blank=True)
    city = models.CharField(max_length=200, blank=True)
    # The names of the places merged into this one: a load matches them too.
    aliases = models.JSONField(default=list, blank=True, editable=False)

    # Who changed what and when, for curators (the import snapshot is not history).
    history = HistoricalRecords(excluded_fields=["imported"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlaceKind.values),
                name="place_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("place", kwargs={"slug": self.slug})


class Entry(ImportTracked):
    """One ``###`` section of a recap."""

    Kind = EntryKind

    TALK_KINDS = (EntryKind.KEYNOTE, EntryKind.TALK, EntryKind.PANEL, EntryKind.LIGHTNING_TALK)

    recap = models.ForeignKey(Recap, on_delete=models.CASCADE, related_name="entries")
    # RESTRICT: a day with entries cannot be deleted on its own, but its recap can.
    day = models.ForeignKey(Day, on_delete=models.RESTRICT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices, default=EntryKind.NOTE)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300)
    summary = models.TextField(blank=True, help_text="Markdown.")
    order = models.PositiveIntegerField(default=0)
    anchor = models.CharField(
        max_length=300, blank=True, help_text="The heading anchor in the source recap."
    )
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    people = models.ManyToManyField(Person, through="Credit", related_name="entries", blank=True)
    topics = models.ManyToManyField(Topic, related_name="entries", blank=True)
    # Bumped on every curator save; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["imported"], m2m_fields=[topics])

    class Meta:
        ordering = ["recap", "order"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["recap", "slug"], name="entry_slug_unique_per_recap"),
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values),
                name="entry_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recap", "order"], name="entry_recap_order"),
            models.Index(fields=["kind"], name="entry_kind"),
            # The explorer's ETag reads MAX(updated_at) on every request.
            models.Index(fields=["updated_at"], name="entry_updated_at"),
            # The columns the facets group by, for the entries a search or a filter
            # found by id: read from the index alone, not from the entries' rows.
            models.Index(fields=["id", "recap", "day", "kind"], name="entry_facet_columns"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("entry", kwargs={"recap": self.recap.slug, "slug": self.slug})

    @property
    def is_talk(self) -> bool:
        return self.kind in self.TALK_KINDS


class Credit(models.Model):
    """A person's part in an entry."""

    Role = CreditRole

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=20, choices=CreditRole.choices, default=CreditRole.SPEAKER)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "order"]
        indexes = [
            # The speaker facet counts credits per person: a covering index.
            models.Index(fields=["person", "entry"], name="credit_person_entry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "person"], name="credit_person_once_per_entry"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CreditRole.values),
                name="credit_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) at {self.entry}"


class Dish(models.Model):
    """Something eaten or drunk, mentioned by an entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="dishes")
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="dishes"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "order"]
        verbose_name_plural = "dishes"
        constraints = [
            models.UniqueConstraint(fields=["entry", "name"], name="dish_name_unique_per_entry"),
        ]

    def __str__(self) -> str:
        return self.name


class Link(models.Model):
    """A resource an entry points to."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=500)
    url = URLField(max_length=1000)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "order"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "url"], name="link_url_unique_per_entry"),
        ]

    def __str__(self) -> str:
        return self.title


class Photo(models.Model):
    """An image of the recap (its path in the source) and its caption."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photos")
    image = models.CharField(max_length=500, help_text="Image path as written in the recap.")
    caption = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "order"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "image"], name="photo_image_unique_per_entry"),
        ]

    def __str__(self) -> str:
        return self.caption or self.image

    @property
    def src(self) -> str:
        """The address to show it from ("" if none): needs ``entry.recap`` loaded."""
        return photo_src(self.image, self.entry.recap.image_base)


class SearchDocument(models.Model):
    """An entry's searchable text, folded (lower case, no accents), kept by ``explorer.search``.

    The full-text index lives beside it, per database: an FTS5 table fed by triggers
    on SQLite, a GIN index on ``to_tsvector('english', body)`` on PostgreSQL (see
    the migration that creates it).
    """

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    body = models.TextField()

    def __str__(self) -> str:
        return f"Search text of entry {self.entry_id}"


class MergeKind(models.TextChoices):
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    TOPIC = "topic", "Topic"


class Merge(models.Model):
    """A curator's merge of a duplicate person, place or topic into the record kept.

    It keeps what the merge changed, so that it can be reverted: the removed
    record's own values (``removed``), and the rows moved to the kept record or
    dropped because the kept one already had them (``moved``). The rows'
    changes are in their own history too (django-simple-history).
    """

    Kind = MergeKind

    kind = models.CharField(max_length=10, choices=MergeKind.choices)
    kept_id = models.PositiveBigIntegerField()
    kept_name = models.CharField(max_length=300)
    removed_id = models.PositiveBigIntegerField()
    removed_name = models.CharField(max_length=300)
    removed = models.JSONField(encoder=DjangoJSONEncoder)
    moved = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField()
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        indexes = [models.Index(fields=["kind", "kept_id"], name="merge_kept")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MergeKind.values), name="merge_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kept_id=models.F("removed_id")), name="merge_not_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.removed_name}” merged into “{self.kept_name}”"


class PendingImportQuerySet(models.QuerySet):
    def open(self) -> PendingImportQuerySet:
        """Waiting for review: not imported yet, not expired."""
        return self.filter(imported_at__isnull=True, expires_at__gt=timezone.now())

    def expired(self) -> PendingImportQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class PendingImport(models.Model):
    """A recap uploaded in the browser, read but not written to the recap tables yet.

    It holds the recap document the importer read (``RecapData.to_dict()``), the
    importer's explanation, and the curator's corrections, keyed by entry slug
    (see ``explorer.curation.web_import``), so that any app server can show the
    review. ``revision`` counts the corrections, so that an import form from an
    older review is noticed. It expires ``PENDING_IMPORT_DAYS`` after the upload;
    an imported one remembers where it went (``recap``, ``summary``) until then,
    so that a second click on "Import" says so instead of importing twice.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    source_name = models.CharField(max_length=255, help_text="The file's name, or “Pasted text”.")
    recap_slug = models.SlugField(max_length=200)
    recap_name = models.CharField(max_length=200)
    document = models.JSONField(help_text="The recap document (RecapData.to_dict()).")
    explanation = models.JSONField(default=dict, blank=True)
    corrections = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)
    recap = models.ForeignKey(
        Recap, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField(default=list, blank=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Not a CRUD screen: only the permission to import.
        default_permissions = ()
        permissions = [("import_recap", "Can import a recap in the browser")]

    def __str__(self) -> str:
        return f"{self.recap_name} ({self.source_name})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def lifetime(cls) -> dt.timedelta:
        return dt.timedelta(days=settings.PENDING_IMPORT_DAYS)
