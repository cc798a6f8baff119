"""factory-boy factories for every explorer model, shared by all the tests.

Slugs follow names (``PersonFactory(name="Sarah Boyce")`` gets ``sarah-boyce``);
an entry's day belongs to the entry's recap unless both are given.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils.text import slugify

from explorer.models import (
    Credit,
    Day,
    Dish,
    Entry,
    EntryKind,
    Link,
    Person,
    Photo,
    Place,
    PlaceKind,
    Recap,
    Topic,
)


class RecapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recap
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"DjangoCon {2000 + n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "Durham, NC"
    venue = "Durham Convention Center"
    start_date = dt.date(2024, 9, 22)
    end_date = dt.date(2024, 9, 27)
    source_url = "https://example.com/recap/"
    author = "A. Writer"


class DayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Day

    recap = factory.SubFactory(RecapFactory)
    order = factory.Sequence(lambda n: n)
    label = factory.LazyAttribute(lambda o: f"Day {o.order}")
    slug = factory.LazyAttribute(lambda o: slugify(o.label))
    date = None
    summary = ""


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    affiliation = ""


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = ""
    keywords = ""


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = PlaceKind.RESTAURANT
    url = ""
    city = "Durham, NC"


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    day = factory.SubFactory(DayFactory)
    recap = factory.LazyAttribute(lambda o: o.day.recap)
    kind = EntryKind.TALK
    title = factory.Sequence(lambda n: f"Entry number {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "A short summary."
    order = factory.Sequence(lambda n: n)
    place = None

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.add(*extracted)

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        """``speakers=[person, ...]`` credits each as a speaker, in order."""
        if create and extracted:
            for position, person in enumerate(extracted):
                Credit.objects.create(entry=self, person=person, order=position)


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    entry = factory.SubFactory(EntryFactory)
    person = factory.SubFactory(PersonFactory)
    role = Credit.Role.SPEAKER
    order = factory.Sequence(lambda n: n)


class DishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dish

    entry = factory.SubFactory(EntryFactory, kind=EntryKind.FOOD)
    place = None
    name = factory.Sequence(lambda n: f"Dish {n}")
    description = ""
    order = factory.Sequence(lambda n: n)


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    entry = factory.SubFactory(EntryFactory)
    title = factory.Sequence(lambda n: f"Link {n}")
    url = factory.Sequence(lambda n: f"https://example.com/links/{n}/")
    order = factory.Sequence(lambda n: n)


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    entry = factory.SubFactory(EntryFactory)
    image = factory.Sequence(lambda n: f"images/photo-{n}.jpg")
    caption = factory.Sequence(lambda n: f"Photo {n}")
    order = factory.Sequence(lambda n: n)
