#!/usr/bin/env python
"""Readers and racing curators against the production-like server (``make loadtest``).

On PostgreSQL (``LOADTEST_DATABASE_URL``, default
``postgres://recap:recap@127.0.0.1:5432/recap_loadtest``; created if missing,
migrated, the bundled recap imported, ``LOADTEST_CURATORS`` curators made) it
starts gunicorn like ``make bench`` does (debug off, WhiteNoise, on a free port of
127.0.0.1; ``scripts/bench.py``'s helpers), then for ``LOADTEST_SECONDS``:

- ``LOADTEST_READERS`` threads filter and search (random ``day``/``topic``/
  ``kind``/``q``) as a full page, an htmx fragment or JSON;
- each curator, logged in with its own session, opens the inline edit form of an
  entry (a few entries shared by all, to force conflicts, and some of its own),
  sets the summary to a unique marker and saves it with the version it read.

Then it prints what was served, the errors by status, the edits acknowledged
(200 with ``HX-Trigger: entrySaved``) and refused as conflicts, and checks in the
database that no acknowledged edit was lost: each marker is in the entry's
history, by its curator, with its own version; each entry's versions only
increase; each entry's summary is its last acknowledged marker. Exits 1 on any
5xx, transport error or lost edit.

Environment: ``LOADTEST_SECONDS`` (20), ``LOADTEST_READERS`` (16),
``LOADTEST_CURATORS`` (4), ``LOADTEST_WORKERS`` (gunicorn workers, default two
per CPU), ``LOADTEST_DATABASE_URL``, ``LOADTEST_DIR`` (collected static files,
default ``.bench/``). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import collections
import http.cookiejar
import itertools
import json
import os
import random
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import bench  # scripts/bench.py: server_env, manage, Server
import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://recap:recap@127.0.0.1:5432/recap_loadtest"
DATABASE_URL = os.environ.get("LOADTEST_DATABASE_URL") or DEFAULT_URL
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "20"))
READERS = int(os.environ.get("LOADTEST_READERS", "16"))
CURATORS = int(os.environ.get("LOADTEST_CURATORS", "4"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", str(2 * (os.cpu_count() or 1))))
SHARED_ENTRIES = 3  # edited by every curator: conflicts
OWN_ENTRIES = 2  # per curator
PASSWORD_VARIABLE = "LOADTEST_CURATOR_PASSWORD"
KINDS = ["keynote", "talk", "panel", "lightning-talk", "food", "event", "sight", "note"]
WORDS = ["django", "async", "database", "queries", "caching", "testing", "python", "orm"]
STALE_TEXT = "Someone else saved this entry"


# -- PostgreSQL ------------------------------------------------------------------------


def connect(url: str, dbname: str | None = None) -> psycopg.Connection:
    parts = urllib.parse.urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or ""),
        dbname=dbname or parts.path.lstrip("/"),
        connect_timeout=5,
        autocommit=True,
    )


def ensure_database(url: str) -> None:
    """Create the load test's database (connected to the ``recap`` one) if missing."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        admin = connect(url, dbname="recap")
    except psycopg.OperationalError:
        where = f"{parts.hostname}:{parts.port or 5432}"
        sys.exit(f"PostgreSQL is not reachable at {where}: start it (see README, PostgreSQL).")
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# -- HTTP ------------------------------------------------------------------------------


@dataclass
class Tally:
    """What every thread saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    served: collections.Counter = field(default_factory=collections.Counter)
    errors: collections.Counter = field(default_factory=collections.Counter)
    acknowledged: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)

    def count(self, kind: str, status: int | str) -> None:
        with self.lock:
            if status == 200:
                self.served[kind] += 1
            else:
                self.errors[status] += 1


def request(opener, url: str, data: dict | list | None = None, headers: dict | None = None):
    """(status, headers, body) of a request; a transport error is status "connection"."""
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(req, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")
    except OSError:
        return "connection", {}, ""


class FormParser(HTMLParser):
    """What a browser would submit from the first form of a page, unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.in_form = self.done = False
        self.select: tuple[str, bool, list] | None = None  # name, multiple, options
        self.option: list | None = None
        self.textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done:
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = (name, "multiple" in a, [])
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
            self.select[2].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            chosen = [o for o in options if o[1]] or ([] if multiple else options[:1])
            self.fields += [(name, o[0] if o[0] is not None else o[2].strip()) for o in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormParser()
    parser.feed(html)
    return parser.fields


def reader(base: str, facets: dict, tally: Tally, stop: float, seed: int) -> None:
    rng = random.Random(seed)
    opener = urllib.request.build_opener()
    while time.monotonic() < stop:
        params: list[tuple[str, str]] = []
        for name in ("day", "topic", "kind"):
            if rng.random() < 0.4:
                params += [(name, slug) for slug in rng.sample(facets[name], rng.randint(1, 2))]
        if rng.random() < 0.4:
            params.append(("q", " ".join(rng.sample(WORDS, rng.randint(1, 2)))))
        kind = rng.choice(["page", "fragment", "json"])
        headers = {"HX-Request": "true"} if kind == "fragment" else {}
        if kind == "json":
            params.append(("format", "json"))
        status, _, _ = request(opener, f"{base}/?{urllib.parse.urlencode(params)}", None, headers)
        tally.count(kind, status)


def curator(
    base: str, username: str, password: str, entries: list[int], tally: Tally, stop: float
) -> None:
    rng = random.Random(username)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf() -> str:
        return next((c.value for c in jar if c.name == "csrftoken"), "")

    status, _, html = request(opener, f"{base}/accounts/login/")
    tally.count("login", status)
    login = dict(form_fields(html))
    login.update(username=username, password=password)
    status, _, html = request(opener, f"{base}/accounts/login/", login)
    tally.count("login", status)
    if not any(c.name == "sessionid" for c in jar):
        with tally.lock:
            tally.errors[f"login refused for {username}"] += 1
        return
    n = 0
    while time.monotonic() < stop:
        pk = rng.choice(entries)
        url = f"{base}/entries/{pk}/edit/"
        status, _, html = request(opener, url, None, {"HX-Request": "true"})
        tally.count("edit form", status)
        if status != 200:
            continue
        fields = form_fields(html)
        values = dict(fields)
        prefix = f"entry-{pk}-"
        version = values.get(f"{prefix}version")
        n += 1
        marker = f"loadtest {username} {n} {secrets.token_hex(3)}"
        data = [(k, v) for k, v in fields if k != f"{prefix}summary"]
        data.append((f"{prefix}summary", marker))
        time.sleep(rng.uniform(0, 0.3))  # the others may save meanwhile
        headers = {"HX-Request": "true", "X-CSRFToken": csrf(), "Referer": url}
        status, answer_headers, html = request(opener, url, data, headers)
        tally.count("edit save", status)
        edit = {"curator": username, "entry": pk, "marker": marker, "version": version}
        if status != 200:
            continue
        with tally.lock:
            if "entrySaved" in (answer_headers.get("HX-Trigger") or ""):
                tally.acknowledged.append(edit)
            elif STALE_TEXT in html:
                tally.conflicts.append(edit)
            else:
                tally.invalid.append(edit)


# -- Checking the database -------------------------------------------------------------


def check(url: str, tally: Tally, started_at) -> list[str]:
    """Every acknowledged edit kept: a list of what was lost (empty when none)."""
    problems = []
    with connect(url) as db:
        by_entry = collections.defaultdict(list)
        for edit in tally.acknowledged:
            rows = db.execute(
                "SELECT h.history_date, h.version, u.username FROM explorer_historicalentry h"
                " LEFT JOIN auth_user u ON u.id = h.history_user_id"
                " WHERE h.id = %s AND h.summary = %s",
                [edit["entry"], edit["marker"]],
            ).fetchall()
            if not rows:
                problems.append(f"entry {edit['entry']}: {edit['marker']!r} is not in its history")
                continue
            if len(rows) != 1 or rows[0][2] != edit["curator"]:
                problems.append(f"entry {edit['entry']}: {edit['marker']!r} recorded as {rows}")
            by_entry[edit["entry"]].append((rows[0][0], rows[0][1], edit["marker"]))
        for pk, acks in by_entry.items():
            acks.sort()
            (summary,) = db.execute(
                "SELECT summary FROM explorer_entry WHERE id = %s", [pk]
            ).fetchone()
            if summary != acks[-1][2]:
                problems.append(f"entry {pk}: summary is {summary!r}, not {acks[-1][2]!r}")
            versions = [version for _, version, _ in acks]
            if len(set(versions)) != len(versions):
                problems.append(f"entry {pk}: acknowledged edits share versions {versions}")
            history = db.execute(
                "SELECT version FROM explorer_historicalentry WHERE id = %s AND history_date >= %s"
                " ORDER BY history_date, history_id",
                [pk, started_at],
            ).fetchall()
            seq = [version for (version,) in history]
            if any(b <= a for a, b in itertools.pairwise(seq)):
                problems.append(f"entry {pk}: history versions not increasing: {seq}")
    return problems


# -- Main ------------------------------------------------------------------------------


def main() -> int:
    ensure_database(DATABASE_URL)
    bench.WORKERS = WORKERS
    if os.environ.get("LOADTEST_DIR"):
        bench.WORK_DIR = Path(os.environ["LOADTEST_DIR"])
    bench.WORK_DIR.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    env = {**bench.server_env(DATABASE_URL), PASSWORD_VARIABLE: password}
    env = {k: v for k, v in env.items() if not k.startswith("LOADTEST_DATABASE")}
    print("--- preparing the database and static files", file=sys.stderr, flush=True)
    bench.manage(env, "migrate", "--no-input", "-v0")
    bench.manage(env, "import_recap", str(bench.BUNDLED))
    bench.manage(env, "collectstatic", "--no-input", "-v0")
    names = [f"loadtest-curator-{i}" for i in range(1, CURATORS + 1)]
    for name in names:
        bench.manage(env, "createcurator", name, "--password-from-env", PASSWORD_VARIABLE)

    with connect(DATABASE_URL) as db:
        entries = [pk for (pk,) in db.execute("SELECT id FROM explorer_entry ORDER BY id")]
        facets = {
            "day": sorted({s for (s,) in db.execute("SELECT slug FROM explorer_day")}),
            "topic": sorted({s for (s,) in db.execute("SELECT slug FROM explorer_topic")}),
            "kind": KINDS,
        }
        started_at = db.execute("SELECT now()").fetchone()[0]
    shared = entries[:SHARED_ENTRIES]
    own = entries[SHARED_ENTRIES:]

    server = bench.Server(env)
    tally = Tally()
    print(
        f"--- {SECONDS:g} s: {READERS} readers, {CURATORS} curators, gunicorn {WORKERS} workers"
        f" on {server.base}",
        file=sys.stderr,
        flush=True,
    )
    try:
        stop = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=reader, args=(server.base, facets, tally, stop, i))
            for i in range(READERS)
        ]
        for i, name in enumerate(names):
            mine = own[i * OWN_ENTRIES : (i + 1) * OWN_ENTRIES]
            args = (server.base, name, password, shared * 3 + mine, tally, stop)
            threads.append(threading.Thread(target=curator, args=args))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
    finally:
        server.stop()

    problems = check(DATABASE_URL, tally, started_at)
    five = sum(n for status, n in tally.errors.items() if isinstance(status, int) and status >= 500)
    transport = tally.errors.get("connection", 0)
    print(f"\nload test: {SECONDS:g} s, {READERS} readers, {CURATORS} curators, {WORKERS} workers")
    print(f"requests served (200): {sum(tally.served.values())}")
    for kind, n in sorted(tally.served.items()):
        print(f"  {kind}: {n}")
    print(f"errors: {sum(tally.errors.values())}" + ("" if tally.errors else " (none)"))
    for status, n in sorted(tally.errors.items(), key=str):
        print(f"  {status}: {n}")
    print(f"5xx: {five}")
    print(f"edits acknowledged: {len(tally.acknowledged)}")
    print(f"edits refused as conflicts: {len(tally.conflicts)}")
    print(f"edits refused otherwise (invalid): {len(tally.invalid)}")
    print(f"lost acknowledged edits: {len(problems)}")
    for problem in problems:
        print(f"  LOST: {problem}")
    sample = tally.invalid[:1]
    if sample:
        print(f"  first invalid edit: {json.dumps(sample[0])}")
    failed = five or transport or problems or not tally.acknowledged
    print("RESULT:", "FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
