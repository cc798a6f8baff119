"""Downloading a recap from its curator page: JSON (a backup) and Markdown."""

from __future__ import annotations

import json
from io import StringIO
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from explorer.curation.export import recap_to_data, recap_to_markdown
from explorer.models import Person, Place, Recap, Topic

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
DOWNLOADS = [
    ("recap-export-json", "json", "application/json; charset=utf-8"),
    ("recap-export-markdown", "md", "text/markdown; charset=utf-8"),
]


def download_url(name: str, recap: Recap) -> str:
    return reverse(name, kwargs={"pk": recap.pk})


def test_urls():
    assert reverse("recap-export-json", kwargs={"pk": 7}) == "/manage/recap/7/export.json"
    assert reverse("recap-export-markdown", kwargs={"pk": 7}) == "/manage/recap/7/export.md"


def test_json_download(curator_client, conference):
    response = curator_client.get(download_url("recap-export-json", conference.recap))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="djangocon-us-2024.json"'
    document = json.loads(response.content.decode("utf-8"))
    assert document == recap_to_data(conference.recap).to_dict()
    assert "Élodie Dupont" in response.content.decode("utf-8")  # UTF-8, not \\u escapes


def test_markdown_download(curator_client, conference):
    response = curator_client.get(download_url("recap-export-markdown", conference.recap))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="djangocon-us-2024.md"'
    text = response.content.decode("utf-8")
    assert text == recap_to_markdown(recap_to_data(conference.recap))
    assert text.startswith("# DjangoCon US 2024 Recap\n")
    assert "### Fast tests with the ORM" in text


def test_recap_detail_page_offers_both_downloads(curator_client, conference):
    html = curator_client.get(
        reverse("recap-detail", kwargs={"pk": conference.recap.pk})
    ).content.decode()

    for name, _, _ in DOWNLOADS:
        assert f'href="{download_url(name, conference.recap)}" download' in html
    assert "Download JSON" in html and "Download Markdown" in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("name", "extension", "content_type"), DOWNLOADS)
def test_anonymous_is_sent_to_login(client, conference, name, extension, content_type, htmx):
    url = download_url(name, conference.recap)

    response = client.get(url, headers=HTMX if htmx else {})

    login = f"/accounts/login/?next={quote(url)}"
    if htmx:
        assert (response.status_code, response["HX-Redirect"]) == (200, login)
    else:
        assert (response.status_code, response["Location"]) == (302, login)
    assert "Content-Disposition" not in response


@pytest.mark.parametrize(("name", "extension", "content_type"), DOWNLOADS)
def test_user_without_permission_is_forbidden(
    client, django_user_model, conference, name, extension, content_type
):
    user = django_user_model.objects.create_user("stranger")
    # Seeing entries is not seeing the recap.
    user.user_permissions.set(Permission.objects.filter(codename="view_entry"))
    client.force_login(user)

    response = client.get(download_url(name, conference.recap))

    assert response.status_code == 403
    assert "Content-Disposition" not in response


@pytest.mark.parametrize(("name", "extension", "content_type"), DOWNLOADS)
def test_viewing_the_recap_is_enough(
    client, django_user_model, conference, name, extension, content_type
):
    user = django_user_model.objects.create_user("viewer")
    user.user_permissions.set(Permission.objects.filter(codename="view_recap"))
    client.force_login(user)

    response = client.get(download_url(name, conference.recap))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert client.post(download_url(name, conference.recap)).status_code == 405


def test_unknown_recap_is_not_found(curator_client):
    assert curator_client.get(reverse("recap-export-json", kwargs={"pk": 999})).status_code == 404


def test_json_download_restores_the_recap_into_an_empty_database(
    curator_client, conference, tmp_path
):
    before = recap_to_data(conference.recap).to_dict()
    response = curator_client.get(download_url("recap-export-json", conference.recap))
    backup = tmp_path / "backup.json"
    backup.write_bytes(response.content)

    Recap.objects.all().delete()
    Person.objects.all().delete()
    Place.objects.all().delete()
    Topic.objects.all().delete()
    assert not Recap.objects.exists()
    call_command("import_recap", str(backup), stdout=StringIO())

    after = recap_to_data(Recap.objects.get(slug="djangocon-us-2024")).to_dict()
    assert after == before
