#!/usr/bin/env python
"""Faults injected while readers and curators work, then the data checked (``make faulttest``).

The readers, curators and checks are the load test's (``scripts/traffic.py``);
gunicorn is started as ``make bench`` starts it (``scripts/bench.py``). Each fault
runs for ``FAULTTEST_SECONDS`` on its own schedule:

``postgresql-restart``
    PostgreSQL is stopped (``pg_ctl stop -m fast``), left down
    ``FAULTTEST_OUTAGE`` seconds, and started again. Requests meanwhile must get
    the app's 503 page within the connect timeout (no 500, no traceback, no
    hang); ``/healthz`` must say ``"database": "failed"``; afterwards the app must
    serve again by itself. Printed: how long after PostgreSQL was back.
``worker-killed``
    Now and then, right after a curator's save is sent, the gunicorn worker
    serving that very connection (found through ``/proc``) gets ``SIGKILL`` a
    random few milliseconds later. gunicorn must replace it; the cut save must be
    in the database whole (entry, credit, person and their history) or not at all.
``two-servers``
    Two gunicorn instances on one database; readers and curators use both (a
    form opened on one may be saved on the other). A probe saves on one server
    and at once reads the entry from the other (the JSON with the ETag it had
    before, the entry's page, the card): it must see the save. Another opens one
    entry on both servers and saves on both: the second must be refused.
``dropped-clients``
    Saves and curator forms are sent with half their body (or cut anywhere), the
    socket then closed or reset (``CUT_OFFS``); they must leave nothing behind,
    and the next request must be answered as usual.
``sqlite-writers``
    The same readers and curators against a SQLite database configured as
    ``make run``'s (WAL, ``IMMEDIATE``), served by 4 workers: no "database is
    locked" may reach anyone, no acknowledged edit may be lost.

PostgreSQL is a throwaway cluster of the test's own (``initdb`` in a temporary
folder, on a free port of 127.0.0.1, run as the ``postgres`` user when this runs
as root), so that restarting it disturbs nobody; SQLite is a file of its own
under ``FAULTTEST_DIR``. Every save is checked in the data (``traffic.check_edits``).

It prints, per fault: requests served, errors by status, the longest time to
recover, edits acknowledged, refused and lost, then one table; it exits 1 on any
lost acknowledged edit, partial write, leftover of a refused or cut-off save,
500, traceback (in an answer or the server's log), hang, stale answer or
unrefused conflict.

Environment: ``FAULTTEST_SECONDS`` (per fault, default 20), ``FAULTTEST_OUTAGE``
(3), ``FAULTTEST_READERS`` (8), ``FAULTTEST_CURATORS`` (4), ``FAULTTEST_WORKERS``
(4), ``FAULTTEST_FAULTS`` (comma-separated names, default all),
``FAULTTEST_DIR`` (default ``.bench/faulttest/``), ``FAULTTEST_PG_BIN`` (the
folder of ``initdb`` and ``pg_ctl``, found by itself on Debian). Only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import collections
import json
import os
import pwd
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import bench  # scripts/bench.py: server_env, manage, Server, free_port
import traffic  # scripts/traffic.py: readers, curators, checks
from traffic import HX, Answer, Curator, Edit, Tally, Visitor

SECONDS = float(os.environ.get("FAULTTEST_SECONDS", "20"))
OUTAGE = float(os.environ.get("FAULTTEST_OUTAGE", "3"))
READERS = int(os.environ.get("FAULTTEST_READERS", "8"))
CURATORS = max(2, int(os.environ.get("FAULTTEST_CURATORS", "4")))
WORKERS = int(os.environ.get("FAULTTEST_WORKERS", "4"))
SQLITE_WORKERS = 4
WORK_DIR = Path(os.environ.get("FAULTTEST_DIR") or bench.ROOT / ".bench" / "faulttest")
#: The app's DATABASE_CONNECT_TIMEOUT here; a request during the outage must be
#: answered within it (plus this much for the rest of the request).
CONNECT_TIMEOUT = 3
SLACK = 2.0
#: Saves that also add a new speaker (an entry, a credit, a person: all or nothing).
SPEAKER_SHARE = 0.3


# -- A PostgreSQL cluster of our own ----------------------------------------------------


def find_pg_bin() -> Path:
    if os.environ.get("FAULTTEST_PG_BIN"):
        candidates = [Path(os.environ["FAULTTEST_PG_BIN"])]
    else:
        on_path = shutil.which("pg_ctl")
        debian = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)],
            reverse=True,
        )
        candidates = ([Path(on_path).parent] if on_path else []) + debian
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    sys.exit(
        "make faulttest starts a PostgreSQL server of its own and needs PostgreSQL's server"
        " programs (initdb, pg_ctl), which were not found: `apt-get install postgresql`,"
        " or set FAULTTEST_PG_BIN to the folder that holds them."
    )


class Cluster:
    """A PostgreSQL server in a temporary folder on a free port, stopped and started at will."""

    USER = "faulttest"

    def __init__(self) -> None:
        self.bin = find_pg_bin()
        self.owner = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                sys.exit(
                    "make faulttest runs as root, and initdb refuses to: there is no `postgres`"
                    " user to run it as (installing Debian's postgresql makes one), so run it"
                    " as a normal user."
                )
        self.dir = Path(tempfile.mkdtemp(prefix="recap-faulttest-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgresql.log"
        self.port = bench.free_port()
        self.password = secrets.token_urlsafe(16)
        (self.dir / "password").write_text(self.password)
        if self.owner:
            for path in (self.dir, self.dir / "password"):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.USER,
            "--auth=scram-sha-256",
            f"--pwfile={self.dir / 'password'}",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.running = False
        self.start()

    def url(self, dbname: str) -> str:
        return f"postgres://{self.USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.owner:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        result = subprocess.run(command, cwd=self.dir, capture_output=True, text=True)
        if result.returncode:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            sys.exit(f"{program} failed:\n{result.stdout}{result.stderr}\n{log}")

    def start(self) -> None:
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1"
            f" -c unix_socket_directories={self.dir} -c max_connections=100"
            " -c shared_buffers=32MB"
        )
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.running = True

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        self.running = False

    def destroy(self) -> None:
        if self.running:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# -- What a fault found -----------------------------------------------------------------


@dataclass
class Report:
    fault: str
    tally: Tally
    observed: str = ""
    recovery: float | None = None  # seconds; None when the fault has no recovery
    recovery_what: str = ""
    findings: traffic.Findings | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return len(self.findings.lost) if self.findings else 0


def common_problems(
    tally: Tally, logs: dict[str, str], *, expected_transport: int = 0
) -> list[str]:
    """What is wrong whatever the fault: 5xx other than 503, tracebacks, hangs, lost edits."""
    problems = []
    for status, n in sorted(tally.server_errors.items()):
        if status != 503:
            problems.append(f"{n} answer(s) with status {status}")
    if tally.unclean_503:
        problems.append(f"{tally.unclean_503} 503 answer(s) that are not the app's 503 page")
    if tally.tracebacks:
        problems.append(f"{tally.tracebacks} answer(s) showing a traceback")
    if tally.locked:
        problems.append(f'{tally.locked} answer(s) saying "database is locked"')
    if n := tally.errors.get("timeout"):
        problems.append(f"{n} request(s) hung past {traffic.REQUEST_TIMEOUT:g} s")
    if (n := tally.errors.get("connection", 0)) > expected_transport:
        problems.append(f"{n - expected_transport} connection(s) dropped by the server")
    if not tally.acknowledged:
        problems.append("no edit was acknowledged: nothing was tested")
    for name, text in logs.items():
        problems += traffic.server_log_problems(name, text)
    return problems


@dataclass
class Context:
    """The databases, and the app servers: started once, kept from one fault to the next."""

    cluster: Cluster | None
    pg_site: traffic.Site | None
    pg_env: dict[str, str]
    sqlite_site: traffic.Site | None
    sqlite_env: dict[str, str]
    servers: dict[str, tuple[bench.Server, Path]] = field(default_factory=dict)

    def server(self, name: str, env: dict[str, str], workers: int) -> bench.Server:
        if name not in self.servers:
            log = WORK_DIR / f"{name}.log"
            log.unlink(missing_ok=True)
            self.servers[name] = bench.Server(env, workers=workers, log=log), log
        return self.servers[name][0]

    def log_marks(self) -> dict[str, int]:
        return {name: log.stat().st_size for name, (_, log) in self.servers.items()}

    def logs_since(self, marks: dict[str, int]) -> dict[str, str]:
        """What each server logged since ``marks`` (all of it for a server started since)."""
        logs = {}
        for name, (_, log) in self.servers.items():
            with log.open("rb") as file:
                file.seek(marks.get(name, 0))
                logs[f"{name} ({log})"] = file.read().decode(errors="replace")
        return logs

    def stop_servers(self) -> None:
        for server, _ in self.servers.values():
            server.stop()
        self.servers.clear()


def finish(report: Report, ctx: Context, site: traffic.Site, since: int, marks, **kw) -> Report:
    report.findings = traffic.check_edits(site.database_url, report.tally.edits, since)
    logs = ctx.logs_since(marks)
    report.problems = common_problems(report.tally, logs, **kw) + report.problems
    report.problems += report.findings.problems
    return report


def pg_server(ctx: Context, name: str = "postgresql-server") -> bench.Server:
    return ctx.server(name, ctx.pg_env, WORKERS)


def run_traffic(
    bases: list[str],
    site: traffic.Site,
    tally: Tally,
    seconds: float,
    fault: Callable[[float], None] | None = None,
    **options,
) -> None:
    """Readers and curators on ``bases`` for ``seconds``, ``fault(stop)`` in a thread beside."""
    stop, threads, _ = traffic.start_traffic(
        bases, site, tally, seconds, readers=READERS, speaker_share=SPEAKER_SHARE, **options
    )
    if fault is not None:
        threads.append(threading.Thread(target=fault, args=(stop,), daemon=True))
        threads[-1].start()
    traffic.join(threads, stop)


# -- PostgreSQL restarted ---------------------------------------------------------------


def postgresql_restart(ctx: Context) -> Report:
    site, tally = ctx.pg_site, Tally()
    since = traffic.history_baseline(site.database_url)
    server, marks = pg_server(ctx), ctx.log_marks()
    health: list[tuple[Answer, dict | None]] = []
    times: dict[str, float] = {}
    seconds = max(SECONDS, 0.25 * SECONDS + OUTAGE + 4)

    def restart() -> None:
        time.sleep(0.25 * seconds)
        times["down"] = time.monotonic()
        ctx.cluster.stop()
        times["stopped"] = time.monotonic()
        time.sleep(OUTAGE)
        times["starting"] = time.monotonic()
        ctx.cluster.start()
        times["up"] = time.monotonic()

    def probe(stop: float) -> None:
        visitor = Visitor()
        while time.monotonic() < stop:
            answer = tally.record("healthz", visitor.request(f"{server.base}/healthz"))
            try:
                checks = json.loads(answer.body).get("checks")
            except ValueError:
                checks = None
            health.append((answer, checks))
            time.sleep(0.1)

    def fault(stop: float) -> None:
        prober = threading.Thread(target=probe, args=(stop,), daemon=True)
        prober.start()
        restart()
        prober.join()

    try:
        run_traffic([server.base], site, tally, seconds, fault)
    finally:
        if not ctx.cluster.running:
            ctx.cluster.start()

    report = Report("postgresql restart", tally)
    if "up" not in times:
        report.problems.append("PostgreSQL was not restarted within the run")
        return finish(report, ctx, site, since, marks)
    down, up = times["down"], times["up"]
    answers = tally.answers
    unavailable = [a for a in answers if a[3] == 503]
    early = [a for a in unavailable if a[1] < down]
    if early:
        report.problems.append(f"{len(early)} 503 answer(s) before PostgreSQL was stopped")
    during = [a for a in answers if a[0] < up and a[1] > down]
    longest = max((end - start for start, end, *_ in during), default=0.0)
    if longest > CONNECT_TIMEOUT + SLACK:
        report.problems.append(
            f"a request took {longest:.1f} s during the outage (the bound is the connect"
            f" timeout, {CONNECT_TIMEOUT} s, + {SLACK:g} s)"
        )
    outage_health = [(a, c) for a, c in health if times["stopped"] <= a.started < times["starting"]]
    named = [
        a for a, c in outage_health if a.status == 503 and (c or {}).get("database") == "failed"
    ]
    health_named_it = outage_health and len(named) == len(outage_health)
    if not health_named_it:
        report.problems.append(
            f"/healthz during the outage: {[(a.status, c) for a, c in outage_health]}"
            " (expected 503 naming the database, every time)"
        )
    failures_after = [
        end
        for start, end, _, status in answers
        if start >= up and not (isinstance(status, int) and status < 400)
    ]
    served_after = [a.ended for a, _ in health if a.started >= up and a.status == 200]
    if not served_after:
        report.problems.append("/healthz never answered 200 after PostgreSQL came back")
    first_ok = (min(served_after) - up) if served_after else float("inf")
    settled = max(failures_after, default=up) - up
    report.recovery = max(first_ok, settled)
    report.recovery_what = "after PostgreSQL was back"
    report.observed = (
        f"{len([a for a in unavailable if a[2] != 'healthz'])} requests got the 503 page in a"
        f" {up - down:.1f} s outage (longest {longest:.2f} s);"
        f" /healthz {'said database failed' if health_named_it else 'did not name the database'};"
        f" served again {report.recovery:.2f} s after PostgreSQL was back"
    )
    report.notes.append(
        f"outage {up - down:.1f} s; /healthz 200 again {first_ok:.2f} s after PostgreSQL was back;"
        f" last failed request ended {settled:.2f} s after"
    )
    return finish(report, ctx, site, since, marks)


# -- A worker killed --------------------------------------------------------------------


def socket_owner(server_port: int, client_port: int, pids: list[int]) -> int | None:
    """The process holding the server's end of the connection from ``client_port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16)) == (
                server_port,
                client_port,
            ) and inode != "0":
                inodes.add(f"socket:[{inode}]")
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
        except OSError:
            continue
    return None


class Killer:
    """Kills the worker serving a save, right after the save is sent, now and then.

    The kill comes a random part of a typical save's time after it was sent: before
    the transaction, inside it, or after the commit while the answer is rendered.
    """

    def __init__(self, server: bench.Server, tally: Tally, every: float) -> None:
        self.server = server
        self.tally = tally
        self.every = every
        self.armed = threading.Event()
        self.lock = threading.Lock()
        self.sent: queue.Queue[tuple[int, Edit]] = queue.Queue()
        self.kills: list[dict] = []
        self.not_found = 0  # saves whose worker was not found (answered meanwhile)
        self.rng = random.Random()

    def on_sent(self, port: int, edit: Edit) -> None:
        """A curator's save is on its way (called in the curator's thread)."""
        with self.lock:
            if not self.armed.is_set():
                return
            self.armed.clear()
        self.sent.put((port, edit))

    def typical_save(self) -> float:
        with self.tally.lock:
            saves = sorted(
                end - start
                for start, end, kind, status in self.tally.answers
                if kind == "edit save" and status == 200
            )
        return saves[len(saves) // 2] if saves else 0.1

    def run(self, stop: float) -> None:
        next_kill = time.monotonic() + self.every / 2
        while time.monotonic() < stop - 1:
            time.sleep(max(0.0, next_kill - time.monotonic()))
            self.armed.set()
            try:
                port, edit = self.sent.get(timeout=max(0.1, stop - 1 - time.monotonic()))
            except queue.Empty:
                break
            pid = None
            deadline = time.monotonic() + 1
            while pid is None and time.monotonic() < deadline:
                pid = socket_owner(self.server.port, port, self.server.worker_pids())
            if pid is None:
                self.not_found += 1
                continue
            delay = self.rng.uniform(0, 1.2 * self.typical_save())
            time.sleep(delay)
            edit.killed = True
            os.kill(pid, signal.SIGKILL)
            killed = time.monotonic()
            replaced = None
            while time.monotonic() < killed + 30:
                pids = self.server.worker_pids()
                if pid not in pids and len(pids) >= WORKERS:
                    replaced = time.monotonic() - killed
                    break
                time.sleep(0.01)
            self.kills.append({"pid": pid, "edit": edit, "delay": delay, "replaced": replaced})
            next_kill = time.monotonic() + self.every


def worker_killed(ctx: Context) -> Report:
    site, tally = ctx.pg_site, Tally()
    since = traffic.history_baseline(site.database_url)
    server, marks = pg_server(ctx), ctx.log_marks()
    killer = Killer(server, tally, every=max(1.0, SECONDS / 8))
    options = {"on_sent": killer.on_sent}
    run_traffic([server.base], site, tally, SECONDS, killer.run, curator_options=options)
    workers_left = len(server.worker_pids())

    report = Report("worker killed", tally)
    cut = [k for k in killer.kills if k["edit"].status == "connection"]
    missed = len(killer.kills) - len(cut)
    replaced = [k["replaced"] for k in killer.kills if k["replaced"] is not None]
    if not killer.kills:
        report.problems.append("no worker was killed during a save")
    if len(replaced) != len(killer.kills):
        report.problems.append("gunicorn did not replace every killed worker within 30 s")
    if workers_left != WORKERS:
        report.problems.append(f"{workers_left} workers at the end, not {WORKERS}")
    report.recovery = max(replaced, default=None)
    report.recovery_what = "for gunicorn to replace a killed worker"
    # Each kill drops the one request its worker was serving: the save, or (when the
    # save was answered first) whatever the worker had taken on next.
    report = finish(report, ctx, site, since, marks, expected_transport=len(killer.kills))
    found = report.findings
    report.observed = (
        f"{len(killer.kills)} worker(s) killed mid-save, each replaced (longest"
        f" {report.recovery or 0:.2f} s); {len(tally.outcomes('unanswered'))} save(s) cut off:"
        f" {found.written_unanswered} written whole, {found.absent_unanswered} not at all,"
        f" {len(found.partial)} partly"
    )
    if missed:
        report.notes.append(
            f"{missed} kill(s) came after the save was answered (dropping the worker's next"
            " request, if it had one)"
        )
    if killer.not_found:
        report.notes.append(f"{killer.not_found} save(s) answered before their worker was found")
    return report


# -- Two app servers, one database ------------------------------------------------------


def two_servers(ctx: Context) -> Report:
    site, tally = ctx.pg_site, Tally()
    since = traffic.history_baseline(site.database_url)
    marks = ctx.log_marks()
    # The first server of the other faults, and a second one beside it.
    servers = [pg_server(ctx), pg_server(ctx, "second-postgresql-server")]
    bases = [server.base for server in servers]
    stale: list[str] = []
    counts = collections.Counter()
    fresh_entry, conflict_entry = site.spare

    def fresh_after_save(saver: Curator, on: str, other: str) -> None:
        """Save on one server, read on the other at once: the save must show."""
        anonymous = Visitor()
        before = tally.record("cross-server json", anonymous.request(f"{other}/?format=json"))
        form = saver.open_form(on, fresh_entry)
        if form is None:
            return
        edit = saver.save(on, form)
        if edit.outcome != "acknowledged":
            stale.append(f"a save on {on} with nobody else editing was {edit.outcome}")
            return
        counts["saves read back"] += 1
        page = site.pages[fresh_entry]
        conditional = {"If-None-Match": before.header("ETag")}
        answer = tally.record(
            "cross-server json", anonymous.request(f"{other}/?format=json", headers=conditional)
        )
        if answer.status == 304:
            stale.append(f"{other} answered 304 to the ETag it gave before a save on {on}")
        elif answer.status == 200:
            results = {r["url"]: r for r in json.loads(answer.body)["results"]}
            if page in results:  # on the explorer's first page
                counts["JSON read back"] += 1
                if results[page]["summary"] != edit.marker:
                    stale.append(f"{other}'s JSON does not show the save made on {on}")
        wanted = [edit.marker] + ([edit.speaker] if edit.speaker else [])
        for kind, who, url, headers in [
            ("cross-server page", anonymous, f"{other}{page}", {}),
            ("cross-server card", saver.visitor, f"{other}/entries/{fresh_entry}/card/", HX),
        ]:
            answer = tally.record(kind, who.request(url, headers=headers))
            if not all(text in answer.body for text in wanted):
                stale.append(f"{kind} on {other} does not show the save made on {on}")

    def refused_across(first: Curator, second: Curator, on: str, other: str) -> None:
        """Both servers open the same version; the second save must be refused."""
        form_one = first.open_form(on, conflict_entry)
        form_two = second.open_form(other, conflict_entry)
        if form_one is None or form_two is None:
            return
        one = first.save(on, form_one)
        two = second.save(other, form_two)
        counts["conflict probes"] += 1
        if one.outcome != "acknowledged":
            stale.append(f"the first save of a conflict probe on {on} was {one.outcome}")
        if two.outcome == "conflict":
            counts["conflicts refused"] += 1
        else:
            stale.append(f"a save on {other} of a version replaced on {on} was {two.outcome}")

    # Logged in before the clock starts: a log-in takes a while.
    one = site.curator(site.curators[0], tally, speaker_share=SPEAKER_SHARE)
    two = site.curator(site.curators[1], tally)
    one.log_in(bases[0])
    two.log_in(bases[1])

    def probe(stop: float) -> None:
        turn = 0
        while time.monotonic() < stop:
            on, other = bases[turn % 2], bases[(turn + 1) % 2]
            fresh_after_save(one, on, other)
            refused_across(one, two, on, other)
            turn += 1
            time.sleep(0.1)

    run_traffic(bases, site, tally, SECONDS, probe)

    report = Report("two servers", tally)
    report.problems += stale
    if not counts["saves read back"] or not counts["conflict probes"]:
        report.problems.append("the cross-server probes did not run")
    if not counts["JSON read back"]:
        report.notes.append("the probed entry is not on the explorer's first page: JSON unchecked")
    report.observed = (
        f"{counts['saves read back']} save(s) read back at once from the other server, all fresh"
        if not stale
        else f"{len(stale)} stale or wrong answers across servers"
    ) + (
        f"; {counts['conflicts refused']} of {counts['conflict probes']} cross-server conflicts"
        " refused"
    )
    return finish(report, ctx, site, since, marks)


# -- Dropped clients --------------------------------------------------------------------


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]] = ()):
    """A multipart/form-data body: (name, value) fields, (name, filename, type, data) files."""
    boundary = f"----faulttest{secrets.token_hex(8)}"
    parts = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, content_type, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}";'
            f' filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


@dataclass
class CutRequest:
    path: str
    content_type: str
    body: bytes
    last_value: bytes  # the body's last value: cutting inside it leaves a valid-looking form
    headers: dict[str, str] = field(default_factory=dict)


def cut_inline_save(curator: Curator, base: str, token: str, site: traffic.Site) -> CutRequest:
    pk = site.spare[0]
    form = curator.open_form(base, pk)
    fields = form.fields if form else []
    summary = f"cut {token} " + "a long summary " * 20
    speaker = f"Cut speaker {token}"
    data = curator.save_data(traffic.Form(pk, fields, base), summary, speaker)
    headers = {**HX, "X-CSRFToken": curator.visitor.csrf_token}
    body = traffic.encode_form(data)
    return CutRequest(
        f"/entries/{pk}/edit/",
        "application/x-www-form-urlencoded",
        body,
        traffic.encode_form([("", summary)])[1:],
        headers,
    )


def cut_new_topic(curator: Curator, base: str, token: str, site: traffic.Site) -> CutRequest:
    # As a browser sends the curator screen's form: the CSRF token first, in the body.
    keywords = "\n".join(f"cut keyword {token} {n}" for n in range(30))
    fields = [
        ("csrfmiddlewaretoken", curator.visitor.csrf_token),
        ("name", f"Cut topic {token}"),
        ("slug", ""),
        ("description", ""),
        ("keywords", keywords),
    ]
    content_type, body = multipart(fields)
    return CutRequest("/manage/topic/new/", content_type, body, keywords.encode())


def cut_new_person(curator: Curator, base: str, token: str, site: traffic.Site) -> CutRequest:
    affiliation = f"Cut affiliation {token} " + "of a long name " * 10
    data = [
        ("csrfmiddlewaretoken", curator.visitor.csrf_token),
        ("slug", ""),
        ("name", f"Cut person {token}"),
        ("affiliation", affiliation),
    ]
    body = traffic.encode_form(data)
    return CutRequest(
        "/manage/person/new/",
        "application/x-www-form-urlencoded",
        body,
        traffic.encode_form([("", affiliation)])[1:],
    )


@dataclass
class CutOff:
    """A POST endpoint to cut off, and the rows (LIKE ``{token}``) it must not leave."""

    name: str
    build: Callable[[Curator, str, str, traffic.Site], CutRequest]
    leftovers: list[tuple[str, str]]


#: Every endpoint that takes a body. An upload (issue 11's /manage/import/) is one
#: more line: its ``build`` (``multipart(fields, files=[...])``) and its leftovers.
CUT_OFFS = [
    CutOff(
        "inline save",
        cut_inline_save,
        [
            ("SELECT COUNT(*) FROM explorer_historicalentry WHERE summary LIKE %s", "cut {token}%"),
            ("SELECT COUNT(*) FROM explorer_entry WHERE summary LIKE %s", "cut {token}%"),
            ("SELECT COUNT(*) FROM explorer_person WHERE name LIKE %s", "Cut speaker {token}%"),
        ],
    ),
    CutOff(
        "new topic (multipart)",
        cut_new_topic,
        [
            ("SELECT COUNT(*) FROM explorer_topic WHERE name LIKE %s", "Cut topic {token}%"),
            (
                "SELECT COUNT(*) FROM explorer_historicaltopic WHERE name LIKE %s",
                "Cut topic {token}%",
            ),
        ],
    ),
    CutOff(
        "new person (form)",
        cut_new_person,
        [
            ("SELECT COUNT(*) FROM explorer_person WHERE name LIKE %s", "Cut person {token}%"),
            (
                "SELECT COUNT(*) FROM explorer_historicalperson WHERE name LIKE %s",
                "Cut person {token}%",
            ),
        ],
    ),
]


def send_cut_off(base: str, request: CutRequest, cookies: str, keep: int, reset: bool) -> None:
    """Send the headers and ``keep`` bytes of the body, then close (or reset) the socket."""
    parts = urllib.parse.urlsplit(base)
    head = [
        f"POST {request.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Type: {request.content_type}",
        f"Content-Length: {len(request.body)}",
        f"Cookie: {cookies}",
        *(f"{name}: {value}" for name, value in request.headers.items()),
    ]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + request.body[:keep])
        time.sleep(0.05)  # the server has begun reading
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def dropped_clients(ctx: Context) -> Report:
    site, tally = ctx.pg_site, Tally()
    since = traffic.history_baseline(site.database_url)
    server, marks = pg_server(ctx), ctx.log_marks()
    sent: list[tuple[CutOff, str, str]] = []  # cut-off, token, where it was cut
    after: list[float] = []
    rng = random.Random()

    curator = site.curator(site.curators[0], tally)
    curator.log_in(server.base)  # before the clock starts: a log-in takes a while

    def cut_offs(stop: float) -> None:
        visitor = Visitor()
        n = 0
        while time.monotonic() < stop:
            cut_off = CUT_OFFS[n % len(CUT_OFFS)]
            token = secrets.token_hex(5)
            request = cut_off.build(curator, server.base, token, site)
            end = request.body.rindex(request.last_value) + len(request.last_value)
            if n % 2 == 0:  # inside the last value: what is left still parses as a form
                keep = rng.randrange(end - len(request.last_value) + 1, end - 1)
                where = "in its last field"
            else:
                keep = rng.randrange(1, len(request.body) - 1)
                where = f"after {keep} of {len(request.body)} bytes"
            send_cut_off(server.base, request, curator.visitor.cookie_header(), keep, n % 4 >= 2)
            sent.append((cut_off, token, where))
            # The next request is answered as usual, at once.
            answer = tally.record("after a cut-off", visitor.request(f"{server.base}/?format=json"))
            after.append(answer.seconds if answer.ok else float("inf"))
            n += 1
            time.sleep(0.1)

    run_traffic([server.base], site, tally, SECONDS, cut_offs)

    report = Report("dropped clients", tally)
    with traffic.Database(site.database_url) as db:
        for cut_off, token, where in sent:
            for query, pattern in cut_off.leftovers:
                if n := db.value(query, [pattern.format(token=token)]):
                    report.problems.append(
                        f"{cut_off.name} cut off {where} left {n} row(s): {query}"
                    )
    if not sent:
        report.problems.append("no request was cut off")
    if failed := sum(1 for seconds in after if seconds == float("inf")):
        report.problems.append(f"{failed} request(s) right after a cut-off failed")
    report.recovery = max(after, default=None)
    report.recovery_what = "for the next request after a cut-off"
    by_name = collections.Counter(cut_off.name for cut_off, _, _ in sent)
    left = sum("left" in p for p in report.problems)
    report.observed = (
        f"{len(sent)} requests cut off ({', '.join(f'{n} {k}' for k, n in by_name.items())}):"
        f" {'nothing left behind' if not left else f'{left} left rows'};"
        f" the next request answered in at most {report.recovery or 0:.2f} s"
    )
    return finish(report, ctx, site, since, marks)


# -- The embedded default under concurrent writers --------------------------------------


def sqlite_writers(ctx: Context) -> Report:
    site, tally = ctx.sqlite_site, Tally()
    since = traffic.history_baseline(site.database_url)
    server, marks = ctx.server("sqlite-server", ctx.sqlite_env, SQLITE_WORKERS), ctx.log_marks()
    run_traffic([server.base], site, tally, SECONDS, curator_options={"pause": 0.1})
    report = Report("sqlite writers", tally)
    saves = [end - start for start, end, kind, _ in tally.answers if kind == "edit save"]
    report.recovery = max(saves, default=None)
    report.recovery_what = "the longest save (waiting for SQLite's write lock included)"
    report = finish(report, ctx, site, since, marks)
    report.observed = (
        f"{len(saves)} saves by {len(site.curators)} curators on {SQLITE_WORKERS} workers:"
        f' {tally.locked} "database is locked", {len(tally.server_errors)} kinds of 5xx;'
        f" longest save {report.recovery or 0:.2f} s"
    )
    return report


FAULTS: dict[str, Callable[[Context], Report]] = {
    "postgresql-restart": postgresql_restart,
    "worker-killed": worker_killed,
    "two-servers": two_servers,
    "dropped-clients": dropped_clients,
    "sqlite-writers": sqlite_writers,
}
POSTGRESQL_FAULTS = {"postgresql-restart", "worker-killed", "two-servers", "dropped-clients"}


# -- Main -------------------------------------------------------------------------------


def server_env(database_url: str) -> dict[str, str]:
    env = bench.server_env(database_url)
    env = {k: v for k, v in env.items() if not k.startswith(("FAULTTEST_", "DATABASE_CONN"))}
    return {**env, "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT)}


def prepare(selected: list[str]) -> Context:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    bench.WORK_DIR = WORK_DIR
    cluster = None
    pg_env = sqlite_env = {}
    jobs = []
    if POSTGRESQL_FAULTS & set(selected):
        print("--- starting a PostgreSQL cluster of our own", file=sys.stderr, flush=True)
        cluster = Cluster()
        url = cluster.url("recap_faulttest")
        traffic.ensure_database(url)
        pg_env = server_env(url)
        jobs.append(("pg", pg_env))
    if "sqlite-writers" in selected:
        path = WORK_DIR / "faulttest.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        sqlite_env = server_env(f"sqlite:///{path}")
        jobs.append(("sqlite", sqlite_env))
    print("--- preparing the databases and static files", file=sys.stderr, flush=True)
    # Side by side: each is mostly waiting for its own manage.py processes.
    sites: dict[str, traffic.Site] = {}
    failures: list[BaseException] = []

    def prepare_one(name: str, env: dict[str, str]) -> None:
        try:
            sites[name] = traffic.prepare_site(env, "faulttest", CURATORS)
        except BaseException as error:  # sys.exit() included: re-raised below
            failures.append(error)

    threads = [threading.Thread(target=prepare_one, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    bench.manage(jobs[0][1], "collectstatic", "--no-input", "-v0")
    for thread in threads:
        thread.join()
    if failures:
        if cluster:
            cluster.destroy()
        raise failures[0]
    return Context(cluster, sites.get("pg"), pg_env, sites.get("sqlite"), sqlite_env)


def print_report(report: Report) -> None:
    tally = report.tally
    print(f"\n== {report.fault}: {'FAIL' if report.problems else 'OK'}")
    print(f"observed: {report.observed}")
    print(f"requests served: {sum(tally.served.values())}")
    errors = ", ".join(f"{status}: {n}" for status, n in sorted(tally.errors.items(), key=str))
    print(f"errors by status: {errors or 'none'}")
    if report.recovery is not None:
        print(f"longest recovery: {report.recovery:.2f} s ({report.recovery_what})")
    else:
        print("longest recovery: -")
    findings = report.findings
    print(f"edits acknowledged: {len(tally.acknowledged)}")
    print(f"edits refused: {len(tally.refused)} ({len(tally.outcomes('conflict'))} conflicts)")
    unanswered = tally.outcomes("unanswered")
    if unanswered and findings:
        print(
            f"edits unanswered: {len(unanswered)} ({findings.written_unanswered} written whole,"
            f" {findings.absent_unanswered} not at all, {len(findings.partial)} partly)"
        )
    print(f"edits lost: {report.lost}")
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(f"PROBLEM: {problem}")


def print_table(reports: list[Report]) -> None:
    print(
        "\nfault              | requests | errors by status           | longest recovery |"
        " acknowledged | refused | lost | result"
    )
    print(
        "------------------ | -------- | -------------------------- | ---------------- |"
        " ------------ | ------- | ---- | ------"
    )
    for r in reports:
        errors = ", ".join(f"{s}: {n}" for s, n in sorted(r.tally.errors.items(), key=str))
        recovery = f"{r.recovery:.2f} s" if r.recovery is not None else "-"
        print(
            f"{r.fault:<18} | {sum(r.tally.served.values()):>8} | {errors or 'none':<26} |"
            f" {recovery:>16} | {len(r.tally.acknowledged):>12} | {len(r.tally.refused):>7} |"
            f" {r.lost:>4} | {'FAIL' if r.problems else 'OK'}"
        )


def main() -> int:
    names = [n.strip() for n in os.environ.get("FAULTTEST_FAULTS", ",".join(FAULTS)).split(",")]
    unknown = [n for n in names if n not in FAULTS]
    if unknown or not names:
        sys.exit(f"FAULTTEST_FAULTS: unknown {unknown}; choose among {', '.join(FAULTS)}")
    if not shutil.which("gunicorn", path=str(Path(sys.executable).parent)):
        sys.exit("gunicorn is not installed in this Python: run `make install` first.")
    started = time.monotonic()
    ctx = prepare(names)
    print(f"--- ready in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    reports = []
    try:
        for name in names:
            print(f"--- {name}: {SECONDS:g} s", file=sys.stderr, flush=True)
            began = time.monotonic()
            reports.append(FAULTS[name](ctx))
            print(f"--- {name} took {time.monotonic() - began:.0f} s", file=sys.stderr)
            print_report(reports[-1])
    finally:
        ctx.stop_servers()
        if ctx.cluster:
            ctx.cluster.destroy()
    print(
        f"\nfault test: {SECONDS:g} s per fault, {READERS} readers, {CURATORS} curators,"
        f" {WORKERS} workers ({SQLITE_WORKERS} on SQLite)"
    )
    print_table(reports)
    failed = any(report.problems for report in reports)
    print("RESULT:", "FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
