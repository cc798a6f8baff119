"""Playwright (sync API) against pytest-django's live server, in Debian's Chromium.

Never ``playwright install``: the tests drive /usr/bin/chromium, and skip, loudly,
when it is missing. The live server serves static files itself (staticfiles is
installed), including Alpine.js from node_modules, installed here with ``npm ci``
if needed.
"""

from __future__ import annotations

import fcntl
import functools
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import build_archive, build_conference

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    "Chromium not found at /usr/bin/chromium: browser tests skipped; "
    "install Debian's chromium package"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BASE_DIR = Path(django_settings.BASE_DIR)
NODE_MODULES = BASE_DIR / "node_modules"
ALPINE_DIST = NODE_MODULES / "@alpinejs" / "csp" / "dist"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=CHROMIUM_MISSING)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def _async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; Django's ORM would refuse."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _node_modules_installed() -> bool:
    return (ALPINE_DIST / "cdn.min.js").exists() and AXE_SCRIPT.exists()


@pytest.fixture(scope="package")
def _node_modules(tmp_path_factory) -> None:
    """Alpine.js and axe-core, from package-lock.json.

    Under pytest-xdist every worker gets here: one runs ``npm ci`` (which empties
    node_modules first) while the others wait on a lock in the run's shared temporary
    folder, then find it installed.
    """
    if _node_modules_installed():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("node_modules is missing and npm is not installed: run `npm ci` first")
    with open(tmp_path_factory.getbasetemp().parent / "npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _node_modules_installed():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BASE_DIR, check=True)


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed, _node_modules):
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def _static_alpine(settings) -> None:
    """Serve Alpine even when node_modules appeared after the settings were read."""
    prefixes = {d[0] for d in settings.STATICFILES_DIRS if isinstance(d, list | tuple)}
    if "vendor/alpinejs" not in prefixes:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("vendor/alpinejs", ALPINE_DIST)]


@pytest.fixture
def conference_live(transactional_db, live_server, _static_alpine):
    """The test conference, visible to the live server's thread."""
    return build_conference()


@pytest.fixture
def archive_live(transactional_db, live_server, _static_alpine):
    """The three recaps of the test archive, visible to the live server's thread."""
    return build_archive()


@pytest.fixture
def archive_page(browser, live_server, archive_live):
    """A fresh browser context on the live server, over the test archive."""
    yield from _make_page(browser, live_server)


@pytest.fixture
def archive_page_factory(browser, live_server, archive_live):
    """Like ``page_factory``, over the test archive."""
    yield from _page_factory(browser, live_server)


class Page:
    """A Playwright page that records console errors and htmx requests."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.htmx_requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} at {message.location}")

    def _request(self, request) -> None:
        if request.headers.get("hx-request") == "true":
            self.htmx_requests.append(request.url)

    def goto(self, path: str = "/"):
        return self.page.goto(self.base_url + path)


def _make_page(browser, live_server, **context_options) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    context.set_default_timeout(10_000)
    page = Page(context.new_page(), live_server.url)
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server, conference_live) -> Iterator[Page]:
    """A fresh browser context (empty localStorage) on the live server."""
    yield from _make_page(browser, live_server)


@pytest.fixture
def page_factory(browser, live_server, conference_live):
    """Make more contexts: ``page_factory(java_script_enabled=False)``."""
    yield from _page_factory(browser, live_server)


def _page_factory(browser, live_server):
    contexts = []

    def make(**options) -> Page:
        pages = _make_page(browser, live_server, **options)
        contexts.append(pages)
        return next(pages)

    yield make
    for pages in contexts:
        next(pages, None)


def png(width: int, height: int, rgb: tuple[int, int, int] = (11, 107, 76)) -> bytes:
    """A plain PNG of one colour, ``width`` by ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def image_server(tmp_path) -> Iterator[str]:
    """An HTTP server on a free local port standing in for a recap's image host.

    It serves ``tmp_path``: ``conf/images/stage.png`` and ``conf/images/room.png``
    exist; anything else is a 404. Yields its address, e.g. ``http://127.0.0.1:PORT``.
    """
    images = tmp_path / "conf" / "images"
    images.mkdir(parents=True)
    (images / "stage.png").write_bytes(png(90, 30))
    (images / "room.png").write_bytes(png(48, 36, (29, 78, 216)))
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
