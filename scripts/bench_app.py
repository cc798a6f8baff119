"""The WSGI app ``scripts/bench.py`` serves: the site, plus ``/bench/ceiling/``.

``/bench/ceiling/`` is the smallest Django view there is (a constant answer, no
database, through the whole middleware stack): the ceiling a page can reach on
this machine. It exists only when ``BENCH_CEILING=1`` is in the server's
environment, and only in this entry point: ``config.wsgi`` never has it.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config.wsgi import application  # the site, as config.wsgi serves it

__all__ = ["application"]


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("", include("config.urls")),
]

if os.environ.get("BENCH_CEILING") == "1":
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
