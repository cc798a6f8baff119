"""Fixtures shared by the test modules: settings pinned for tests, a small conference."""

from __future__ import annotations

import datetime as dt
import json
from fnmatch import fnmatch
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from xdist.scheduler import LoadGroupScheduling

from explorer.loading import load_recap
from explorer.models import Credit, Entry, EntryKind, Person, Place, PlaceKind, Topic
from explorer.recap_data import (
    CreditData,
    DayData,
    DishData,
    EntryData,
    PersonData,
    PlaceData,
    RecapData,
    TopicData,
)
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

#: The heavy smoke runs of ``scripts/`` (tests/script_runs.py).
SMOKE_RUNS = "tests/test_*_smoke.py"


class SmokeRunsOnOneWorker(LoadGroupScheduling):
    """pytest-xdist's ``loadgroup``, with the smoke runs as one group.

    Other tests go out one at a time to whichever worker is free. The smoke runs
    start servers and load of their own, so they go to one worker, one after the
    other: two at once would starve each other of CPU on a small machine. Being the
    group with the most tests, they go out first, so the longest tests do not end the
    run. (Marks would do this, ``xdist_group``, but pytest-xdist 3.8 ignores them
    under pytest 9.2: pytest-xdist issue 1386.)
    """

    def _split_scope(self, nodeid: str) -> str:
        if fnmatch(nodeid.partition("::")[0], SMOKE_RUNS):
            return "smoke"
        return super()._split_scope(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` asks for ``--dist loadgroup``; other modes are xdist's own."""
    if config.getvalue("dist") == "loadgroup":
        return SmokeRunsOnOneWorker(config, log)
    return None


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, no autovacuum in the test database.

    Tests insert rows and roll them back: a table is then pages of dead rows,
    and autovacuum, passing by, records it as empty (``reltuples`` 0 over those
    pages). The planner then takes the next test's thousands of rows for one and
    picks nested loops that take minutes (seen on the cards' prefetch at 5,000
    entries). Without autovacuum the estimates follow the table's size.
    """
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            for (table,) in cursor.fetchall():
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} "
                    "SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)"
                )


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Plain HTTP and no HSTS whatever DJANGO_DEBUG says: the test client speaks HTTP.

    Passwords are hashed with MD5, as Django's docs advise for tests: each PBKDF2
    hash takes about 0.4 s, half the time of the log-in and lockout tests.
    """
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


#: What ``collect_static`` leaves out: files no page of the explorer links (the
#: admin's, htmx's other builds and extensions, Alpine's unminified builds). WhiteNoise
#: Brotli-compresses every collected file, and the admin's alone take 10 s.
UNLINKED_STATIC = ["admin", "ext", "htmax-*", "htmx-4*", "htmx-2.js", "module.*", "cdn.js"]
PRODUCTION_STATIC = {"BACKEND": "config.storage.MinifiedManifestStaticFilesStorage"}


def collect_static(root: Path) -> dict[str, str]:
    """Collects the static files into ``root`` as ``make serve`` does (the production
    storage); returns its manifest: each file's collected, hashed name."""
    storages = {**django_settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command(
            "collectstatic", interactive=False, verbosity=0, ignore_patterns=[*UNLINKED_STATIC]
        )
    return json.loads((root / "staticfiles.json").read_text())["paths"]


@pytest.fixture
def collected_static(settings, tmp_path) -> Path:
    """The static files collected by the production storage into a folder of their
    own, which is returned; the site's pages link the collected, hashed names."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    collect_static(settings.STATIC_ROOT)
    return settings.STATIC_ROOT


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
    PhotoFactory(entry=postgres, image="images/postgres.jpg", caption="A full room", order=0)
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


def archive_recaps() -> list[RecapData]:
    """Three small recaps of two years, as an import gives them (loaded in this order).

    ======================  ==========  =============================================
    recap (dates)           day         entries (kind: people; place)
    ======================  ==========  =============================================
    DjangoCon US 2024       Monday      State of Django (keynote: Sarah Boyce),
    (22-27 Sep 2024,                    Async all the way (talk: Élodie Martin),
    Durham)                             Lunch at Cocoa Cinnamon (food; Cocoa Cinnamon)
                            Tuesday     Testing Django (talk: Tim Bell),
                                        Social night (event)
    DjangoCon Europe 2024   Wednesday   Forms for humans (talk: Dr. Élodie Martin),
    (5-9 Jun 2024, Vigo)                Tapas crawl (food; Taberna do Porto)
                            Thursday    Community panel (panel: Sarah Boyce, host
                                        Tim Bell)
    DjangoCon US 2023       Monday      Async views in practice (talk: elodie  martin),
    (16-20 Oct 2023,                    Coffee at Cocoa Cinnamon (food; Cocoa Cinnamon)
    Durham)                 Tuesday     Deploying Django (talk: Ana Peña),
                                        Duke Gardens (sight)
    ======================  ==========  =============================================

    Two conferences have a Monday and a Tuesday; Élodie Martin is spelled three
    ways (one person); Sarah Boyce and Tim Bell speak at two; Cocoa Cinnamon is
    in two.
    """
    cocoa = PlaceData("Cocoa Cinnamon", "cafe", city="Durham, NC")
    topics = [
        TopicData("Community", "community"),
        TopicData("Async", "async"),
        TopicData("Testing", "testing"),
        TopicData("Accessibility", "accessibility"),
    ]
    us_2024 = RecapData(
        name="DjangoCon US 2024",
        slug="djangocon-us-2024",
        city="Durham, NC",
        venue="Durham Convention Center",
        start_date=dt.date(2024, 9, 22),
        end_date=dt.date(2024, 9, 27),
        source_url="https://example.com/djangocon-us-2024-recap/",
        author="A. Writer",
        people=[PersonData("Sarah Boyce", "Django Fellow")],
        places=[cocoa],
        topics=topics,
        days=[
            DayData(
                "Monday",
                date=dt.date(2024, 9, 23),
                entries=[
                    EntryData(
                        "State of Django",
                        kind="keynote",
                        people=[CreditData("Sarah Boyce")],
                        topics=["Community"],
                    ),
                    EntryData(
                        "Async all the way",
                        kind="talk",
                        people=[CreditData("Élodie Martin")],
                        topics=["Async"],
                    ),
                    EntryData(
                        "Lunch at Cocoa Cinnamon",
                        kind="food",
                        place="Cocoa Cinnamon",
                        dishes=[DishData("Mocha", place="Cocoa Cinnamon")],
                    ),
                ],
            ),
            DayData(
                "Tuesday",
                date=dt.date(2024, 9, 24),
                entries=[
                    EntryData(
                        "Testing Django",
                        kind="talk",
                        people=[CreditData("Tim Bell")],
                        topics=["Testing"],
                    ),
                    EntryData("Social night", kind="event", topics=["Community"]),
                ],
            ),
        ],
    )
    europe_2024 = RecapData(
        name="DjangoCon Europe 2024",
        slug="djangocon-europe-2024",
        city="Vigo",
        start_date=dt.date(2024, 6, 5),
        end_date=dt.date(2024, 6, 9),
        author="A. Writer",
        places=[PlaceData("Taberna do Porto", "restaurant", city="Vigo")],
        topics=topics,
        days=[
            DayData(
                "Wednesday",
                date=dt.date(2024, 6, 5),
                entries=[
                    EntryData(
                        "Forms for humans",
                        kind="talk",
                        people=[CreditData("Dr. Élodie Martin")],
                        topics=["Accessibility"],
                    ),
                    EntryData(
                        "Tapas crawl",
                        kind="food",
                        place="Taberna do Porto",
                        dishes=[DishData("Pulpo á feira", place="Taberna do Porto")],
                    ),
                ],
            ),
            DayData(
                "Thursday",
                date=dt.date(2024, 6, 6),
                entries=[
                    EntryData(
                        "Community panel",
                        kind="panel",
                        people=[
                            CreditData("Sarah Boyce", "panellist"),
                            CreditData("Tim Bell", "host"),
                        ],
                        topics=["Community"],
                    ),
                ],
            ),
        ],
    )
    us_2023 = RecapData(
        name="DjangoCon US 2023",
        slug="djangocon-us-2023",
        city="Durham, NC",
        start_date=dt.date(2023, 10, 16),
        end_date=dt.date(2023, 10, 20),
        author="A. Writer",
        places=[cocoa, PlaceData("Sarah P. Duke Gardens", "garden", city="Durham, NC")],
        topics=topics,
        days=[
            DayData(
                "Monday",
                date=dt.date(2023, 10, 16),
                entries=[
                    EntryData(
                        "Async views in practice",
                        kind="talk",
                        people=[CreditData("elodie  martin")],
                        topics=["Async"],
                    ),
                    EntryData(
                        "Coffee at Cocoa Cinnamon",
                        kind="food",
                        place="Cocoa Cinnamon",
                        dishes=[DishData("Cortado", place="Cocoa Cinnamon")],
                    ),
                ],
            ),
            DayData(
                "Tuesday",
                date=dt.date(2023, 10, 17),
                entries=[
                    EntryData("Deploying Django", kind="talk", people=[CreditData("Ana Peña")]),
                    EntryData("Duke Gardens", kind="sight", place="Sarah P. Duke Gardens"),
                ],
            ),
        ],
    )
    return [us_2024, europe_2024, us_2023]


def build_archive() -> SimpleNamespace:
    """The three recaps of ``archive_recaps``, loaded as ``import_recap`` would."""
    recaps = [load_recap(data)[0] for data in archive_recaps()]
    return SimpleNamespace(
        us_2024=recaps[0],
        europe_2024=recaps[1],
        us_2023=recaps[2],
        elodie=Person.objects.get(slug="elodie-martin"),
        sarah=Person.objects.get(slug="sarah-boyce"),
        tim=Person.objects.get(slug="tim-bell"),
        cocoa=Place.objects.get(slug="cocoa-cinnamon"),
        community=Topic.objects.get(slug="community"),
        asynchronous=Topic.objects.get(slug="async"),
    )


@pytest.fixture
def archive(db) -> SimpleNamespace:
    return build_archive()


@pytest.fixture
def duplicates(archive):
    """Duplicates a careless import might have made, beside the archive's records.

    "S. Boyce" is credited on "Testing Django" and, with Sarah Boyce, on "State of
    Django"; "Cocoa Cinnamon Cafe" is the place of one entry and of a dish;
    "Asynchrony" tags "Testing Django" and "Async all the way" (which also has Async).
    """
    testing = Entry.objects.get(slug="testing-django")
    keynote = Entry.objects.get(slug="state-of-django")
    sb = Person.objects.create(name="S. Boyce", slug="s-boyce", affiliation="Fellow")
    Credit.objects.create(entry=testing, person=sb, order=5)
    Credit.objects.create(entry=keynote, person=sb, role="host", order=7)
    cafe = Place.objects.create(name="Cocoa Cinnamon Cafe", slug="cocoa-cinnamon-cafe")
    social = Entry.objects.get(slug="social-night")
    social.place = cafe
    social.save()
    coffee = Entry.objects.get(recap=archive.us_2023, slug="coffee-at-cocoa-cinnamon")
    dish = coffee.dishes.create(name="Churro", place=cafe, order=9)
    asynchrony = Topic.objects.create(name="Asynchrony", slug="asynchrony", keywords="asyncio")
    testing.topics.add(asynchrony)
    Entry.objects.get(slug="async-all-the-way").topics.add(asynchrony)
    return archive, sb, cafe, asynchrony, dish
