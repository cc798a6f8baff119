"""config.middleware: django-csp's header, built once, and still django-csp's everywhere else."""

from __future__ import annotations

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import SitePolicyCSPMiddleware

HEADER = "Content-Security-Policy"


def plain(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https://images.example.org"]})
def updated(request):
    return HttpResponse("ok")


@csp_exempt()
def exempt(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def answer(middleware_class, view):
    middleware = middleware_class(view)
    return middleware(RequestFactory().get("/"))


@pytest.mark.parametrize("view", [plain, updated, exempt, with_nonce])
def test_every_response_gets_the_header_django_csp_would_give(view):
    ours, theirs = answer(SitePolicyCSPMiddleware, view), answer(CSPMiddleware, view)

    assert ours.get(HEADER) == theirs.get(HEADER)


def test_a_decorated_view_and_a_nonce_change_the_header():
    plain_header = answer(SitePolicyCSPMiddleware, plain)[HEADER]
    assert "default-src 'self'" in plain_header and "'unsafe-inline'" not in plain_header

    assert "https://images.example.org" in answer(SitePolicyCSPMiddleware, updated)[HEADER]
    assert HEADER not in answer(SitePolicyCSPMiddleware, exempt)
    # ...and none of them changes the next plain response's.
    assert answer(SitePolicyCSPMiddleware, plain)[HEADER] == plain_header


def test_a_nonce_is_written_when_the_policy_asks_for_one(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    response = answer(SitePolicyCSPMiddleware, with_nonce)

    nonce = response.content.decode().split("'")[1]
    assert f"script-src 'self' 'nonce-{nonce}'" in response[HEADER]
    assert "nonce" not in answer(SitePolicyCSPMiddleware, plain)[HEADER]


def test_a_new_policy_setting_is_read(settings):
    before = answer(SitePolicyCSPMiddleware, plain)[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    after = answer(SitePolicyCSPMiddleware, plain)[HEADER]

    assert after != before
    assert after == answer(CSPMiddleware, plain)[HEADER]
