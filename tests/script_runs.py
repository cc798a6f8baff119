"""Running the programs of ``scripts/`` from the tests: a clean environment, and when to skip.

The smoke runs are heavy, so each runs once per CI run: the load and fault tests'
in the suite on PostgreSQL (``DATABASE_URL=postgres://...``), skipped on SQLite;
the benchmark's (which builds SQLite files of its own for it and Datasette) in the
suite on SQLite, skipped on PostgreSQL. Under pytest-xdist (``make test``) they
go to one worker, one after the other (``SmokeRunsOnOneWorker`` in tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
#: The suite's PostgreSQL server, or None when the suite runs on SQLite.
SUITE_DATABASE_URL = (
    os.environ.get("DATABASE_URL", "")
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    else None
)

needs_gunicorn = pytest.mark.skipif(
    not shutil.which("gunicorn", path=str(Path(sys.executable).parent)),
    reason="needs gunicorn (pip install -r requirements.lock)",
)
once_on_postgresql = pytest.mark.skipif(
    SUITE_DATABASE_URL is None,
    reason="heavy: runs once, with the suite on PostgreSQL (DATABASE_URL=postgres://...)",
)
once_on_sqlite = pytest.mark.skipif(
    SUITE_DATABASE_URL is not None,
    reason="heavy: runs once, with the suite on SQLite (it builds its own SQLite files)",
)


def run_script(script: str, **env: str) -> subprocess.CompletedProcess:
    """``scripts/<script>`` in a fresh process, with only ``env`` of its own settings."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "BENCH_", "LOADTEST_", "FAULTTEST_"))
    }
    environ.update(env)
    result = subprocess.run(
        [sys.executable, f"scripts/{script}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout)
    return result


def database_beside_the_suite(name: str) -> str:
    """The URL of database ``name`` on the suite's PostgreSQL server."""
    return urllib.parse.urlsplit(SUITE_DATABASE_URL)._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or ""),
        dbname="postgres",
        connect_timeout=5,
        autocommit=True,
    ) as admin:
        name = sql.Identifier(parts.path.lstrip("/"))
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
