"""Fixtures shared by the test modules: settings pinned for tests, a small conference."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches

from explorer.models import Credit, EntryKind, PlaceKind
from tests.factories import (
    CreditFactory,
    DayFactory,
    DishFactory,
    EntryFactory,
    LinkFactory,
    PersonFactory,
    PhotoFactory,
    PlaceFactory,
    RecapFactory,
    TopicFactory,
)


def make_curator(django_user_model, username: str = "curator", password: str | None = None):
    """A user of the Curators group.

    The group comes from a data migration; live-server tests flush the database,
    so it is rebuilt (with every explorer permission) when it is missing.
    """
    group, created = Group.objects.get_or_create(name="Curators")
    if created:
        group.permissions.set(Permission.objects.filter(content_type__app_label="explorer"))
    user = django_user_model.objects.create_user(username, password=password)
    user.groups.add(group)
    return user


@pytest.fixture
def curator(django_user_model):
    return make_curator(django_user_model)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Plain HTTP and no HSTS whatever DJANGO_DEBUG says: the test client speaks HTTP."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """No answer or card cached by one test (explorer.views.cached_by_etag,
    explorer.cards) reaches the next."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


def build_conference() -> SimpleNamespace:
    """Two days of a recap: talks of every kind, a meal, an event, a sight and a note.

    ==========  ===================================  ====================  ===================
    day         entry (kind)                         people                topics
    ==========  ===================================  ====================  ===================
    day-1       State of Django (keynote)            Sarah Boyce           community
    day-1       Fast tests with the ORM (talk)       Carlton Gibson        testing, databases
    day-1       Accessible forms (lightning-talk)    Thibaud Colas         accessibility
    day-1       Lunch at Cocoa Cinnamon (food)       -                     -
    day-2       Fellows panel (panel)                Sarah (panellist),    community
                                                     Tim Schilling (host)
    day-2       Postgres tricks (talk)               Élodie Dupont         databases
    day-2       Social night (event)                 -                     community
    day-2       Duke Gardens (sight)                 -                     -
    day-2       Thanks (note)                        -                     -
    ==========  ===================================  ====================  ===================
    """
    recap = RecapFactory(name="DjangoCon US 2024", slug="djangocon-us-2024")
    day1 = DayFactory(recap=recap, label="Day 1", slug="day-1", order=1, date=dt.date(2024, 9, 23))
    day2 = DayFactory(
        recap=recap,
        label="Day 2",
        slug="day-2",
        order=2,
        date=dt.date(2024, 9, 24),
        summary="The **second** day.",
    )
    community = TopicFactory(name="Community", slug="community")
    testing = TopicFactory(name="Testing", slug="testing")
    databases = TopicFactory(name="Databases", slug="databases")
    accessibility = TopicFactory(name="Accessibility", slug="accessibility")
    sarah = PersonFactory(name="Sarah Boyce", slug="sarah-boyce", affiliation="Django Fellow")
    carlton = PersonFactory(name="Carlton Gibson", slug="carlton-gibson")
    thibaud = PersonFactory(name="Thibaud Colas", slug="thibaud-colas")
    tim = PersonFactory(name="Tim Schilling", slug="tim-schilling")
    elodie = PersonFactory(name="Élodie Dupont", slug="elodie-dupont")
    cafe = PlaceFactory(name="Cocoa Cinnamon", slug="cocoa-cinnamon", kind=PlaceKind.CAFE)
    gardens = PlaceFactory(name="Sarah P. Duke Gardens", slug="duke-gardens", kind=PlaceKind.GARDEN)

    keynote = EntryFactory(
        day=day1,
        order=1,
        kind=EntryKind.KEYNOTE,
        title="State of Django",
        slug="state-of-django",
        summary="Where Django stands, and where it goes next.",
        speakers=[sarah],
        topics=[community],
    )
    orm = EntryFactory(
        day=day1,
        order=2,
        kind=EntryKind.TALK,
        title="Fast tests with the ORM",
        slug="fast-tests-with-the-orm",
        summary="Speed up a test suite by **querying less**. " * 12,
        speakers=[carlton],
        topics=[testing, databases],
    )
    forms = EntryFactory(
        day=day1,
        order=3,
        kind=EntryKind.LIGHTNING_TALK,
        title="Accessible forms",
        slug="accessible-forms",
        summary="Labels, fieldsets and errors people can find.",
        speakers=[thibaud],
        topics=[accessibility],
    )
    lunch = EntryFactory(
        day=day1,
        order=4,
        kind=EntryKind.FOOD,
        title="Lunch at Cocoa Cinnamon",
        slug="lunch-at-cocoa-cinnamon",
        summary="Coffee and pastries between talks.",
        place=cafe,
    )
    mocha = DishFactory(entry=lunch, place=cafe, name="Mocha", order=1)
    crepe = DishFactory(entry=lunch, place=cafe, name="Crêpe suzette", order=2)
    panel = EntryFactory(
        day=day2,
        order=1,
        kind=EntryKind.PANEL,
        title="Fellows panel",
        slug="fellows-panel",
        summary="The fellows answer questions.",
        topics=[community],
    )
    CreditFactory(entry=panel, person=sarah, role=Credit.Role.PANELLIST, order=1)
    CreditFactory(entry=panel, person=tim, role=Credit.Role.HOST, order=2)
    postgres = EntryFactory(
        day=day2,
        order=2,
        kind=EntryKind.TALK,
        title="Postgres tricks",
        slug="postgres-tricks",
        summary="Indexes, constraints and a little SQL.",
        speakers=[elodie],
        topics=[databases],
    )
    LinkFactory(entry=postgres, title="Slides", url="https://example.com/slides/")
    PhotoFactory(entry=postgres, image="images/postgres.jpg", caption="A full room")
    social = EntryFactory(
        day=day2,
        order=3,
        kind=EntryKind.EVENT,
        title="Social night",
        slug="social-night",
        summary="Games and snacks.",
        topics=[community],
    )
    sight = EntryFactory(
        day=day2,
        order=4,
        kind=EntryKind.SIGHT,
        title="Duke Gardens",
        slug="duke-gardens",
        summary="A walk among the flowers.",
        place=gardens,
    )
    note = EntryFactory(
        day=day2, order=5, kind=EntryKind.NOTE, title="Thanks", slug="thanks", summary="Thank you!"
    )
    return SimpleNamespace(
        recap=recap,
        day1=day1,
        day2=day2,
        community=community,
        testing=testing,
        databases=databases,
        accessibility=accessibility,
        sarah=sarah,
        carlton=carlton,
        thibaud=thibaud,
        tim=tim,
        elodie=elodie,
        cafe=cafe,
        gardens=gardens,
        keynote=keynote,
        orm=orm,
        forms=forms,
        lunch=lunch,
        mocha=mocha,
        crepe=crepe,
        panel=panel,
        postgres=postgres,
        social=social,
        sight=sight,
        note=note,
    )


@pytest.fixture
def conference(db) -> SimpleNamespace:
    return build_conference()
