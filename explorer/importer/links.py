"""What a link points at, and repairing links written without a scheme.

Pure functions of a URL: a social profile (whose anchor text is a person's
name), a conference talk or session page, a video, slides, or a place's own
site. Nothing here looks at the text around a link.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .words import FOOD_SITE_WORDS

# Hosts whose first path segment is a person's handle.
PROFILE_HOSTS = ("twitter.com", "x.com", "github.com", "gitlab.com", "instagram.com")
# Hosts whose profiles sit under a fixed path: linkedin.com/in/NAME, bsky.app/profile/NAME.
PROFILE_PREFIXES = (("linkedin.com", "/in/"), ("bsky.app", "/profile/"))
# Paths of a Mastodon-style profile: https://fosstodon.org/@user.
_MASTODON_PATH = re.compile(r"^/@[\w.]+/?$")
# Path words of a conference talk or session page.
TALK_PATH_WORDS = (
    "talk", "talks", "session", "sessions", "schedule", "program", "programme", "presentation",
    "presentations", "speaker", "speakers", "proposal", "proposals", "keynote", "keynotes",
)  # fmt: skip
TALK_HOSTS = ("pretalx.com", "sessionize.com", "pretalx.org")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "pyvideo.org", "media.ccc.de")
SLIDE_HOSTS = ("speakerdeck.com", "slideshare.net", "slides.com")
NOT_PLACE_HOSTS = (
    *VIDEO_HOSTS, *SLIDE_HOSTS, "wikipedia.org", "medium.com", "dev.to", "docs.google.com",
    "pypi.org", "readthedocs.io", "readthedocs.org", "djangoproject.com", "python.org",
    "amazon.com", "bit.ly", "linktr.ee", "gist.github.com",
)  # fmt: skip
_VALIDATE = URLValidator(schemes=["http", "https"])
FILE_EXTENSIONS = ("html", "htm", "md", "markdown", "png", "jpg", "jpeg", "gif", "pdf", "txt")
_DOMAIN = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)


def _split(url: str) -> SplitResult:
    """urlsplit, but an address it cannot read ("http://[x") is an empty one, not an error."""
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


def repair_url(url: str, base_url: str = "") -> tuple[str | None, str]:
    """(url, note): a usable web address for a link, and what was done to it ("" if nothing).

    In-page anchors ("#top") are kept as they are; a bare domain gets ``https://``;
    a relative path is resolved against ``base_url`` when there is one; anything
    that is still not a valid http(s) address is dropped (None), with a note.
    """
    url = url.strip()
    if url.startswith("#"):
        return url, ""
    if not url:
        return None, "a link with no address was dropped"
    parts = _split(url)
    note = ""
    if not parts.scheme and _DOMAIN.match(url.removeprefix("//")) and not _is_file_name(url):
        repaired = f"https://{url.removeprefix('//')}"
        url, note = repaired, f"“{url[:80]}” had no scheme: read as {repaired[:90]}"
    try:
        if not parts.scheme and base_url and not note:
            url = urljoin(base_url, url)
        _VALIDATE(url)
        urlsplit(url)
    except (ValidationError, ValueError):
        return None, f"“{url[:80]}” is not a web address: the link was dropped"
    return url, note


def _is_file_name(url: str) -> bool:
    """ "notes.md", "page.html": a relative file, not a domain."""
    last = url.split("/", 1)[0].rsplit(".", 1)[-1].lower()
    return last in FILE_EXTENSIONS


def looks_like_url(text: str) -> bool:
    """A bare address written on its own ("https://example.org/x" or "www.example.org")."""
    text = text.strip()
    if re.match(r"^https?://\S+$", text):
        return True
    return text.lower().startswith("www.") and bool(_DOMAIN.match(text))


def host(url: str) -> str:
    netloc = _split(url).netloc.lower()
    return netloc.removeprefix("www.").removeprefix("mobile.").removeprefix("m.")


def _on(host_name: str, domains: tuple[str, ...]) -> bool:
    return any(host_name == d or host_name.endswith(f".{d}") for d in domains)


def profile_handle(url: str) -> str | None:
    """The handle of a social-profile link (twitter/x, github, Mastodon, LinkedIn, Bluesky)."""
    parts = _split(url)
    if parts.scheme not in {"http", "https"}:
        return None
    name, path = host(url), parts.path
    segments = [s for s in path.split("/") if s]
    if _on(name, PROFILE_HOSTS) and len(segments) == 1 and not segments[0].startswith("@"):
        if segments[0].lower() in {"search", "hashtag", "explore", "home", "i", "orgs", "topics"}:
            return None
        return segments[0]
    for domain, prefix in PROFILE_PREFIXES:
        if _on(name, (domain,)) and path.startswith(prefix) and len(segments) == 2:
            return segments[1]
    if _MASTODON_PATH.match(path):
        return segments[0].lstrip("@")
    return None


def is_profile_url(url: str) -> bool:
    return profile_handle(url) is not None


def is_talk_page_url(url: str) -> bool:
    """A conference's page for one talk or session (``/talks/the-title/``, pretalx, ...)."""
    parts = _split(url)
    if parts.scheme not in {"http", "https"}:
        return False
    if _on(host(url), TALK_HOSTS):
        return True
    segments = [s.lower() for s in parts.path.split("/") if s]
    return any(
        segment in TALK_PATH_WORDS and index < len(segments) - 1
        for index, segment in enumerate(segments)
    )


def is_video_url(url: str) -> bool:
    return _on(host(url), VIDEO_HOSTS)


def is_slides_url(url: str) -> bool:
    name = host(url)
    return _on(name, SLIDE_HOSTS) or (name == "docs.google.com" and "/presentation/" in url)


def looks_like_food_site(url: str) -> bool:
    """A site whose address names food ("pieshop.com", "example.com/menu")."""
    parts = _split(url)
    if parts.scheme not in {"http", "https"} or not could_be_place_site(url):
        return False
    address = f"{host(url)} {parts.path}".lower()
    return any(word in address for word in FOOD_SITE_WORDS)


def could_be_place_site(url: str) -> bool:
    """Not a profile, talk, video, slides, encyclopedia or code host: maybe a place's own site."""
    name = host(url)
    if not name or _on(name, NOT_PLACE_HOSTS) or is_profile_url(url) or is_talk_page_url(url):
        return False
    return not _on(name, ("github.com", "gitlab.com", "twitter.com", "x.com", "linkedin.com"))
