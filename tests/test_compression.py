"""Compressed answers (GZipMiddleware): what a browser asking for gzip receives.

The explorer's page, fragment and JSON arrive gzipped, say so in ``Vary``, keep a
weak ETag that the 304s honour and repeat. A logged-in user's page carries a CSRF
token, masked afresh for every request (the BREACH defence that makes compressing it
safe); an anonymous visitor's carries none.
"""

from __future__ import annotations

import gzip
import re

import pytest

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}
HX = {"HX-Request": "true"}
ANSWERS = [("/", {}), ("/?day=day-1", HX), ("/?format=json&topic=databases", {})]


def vary(response) -> set[str]:
    return {header.strip() for header in response["Vary"].split(",")}


@pytest.mark.parametrize(("url", "headers"), ANSWERS)
def test_answers_are_gzipped_for_a_browser(client, conference, url, headers):
    plain = client.get(url, headers=headers)
    packed = client.get(url, headers={**headers, **GZIP})

    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in vary(packed) and "Accept-Encoding" in vary(plain)
    assert len(packed.content) < len(plain.content) / 3
    assert gzip.decompress(packed.content) == plain.content


def test_without_accept_encoding_nothing_is_compressed(client, conference):
    response = client.get("/?day=day-1", headers=HX)

    assert "Content-Encoding" not in response
    assert b"Fast tests with the ORM" in response.content


@pytest.mark.parametrize(("url", "headers"), ANSWERS)
def test_the_weak_etag_of_a_gzipped_answer_gets_a_304(client, conference, url, headers):
    packed = client.get(url, headers={**headers, **GZIP})
    etag = packed["ETag"]
    assert etag.startswith('W/"')
    # Compressed or not, and rendered or from the answer cache: one ETag.
    assert client.get(url, headers=headers)["ETag"] == etag

    again = client.get(url, headers={**headers, **GZIP, "If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert {"Accept-Encoding", "HX-Request"} <= vary(again)


def test_a_cached_fragment_is_gzipped_too(client, conference):
    first = client.get("/?day=day-1", headers={**HX, **GZIP})
    cached = client.get("/?day=day-1", headers={**HX, **GZIP})

    assert cached["Content-Encoding"] == "gzip"
    assert gzip.decompress(cached.content) == gzip.decompress(first.content)


def test_each_page_masks_its_csrf_token_afresh(curator_client, conference):
    """BREACH guesses a secret from compressed sizes over many requests: the token a
    compressed page carries differs every time (one secret, masked anew)."""
    pages = [gzip.decompress(curator_client.get("/", headers=GZIP).content) for _ in range(3)]
    tokens = {re.search(rb'"X-CSRFToken": "([^"]+)"', page).group(1) for page in pages}

    assert len(tokens) == 3


def test_an_anonymous_page_carries_no_secret_to_guess(client, conference):
    """Nothing for BREACH to find: no CSRF token in the page, no cookie set for it."""
    response = client.get("/", headers=GZIP)

    assert b"X-CSRFToken" not in gzip.decompress(response.content)
    assert b"csrfmiddlewaretoken" not in gzip.decompress(response.content)
    assert not response.cookies
