"""``manage.py generate_archive --entries N``: a large synthetic archive, for benchmarks.

Many recaps (about 150 entries each) of three to five days, with talks of every
kind, meals, events, sights and notes; a few prolific speakers and a long tail of
one-off ones (Zipf-like); topics, places and dishes; short and long summaries,
names with accents. Rows are written with ``bulk_create`` in batches, without
history, and the search documents are written in bulk at the end. Generated
recaps have slugs starting with ``generated-``; ``--clear`` removes them first.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from itertools import accumulate, islice

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from explorer.loading import refresh_planner_statistics
from explorer.models import (
    Credit,
    CreditRole,
    Day,
    Dish,
    Entry,
    EntryKind,
    Person,
    Place,
    PlaceKind,
    Recap,
    SearchDocument,
    Topic,
)
from explorer.text import fold, person_key

SLUG_PREFIX = "generated-"
BATCH = 2000
ENTRIES_PER_RECAP = 150


def _words(text: str, sep: str = ",") -> list[str]:
    return [word.strip() for word in text.split(sep) if word.strip()]


CITIES = _words(
    "Durham, Porto, Vigo, Kraków, Zürich, Montréal, Cape Town, Lagos, Bengaluru, Tokyo, "
    "Seattle, Edinburgh, Nairobi, São Paulo, Aarhus "
)
FIRST = _words(
    "Sarah, Carlton, Thibaud, Élodie, Álvaro, Zoë, Łukasz, Ngozi, Priya, Mateo, Aiko, Jürgen, "
    "Chloé, Kwame, Ines, Tim, Jeff, Paolo, Mariana, Oluwaseun, Søren, Hana, Dmitri, Fatima, "
    "Giulia, Rafael, Yuki, Ana "
)
LAST = _words(
    "Boyce, Gibson, Colas, Dupont, Núñez, Schilling, Kowalski, Okafor, Sharma, García, "
    "Tanaka, Müller, Lefèvre, Mensah, Silva, Triplett, Rossi, Oliveira, Jensen, Novak, "
    "Ivanova, Haddad, Bianchi, Costa, Sato, Pereira, Björk, Nowak, Adeyemi, O'Brien "
)
TOPICS = _words(
    "ORM, Databases, Performance, Testing, Accessibility, Security, Deployment, Async, "
    "Templates, Forms, htmx, APIs, Search, Caching, Community, Documentation, Packaging, "
    "Typing, Migrations, Admin, Observability, Internationalisation, Frontend, Data science, "
    "Career, Open source, Mentoring, Scaling, PostgreSQL, SQLite, Celery, WebSockets, "
    "GeoDjango, Static files, Authentication, Diversity, Education, Python internals, Rust, "
    "Django internals "
)
NOUNS = _words(
    "queries, tests, forms, templates, migrations, caches, signals, middleware, models, "
    "views, indexes, workers, streams, deployments, permissions, admins, apps, fixtures, "
    "transactions, pipelines "
)
ADJECTIVES = _words(
    "fast, accessible, boring, delightful, resilient, tiny, hidden, async, typed, scalable, "
    "secure, friendly, lazy, modern, legacy "
)
VERBS = _words(
    "Taming, Scaling, Testing, Debugging, Profiling, Shipping, Rethinking, Building, "
    "Securing, Caching, Migrating, Teaching, Measuring "
)
WORDS = _words(
    "the, a, of, and, to, with, for, in, on, django, python, performance, database, query, "
    "index, template, request, response, cache, user, team, community, test, deploy, server, "
    "migration, async, worker, speed, memory, page, search, result, filter, card, talk, "
    "speaker, audience, slide, demo, code, review, release, bug, fix, feature "
)
DISHES = _words(
    "Mocha, Crêpe suzette, Brisket, Hushpuppies, Pão de queijo, Ramen, Jollof rice, Pierogi, "
    "Smørrebrød, Tacos al pastor, Falafel, Gelato, Biscuits, Bánh mì, Croissant, Pad thai, "
    "Poutine, Churros, Pho, Arepas, Dumplings, Shakshuka, Key lime pie, Espresso, Kombucha "
)
PLACE_WORDS = _words(
    "Cocoa, Cinnamon, Golden, Bull, Pine, Harbour, Corner, Garden, Old, Market, Blue, Fig, "
    "Copper, Lantern, River, Maple "
)
DAY_NAMES = _words("Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday ")
# Summaries draw on every word above, Zipf-distributed (the n-th most common word
# is n times rarer than the first), as real text does: a few words are in most
# summaries, most words in few.
VOCABULARY = list(
    dict.fromkeys(
        [*WORDS, *(w.lower() for phrase in TOPICS + NOUNS + ADJECTIVES + VERBS + CITIES
                   + DISHES for w in phrase.split())]
    )
)  # fmt: skip
_rest = VOCABULARY[9:]  # after the little words, in a fixed random order
random.Random(0).shuffle(_rest)
VOCABULARY[9:] = _rest
VOCABULARY_WEIGHTS = list(accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))
KIND_WEIGHTS = [
    (EntryKind.TALK, 50),
    (EntryKind.LIGHTNING_TALK, 12),
    (EntryKind.KEYNOTE, 4),
    (EntryKind.PANEL, 4),
    (EntryKind.FOOD, 15),
    (EntryKind.EVENT, 6),
    (EntryKind.SIGHT, 5),
    (EntryKind.NOTE, 4),
]


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = (
        "Generate a large synthetic archive (recaps with slugs starting 'generated-') "
        "for benchmarks. --clear removes the previously generated recaps first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entries", type=int, default=10_000, help="How many entries.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--clear", action="store_true", help="Delete previously generated recaps first."
        )

    def handle(self, *args, entries: int, seed: int, clear: bool, **options) -> None:
        if entries < 0:
            raise CommandError("--entries must be 0 or more.")
        started = time.monotonic()
        if clear:
            removed = self.clear()
            self.stdout.write(f"Removed {removed} generated recaps.")
        with transaction.atomic():
            made = Generator(random.Random(seed), self.stdout).run(entries)
        refresh_planner_statistics()
        self.stdout.write(
            f"Generated {made['entries']} entries in {made['recaps']} recaps "
            f"({made['people']} new people, {made['credits']} credits, {made['dishes']} dishes) "
            f"in {time.monotonic() - started:.1f}s."
        )

    def clear(self) -> int:
        """Delete generated recaps with plain SQL-level deletes (no history, no signals)."""
        recaps = Recap.objects.filter(slug__startswith=SLUG_PREFIX)
        n = recaps.count()
        with transaction.atomic():
            entries = Entry.objects.filter(recap__in=recaps)
            SearchDocument.objects.filter(entry__in=entries)._raw_delete("default")
            Credit.objects.filter(entry__in=entries)._raw_delete("default")
            Dish.objects.filter(entry__in=entries)._raw_delete("default")
            Entry.topics.through.objects.filter(entry__in=entries)._raw_delete("default")
            for model in (Entry.links.rel.related_model, Entry.photos.rel.related_model):
                model.objects.filter(entry__in=entries)._raw_delete("default")
            entries._raw_delete("default")
            Day.objects.filter(recap__in=recaps)._raw_delete("default")
            recaps._raw_delete("default")
            # People, places and topics only generated archives used.
            Person.objects.filter(slug__startswith=SLUG_PREFIX, credits__isnull=True)._raw_delete(
                "default"
            )
            Place.objects.filter(
                slug__startswith=SLUG_PREFIX, entries__isnull=True, dishes__isnull=True
            )._raw_delete("default")
        return n


class Generator:
    def __init__(self, rng: random.Random, stdout) -> None:
        self.rng = rng
        self.stdout = stdout
        self.counts = {"entries": 0, "recaps": 0, "people": 0, "credits": 0, "dishes": 0}

    def run(self, total: int) -> dict[str, int]:
        rng = self.rng
        if total == 0:
            return self.counts
        taken = set(
            Recap.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        )
        n_recaps = max(1, -(-total // ENTRIES_PER_RECAP))
        start_number = len(taken) + 1
        # Slugs of this run's people and places: unique across runs (same seed too).
        self.run_tag = f"{start_number}-{rng.randrange(36**4):x}"
        topics = self.topics()
        n_people = max(20, total // 3)
        prolific = self.people(min(60, n_people), "p")
        one_off = self.people(n_people - len(prolific), "o")
        places = self.places(max(10, min(2000, total // 50)))
        recaps = []
        for number in range(start_number, start_number + n_recaps):
            slug = f"{SLUG_PREFIX}{number:05d}"
            while slug in taken:
                number += 1_000_000
                slug = f"{SLUG_PREFIX}{number:05d}"
            city = rng.choice(CITIES)
            start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
            recaps.append(
                Recap(
                    name=f"PyConf {city} {start.year} #{number}",
                    slug=slug,
                    city=city,
                    venue=f"{city} Convention Centre",
                    start_date=start,
                    end_date=start + dt.timedelta(days=4),
                    author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                )
            )
        recaps = Recap.objects.bulk_create(recaps)
        self.counts["recaps"] = len(recaps)

        days = []
        for recap in recaps:
            first = recap.start_date
            for order in range(rng.randint(3, 5)):
                date = first + dt.timedelta(days=order)
                name = DAY_NAMES[(date.weekday() + 1) % 7]
                days.append(
                    Day(recap=recap, label=name, slug=slugify(name), date=date, order=order)
                )
            days.append(Day(recap=recap, label="Food and sights", slug="food-and-sights", order=9))
        days = Day.objects.bulk_create(days)
        days_of: dict[int, list[Day]] = {}
        for day in days:
            days_of.setdefault(day.recap_id, []).append(day)

        kinds = [k for k, _ in KIND_WEIGHTS]
        weights = [w for _, w in KIND_WEIGHTS]
        remaining = total
        one_off_iter = iter(one_off)
        for recap_chunk in batched(recaps, max(1, BATCH // ENTRIES_PER_RECAP)):
            entry_rows, credits, dishes, topic_links, bodies = [], [], [], [], []
            for recap in recap_chunk:
                n = min(ENTRIES_PER_RECAP, remaining)
                remaining -= n
                recap_days = days_of[recap.pk]
                for order in range(n):
                    kind = rng.choices(kinds, weights)[0]
                    day = (
                        recap_days[-1]
                        if kind in (EntryKind.FOOD, EntryKind.SIGHT) and (rng.random() < 0.5)
                        else recap_days[order * (len(recap_days) - 1) // max(1, n)]
                    )
                    entry = self.entry(recap, day, kind, order, places)
                    people = self.speakers(kind, prolific, one_off_iter, one_off)
                    dish_names = (
                        rng.sample(DISHES, rng.randint(1, 4)) if kind == EntryKind.FOOD else []
                    )
                    chosen_topics = (
                        rng.sample(topics, rng.choice([0, 1, 1, 2, 2, 3]))
                        if kind not in (EntryKind.FOOD, EntryKind.SIGHT)
                        else []
                    )
                    entry_rows.append((entry, people, dish_names, chosen_topics))
            created = Entry.objects.bulk_create([row[0] for row in entry_rows], batch_size=BATCH)
            for entry, (_, people, dish_names, chosen_topics) in zip(
                created, entry_rows, strict=True
            ):
                for position, (person, role) in enumerate(people):
                    credits.append(Credit(entry=entry, person=person, role=role, order=position))
                for position, name in enumerate(dish_names):
                    dishes.append(Dish(entry=entry, place=entry.place, name=name, order=position))
                for topic in chosen_topics:
                    topic_links.append(Entry.topics.through(entry=entry, topic=topic))
                text = [entry.title, entry.summary, *(p.name for p, _ in people), *dish_names]
                if entry.place:
                    text.append(entry.place.name)
                bodies.append(SearchDocument(entry=entry, body=fold("\n".join(text))))
            Credit.objects.bulk_create(credits, batch_size=BATCH)
            Dish.objects.bulk_create(dishes, batch_size=BATCH)
            Entry.topics.through.objects.bulk_create(topic_links, batch_size=BATCH)
            # The search index, in bulk (the FTS5 triggers / GIN index follow).
            SearchDocument.objects.bulk_create(bodies, batch_size=BATCH)
            self.counts["entries"] += len(created)
            self.counts["credits"] += len(credits)
            self.counts["dishes"] += len(dishes)
        return self.counts

    # -- rows ---------------------------------------------------------------------

    def topics(self) -> list[Topic]:
        existing = {t.slug: t for t in Topic.objects.all()}
        missing = [
            Topic(name=name, slug=slugify(name))
            for name in TOPICS
            if slugify(name) not in existing and not Topic.objects.filter(name=name).exists()
        ]
        Topic.objects.bulk_create(missing)
        return list(Topic.objects.filter(slug__in=[slugify(name) for name in TOPICS]))

    def people(self, n: int, tag: str) -> list[Person]:
        rng = self.rng
        rows = []
        for i in range(n):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            slug = f"{SLUG_PREFIX}{slugify(name)}-{tag}{self.run_tag}-{i}"
            rows.append(Person(name=name, slug=slug, name_folded=fold(name), key=person_key(name)))
        created = Person.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["people"] += len(created)
        return created

    def places(self, n: int) -> list[Place]:
        rng = self.rng
        kinds = [
            PlaceKind.RESTAURANT,
            PlaceKind.CAFE,
            PlaceKind.BAR,
            PlaceKind.FOOD_TRUCK,
            PlaceKind.GARDEN,
            PlaceKind.LANDMARK,
            PlaceKind.MARKET,
        ]
        rows = []
        for i in range(n):
            name = f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)} {rng.choice(DISHES)}"
            rows.append(
                Place(
                    name=name,
                    slug=f"{SLUG_PREFIX}{slugify(name)}-{self.run_tag}-{i}",
                    kind=rng.choice(kinds),
                    city=rng.choice(CITIES),
                )
            )
        return Place.objects.bulk_create(rows, batch_size=BATCH)

    def entry(self, recap: Recap, day: Day, kind: str, order: int, places) -> Entry:
        rng = self.rng
        if kind == EntryKind.FOOD:
            title = f"{rng.choice(['Lunch', 'Dinner', 'Breakfast', 'Coffee'])} at {{place}}"
        elif kind == EntryKind.SIGHT:
            title = "A walk to {place}"
        elif kind == EntryKind.EVENT:
            title = f"{rng.choice(['Social', 'Sprints', 'Quiz', 'Karaoke'])} night"
        elif kind == EntryKind.NOTE:
            title = rng.choice(["Thanks", "Getting there", "Where to stay", "Closing notes"])
        else:
            title = (
                f"{rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} "
                f"with {rng.choice(TOPICS)}"
            )
        place = rng.choice(places) if kind in (EntryKind.FOOD, EntryKind.SIGHT) else None
        if place is not None:
            title = title.format(place=place.name)
        length = rng.choice([8, 12, 20, 40, 80, 160])
        words = rng.choices(VOCABULARY, cum_weights=VOCABULARY_WEIGHTS, k=length)
        summary = " ".join(words).capitalize() + "."
        return Entry(
            recap=recap,
            day=day,
            kind=kind,
            title=title,
            slug=f"{slugify(title)[:200]}-{order}",
            summary=summary,
            order=order,
            place=place,
        )

    def speakers(self, kind, prolific, one_off_iter, one_off):
        """Zipf-like: the first prolific speakers give most of the talks they give."""
        rng = self.rng
        if kind not in Entry.TALK_KINDS:
            return []
        count = {EntryKind.PANEL: rng.randint(3, 5)}.get(kind, rng.choice([1, 1, 1, 2]))
        chosen: dict[int, tuple[Person, str]] = {}
        for position in range(count):
            if rng.random() < 0.35:
                # Zipf over the prolific: rank r with weight 1/r.
                rank = min(int(rng.paretovariate(1.0)) - 1, len(prolific) - 1)
                person = prolific[rank]
            else:
                person = next(one_off_iter, None) or rng.choice(one_off or prolific)
            role = CreditRole.SPEAKER
            if kind == EntryKind.PANEL:
                role = CreditRole.HOST if position == 0 else CreditRole.PANELLIST
            chosen.setdefault(person.pk, (person, role))
        return list(chosen.values())
