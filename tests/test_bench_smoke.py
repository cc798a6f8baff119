"""``make bench-smoke`` end to end: gunicorn, wrk, one table (figures never asserted).

Skipped unless ``wrk`` and ``gunicorn`` are installed, and in the suite on
PostgreSQL: it runs once per CI run, with the suite on SQLite.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.script_runs import needs_gunicorn, once_on_sqlite, run_script

pytestmark = [
    needs_gunicorn,
    once_on_sqlite,
    pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk (apt-get install wrk)"),
]


def test_bench_smoke_prints_one_table(tmp_path):
    result = run_script(
        "bench.py",
        BENCH_ENTRIES="200",
        BENCH_SECONDS="1",
        BENCH_WARMUP="0",
        BENCH_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("database | entries | URL") for line in lines)
    # Once for the bundled recap and once with 200 more; the fragments also with
    # one connection per worker, and without the card cache; Datasette's three, each
    # with its ratio.
    for name, rows in [("ceiling", 2), ("explorer page", 2), ("json", 2), ("filtered fragment", 4),
                       ("search fragment", 4), ("filtered fragment, repeated", 2),
                       ("datasette: unfiltered", 2), ("datasette: filtered", 2),
                       ("datasette: search", 2), ("explorer page, no card or facet cache", 2),
                       ("filtered fragment, no card or facet cache", 2),
                       ("search fragment, no card or facet cache", 2)]:  # fmt: skip
        assert sum(f"| {name} " in line for line in lines) == rows, name
    peers = [line for line in lines if "| datasette: " in line]
    assert all(re.search(r"\| +\d+\.\d\d \|", line) for line in peers), peers
    # Both sides answered the same questions (same number of matching entries).
    assert not [line for line in lines if line.startswith("note:") and "Datasette's" in line]
    if Path("/usr/bin/chromium").exists():
        assert sum("| first load (Chromium" in line for line in lines) == 2
