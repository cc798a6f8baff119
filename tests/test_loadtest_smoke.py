"""``make loadtest`` end to end, briefly: no 5xx and no lost acknowledged edit.

A behaviour check, not a timing one. It runs once per CI run, with the suite on
PostgreSQL, on a database of its own beside the suite's (named with the process
id; the script creates it, the test drops it).
"""

from __future__ import annotations

import os
import re

import pytest

from tests.script_runs import (
    SUITE_DATABASE_URL,
    database_beside_the_suite,
    drop_database,
    needs_gunicorn,
    once_on_postgresql,
    run_script,
)

pytestmark = [needs_gunicorn, once_on_postgresql]


@pytest.fixture
def database_url():
    url = database_beside_the_suite(f"recap_loadtest_smoke_{os.getpid()}")
    yield url
    drop_database(url)


def test_loadtest_loses_no_acknowledged_edit(database_url, tmp_path):
    result = run_script(
        "loadtest.py",
        LOADTEST_DATABASE_URL=database_url,
        LOADTEST_SECONDS="3",
        LOADTEST_READERS="4",
        LOADTEST_CURATORS="2",
        LOADTEST_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "created the database" in result.stderr
    assert re.search(r"^5xx: 0$", result.stdout, re.MULTILINE)
    assert re.search(r"^lost acknowledged edits: 0$", result.stdout, re.MULTILINE)
    acknowledged = re.search(r"^edits acknowledged: (\d+)$", result.stdout, re.MULTILINE)
    assert acknowledged and int(acknowledged.group(1)) > 0
    assert "RESULT: OK" in result.stdout


def test_loadtest_says_what_is_missing(tmp_path):
    def failure(url: str) -> str:
        result = run_script("loadtest.py", LOADTEST_DATABASE_URL=url, LOADTEST_DIR=str(tmp_path))
        assert result.returncode == 1
        return result.stderr.strip()

    # Nothing listens on port 1: not "unreachable", but what to do about it.
    assert failure("postgres://recap:recap@127.0.0.1:1/recap").startswith(
        "PostgreSQL is not running at 127.0.0.1:1 (nothing accepts connections there): start it"
    )
    # The suite's server, with a wrong password.
    url = re.sub(r"://([^:/]+)(:[^@]*)?@", r"://\1:not-the-password@", SUITE_DATABASE_URL)
    assert "is running but refused the role" in failure(url)
