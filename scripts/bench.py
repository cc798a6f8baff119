#!/usr/bin/env python
"""Load-test the production-like server and print one table (``make bench``).

For each database (SQLite, and PostgreSQL when ``BENCH_DATABASE_URL`` is set) and
each size (the bundled recap, then ``generate_archive --entries BENCH_ENTRIES``
more), it starts gunicorn (debug off, WhiteNoise, manifest static files) on a free
port of 127.0.0.1, loads each URL with ``wrk`` for ``BENCH_SECONDS`` and reports
requests/s, p50 and p99 latency, SQL queries per request (counted once with
Django's test client), the answer's size raw and as sent to a browser (which asks
for gzip, deflate, br and zstd), and the server's peak resident memory (VmHWM of
the gunicorn master and its workers). Every request carries a browser's
``Accept-Encoding``, so compressing the answer is part of what is measured.

On SQLite, the peer: Datasette serving a copy of the same file (immutable, the
entries' FTS table configured in its metadata, facet suggestions off), loaded with
the same three questions (unfiltered faceted browse, the filtered fragment's
filter, the search), each row with its ratio (project's requests/s / Datasette's).
The first load row is the page as Chromium receives it (the HTML, CSS and
JavaScript of ``/``, their transfer sizes), when ``/usr/bin/chromium`` is there;
the "no card or facet cache" rows ask the fresh questions of a server that keeps
no rendered card and no facet (``EXPLORER_CARD_CACHE_ENTRIES=0``,
``EXPLORER_FACET_CACHE=0``).

Environment: ``BENCH_SECONDS`` (default 5), ``BENCH_WARMUP`` (untimed seconds of
load before each measurement, default 2), ``BENCH_ENTRIES`` (default 100000),
``BENCH_CONNECTIONS`` (default 8), ``BENCH_WORKERS`` (default: CPUs),
``BENCH_DATABASE_URL`` (a PostgreSQL database it may fill), ``BENCH_DIR``
(default ``.bench/``: the SQLite files and collected static files).
Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUNDLED = ROOT / "explorer" / "data" / "djangocon-us-2024.json"
CHROMIUM = Path("/usr/bin/chromium")

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
WORK_DIR = Path(os.environ.get("BENCH_DIR", ROOT / ".bench"))
HX = {"HX-Request": "true"}
# What Chromium asks for: every answer is measured compressed as a browser gets it.
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@dataclass
class Target:
    name: str
    path: str
    headers: dict[str, str]
    # Each request different (an ignored ``nocache=N`` parameter), so that none is
    # answered from the explorer's answer cache: a new question every time.
    fresh: bool = False
    # wrk's connections; by default BENCH_CONNECTIONS, more than the workers, so
    # that requests queue: throughput at saturation, latency including the queue.
    connections: int = CONNECTIONS
    # A Datasette URL: the same question as the project's row of this name.
    peer_of: str = ""


FILTERED = "/?day=monday&topic=performance"
SEARCH = "/?q=caching+queries"
TARGETS = [
    Target("ceiling", "/bench/ceiling/", {}),
    Target("explorer page", "/", {}, fresh=True),
    Target("filtered fragment", FILTERED, HX, fresh=True),
    Target("search fragment", SEARCH, HX, fresh=True),
    Target("json", "/?format=json", {}, fresh=True),
    # One connection per worker: nothing queues, so latency is what a request costs.
    Target("filtered fragment", FILTERED, HX, fresh=True, connections=WORKERS),
    Target("search fragment", SEARCH, HX, fresh=True, connections=WORKERS),
    Target("filtered fragment, repeated", FILTERED, HX),
    Target("search fragment, repeated", SEARCH, HX),
]
# The same fresh questions on a server that keeps no rendered card and no facet
# (EXPLORER_CARD_CACHE_ENTRIES=0, EXPLORER_FACET_CACHE=0): what an answer costs
# when nothing is cached.
COLD = "no card or facet cache"
COLD_ENV = {"EXPLORER_CARD_CACHE_ENTRIES": "0", "EXPLORER_FACET_CACHE": "0"}
COLD_TARGETS = [
    Target(f"explorer page, {COLD}", "/", {}, fresh=True),
    Target(f"filtered fragment, {COLD}", FILTERED, HX, fresh=True),
    Target(f"search fragment, {COLD}", SEARCH, HX, fresh=True),
]

# The peer: Datasette's table page of the entries, faceted by plain columns (kind,
# day_id, recap_id), 24 rows, no facet suggestions; the filter and the search are
# the project's FILTERED and SEARCH, written in Datasette's terms.
PEER_PAGE = "/bench/explorer_entry?_facet=kind&_facet=day_id&_facet=recap_id&_size=24&_nosuggest=1"
PEER_WHERE = [
    "day_id IN (SELECT id FROM explorer_day WHERE slug = 'monday')",
    "id IN (SELECT entry_id FROM explorer_entry_topics WHERE topic_id IN "
    "(SELECT id FROM explorer_topic WHERE slug = 'performance'))",
]
PEER_FILTERED = PEER_PAGE + "".join(f"&_where={quote(sql)}" for sql in PEER_WHERE)
PEER_SEARCH = PEER_PAGE + "&_search=caching+queries"
PEERS = [
    Target("datasette: unfiltered", PEER_PAGE, {}, fresh=True, peer_of="explorer page"),
    Target("datasette: filtered", PEER_FILTERED, {}, fresh=True, peer_of="filtered fragment"),
    Target("datasette: search", PEER_SEARCH, {}, fresh=True, peer_of="search fragment"),
]
# The project's questions and Datasette's, compared by the rows they match.
SAME = [(FILTERED, PEER_FILTERED), (SEARCH, PEER_SEARCH)]
# What Datasette is told: where the entries' full-text index is (the FTS5 table the
# project keeps, whose rowid is the entry's id), which column labels a day and a
# recap; and time limits high enough that no facet is skipped for taking long.
PEER_METADATA = {
    "databases": {
        "bench": {
            "tables": {
                "explorer_entry": {"fts_table": "entry_search", "fts_pk": "id"},
                "explorer_day": {"label_column": "label"},
                "explorer_recap": {"label_column": "name"},
            }
        }
    }
}
PEER_SETTINGS = {"facet_time_limit_ms": "10000", "sql_time_limit_ms": "10000"}


def fresh_lua(parameter: str) -> str:
    """A wrk script giving every request a different ``parameter`` (ignored by the server)."""
    return f"""
counter = 0
request = function()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "{parameter}=" .. counter)
end
"""


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_DATABASE"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_STATIC_MANIFEST="1",
        DJANGO_STATIC_ROOT=str(WORK_DIR / "static"),
        DJANGO_LOG_LEVEL="ERROR",
        DATABASE_URL=database_url,
        BENCH_CEILING="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server on a free port of 127.0.0.1 until stopped (its output in ``log``): by
    default gunicorn serving ``scripts/bench_app.py`` with ``env``, else ``command``
    (``{port}`` filled in), ready once ``ready`` answers 200."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int | None = None,
        log: Path | None = None,
        command: list[str] | None = None,
        ready: str = "/healthz",
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab") if log else None
        command = command or [
            PYTHON, "-m", "gunicorn", "scripts.bench_app:application",
            "--bind", "127.0.0.1:{port}",
            "--workers", str(workers or WORKERS),
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            [arg.format(port=self.port) for arg in command],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.base + ready, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"{command[2]} did not start (no 200 from {ready} within 60 s)")

    @classmethod
    def datasette(cls, database: Path) -> Server:
        """Datasette serving ``database`` (immutable) as ``/bench/``, as it runs by default."""
        metadata = WORK_DIR / "peer-metadata.json"
        metadata.write_text(json.dumps(PEER_METADATA))
        command = [
            PYTHON, "-m", "datasette", "serve", "--immutable", str(database),
            "--metadata", str(metadata), "--host", "127.0.0.1", "--port", "{port}",
        ]  # fmt: skip
        for name, value in PEER_SETTINGS.items():
            command += ["--setting", name, value]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_"))}
        # Its access log (a line per request) goes to a file.
        log = WORK_DIR / "datasette.log"
        return cls(env, command=command, ready="/-/versions.json", log=log)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_kib(self) -> int:
        """VmHWM of the server and its workers, summed."""
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            total += int(match.group(1)) if match else 0
        return total

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.log:
            self.log.close()


def fetch(url: str, headers: dict[str, str]) -> bytes:
    """The answer's body as it came (urllib decodes no ``Content-Encoding``)."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read()


def wrk(url: str, target: Target, seconds: int = SECONDS) -> dict[str, float]:
    args = ["wrk", "-t1", f"-c{target.connections}", f"-d{seconds}s", "--latency"]
    args += ["--timeout", "10s"]
    if target.fresh:
        # Datasette reads a parameter without a leading underscore as a column filter.
        script = WORK_DIR / ("fresh-peer.lua" if target.peer_of else "fresh.lua")
        script.write_text(fresh_lua("_nocache" if target.peer_of else "nocache"))
        args += ["-s", str(script)]
    for name, value in {**target.headers, **BROWSER}.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def millis(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    completed = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else float("nan"),
        "p50": millis("50"),
        "p99": millis("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "completed": int(completed.group(1)) if completed else 0,
    }


SETUP = "import sys, django; django.setup(); exec(sys.argv[1])"
QUERY_COUNTER = """
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
client.get("/")
counts = {}
for n, (name, path, headers, fresh) in enumerate(json.loads(sys.argv[2])):
    if fresh:
        path += ("&" if "?" in path else "?") + f"nocache=q{n}"
    else:
        client.get(path, headers=headers)  # the repeat is what is measured
    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers=headers)
    counts[name] = len(captured)
print(json.dumps(counts))
"""


def query_counts(env: dict[str, str], targets: list[Target]) -> dict[str, int]:
    """The queries of one request of each target, on a server configured by ``env``."""
    targets = json.dumps([[t.name, t.path, t.headers, t.fresh] for t in targets])
    result = subprocess.run(
        [PYTHON, "-c", SETUP, QUERY_COUNTER, targets],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"counting queries failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def first_load(base: str) -> tuple[int, int] | None:
    """The first visit to ``/`` in Chromium: its HTML, CSS and JavaScript, decoded and as
    transferred (encoded bodies plus response headers). None without Chromium."""
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright

    raw = sent = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(base + "/", wait_until="load")
        for response in responses:
            if response.request.resource_type in {"document", "stylesheet", "script"}:
                response.finished()
                sizes = response.request.sizes()
                raw += len(response.body())
                sent += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        browser.close()
    return raw, sent


def row(database: str, size: str, name: str, cells: dict) -> list[str]:
    """A line of the table; a ``note`` goes after its last column."""
    line = [database, size, name] + [cells.get(column, "") for column in COLUMNS[3:]]
    return line + ([cells["note"]] if "note" in cells else [])


def measure(server: Server, target: Target) -> dict[str, str]:
    """One target's cells: wrk's figures, the answer's bytes and the server's memory."""
    url = server.base + target.path
    body = fetch(url, target.headers)
    sent = fetch(url, {**target.headers, **BROWSER})
    if WARMUP:
        # Untimed: the worker's first renders of a URL compile templates and read
        # the database's pages in from the file.
        wrk(url, target, seconds=WARMUP)
    result = wrk(url, target)
    cells = {
        "conns": str(target.connections),
        "req/s": f"{result['rps']:.0f}",
        "p50 ms": f"{result['p50']:.1f}",
        "p99 ms": f"{result['p99']:.1f}",
        "bytes": f"{len(body):,}",
        "sent bytes": f"{len(sent):,}",
        "peak RSS MiB": f"{server.peak_rss_kib() / 1024:.0f}",
        "rps": result["rps"],
    }
    if result["errors"]:
        cells["note"] = f"{result['errors']} errors"
    if not result["completed"]:
        # wrk finished no request in time: it has no latency to report.
        cells.update({"req/s": "0", "p50 ms": "-", "p99 ms": "-", "rps": 0.0})
        cells["note"] = f"no request finished within {SECONDS} s"
    return cells


def bench(database: str, env: dict[str, str], size: str, rows: list[list[str]]) -> None:
    # The uncached server counts its facets every time: its counts are its own.
    counts = query_counts(env, TARGETS) | query_counts({**env, **COLD_ENV}, COLD_TARGETS)
    server = Server(env)
    project: dict[str, float] = {}
    try:
        for target in TARGETS:
            cells = measure(server, target)
            if target.connections == CONNECTIONS:
                project.setdefault(target.name, cells["rps"])
            cells["queries"] = str(counts.get(target.name, "?"))
            rows.append(row(database, size, target.name, cells))
        matched = {path: rows_matched(server.base + path + "&format=json") for path, _ in SAME}
        loaded = first_load(server.base)
        if loaded:
            cells = {"bytes": f"{loaded[0]:,}", "sent bytes": f"{loaded[1]:,}"}
            cells["peak RSS MiB"] = f"{server.peak_rss_kib() / 1024:.0f}"
            rows.append(row(database, size, FIRST_LOAD, cells))
        else:
            NOTES.append(f"{size}: no first-load row ({CHROMIUM} is missing)")
    finally:
        server.stop()
    server = Server({**env, **COLD_ENV})
    try:
        for target in COLD_TARGETS:
            cells = measure(server, target)
            cells["queries"] = str(counts.get(target.name, "?"))
            rows.append(row(database, size, target.name, cells))
    finally:
        server.stop()
    if database == "sqlite":
        sqlite_path = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
        bench_peer(sqlite_path, size, rows, project, matched)


def rows_matched(url: str) -> int:
    """How many rows a question matches: the project's JSON ``count`` or Datasette's."""
    answer = json.loads(fetch(url, {}))
    return answer["count"] if "count" in answer else answer["filtered_table_rows_count"]


def bench_peer(
    sqlite_path: Path,
    size: str,
    rows: list[list[str]],
    project: dict[str, float],
    matched: dict[str, int],
) -> None:
    """Datasette on a copy of the SQLite file: the same three questions."""
    copy = WORK_DIR / "peer" / "bench.sqlite3"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.unlink(missing_ok=True)
    # A consistent copy, in rollback-journal mode: an immutable file has no WAL.
    with closing(sqlite3.connect(sqlite_path)) as source, closing(sqlite3.connect(copy)) as dest:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    server = Server.datasette(copy)
    try:
        for path, peer_path in SAME:
            json_path = peer_path.replace("explorer_entry?", "explorer_entry.json?")
            answer = json.loads(fetch(server.base + json_path, {}))
            theirs, ours = answer["filtered_table_rows_count"], matched[path]
            if theirs != ours:
                NOTES.append(f"{size}: {path} matches {ours} entries, Datasette's {theirs}")
            if missing := {"kind", "day_id", "recap_id"} - set(answer["facet_results"]):
                NOTES.append(f"{size}: Datasette skipped the facets {sorted(missing)} of {path}")
        for target in PEERS:
            cells = measure(server, target)
            ours = project.get(target.peer_of)
            if ours and cells["rps"]:
                cells["ratio"] = f"{ours / cells['rps']:.2f}"
            rows.append(row("sqlite", size, target.name, cells))
    finally:
        server.stop()


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "generate_archive", "--entries", "0", "--clear")
    manage(env, "import_recap", str(BUNDLED))


FIRST_LOAD = "first load (Chromium: HTML+CSS+JS)"
COLUMNS = ["database", "entries", "URL", "conns", "req/s", "ratio", "p50 ms", "p99 ms",
           "queries", "bytes", "sent bytes", "peak RSS MiB"]  # fmt: skip
# Anything the table cannot say (a peer that did not answer the same question).
NOTES: list[str] = []


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK_DIR / "bench.sqlite3"
    sqlite_path.unlink(missing_ok=True)
    databases = [("sqlite", f"sqlite:///{sqlite_path}")]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("postgresql", os.environ["BENCH_DATABASE_URL"]))
    manage(server_env(databases[0][1]), "collectstatic", "--no-input", "-v0")

    rows: list[list[str]] = []
    for name, url in databases:
        env = server_env(url)
        print(f"--- {name}: bundled recap", file=sys.stderr, flush=True)
        prepare(env)
        bench(name, env, "bundled", rows)
        print(f"--- {name}: generating {ENTRIES:,} entries", file=sys.stderr, flush=True)
        started = time.monotonic()
        manage(env, "generate_archive", "--entries", str(ENTRIES), "--seed", "1")
        print(f"    ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
        bench(name, env, f"+{ENTRIES:,}", rows)
        if name == "postgresql":
            manage(env, "generate_archive", "--entries", "0", "--clear")

    widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    print(f"\nwrk: {SECONDS} s per URL after {WARMUP} s untimed; gunicorn: {WORKERS} workers")
    for line in [COLUMNS, ["-" * w for w in widths], *rows]:
        cells = [str(cell).rjust(w) if i >= 3 else str(cell).ljust(w) for i, (cell, w) in
                 enumerate(zip(line, widths, strict=False))]  # fmt: skip
        extra = line[len(COLUMNS) :]
        print(" | ".join(cells) + ("  " + " ".join(extra) if extra else ""))
    for note in NOTES:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
