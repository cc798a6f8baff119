"""The static files storage of production (``make serve``): WhiteNoise's, with the
site's own CSS and JavaScript minified first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS: dict[str, Callable[[str], str]] = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


class MinifiedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Minifies the stylesheets and scripts of the project's ``static/`` folder as
    ``collectstatic`` collects them, before they are hashed and compressed.

    The hashing reads each file from where it was found, so each of ours is minified
    into the collected copy and hashed from there: the hashed name, and the .gz and
    .br files WhiteNoise makes of it, carry the minified text. The sources stay as
    written; files of other apps and packages (htmx, Alpine, the admin's) are
    collected as they come.
    """

    def post_process(
        self, paths: dict[str, tuple[Storage, str]], dry_run: bool = False, **options: Any
    ) -> Iterator[tuple[str, str | None, Any]]:
        if not dry_run:
            paths = {name: self._minified(name, *found) for name, found in paths.items()}
        yield from super().post_process(paths, dry_run=dry_run, **options)

    def _minified(self, name: str, storage: Storage, path: str) -> tuple[Storage, str]:
        minify = MINIFIERS.get(Path(path).suffix)
        own = Path(settings.BASE_DIR) / "static"
        if minify is None or Path(getattr(storage, "location", "")) != own:
            return storage, path
        with storage.open(path) as source:
            text = source.read().decode("utf-8")
        if self.exists(name):
            self.delete(name)
        return self, self.save(name, ContentFile(minify(text).encode()))
