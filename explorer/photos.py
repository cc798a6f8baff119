"""Where a recap's photos are shown from: its image base URL and each photo's path.

A recap post refers to its images by paths relative to the post's own address
(``djangocon-us-2024-recap-images/x.png`` next to ``…/djangocon-us-2024-recap.html``),
so a recap's *image base* defaults to the directory of its ``source_url``. A
photo's relative path resolves against the base; an absolute ``http(s)`` URL is
shown as it is; anything else (no base, ``data:``, ``javascript:``) is not shown
as an image at all, and the page shows its caption card instead.

Pure functions of strings: the models and the loader both use them.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError

WEB_SCHEMES = {"http", "https"}


def default_image_base(source_url: str) -> str:
    """The directory of the post at ``source_url``, where its relative image paths point.

    ``https://example.org/blog/recap.html`` -> ``https://example.org/blog/``; "" when
    the post has no http(s) address.
    """
    source_url = (source_url or "").strip()
    if urlsplit(source_url).scheme.lower() not in WEB_SCHEMES or not urlsplit(source_url).netloc:
        return ""
    parts = urlsplit(urljoin(source_url, "."))
    return parts._replace(query="", fragment="").geturl()


def is_site_path(value: str) -> bool:
    """``/media/x/`` (a path on this site), not ``//other.host/x`` (another host)."""
    return value.startswith("/") and not value.startswith("//")


def photo_src(image: str, image_base: str) -> str:
    """The address to show a photo from, or "" when it cannot be shown as an image."""
    image = (image or "").strip()
    if not image or any(char in image for char in "\\\n\r\t\x00"):
        return ""
    parts = urlsplit(image)
    if parts.scheme:
        return image if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else ""
    if image.startswith("//"):
        return ""  # a host of its own, but no scheme: not worth guessing
    base = (image_base or "").strip()
    if not base or not (is_site_path(base) or urlsplit(base).scheme.lower() in WEB_SCHEMES):
        return ""
    if not base.endswith("/"):
        base += "/"
    return urljoin(base, image)


def origin(url: str) -> str:
    """``https://example.org:8443/a/b`` -> ``https://example.org:8443`` ("" if not http(s))."""
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    host = parts.hostname
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a port number
        return ""
    return f"{parts.scheme.lower()}://{host}{port}"


def validate_image_base(value: str) -> None:
    """An image base is an http(s) URL or a path on this site (``/media/…``)."""
    if is_site_path(value):
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        raise ValidationError(
            "Enter an http(s) address (https://example.org/images/) or a path on this "
            "site (/media/recap-images/…).",
            code="invalid_image_base",
        )
    if parts.query or parts.fragment:
        raise ValidationError(
            "An image base is a folder: leave out the ?query and #fragment.",
            code="invalid_image_base",
        )
