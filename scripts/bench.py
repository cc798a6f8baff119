#!/usr/bin/env python
"""Load-test the production-like server and print one table (``make bench``).

For each database (SQLite, and PostgreSQL when ``BENCH_DATABASE_URL`` is set) and
each size (the bundled recap, then ``generate_archive --entries BENCH_ENTRIES``
more), it starts gunicorn (debug off, WhiteNoise, manifest static files) on a free
port of 127.0.0.1, loads each URL with ``wrk`` for ``BENCH_SECONDS`` and reports
requests/s, p50 and p99 latency, SQL queries per request (counted once with
Django's test client), the answer's size raw and gzipped, and the server's peak
resident memory (VmHWM of the gunicorn master and its workers).

Environment: ``BENCH_SECONDS`` (default 5), ``BENCH_WARMUP`` (untimed seconds of
load before each measurement, default 2), ``BENCH_ENTRIES`` (default 100000),
``BENCH_CONNECTIONS`` (default 8), ``BENCH_WORKERS`` (default: CPUs),
``BENCH_DATABASE_URL`` (a PostgreSQL database it may fill), ``BENCH_DIR``
(default ``.bench/``: the SQLite file and collected static files).
Figures are printed, never asserted.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUNDLED = ROOT / "explorer" / "data" / "djangocon-us-2024.json"

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
WORK_DIR = Path(os.environ.get("BENCH_DIR", ROOT / ".bench"))
HX = {"HX-Request": "true"}


@dataclass
class Target:
    name: str
    path: str
    headers: dict[str, str]
    # Each request different (an ignored ``nocache=N`` parameter), so that none is
    # answered from the explorer's cache: what rendering costs.
    fresh: bool = False
    # wrk's connections; by default BENCH_CONNECTIONS, more than the workers, so
    # that requests queue: throughput at saturation, latency including the queue.
    connections: int = CONNECTIONS


FILTERED = "/?day=monday&topic=performance"
SEARCH = "/?q=caching+queries"
TARGETS = [
    Target("ceiling", "/bench/ceiling/", {}),
    Target("explorer page", "/", {}),
    Target("filtered fragment", FILTERED, HX, fresh=True),
    Target("search fragment", SEARCH, HX, fresh=True),
    Target("json", "/?format=json", {}, fresh=True),
    # One connection per worker: nothing queues, so latency is what a request costs.
    Target("filtered fragment", FILTERED, HX, fresh=True, connections=WORKERS),
    Target("search fragment", SEARCH, HX, fresh=True, connections=WORKERS),
    Target("filtered fragment, repeated", FILTERED, HX),
    Target("search fragment, repeated", SEARCH, HX),
]
# wrk: a different query string for every request.
FRESH_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&nocache=" .. counter)
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
    """gunicorn serving ``scripts/bench_app.py`` until stopped (its errors in ``log``)."""

    def __init__(
        self, env: dict[str, str], *, workers: int | None = None, log: Path | None = None
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab") if log else None
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "scripts.bench_app:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(workers or WORKERS),
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=env,
            stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("gunicorn did not start (no 200 from /healthz within 60 s)")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_kib(self) -> int:
        """VmHWM of the master and its workers, summed."""
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
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read()


def wrk(url: str, target: Target, seconds: int = SECONDS) -> dict[str, float]:
    args = ["wrk", "-t1", f"-c{target.connections}", f"-d{seconds}s", "--latency"]
    args += ["--timeout", "10s"]
    if target.fresh:
        script = WORK_DIR / "fresh.lua"
        script.write_text(FRESH_LUA)
        args += ["-s", str(script)]
    for name, value in target.headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def millis(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else float("nan"),
        "p50": millis("50"),
        "p99": millis("99"),
        "errors": int(errors.group(1)) if errors else 0,
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
        path += f"&nocache=q{n}"
    else:
        client.get(path, headers=headers)  # the repeat is what is measured
    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers=headers)
    counts[name] = len(captured)
print(json.dumps(counts))
"""


def query_counts(env: dict[str, str]) -> dict[str, int]:
    targets = json.dumps([[t.name, t.path, t.headers, t.fresh] for t in TARGETS])
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


def first_load_bytes(base: str) -> tuple[int, int]:
    """The first visit's HTML, CSS and JavaScript: raw and compressed bytes."""
    html = fetch(base + "/", {})
    raw, compressed = len(html), len(gzip.compress(html))
    assets = re.findall(rb'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html)
    for asset in dict.fromkeys(assets):
        url = base + asset.decode()
        raw += len(fetch(url, {}))
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            compressed += len(answer.read())
    return raw, compressed


def bench(database: str, env: dict[str, str], size: str, rows: list[list[str]]) -> None:
    counts = query_counts(env)
    server = Server(env)
    try:
        for target in TARGETS:
            url = server.base + target.path
            body = fetch(url, target.headers)
            if WARMUP:
                # Untimed: the worker's first renders of a URL compile templates and
                # read the database's pages in from the file.
                wrk(url, target, seconds=WARMUP)
            result = wrk(url, target)
            queries = counts.get(target.name, "?")
            rows.append(
                [
                    database,
                    size,
                    target.name,
                    str(target.connections),
                    f"{result['rps']:.0f}",
                    f"{result['p50']:.1f}",
                    f"{result['p99']:.1f}",
                    str(queries),
                    f"{len(body):,}",
                    f"{len(gzip.compress(body)):,}",
                    f"{server.peak_rss_kib() / 1024:.0f}",
                ]
                + ([f"{result['errors']} errors"] if result["errors"] else [])
            )
        raw, compressed = first_load_bytes(server.base)
        rows.append(
            [database, size, "first load (HTML+CSS+JS)", "", "", "", "", "", f"{raw:,}",
             f"{compressed:,}", f"{server.peak_rss_kib() / 1024:.0f}"]
        )  # fmt: skip
    finally:
        server.stop()


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "generate_archive", "--entries", "0", "--clear")
    manage(env, "import_recap", str(BUNDLED))


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

    header = ["database", "entries", "URL", "conns", "req/s", "p50 ms", "p99 ms", "queries",
              "bytes", "gzip bytes", "peak RSS MiB"]  # fmt: skip
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(f"\nwrk: {SECONDS} s per URL after {WARMUP} s untimed; gunicorn: {WORKERS} workers")
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [str(cell).rjust(w) if i >= 3 else str(cell).ljust(w) for i, (cell, w) in
                 enumerate(zip(row, widths, strict=False))]  # fmt: skip
        print(
            " | ".join(cells)
            + ("  " + " ".join(row[len(header) :]) if len(row) > len(header) else "")
        )


if __name__ == "__main__":
    main()
