"""Readers and curators against a running app server, and the checks of what they did.

Shared by ``make loadtest`` (``scripts/loadtest.py``) and ``make faulttest``
(``scripts/faulttest.py``):

- ``prepare_site``: migrate a database, import the bundled recap, make curators,
  and pick the entries they edit (a few shared by all, to force conflicts, and
  some of each curator's own, all on the explorer's first page);
- ``reader``: a thread filtering and searching (random ``day``/``topic``/
  ``kind``/``q``) as a full page, an htmx fragment or JSON;
- ``Curator``: one logged-in browser that opens an entry's inline edit form,
  sets the summary to a unique marker (and sometimes adds a new speaker) and
  saves it with the version it read;
- ``Tally``: what every thread saw (answers by kind and status, tracebacks,
  "database is locked", the slowest answer, every save and its outcome);
- ``check_edits``: what the database says about every save: an acknowledged one
  is there, whole, by its curator, exactly once; a refused one left nothing; an
  unanswered one (cut off by a fault) is all there or not at all; versions only
  increase, no two acknowledged saves started from the same version, and each
  entry is its newest version.

HTTP goes over ``http.client`` with one connection per request (gunicorn's sync
workers close each), so that a fault can tell which connection a save is on.
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import collections
import http.client
import http.cookies
import itertools
import random
import re
import secrets
import sqlite3
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import bench  # scripts/bench.py: manage, Server
import psycopg
from psycopg import sql

PASSWORD_VARIABLE = "TRAFFIC_CURATOR_PASSWORD"
KINDS = ["keynote", "talk", "panel", "lightning-talk", "food", "event", "sight", "note"]
WORDS = ["django", "async", "database", "queries", "caching", "testing", "python", "orm"]
STALE_TEXT = "Someone else saved this entry"
SAVED_EVENT = "entrySaved"
#: What the app's 503 page (explorer/templates/503.html) and its JSON say.
UNAVAILABLE_TEXTS = ("Recap Explorer is briefly unavailable", '"database": ["The database')
REQUEST_TIMEOUT = 30.0
HX = {"HX-Request": "true"}
SHARED_ENTRIES = 3  # edited by every curator: conflicts
OWN_ENTRIES = 2  # per curator
SPARE_ENTRIES = 2  # edited by nobody above, for a fault's own probes


# -- PostgreSQL: reaching it, and saying precisely what is missing ----------------------


def url_parts(url: str) -> dict:
    parts = urllib.parse.urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": urllib.parse.unquote(parts.username or ""),
        "password": urllib.parse.unquote(parts.password or ""),
        "dbname": parts.path.lstrip("/"),
    }


def pg_connect(url: str, dbname: str | None = None, timeout: int = 5) -> psycopg.Connection:
    params = url_parts(url)
    if dbname:
        params["dbname"] = dbname
    return psycopg.connect(**params, connect_timeout=timeout, autocommit=True)


def explain(url: str, error: Exception) -> str:
    """What is wrong, in one sentence a user can act on, for a failed connection."""
    p = url_parts(url)
    where = f"{p['host']}:{p['port']}"
    text = str(error)
    if "Connection refused" in text or "No such file or directory" in text:
        return (
            f"PostgreSQL is not running at {where} (nothing accepts connections there): "
            "start it, e.g. `pg_ctlcluster 15 main start` (see README, PostgreSQL)."
        )
    if "timeout expired" in text or "could not translate host name" in text:
        return f"PostgreSQL at {where} does not answer ({text.strip()}): check the host and port."
    if "password authentication failed" in text or re.search(r'role ".*" does not exist', text):
        return (
            f"PostgreSQL at {where} is running but refused the role {p['user']!r} with this "
            f"password: create it with `sudo -u postgres createuser --createdb {p['user']} "
            "--pwprompt`, or put the right role and password in the URL."
        )
    if "no pg_hba.conf entry" in text:
        return (
            f"PostgreSQL at {where} is running but its pg_hba.conf lets role {p['user']!r} "
            "in from nowhere here: add a `host all all 127.0.0.1/32 scram-sha-256` line."
        )
    return f"Could not connect to PostgreSQL at {where}: {text.strip()}"


def ensure_database(url: str) -> None:
    """Connect to ``url``'s database, creating it when only it is missing; else exit saying why."""
    p = url_parts(url)
    try:
        pg_connect(url).close()
        return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error) or "database" not in str(error):
            sys.exit(explain(url, error))
    # The server and role are fine; only the database is missing: create it.
    for maintenance in ("postgres", "template1"):
        try:
            admin = pg_connect(url, dbname=maintenance)
            break
        except psycopg.OperationalError as error:
            last = error
    else:
        sys.exit(explain(url, last))
    with admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(p["dbname"])))
        except psycopg.errors.InsufficientPrivilege:
            sys.exit(
                f"The database {p['dbname']!r} does not exist and role {p['user']!r} may not "
                f"create it: `sudo -u postgres createdb -O {p['user']} {p['dbname']}`."
            )
    print(f"--- created the database {p['dbname']!r}", file=sys.stderr, flush=True)


class Database:
    """A DB-API connection to the app's database (PostgreSQL or SQLite), for the checks.

    Queries use ``%s`` placeholders whatever the engine.
    """

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite:")
        if self.sqlite:
            path = urllib.parse.urlsplit(url).path
            self.connection = sqlite3.connect(path[1:] if path.startswith("//") else path)
        else:
            self.connection = pg_connect(url)

    def rows(self, query: str, params: Sequence = ()) -> list[tuple]:
        if self.sqlite:
            query = query.replace("%s", "?")
        return list(self.connection.execute(query, params).fetchall())

    def value(self, query: str, params: Sequence = ()):
        rows = self.rows(query, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- Preparing a site -------------------------------------------------------------------


@dataclass
class Site:
    """A database ready for traffic: curators, and the entries each of them edits."""

    database_url: str
    password: str
    curators: list[str]
    facets: dict[str, list[str]]
    shared: list[int]  # every curator's
    own: dict[str, list[int]]  # one curator's each
    spare: list[int]  # nobody's
    pages: dict[int, str]  # entry id -> its page's path
    # Each curator's browser, logged in once (sessions are in the database, so one
    # log-in serves every app server on it, and a log-in costs a password hash).
    browsers: dict[str, Visitor] = field(default_factory=dict)

    def curator(self, username: str, tally: Tally, **options) -> Curator:
        visitor = self.browsers.setdefault(username, Visitor())
        return Curator(username, self.password, tally, visitor=visitor, **options)

    def entries_of(self, curator: str) -> list[int]:
        """What a curator edits: mostly the shared entries (conflicts), then its own."""
        return self.shared * 3 + self.own.get(curator, [])


def prepare_site(env: dict[str, str], prefix: str, curators: int) -> Site:
    """Migrate, import the bundled recap, make ``curators`` curators, pick their entries."""
    password = secrets.token_urlsafe(18)
    env = {**env, PASSWORD_VARIABLE: password}
    bench.manage(env, "migrate", "--no-input", "-v0")
    bench.manage(env, "import_recap", str(bench.BUNDLED))
    names = [f"{prefix}-curator-{i}" for i in range(1, curators + 1)]
    for name in names:
        bench.manage(env, "createcurator", name, "--password-from-env", PASSWORD_VARIABLE)
    with Database(env["DATABASE_URL"]) as db:
        # In the explorer's order (explorer.views.card_entries): the first are on page 1.
        rows = db.rows(
            "SELECT e.id, r.slug, e.slug FROM explorer_entry e"
            " JOIN explorer_recap r ON r.id = e.recap_id JOIN explorer_day d ON d.id = e.day_id"
            ' ORDER BY r.start_date DESC, r.name, r.id, d."order", e."order", e.id'
        )
        facets = {
            "day": sorted({s for (s,) in db.rows("SELECT slug FROM explorer_day")}),
            "topic": sorted({s for (s,) in db.rows("SELECT slug FROM explorer_topic")}),
            "kind": KINDS,
        }
    ids = [pk for pk, _, _ in rows]
    shared, rest = ids[:SHARED_ENTRIES], ids[SHARED_ENTRIES:]
    own = {name: rest[i * OWN_ENTRIES : (i + 1) * OWN_ENTRIES] for i, name in enumerate(names)}
    used = SHARED_ENTRIES + OWN_ENTRIES * curators
    return Site(
        database_url=env["DATABASE_URL"],
        password=password,
        curators=names,
        facets=facets,
        shared=shared,
        own=own,
        spare=ids[used : used + SPARE_ENTRIES],
        pages={pk: f"/recaps/{recap}/{slug}/" for pk, recap, slug in rows},
    )


# -- HTTP -------------------------------------------------------------------------------


@dataclass
class Answer:
    """One request's outcome; ``status`` is "connection" or "timeout" when none came."""

    status: int | str
    headers: http.client.HTTPMessage | dict
    body: str
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def ok(self) -> bool:
        return isinstance(self.status, int) and self.status < 400

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""


def encode_form(data: dict | list | None) -> bytes | None:
    return urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None


class Visitor:
    """One browser: its cookies (for every port of 127.0.0.1, as browsers keep them)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def cookie_header(self) -> str:
        with self.lock:
            return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for value in headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(value)
            with self.lock:
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    def request(
        self,
        url: str,
        data: dict | list | None = None,
        headers: dict | None = None,
        *,
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        timeout: float = REQUEST_TIMEOUT,
        on_sent: Callable[[int], None] | None = None,
    ) -> Answer:
        """GET (or POST ``data``/``body``) ``url``; ``on_sent(local_port)`` once it is sent."""
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = body if body is not None else encode_form(data)
        headers = {"Host": parts.netloc, **(headers or {})}
        if cookie := self.cookie_header():
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            connection.request("POST" if body is not None else "GET", path, body, headers)
            if on_sent is not None:
                on_sent(connection.sock.getsockname()[1])
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        except TimeoutError:
            return Answer("timeout", {}, "", started, time.monotonic())
        except (OSError, http.client.HTTPException):
            return Answer("connection", {}, "", started, time.monotonic())
        finally:
            connection.close()
        self.keep_cookies(response.headers)
        return Answer(response.status, response.headers, text, started, time.monotonic())


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


# -- What every thread saw --------------------------------------------------------------


@dataclass
class Edit:
    """One save: what was sent and what came back.

    ``outcome``: "acknowledged" (200 with ``HX-Trigger: entrySaved``), "conflict"
    (refused: someone saved first), "invalid" (refused otherwise) or "unanswered"
    (no answer, or a 5xx: it may or may not have been written).
    """

    curator: str
    entry: int
    marker: str
    version: str | None
    speaker: str | None
    server: str
    outcome: str = ""
    status: int | str = ""
    killed: bool = False  # a fault killed the worker serving it


@dataclass
class Tally:
    """What every thread saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    served: collections.Counter = field(default_factory=collections.Counter)
    errors: collections.Counter = field(default_factory=collections.Counter)
    answers: list[tuple[float, float, str, int | str]] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    tracebacks: int = 0
    locked: int = 0  # "database is locked" shown to a user
    unclean_503: int = 0  # a 503 that is not the app's page
    slowest: float = 0.0

    def record(self, kind: str, answer: Answer) -> Answer:
        with self.lock:
            self.answers.append((answer.started, answer.ended, kind, answer.status))
            if answer.ok:
                self.served[kind] += 1
            else:
                self.errors[answer.status] += 1
            self.tracebacks += "Traceback" in answer.body
            self.locked += "database is locked" in answer.body
            # /healthz answers its own JSON (judged by whoever asks it).
            unavailable = answer.status == 503 and kind != "healthz"
            if unavailable and not any(text in answer.body for text in UNAVAILABLE_TEXTS):
                self.unclean_503 += 1
            self.slowest = max(self.slowest, answer.seconds)
        return answer

    def outcomes(self, outcome: str) -> list[Edit]:
        return [edit for edit in self.edits if edit.outcome == outcome]

    @property
    def acknowledged(self) -> list[Edit]:
        return self.outcomes("acknowledged")

    @property
    def refused(self) -> list[Edit]:
        return self.outcomes("conflict") + self.outcomes("invalid")

    @property
    def server_errors(self) -> collections.Counter:
        return collections.Counter(
            {s: n for s, n in self.errors.items() if isinstance(s, int) and s >= 500}
        )


# -- Readers and curators ---------------------------------------------------------------


def reader(bases: Sequence[str], facets: dict, tally: Tally, stop: float, seed: int) -> None:
    """Filter and search at random until ``stop``, on any of ``bases``."""
    rng = random.Random(seed)
    visitor = Visitor()
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
        url = f"{rng.choice(bases)}/?{urllib.parse.urlencode(params)}"
        if not tally.record(kind, visitor.request(url, headers=headers)).ok:
            time.sleep(0.05)  # the server is failing: do not spin


@dataclass
class Form:
    """An entry's inline edit form as a curator opened it."""

    entry: int
    fields: list[tuple[str, str]]
    server: str

    @property
    def prefix(self) -> str:
        return f"entry-{self.entry}-"

    @property
    def version(self) -> str | None:
        return dict(self.fields).get(f"{self.prefix}version")


class Curator:
    """One curator's browser: logs in, opens inline edit forms, saves unique markers."""

    def __init__(
        self,
        username: str,
        password: str,
        tally: Tally,
        *,
        speaker_share: float = 0.0,
        visitor: Visitor | None = None,
    ) -> None:
        self.username = username
        self.password = password
        self.tally = tally
        self.rng = random.Random(f"{username}-{secrets.token_hex(4)}")
        self.speaker_share = speaker_share
        self.visitor = visitor or Visitor()
        self.saves = 0

    def log_in(self, base: str) -> bool:
        """Log in on ``base``, unless this browser already is."""
        if "sessionid" in self.visitor.cookies:
            return True
        url = f"{base}/accounts/login/"
        answer = self.tally.record("login", self.visitor.request(url))
        data = dict(form_fields(answer.body))
        data.update(username=self.username, password=self.password)
        self.tally.record("login", self.visitor.request(url, data, {"Referer": url}))
        if "sessionid" in self.visitor.cookies:
            return True
        with self.tally.lock:
            self.tally.errors[f"login refused for {self.username}"] += 1
        return False

    def open_form(self, base: str, pk: int) -> Form | None:
        url = f"{base}/entries/{pk}/edit/"
        answer = self.tally.record("edit form", self.visitor.request(url, headers=HX))
        return Form(pk, form_fields(answer.body), base) if answer.status == 200 else None

    def new_marker(self) -> str:
        self.saves += 1
        return f"{self.username} save {self.saves} {secrets.token_hex(4)}"

    def save_data(self, form: Form, marker: str, speaker: str | None) -> list[tuple[str, str]]:
        """The form as opened, with the new summary (last) and maybe a new speaker."""
        replaced = {f"{form.prefix}summary", f"{form.prefix}new_speaker"}
        data = [(k, v) for k, v in form.fields if k not in replaced]
        if speaker:
            data.append((f"{form.prefix}new_speaker", speaker))
        data.append((f"{form.prefix}summary", marker))
        return data

    def save(
        self, base: str, form: Form, *, on_sent: Callable[[int, Edit], None] | None = None
    ) -> Edit:
        """Save ``form`` on ``base`` (maybe another server than the form's) as a new marker.

        ``on_sent(local_port, edit)`` is called once the request is sent.
        """
        marker = self.new_marker()
        speaker = None
        if self.rng.random() < self.speaker_share:
            speaker = f"Speaker {marker.rsplit(' ', 1)[-1]}"
        edit = Edit(self.username, form.entry, marker, form.version, speaker, base)
        url = f"{base}/entries/{form.entry}/edit/"
        headers = {**HX, "X-CSRFToken": self.visitor.csrf_token, "Referer": url}
        data = self.save_data(form, marker, speaker)
        hook = None if on_sent is None else (lambda port: on_sent(port, edit))
        answer = self.visitor.request(url, data, headers, on_sent=hook)
        self.tally.record("edit save", answer)
        edit.status = answer.status
        if answer.status == 200 and SAVED_EVENT in answer.header("HX-Trigger"):
            edit.outcome = "acknowledged"
        elif answer.status == 200 and STALE_TEXT in answer.body:
            edit.outcome = "conflict"
        elif answer.status == 200:
            edit.outcome = "invalid"
        else:
            edit.outcome = "unanswered"
        with self.tally.lock:
            self.tally.edits.append(edit)
        return edit

    def run(
        self,
        bases: Sequence[str],
        entries: Sequence[int],
        stop: float,
        *,
        pause: float = 0.3,
        on_sent: Callable[[int, Edit], None] | None = None,
        after_save: Callable[[Curator, Edit], None] | None = None,
    ) -> None:
        """Until ``stop``: open a form on one server, wait a little, save it on one."""
        while time.monotonic() < stop:
            form = self.open_form(self.rng.choice(bases), self.rng.choice(entries))
            if form is None:
                time.sleep(0.05)  # the server is failing: do not spin
                continue
            time.sleep(self.rng.uniform(0, pause))  # the others may save meanwhile
            edit = self.save(self.rng.choice(bases), form, on_sent=on_sent)
            if after_save is not None:
                after_save(self, edit)


def start_traffic(
    bases: Sequence[str],
    site: Site,
    tally: Tally,
    seconds: float,
    *,
    readers: int,
    speaker_share: float = 0.0,
    curator_options: dict | None = None,
) -> tuple[float, list[threading.Thread], list[Curator]]:
    """Log the curators in, then start readers and curators until now + ``seconds``.

    Returns the stop time, the threads (started) and the curators.
    """
    curators = [site.curator(name, tally, speaker_share=speaker_share) for name in site.curators]
    for curator in curators:
        curator.log_in(bases[0])
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=reader, args=(bases, site.facets, tally, stop, i), daemon=True)
        for i in range(readers)
    ]
    for curator in curators:
        if "sessionid" in curator.visitor.cookies:
            args = (bases, site.entries_of(curator.username), stop)
            kwargs = curator_options or {}
            threads.append(
                threading.Thread(target=curator.run, args=args, kwargs=kwargs, daemon=True)
            )
    for thread in threads:
        thread.start()
    return stop, threads, curators


def join(threads: Sequence[threading.Thread], stop: float) -> None:
    for thread in threads:
        thread.join(timeout=max(0.0, stop - time.monotonic()) + REQUEST_TIMEOUT + 5)


# -- Checking the database --------------------------------------------------------------


def history_baseline(url: str) -> int:
    """The newest entry history row now: checks look at what came after."""
    with Database(url) as db:
        return db.value("SELECT COALESCE(MAX(history_id), 0) FROM explorer_historicalentry") or 0


def rows_written(db: Database, edit: Edit) -> dict[str, int]:
    """How many rows of each kind the save ``edit`` left in the database."""
    found = {
        "entry history": db.value(
            "SELECT COUNT(*) FROM explorer_historicalentry WHERE id = %s AND summary = %s",
            [edit.entry, edit.marker],
        ),
    }
    if edit.speaker:
        found["person"] = db.value(
            "SELECT COUNT(*) FROM explorer_person WHERE name = %s", [edit.speaker]
        )
        found["person history"] = db.value(
            "SELECT COUNT(*) FROM explorer_historicalperson WHERE name = %s AND history_type = '+'",
            [edit.speaker],
        )
        found["credit"] = db.value(
            "SELECT COUNT(*) FROM explorer_credit c JOIN explorer_person p ON p.id = c.person_id"
            " WHERE c.entry_id = %s AND p.name = %s",
            [edit.entry, edit.speaker],
        )
        found["credit history"] = db.value(
            "SELECT COUNT(*) FROM explorer_historicalcredit c"
            " JOIN explorer_person p ON p.id = c.person_id"
            " WHERE c.entry_id = %s AND p.name = %s AND c.history_type = '+'",
            [edit.entry, edit.speaker],
        )
    return found


@dataclass
class Findings:
    """What ``check_edits`` found, by kind; ``lost`` and ``partial`` are failures."""

    lost: list[str] = field(default_factory=list)  # acknowledged, not (all) there
    partial: list[str] = field(default_factory=list)  # some rows of a save, not all
    leftovers: list[str] = field(default_factory=list)  # a refused save left rows
    order: list[str] = field(default_factory=list)  # versions, final state
    written_unanswered: int = 0
    absent_unanswered: int = 0

    @property
    def problems(self) -> list[str]:
        return self.lost + self.partial + self.leftovers + self.order


def check_edits(url: str, edits: Sequence[Edit], since_history_id: int) -> Findings:
    """Every acknowledged save kept whole, every other one all or nothing (see module doc)."""
    found = Findings()
    with Database(url) as db:
        for edit in edits:
            rows = rows_written(db, edit)
            whole, none = all(n == 1 for n in rows.values()), not any(rows.values())
            what = f"entry {edit.entry}: {edit.outcome} save {edit.marker!r} left {rows}"
            if edit.outcome == "acknowledged":
                if not whole:
                    found.lost.append(what)
                    continue
                user = db.value(
                    "SELECT u.username FROM explorer_historicalentry h"
                    " JOIN auth_user u ON u.id = h.history_user_id"
                    " WHERE h.id = %s AND h.summary = %s",
                    [edit.entry, edit.marker],
                )
                if user != edit.curator:
                    found.lost.append(f"entry {edit.entry}: {edit.marker!r} recorded as {user}")
            elif edit.outcome in ("conflict", "invalid"):
                if not none:
                    found.leftovers.append(what)
            elif whole:
                found.written_unanswered += 1
            elif none:
                found.absent_unanswered += 1
            else:
                found.partial.append(what)

        by_version = collections.defaultdict(list)
        for edit in edits:
            if edit.outcome == "acknowledged":
                by_version[edit.entry, edit.version].append(edit.marker)
        for (pk, version), markers in by_version.items():
            if len(markers) > 1:
                found.lost.append(
                    f"entry {pk}: saves {markers} all started from version {version} and were"
                    " all acknowledged: the later overwrote the earlier (a lost update)"
                )
        for pk in sorted({edit.entry for edit in edits}):
            history = db.rows(
                "SELECT version, summary FROM explorer_historicalentry"
                " WHERE id = %s AND history_id > %s ORDER BY history_id",
                [pk, since_history_id],
            )
            versions = [version for version, _ in history]
            if any(b <= a for a, b in itertools.pairwise(versions)):
                found.order.append(f"entry {pk}: history versions not increasing: {versions}")
            current = db.rows("SELECT version, summary FROM explorer_entry WHERE id = %s", [pk])
            if history and current and current[0] != max(history):
                found.order.append(
                    f"entry {pk}: is {current[0]}, not its newest version {max(history)}"
                )
    return found


def server_log_problems(name: str, text: str) -> list[str]:
    """Tracebacks and "database is locked" in (part of) an app server's log."""
    problems = []
    if n := text.count("Traceback (most recent call last)"):
        first = text[text.index("Traceback") :][:1500]
        problems.append(f"{n} traceback(s) in the log of {name}; the first:\n{first}")
    if n := text.count("database is locked"):
        problems.append(f'"database is locked" {n} time(s) in the log of {name}')
    return problems
