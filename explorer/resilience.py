"""What a request gets when something under it fails: the database, or the client.

- **The database is unavailable** (stopped, restarting, unreachable, or SQLite
  locked past its timeout): Django raises ``OperationalError`` or
  ``InterfaceError`` wherever the first query happens. ``DatabaseUnavailableMiddleware``
  turns one raised by a view into ``503`` with the standalone ``503.html`` page
  (no database, no context processors), ``Retry-After`` and no caching, and logs
  one line instead of a traceback; ``server_error`` (``handler500``) does the same
  for one raised by a middleware (a session saved on the way out). A request
  meets the outage within ``DATABASE_CONNECT_TIMEOUT`` seconds at most (the
  connection attempt; a refused connection fails at once). Nothing needs
  restarting afterwards: the next request connects again (``CONN_HEALTH_CHECKS``
  drops connections the restart broke).
- **The client went away halfway through its body**: a server hands the
  application what arrived, so a form cut off after half its fields would be
  read as a shorter form, and saved. ``require_whole_body`` (the WSGI wrapper in
  ``config.wsgi``) makes ``wsgi.input`` raise when it ends before
  ``Content-Length``; ``WholeBodyMiddleware`` reads each POST's form data first,
  before any view, and answers ``400`` to one that did not arrive whole, so no
  view ever sees it. (It parses the form early, as the CSRF check would anyway:
  a view cannot change ``request.upload_handlers`` afterwards.)
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable

from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    UnreadablePostError,
)
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

#: What an unavailable database raises through Django (connection refused or
#: lost, server shutting down or starting up, SQLite's "database is locked").
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5
UNAVAILABLE_TEMPLATE = "503.html"
UNAVAILABLE_MESSAGE = "The database is not answering: try again in a moment."


def unavailable_response(request: HttpRequest | None) -> HttpResponse:
    """503 with the standalone page (JSON for ``?format=json``), never cached."""
    if request is not None and request.GET.get("format") == "json":
        response = JsonResponse({"errors": {"database": [UNAVAILABLE_MESSAGE]}}, status=503)
    else:
        # No request: no context processors, so nothing here touches the database.
        response = HttpResponse(loader.render_to_string(UNAVAILABLE_TEMPLATE), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def log_unavailable(request: HttpRequest, error: BaseException) -> None:
    logger.error("Database unavailable (%s %s): %s", request.method, request.path, error)


class DatabaseUnavailableMiddleware:
    """A view's ``OperationalError``/``InterfaceError`` becomes the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        log_unavailable(request, exception)
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 page when the database is what failed, else ``500.html``.

    Reached for exceptions that no view raised (a middleware's), which Django
    hands to this handler while it is handling them.
    """
    error = sys.exception()
    if isinstance(error, DATABASE_UNAVAILABLE):
        log_unavailable(request, error)
        return unavailable_response(request)
    return defaults.server_error(request)


# -- Bodies cut off halfway ---------------------------------------------------------


class ClientDisconnected(OSError):
    """The request's body ended before its ``Content-Length``: the client went away."""


class WholeBody:
    """``wsgi.input`` that raises ``ClientDisconnected`` instead of returning a short body."""

    def __init__(self, stream, length: int) -> None:
        self.stream = stream
        self.remaining = length

    def _check(self, data: bytes, wanted: int) -> bytes:
        self.remaining -= len(data)
        if not data and wanted and self.remaining > 0:
            raise ClientDisconnected(f"request body ended {self.remaining} bytes short")
        return data

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        chunks = []
        # A read may return less than asked for before the end: only b"" is the end.
        while wanted > 0:
            data = self._check(self.stream.read(wanted), wanted)
            if not data:
                break
            chunks.append(data)
            wanted -= len(data)
        return b"".join(chunks)

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        return self._check(self.stream.readline(wanted) if wanted else b"", wanted)

    def __iter__(self) -> Iterable[bytes]:
        while line := self.readline():
            yield line


def require_whole_body(application):
    """A WSGI application whose ``wsgi.input`` raises when the body arrives cut off."""

    def wrapped(environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > 0:
            environ["wsgi.input"] = WholeBody(environ["wsgi.input"], length)
        return application(environ, start_response)

    return wrapped


INCOMPLETE_BODY = "The request's body did not arrive whole: nothing was done."


class WholeBodyMiddleware:
    """A POST whose form data did not arrive whole is refused (400) before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (reads and parses the whole body now)
            except UnreadablePostError as error:
                return self.refuse(request, error)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A view reading a body that is not form data (request.body) finds out there.
        if isinstance(exception, UnreadablePostError):
            return self.refuse(request, exception)
        return None

    @staticmethod
    def refuse(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.warning("Incomplete request body (%s %s): %s", request.method, request.path, error)
        return HttpResponseBadRequest(INCOMPLETE_BODY, content_type="text/plain; charset=utf-8")
