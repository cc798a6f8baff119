"""``make bench-smoke`` end to end: gunicorn, wrk, one table (figures never asserted).

Skipped unless ``wrk`` and ``gunicorn`` are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not shutil.which("wrk") or not shutil.which("gunicorn", path=str(Path(sys.executable).parent)),
    reason="needs wrk (apt-get install wrk) and gunicorn",
)


def test_bench_smoke_prints_one_table(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "BENCH_"))
    }
    env.update(BENCH_ENTRIES="200", BENCH_SECONDS="1", BENCH_WARMUP="0", BENCH_DIR=str(tmp_path))

    result = subprocess.run(
        [sys.executable, "scripts/bench.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    print(result.stdout)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("database | entries | URL") for line in lines)
    # Once for the bundled recap and once with 200 more; the fragments also with
    # one connection per worker.
    for name, rows in [("ceiling", 2), ("explorer page", 2), ("json", 2), ("filtered fragment", 4),
                       ("search fragment", 4), ("filtered fragment, repeated", 2)]:  # fmt: skip
        assert sum(f"| {name} " in line for line in lines) == rows, name
