"""config.storage: ``collectstatic`` serves our own CSS and JavaScript minified (hashed
and compressed from the minified text), the sources stay readable, and third-party
files are collected as they come."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import brotli
import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders

from tests.conftest import collect_static

OURS = ["css/site.css", "css/curator.css", "js/app.js"]
SOURCES = Path(django_settings.BASE_DIR) / "static"


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One collection for the module's tests of the files (each takes a second)."""
    root = tmp_path_factory.mktemp("static")
    return root, collect_static(root)


@pytest.mark.parametrize("name", OURS)
def test_our_files_are_collected_minified(collected, name):
    root, manifest = collected
    source = (SOURCES / name).read_text()
    served = (root / manifest[name]).read_bytes()

    assert "/*" in source  # the source keeps its comments...
    assert b"/*" not in served  # ...what is served has none
    assert len(served) < 0.8 * len(source.encode())
    # The original name serves the same text as the hashed one, and so do their
    # compressed copies: WhiteNoise compressed the minified file.
    assert (root / name).read_bytes() == served
    assert gzip.decompress((root / f"{manifest[name]}.gz").read_bytes()) == served
    assert brotli.decompress((root / f"{manifest[name]}.br").read_bytes()) == served


@pytest.mark.parametrize("name", OURS)
def test_the_hashed_names_are_of_the_minified_text(collected, name):
    """A browser's copy is renewed when what is served changes, not when a comment does."""
    root, manifest = collected
    served = (root / manifest[name]).read_bytes()
    stem, suffix = name.rsplit(".", 1)
    assert manifest[name] == f"{stem}.{hashlib.md5(served).hexdigest()[:12]}.{suffix}"


def test_third_party_files_are_collected_as_they_come(collected):
    root, manifest = collected
    names = ["django_htmx/htmx-2.min.js"]
    if finders.find("vendor/alpinejs/cdn.min.js"):  # once node_modules is installed
        names.append("vendor/alpinejs/cdn.min.js")
    for name in names:
        assert (root / manifest[name]).read_bytes() == Path(finders.find(name)).read_bytes()


def test_pages_link_the_collected_files(db, client, collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]

    html = client.get("/").text

    assert f'<link rel="stylesheet" href="/static/{manifest["css/site.css"]}">' in html
    assert f'<script src="/static/{manifest["js/app.js"]}"></script>' in html


def test_whitenoise_serves_a_collected_file_for_good_and_for_this_site(
    db, client, collected_static
):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())["paths"]

    response = client.get(f"/static/{manifest['js/app.js']}", headers={"Accept-Encoding": "br"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Access-Control-Allow-Origin" not in response  # no other origin reads it
    assert response["X-Content-Type-Options"] == "nosniff"
    # What only a document uses is left to the pages (tests/test_security.py).
    assert "Cross-Origin-Opener-Policy" not in response
    assert "Referrer-Policy" not in response
