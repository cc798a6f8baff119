"""``make faulttest`` end to end, briefly: one fault of each kind, nothing lost.

A behaviour check, not a timing one (about a minute). It runs once per CI run,
with the suite on PostgreSQL; the script starts a PostgreSQL cluster of its own
(so it needs PostgreSQL's server programs) and a SQLite file under ``tmp_path``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.script_runs import needs_gunicorn, once_on_postgresql, run_script

FAULTS = ["postgresql restart", "worker killed", "two servers", "dropped clients", "sqlite writers"]

has_initdb = bool(shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))
pytestmark = [
    needs_gunicorn,
    once_on_postgresql,
    pytest.mark.skipif(not has_initdb, reason="needs initdb (apt-get install postgresql)"),
]


def test_faulttest_smoke_loses_nothing(tmp_path):
    result = run_script(
        "faulttest.py",
        FAULTTEST_SECONDS="3",
        FAULTTEST_OUTAGE="1",
        FAULTTEST_READERS="3",
        FAULTTEST_CURATORS="2",
        FAULTTEST_WORKERS="2",
        FAULTTEST_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "RESULT: OK" in result.stdout
    rows = {
        line.split("|")[0].strip(): [cell.strip() for cell in line.split("|")]
        for line in result.stdout.splitlines()
        if line.split("|")[0].strip() in FAULTS
    }
    assert sorted(rows) == sorted(FAULTS)
    for fault, cells in rows.items():
        acknowledged, lost, verdict = int(cells[4]), int(cells[6]), cells[7]
        assert (acknowledged > 0, lost, verdict) == (True, 0, "OK"), fault
    # The outage was seen as the 503 page, and the killed worker as one dropped save.
    assert re.search(r"^postgresql restart .*\| 503: \d+", result.stdout, re.MULTILINE)
    assert "/healthz said database failed" in result.stdout
    assert re.search(r"\d+ worker\(s\) killed mid-save, each replaced", result.stdout)
    assert "nothing left behind" in result.stdout
