"""Django admin for every explorer model: a fallback for curators and operators."""

from django.contrib import admin

from .models import Credit, Day, Dish, Entry, Link, Person, Photo, Place, Recap, Topic


class DayInline(admin.TabularInline):
    model = Day
    extra = 0
    fields = ["order", "label", "slug", "date"]


@admin.register(Recap)
class RecapAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "start_date", "end_date", "author"]
    search_fields = ["name", "city", "author"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DayInline]


@admin.register(Day)
class DayAdmin(admin.ModelAdmin):
    list_display = ["label", "recap", "date", "order"]
    list_filter = ["recap"]
    list_select_related = ["recap"]
    search_fields = ["label"]


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ["person"]


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0


class DishInline(admin.TabularInline):
    model = Dish
    extra = 0
    autocomplete_fields = ["place"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "day", "recap", "order"]
    list_filter = ["recap", "kind", "day"]
    list_select_related = ["recap", "day"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["place", "topics"]
    inlines = [CreditInline, DishInline, LinkInline, PhotoInline]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        """Bump the version like every curator save, so stale edit forms are refused."""
        if change:
            # The admin's change view runs in a transaction: lock the row while bumping.
            saved = Entry.objects.select_for_update().only("version").get(pk=obj.pk)
            obj.version = saved.version + 1
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation"]
    search_fields = ["name", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Dish)
class DishAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "entry"]
    list_select_related = ["place", "entry"]
    search_fields = ["name", "description"]


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["title", "url", "entry"]
    list_select_related = ["entry"]
    search_fields = ["title", "url"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["image", "caption", "entry"]
    list_select_related = ["entry"]
    search_fields = ["caption", "image"]
