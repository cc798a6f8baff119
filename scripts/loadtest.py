#!/usr/bin/env python
"""Readers and racing curators against the production-like server (``make loadtest``).

On PostgreSQL (``LOADTEST_DATABASE_URL``, default
``postgres://recap:recap@127.0.0.1:5432/recap_loadtest``; created if missing,
migrated, the bundled recap imported, ``LOADTEST_CURATORS`` curators made) it
starts gunicorn like ``make bench`` does (debug off, WhiteNoise, on a free port of
127.0.0.1; ``scripts/bench.py``'s helpers), then for ``LOADTEST_SECONDS`` runs the
readers and curators of ``scripts/traffic.py``:

- ``LOADTEST_READERS`` threads filter and search (random ``day``/``topic``/
  ``kind``/``q``) as a full page, an htmx fragment or JSON;
- each curator, logged in with its own session, opens the inline edit form of an
  entry (a few entries shared by all, to force conflicts, and some of its own),
  sets the summary to a unique marker and saves it with the version it read.

Then it prints what was served, the errors by status, the edits acknowledged
(200 with ``HX-Trigger: entrySaved``) and refused as conflicts, and checks in the
database that no acknowledged edit was lost (``traffic.check_edits``): each
marker is in the entry's history, by its curator, once; no two acknowledged saves
started from the same version; versions only increase; each entry is its newest
version. Exits 1 on any 5xx, transport error or lost edit.

A missing prerequisite is said precisely: PostgreSQL not running, the role or
password refused, or the database missing (then created, or the command to
create it given).

Environment: ``LOADTEST_SECONDS`` (20), ``LOADTEST_READERS`` (16),
``LOADTEST_CURATORS`` (4), ``LOADTEST_WORKERS`` (gunicorn workers, default two
per CPU), ``LOADTEST_DATABASE_URL``, ``LOADTEST_DIR`` (collected static files,
default ``.bench/``). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import bench  # scripts/bench.py: server_env, manage, Server
import traffic  # scripts/traffic.py: readers, curators, checks

DEFAULT_URL = "postgres://recap:recap@127.0.0.1:5432/recap_loadtest"
DATABASE_URL = os.environ.get("LOADTEST_DATABASE_URL") or DEFAULT_URL
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "20"))
READERS = int(os.environ.get("LOADTEST_READERS", "16"))
CURATORS = int(os.environ.get("LOADTEST_CURATORS", "4"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", str(2 * (os.cpu_count() or 1))))


def main() -> int:
    traffic.ensure_database(DATABASE_URL)
    if os.environ.get("LOADTEST_DIR"):
        bench.WORK_DIR = Path(os.environ["LOADTEST_DIR"])
    bench.WORK_DIR.mkdir(parents=True, exist_ok=True)
    env = bench.server_env(DATABASE_URL)
    env = {k: v for k, v in env.items() if not k.startswith("LOADTEST_DATABASE")}
    print("--- preparing the database and static files", file=sys.stderr, flush=True)
    site = traffic.prepare_site(env, "loadtest", CURATORS)
    bench.manage(env, "collectstatic", "--no-input", "-v0")
    since = traffic.history_baseline(DATABASE_URL)

    server = bench.Server(env, workers=WORKERS)
    tally = traffic.Tally()
    print(
        f"--- {SECONDS:g} s: {READERS} readers, {CURATORS} curators, gunicorn {WORKERS} workers"
        f" on {server.base}",
        file=sys.stderr,
        flush=True,
    )
    try:
        stop, threads, _ = traffic.start_traffic(
            [server.base], site, tally, SECONDS, readers=READERS
        )
        traffic.join(threads, stop)
    finally:
        server.stop()

    found = traffic.check_edits(DATABASE_URL, tally.edits, since)
    problems = found.problems
    five = sum(tally.server_errors.values())
    transport = tally.errors.get("connection", 0) + tally.errors.get("timeout", 0)
    print(f"\nload test: {SECONDS:g} s, {READERS} readers, {CURATORS} curators, {WORKERS} workers")
    print(f"requests served: {sum(tally.served.values())}")
    for kind, n in sorted(tally.served.items()):
        print(f"  {kind}: {n}")
    print(f"errors: {sum(tally.errors.values())}" + ("" if tally.errors else " (none)"))
    for status, n in sorted(tally.errors.items(), key=str):
        print(f"  {status}: {n}")
    print(f"5xx: {five}")
    print(f"edits acknowledged: {len(tally.acknowledged)}")
    print(f"edits refused as conflicts: {len(tally.outcomes('conflict'))}")
    print(f"edits refused otherwise (invalid): {len(tally.outcomes('invalid'))}")
    print(f"lost acknowledged edits: {len(problems)}")
    for problem in problems:
        print(f"  LOST: {problem}")
    sample = tally.outcomes("invalid")[:1]
    if sample:
        print(f"  first invalid edit: {json.dumps(dataclasses.asdict(sample[0]))}")
    failed = five or transport or problems or tally.tracebacks or not tally.acknowledged
    print("RESULT:", "FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
