"""``import_recap PATH --images DIR``: serve a recap's photos from this site's own copies.

A recap's photos normally come from next to its post (its image base, see
``explorer.photos``). With its image folder at hand, a deployment can copy the
images into the default file storage (``MEDIA_ROOT``, or whatever storage
``STORAGES["default"]`` names) under ``recap-images/<recap slug>/``, and point the
recap's image base there: photo paths keep resolving exactly as in the post.

``DIR`` is the image folder the recap's paths name (``djangocon-us-2024-recap-images/``
for paths such as ``djangocon-us-2024-recap-images/x.png``), or the folder those
paths start from. Only image files are copied (no SVG: a browser opening one
from this site would run its scripts as the site's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage

from .photos import photo_src
from .recap_data import RecapData

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"}
STORAGE_FOLDER = "recap-images"


class RecapImagesError(ValueError):
    """The image folder cannot be used; the message says why."""


@dataclass
class RecapImages:
    """What will be (or was) copied, and the image base that serves the copies."""

    folder: Path
    root: Path
    prefix: str
    files: list[Path] = field(default_factory=list)
    photos: int = 0
    found: int = 0

    @property
    def base_url(self) -> str:
        return default_storage.url(self.prefix)

    def copy(self) -> None:
        """Copy every image into the storage, replacing earlier copies."""
        for path in self.files:
            name = self.prefix + path.relative_to(self.root).as_posix()
            try:
                if default_storage.exists(name):
                    default_storage.delete(name)
                with path.open("rb") as handle:
                    default_storage.save(name, File(handle))
            except OSError as error:
                raise RecapImagesError(f"{path} could not be copied ({error}).") from error

    def summary(self, *, dry_run: bool = False) -> str:
        verb = "Would copy" if dry_run else "Copied"
        missing = self.photos - self.found
        text = (
            f"{verb} {len(self.files)} image{'s' if len(self.files) != 1 else ''} from "
            f"{self.folder} to the file storage ({self.base_url}); "
            f"{self.found} of the recap's {self.photos} photos are among them"
        )
        if not missing:
            return text + "."
        return text + (", 1 is not." if missing == 1 else f", {missing} are not.")


def plan_recap_images(folder: str | Path, data: RecapData) -> RecapImages:
    """Check ``folder`` and work out what to copy where for the recap ``data``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RecapImagesError(f"{folder} is not a folder of images.")
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES and not path.is_symlink()
    )
    if not files:
        raise RecapImagesError(f"{folder} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}).")
    # The relative paths the recap's photos name (absolute addresses stay as they are).
    paths = {
        PurePosixPath(photo.image.strip().lstrip("/"))
        for entry in data.entries()
        for photo in entry.photos
        if photo_src(photo.image, "/") and not photo_src(photo.image, "")
    }
    # The folder the paths start from: the image folder itself, or the one holding it.
    here = {f.relative_to(folder).as_posix() for f in files}
    above = {f.relative_to(folder.parent).as_posix() for f in files}
    found_here = sum(str(path) in here for path in paths)
    found_above = sum(str(path) in above for path in paths)
    root = folder.parent if found_above > found_here else folder
    return RecapImages(
        folder=folder,
        root=root,
        prefix=f"{STORAGE_FOLDER}/{data.slug}/",
        files=files,
        photos=len(paths),
        found=max(found_here, found_above),
    )
