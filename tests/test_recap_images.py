"""``import_recap PATH --images DIR``: a recap's photos served from this site's own copies."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from explorer.models import Recap
from explorer.recap_data import DayData, EntryData, PhotoData, RecapData
from tests.test_security import directives

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


@pytest.fixture
def recap_files(tmp_path):
    """A recap document and its image folder, as the post's paths name it."""
    photos = [
        PhotoData("conf-images/stage.png", "The stage"),
        PhotoData("conf-images/day2/room.jpg", "The room"),
        PhotoData("conf-images/missing.png", "Not in the folder"),
        PhotoData("https://cdn.example.net/elsewhere.jpg", "Elsewhere"),
    ]
    data = RecapData(
        name="Conf",
        slug="conf",
        source_url="https://blog.example.org/conf.html",
        days=[DayData("Monday", entries=[EntryData("Opening", kind="talk", photos=photos)])],
    )
    document = tmp_path / "conf.json"
    document.write_text(json.dumps(data.to_dict()), encoding="utf-8")
    folder = tmp_path / "conf-images"
    (folder / "day2").mkdir(parents=True)
    (folder / "stage.png").write_bytes(b"\x89PNG stage")
    (folder / "day2" / "room.jpg").write_bytes(b"\xff\xd8 room")
    (folder / "drawing.svg").write_text("<svg onload='alert(1)'/>")
    (folder / "notes.txt").write_text("not an image")
    return document, folder


def run(*args) -> str:
    out = StringIO()
    call_command("import_recap", *map(str, args), stdout=out)
    return out.getvalue()


def stored(media) -> list[str]:
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


@pytest.mark.parametrize("which", ["the image folder", "the folder holding it"])
def test_images_are_copied_and_the_recap_shows_them_from_there(client, media, recap_files, which):
    document, folder = recap_files
    given = folder if which == "the image folder" else folder.parent

    output = run(document, "--images", given)

    assert stored(media)[-2:] == [
        "recap-images/conf/conf-images/day2/room.jpg",
        "recap-images/conf/conf-images/stage.png",
    ]
    assert not any(name.endswith((".svg", ".txt")) for name in stored(media))
    assert (media / "recap-images/conf/conf-images/stage.png").read_bytes() == b"\x89PNG stage"
    recap = Recap.objects.get(slug="conf")
    assert recap.image_base == "/media/recap-images/conf/"
    assert "to the file storage (/media/recap-images/conf/)" in output
    assert "2 of the recap's 3 photos are among them, 1 is not." in output

    photos = {photo.caption: photo.src for photo in recap.entries.get().photos.all()}
    assert photos["The stage"] == "/media/recap-images/conf/conf-images/stage.png"
    assert photos["Elsewhere"] == "https://cdn.example.net/elsewhere.jpg"
    # The copies are this site's: the page's CSP needs only the other host.
    response = client.get(recap.entries.get().get_absolute_url())
    assert '<img class="photo-img" src="/media/recap-images/conf/conf-images/stage.png"' in (
        response.content.decode()
    )
    policy = directives(response["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "data:", "https://cdn.example.net"]


def test_a_second_import_replaces_the_copies(media, recap_files):
    document, folder = recap_files
    run(document, "--images", folder)
    (folder / "stage.png").write_bytes(b"\x89PNG new stage")

    run(document, "--images", folder)

    assert (media / "recap-images/conf/conf-images/stage.png").read_bytes() == b"\x89PNG new stage"
    assert len(stored(media)) == 2


def test_a_dry_run_copies_nothing(media, recap_files):
    document, folder = recap_files

    output = run(document, "--images", folder, "--dry-run")

    assert "Would copy 2 images" in output
    assert not media.exists() or stored(media) == []
    assert not Recap.objects.exists()


@pytest.mark.parametrize("what", ["missing", "a file", "no images"])
def test_a_folder_that_cannot_be_used_is_a_clear_error(media, recap_files, tmp_path, what):
    document, folder = recap_files
    given = {
        "missing": tmp_path / "nowhere",
        "a file": folder / "stage.png",
        "no images": folder.parent / "empty",
    }[what]
    if what == "no images":
        given.mkdir()
        (given / "readme.txt").write_text("x")

    with pytest.raises(CommandError) as caught:
        run(document, "--images", given)

    message = str(caught.value)
    assert message.startswith(f"--images {given}: ")
    assert message.endswith(".")
    assert "\n" not in message
    assert not Recap.objects.exists()
    assert not media.exists() or stored(media) == []


def test_without_images_the_image_base_is_next_to_the_post(media, recap_files):
    document, _ = recap_files

    run(document)

    assert Recap.objects.get().image_base == "https://blog.example.org/"
