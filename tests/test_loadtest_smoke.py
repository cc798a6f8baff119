"""``make loadtest`` end to end, briefly: no 5xx and no lost acknowledged edit.

A behaviour check, not a timing one. Skipped unless a PostgreSQL server answers
at ``LOADTEST_DATABASE_URL`` (or the default) and gunicorn is installed. It uses
its own database (named with the process id, never pytest-django's), dropped
afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://recap:recap@127.0.0.1:5432/recap_loadtest"
BASE_URL = os.environ.get("LOADTEST_DATABASE_URL") or DEFAULT_URL


def admin_connection(url: str) -> psycopg.Connection:
    """A connection to the ``recap`` database of the server at ``url``."""
    parts = urllib.parse.urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or ""),
        dbname="recap",
        connect_timeout=3,
        autocommit=True,
    )


def postgres_reachable() -> bool:
    try:
        admin_connection(BASE_URL).close()
    except psycopg.OperationalError:
        return False
    return True


pytestmark = [
    pytest.mark.skipif(
        not shutil.which("gunicorn", path=str(Path(sys.executable).parent)),
        reason="needs gunicorn (pip install -r requirements.lock)",
    ),
    pytest.mark.skipif(
        not postgres_reachable(),
        reason=f"needs a PostgreSQL server at {urllib.parse.urlsplit(BASE_URL).netloc} "
        "(see README, PostgreSQL)",
    ),
]


@pytest.fixture
def database_url():
    """A database of its own for this run, dropped afterwards."""
    name = f"recap_loadtest_smoke_{os.getpid()}"
    url = urllib.parse.urlsplit(BASE_URL)._replace(path=f"/{name}").geturl()
    yield url
    with admin_connection(BASE_URL) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_loadtest_loses_no_acknowledged_edit(database_url, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "BENCH_", "LOADTEST_"))
    }
    env.update(
        LOADTEST_DATABASE_URL=database_url,
        LOADTEST_SECONDS="3",
        LOADTEST_READERS="4",
        LOADTEST_CURATORS="2",
        LOADTEST_DIR=str(tmp_path),
    )

    result = subprocess.run(
        [sys.executable, "scripts/loadtest.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^5xx: 0$", result.stdout, re.MULTILINE)
    assert re.search(r"^lost acknowledged edits: 0$", result.stdout, re.MULTILINE)
    acknowledged = re.search(r"^edits acknowledged: (\d+)$", result.stdout, re.MULTILINE)
    assert acknowledged and int(acknowledged.group(1)) > 0
    assert "RESULT: OK" in result.stdout
