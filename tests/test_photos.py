"""Photos: where they are shown from, how pages show them, and the CSP that lets them in."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from explorer.loading import load_recap
from explorer.models import Recap
from explorer.photos import default_image_base, origin, photo_src, validate_image_base
from explorer.recap_data import DayData, EntryData, PhotoData, RecapData
from tests.factories import DayFactory, EntryFactory, PhotoFactory, RecapFactory
from tests.test_security import directives

BUNDLED_SOURCE = "https://katherinemichel.github.io/portfolio/djangocon-us-2024-recap.html"
POSTGRES = "/recaps/djangocon-us-2024/postgres-tricks/"
HX = {"HX-Request": "true"}


# -- Where a photo is shown from -----------------------------------------------------


@pytest.mark.parametrize(
    ("source_url", "base"),
    [
        (BUNDLED_SOURCE, "https://katherinemichel.github.io/portfolio/"),
        ("https://example.org/blog/", "https://example.org/blog/"),
        ("https://example.org/blog/recap.html?utm=x#top", "https://example.org/blog/"),
        ("https://example.org", "https://example.org/"),
        ("", ""),
        ("ftp://example.org/recap.html", ""),
        ("not a url", ""),
    ],
)
def test_the_default_image_base_is_the_folder_of_the_post(source_url, base):
    assert default_image_base(source_url) == base


@pytest.mark.parametrize(
    ("image", "base", "src"),
    [
        # The bundled recap's paths, next to the post.
        (
            "djangocon-us-2024-recap-images/attendees-photo.jpg",
            "https://katherinemichel.github.io/portfolio/",
            "https://katherinemichel.github.io/portfolio/djangocon-us-2024-recap-images/attendees-photo.jpg",
        ),
        ("a/b.png", "https://img.example.org/x", "https://img.example.org/x/a/b.png"),
        ("../up.png", "https://img.example.org/x/y/", "https://img.example.org/x/up.png"),
        ("/root.png", "https://img.example.org/x/", "https://img.example.org/root.png"),
        ("a/b.png", "/media/recap-images/conf/", "/media/recap-images/conf/a/b.png"),
        # Absolute addresses are shown as they are, whatever the base.
        ("https://cdn.example.net/p.jpg", "", "https://cdn.example.net/p.jpg"),
        ("HTTP://cdn.example.net/p.jpg", "https://x.org/", "HTTP://cdn.example.net/p.jpg"),
        # Anything else is not shown as an image.
        ("a/b.png", "", ""),
        ("a/b.png", "javascript:alert(1)//", ""),
        ("a/b.png", "images/", ""),
        ("data:image/png;base64,iVBORw0KGgo=", "https://x.org/", ""),
        ("javascript:alert(1)", "https://x.org/", ""),
        ("//evil.example/x.png", "https://x.org/", ""),
        ("https:///no-host.png", "https://x.org/", ""),
        ("a\\b.png", "https://x.org/", ""),
        ("", "https://x.org/", ""),
    ],
)
def test_a_photo_resolves_against_the_image_base(image, base, src):
    assert photo_src(image, base) == src


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://img.example.org/a/b.png", "https://img.example.org"),
        ("HTTPS://IMG.example.org:8443/a", "https://img.example.org:8443"),
        ("http://127.0.0.1:8120/", "http://127.0.0.1:8120"),
        ("http://[::1]:80/x", "http://[::1]:80"),
        ("/media/x/", ""),
        ("data:image/png;base64,AAAA", ""),
        ("https://host:notaport/", ""),
    ],
)
def test_origins(url, expected):
    assert origin(url) == expected


@pytest.mark.parametrize("value", ["https://img.example.org/x/", "http://a.b/", "/media/x/"])
def test_valid_image_bases(value):
    validate_image_base(value)


@pytest.mark.parametrize(
    "value",
    ["images/", "//cdn.example.org/x/", "javascript:alert(1)", "https://x.org/?a=1", "ftp://x/"],
)
def test_invalid_image_bases_are_refused(value):
    with pytest.raises(ValidationError):
        validate_image_base(value)


# -- The loader fills it --------------------------------------------------------------


def document(**recap) -> RecapData:
    entry = EntryData("Opening", kind="talk", photos=[PhotoData("img/stage.jpg", "The stage")])
    return RecapData(name="Conf", slug="conf", days=[DayData("Monday", entries=[entry])], **recap)


@pytest.mark.django_db
def test_the_loader_fills_the_image_base_from_the_source_url():
    recap, _ = load_recap(document(source_url="https://blog.example.org/2030/conf.html"))

    assert recap.image_base == "https://blog.example.org/2030/"
    photo = recap.entries.get().photos.get()
    assert photo.src == "https://blog.example.org/2030/img/stage.jpg"


@pytest.mark.django_db
def test_a_document_s_own_image_base_wins_and_round_trips():
    data = document(source_url="https://blog.example.org/conf.html", image_base="/media/conf/")
    recap, _ = load_recap(data)
    assert recap.image_base == "/media/conf/"

    again = RecapData.from_dict(json.loads(json.dumps(data.to_dict())))
    assert again.image_base == "/media/conf/"


@pytest.mark.django_db
def test_a_curator_s_image_base_survives_a_reimport():
    recap, _ = load_recap(document(source_url="https://blog.example.org/conf.html"))
    Recap.objects.filter(pk=recap.pk).update(image_base="https://photos.example.net/conf/")

    recap, report = load_recap(document(source_url="https://blog.example.org/conf.html"))

    assert recap.image_base == "https://photos.example.net/conf/"
    assert "recap “Conf”: image_base" in report.kept


@pytest.mark.django_db
def test_a_bad_image_base_in_a_document_is_a_clear_error():
    from explorer.loading import LoadError

    with pytest.raises(LoadError, match="image_base"):
        load_recap(document(image_base="javascript:alert(1)"))
    assert not Recap.objects.exists()


# -- Pages ----------------------------------------------------------------------------


@pytest.fixture
def with_images(conference):
    """The test recap's photos are served from an image host."""
    conference.recap.image_base = "https://images.example.org/dcus/"
    conference.recap.save()
    conference.postgres.photos.update(order=0)
    return conference


def img_tags(html: str) -> list[dict[str, str]]:
    from tests.test_details import tags

    return [attrs for tag, attrs in tags(html) if tag == "img"]


def test_the_entry_page_shows_real_images_with_their_captions(client, with_images):
    PhotoFactory(entry=with_images.postgres, image="images/slides.png", caption="", order=5)

    html = client.get(POSTGRES).content.decode()

    images = img_tags(html)
    assert [image["src"] for image in images] == [
        "https://images.example.org/dcus/images/postgres.jpg",
        "https://images.example.org/dcus/images/slides.png",
    ]
    first = images[0]
    assert first["alt"] == "A full room"
    assert first["loading"] == "lazy"
    assert first["decoding"] == "async"
    assert (first["width"], first["height"]) == ("800", "600")  # its box while it loads
    assert images[1]["alt"] == ""  # no caption: decorative
    # The visible caption, and each thumbnail opens the full image.
    assert "<figcaption>A full room" in html
    assert (
        '<a class="photo-link" href="https://images.example.org/dcus/images/postgres.jpg">' in html
    )
    assert "photo--missing" not in html
    assert "no image address" not in html
    assert not any(name.startswith("on") for image in images for name in image)


@pytest.mark.parametrize(
    "image", ["data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "//evil.example/x"]
)
def test_photos_that_cannot_be_shown_are_caption_cards(client, with_images, image):
    with_images.postgres.photos.all().delete()
    PhotoFactory(entry=with_images.postgres, image=image, caption="Unshowable")

    html = client.get(POSTGRES).content.decode()

    assert img_tags(html) == []
    assert '<figure class="photo photo--missing"><div class="photo-placeholder"' in html
    assert "<figcaption>Unshowable" in html
    assert "javascript:" not in html.replace("javascript:alert(1)</code>", "")


def test_without_an_image_base_the_page_says_so_and_shows_captions(client, conference):
    html = client.get(POSTGRES).content.decode()

    assert img_tags(html) == []
    assert "This recap has no image address" in html
    assert '<code class="photo-path">images/postgres.jpg</code>' in html


def test_cards_show_their_first_photo_in_the_page_and_the_fragment(client, with_images):
    PhotoFactory(entry=with_images.postgres, image="images/second.jpg", caption="2nd", order=9)

    for headers in ({}, HX):
        html = client.get("/?day=day-2", headers=headers).content.decode()
        images = img_tags(html)
        assert [image["src"] for image in images] == [
            "https://images.example.org/dcus/images/postgres.jpg"
        ], headers
        assert images[0]["alt"] == "A full room"
        assert '<figure class="card-photo"><img class="photo-img"' in html


def test_a_card_whose_first_photo_cannot_be_shown_has_none(client, with_images):
    with_images.postgres.photos.update(image="data:image/gif;base64,R0lGOD")

    html = client.get("/?day=day-2").content.decode()

    assert img_tags(html) == []
    assert "card-photo" not in html


def test_the_json_names_each_entry_s_photo(client, with_images):
    results = client.get("/?format=json&day=day-2").json()["results"]

    photos = {result["slug"]: result["photo"] for result in results}
    assert photos["postgres-tricks"] == "https://images.example.org/dcus/images/postgres.jpg"
    assert photos["social-night"] is None


# -- The Content-Security-Policy lets exactly those origins in -----------------------


def img_src(response) -> list[str]:
    return directives(response["Content-Security-Policy"])["img-src"]


def test_pages_allow_exactly_the_origins_photos_come_from(client, with_images):
    other = RecapFactory(name="PyCon", image_base="http://127.0.0.1:9000/pycon/")
    entry = EntryFactory(day=DayFactory(recap=other))
    PhotoFactory(entry=entry, image="https://cdn.example.net:8443/a/b.jpg")
    PhotoFactory(entry=entry, image="relative/only.jpg")
    RecapFactory(name="Site copy", image_base="/media/recap-images/site-copy/")

    expected = [
        "'self'",
        "data:",
        "http://127.0.0.1:9000",
        "https://cdn.example.net:8443",
        "https://images.example.org",
    ]
    pages = ["/", "/?day=day-2", POSTGRES, "/speakers/sarah-boyce/", "/topics/databases/"]
    pages += [f"/recaps/{with_images.recap.slug}/days/day-1/", "/places/cocoa-cinnamon/"]
    pages += ["/picks/", "/picks/?e=djangocon-us-2024/thanks"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert img_src(response) == expected, url
    # Pages that show no photo keep the site's own.
    assert img_src(client.get("/accounts/login/")) == ["'self'", "data:"]
    # Nothing else in the policy moved.
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]


def test_the_allowed_origins_follow_the_data(client, with_images):
    assert img_src(client.get("/")) == ["'self'", "data:", "https://images.example.org"]

    with_images.recap.image_base = "https://photos.example.net/dcus/"
    with_images.recap.save()

    assert img_src(client.get("/")) == ["'self'", "data:", "https://photos.example.net"]


def test_without_photos_on_the_web_the_policy_is_the_site_s_own(client, conference):
    assert img_src(client.get("/")) == ["'self'", "data:"]


def test_a_not_modified_answer_carries_the_same_policy(client, with_images):
    first = client.get("/")
    again = client.get("/", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    # The browser takes the 304's headers for the page it keeps.
    assert img_src(again) == img_src(first) == ["'self'", "data:", "https://images.example.org"]


def test_fragments_and_error_pages_keep_the_site_s_own_image_sources(client, with_images):
    # A fragment is swapped into a page that came with its policy; an error page
    # shows no photo.
    assert img_src(client.get("/?day=day-2", headers=HX)) == ["'self'", "data:"]
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert img_src(response) == ["'self'", "data:"]


def test_adding_a_photo_changes_the_explorer_s_etag(client, with_images):
    etag = client.get("/")["ETag"]

    PhotoFactory(entry=with_images.keynote, image="images/keynote.jpg")

    assert client.get("/")["ETag"] != etag


def test_a_document_leaves_out_an_image_base_it_does_not_need():
    assert "image_base" not in document(source_url="https://x.org/a.html").to_dict()["recap"]
    recap = document(image_base="/media/conf/").to_dict()["recap"]
    assert recap["image_base"] == "/media/conf/"


# -- Curators edit it -----------------------------------------------------------------


def test_a_curator_sets_the_image_base_on_the_recap_s_screen(curator_client, conference):
    from django.urls import reverse

    url = reverse("recap-update", kwargs={"pk": conference.recap.pk})
    form = curator_client.get(url).content.decode()
    assert 'name="image_base"' in form
    assert "Image base URL" in form

    fields = {"name": "DjangoCon US 2024", "slug": "djangocon-us-2024"}
    bad = curator_client.post(url, {**fields, "image_base": "javascript:alert(1)"})
    assert bad.status_code == 200
    assert 'id="id_image_base_error"' in bad.content.decode()
    conference.recap.refresh_from_db()
    assert conference.recap.image_base == ""

    curator_client.post(url, {**fields, "image_base": "https://photos.example.net/dcus/"})
    conference.recap.refresh_from_db()
    assert conference.recap.image_base == "https://photos.example.net/dcus/"
    page = curator_client.get(POSTGRES).content.decode()
    assert 'src="https://photos.example.net/dcus/images/postgres.jpg"' in page


@pytest.mark.django_db
def test_an_export_names_the_image_base_only_when_it_is_not_the_default():
    from explorer.curation.export import recap_to_data

    recap, _ = load_recap(document(source_url="https://blog.example.org/conf.html"))
    assert "image_base" not in recap_to_data(recap).to_dict()["recap"]

    Recap.objects.filter(pk=recap.pk).update(image_base="/media/recap-images/conf/")
    recap.refresh_from_db()
    exported = recap_to_data(recap)
    assert exported.image_base == "/media/recap-images/conf/"
    Recap.objects.all().delete()
    again, _ = load_recap(exported)
    assert again.image_base == "/media/recap-images/conf/"
