"""``/healthz``: database and static files checked, 200 or 503, never cached, plain HTTP."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from explorer import health

pytestmark = pytest.mark.django_db


def test_url():
    assert reverse("healthz") == "/healthz"


def test_healthy(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "static": "ok"}}


def test_never_cached_and_sets_no_cookie(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_head_works_and_posts_are_refused_without_csrf_trouble(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_database_down_is_503_naming_the_check(client, monkeypatch, caplog):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    with caplog.at_level(logging.ERROR, logger="explorer.health"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "failed", "static": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    # The reason is logged, not published.
    assert "connection refused" in caplog.text
    assert b"connection refused" not in response.content


def test_missing_static_file_is_503(client, monkeypatch):
    monkeypatch.setattr(health, "STATIC_PROBE", "css/does-not-exist.css")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "static": "failed"}


def test_static_files_not_collected_for_a_manifest_storage(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["static"] == "failed"


def test_collected_static_files_are_enough(client, settings, tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body {}")
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_DIRS = []

    response = client.get("/healthz")

    assert response.status_code == 200


def test_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    # Every other page still redirects.
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
