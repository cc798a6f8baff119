"""Link previews: every page's meta description, Open Graph and Twitter card tags."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from explorer.templatetags.explorer_tags import DESCRIPTION_LENGTH, SITE_DESCRIPTION, titles
from tests.factories import EntryFactory, PhotoFactory

pytestmark = pytest.mark.django_db

RECAP = "djangocon-us-2024"
POSTGRES = f"/recaps/{RECAP}/postgres-tricks/"
REQUIRED = [
    "description",
    "og:site_name",
    "og:type",
    "og:title",
    "og:description",
    "og:url",
    "twitter:card",
    "twitter:title",
    "twitter:description",
]


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            if key.startswith(("og:", "twitter:")) or key == "description":
                self.tags.append((key, attrs.get("content", "")))


def meta(html: str) -> dict[str, str]:
    """The preview tags of a page; each may appear once."""
    parser = _Meta()
    parser.feed(html)
    keys = [key for key, _ in parser.tags]
    assert len(keys) == len(set(keys)), keys
    return dict(parser.tags)


def page_meta(client, url: str, status: int = 200) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == status, url
    return meta(response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?day=day-2&topic=databases",
        POSTGRES,
        "/speakers/sarah-boyce/",
        "/topics/databases/",
        f"/recaps/{RECAP}/days/day-1/",
        "/places/cocoa-cinnamon/",
        f"/picks/?e={RECAP}/thanks",
        "/picks/",
        "/accounts/login/",
    ],
)
def test_every_page_has_a_description_and_preview_tags(client, conference, url):
    tags = page_meta(client, url)

    for key in REQUIRED:
        assert tags.get(key), (url, key)
    assert tags["og:description"] == tags["description"] == tags["twitter:description"]
    assert tags["og:title"] == tags["twitter:title"]
    assert tags["og:url"] == "http://testserver" + url
    assert tags["og:site_name"] == "Recap Explorer"
    assert len(tags["description"]) <= DESCRIPTION_LENGTH
    assert "<" not in tags["description"]


def test_error_pages_have_the_site_s_description(client, conference):
    tags = page_meta(client, "/no-such-page/", status=404)

    assert tags["description"] == SITE_DESCRIPTION
    assert tags["og:title"] == "Recap Explorer"


def test_an_entry_previews_with_its_title_summary_and_first_photo(client, conference):
    conference.recap.image_base = "https://images.example.org/dcus/"
    conference.recap.save()
    PhotoFactory(entry=conference.postgres, image="images/later.jpg", order=99)

    tags = page_meta(client, POSTGRES)

    assert tags["og:title"] == "Postgres tricks"
    assert tags["og:type"] == "article"
    assert tags["description"] == (
        "Talk with Élodie Dupont · Day 2 · DjangoCon US 2024. "
        "Indexes, constraints and a little SQL."
    )
    assert tags["og:image"] == "https://images.example.org/dcus/images/postgres.jpg"
    assert tags["og:image:alt"] == "A full room"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]


def test_without_a_photo_the_card_is_a_summary(client, conference):
    tags = page_meta(client, POSTGRES)  # the recap has no image base

    assert "og:image" not in tags
    assert "twitter:image" not in tags
    assert tags["twitter:card"] == "summary"


def test_a_photo_on_this_site_previews_with_its_full_address(client, conference):
    conference.recap.image_base = "/media/recap-images/dcus/"
    conference.recap.save()

    tags = page_meta(client, POSTGRES)

    assert tags["og:image"] == "http://testserver/media/recap-images/dcus/images/postgres.jpg"


def test_descriptions_are_plain_text_and_short(client, conference):
    entry = EntryFactory(
        day=conference.day1,
        title='The "quoted" <talk>',
        slug="quoted",
        summary="**Bold** & [a link](https://example.com), <script>x</script> " + "word " * 80,
    )

    response = client.get(entry.get_absolute_url())
    html = response.content.decode()
    tags = meta(html)

    assert tags["og:title"] == 'The "quoted" <talk>'
    assert 'content="The &quot;quoted&quot; &lt;talk&gt;"' in html
    description = tags["description"]
    assert description.startswith(
        "Talk · Day 1 · DjangoCon US 2024. Bold & a link, <script>x</script>"
    )
    assert "**" not in description
    assert description.endswith("…")
    assert len(description) <= DESCRIPTION_LENGTH


def test_the_explorer_s_preview_names_its_filters_and_first_photo(client, conference):
    conference.recap.image_base = "https://images.example.org/dcus/"
    conference.recap.save()

    tags = page_meta(client, "/?day=day-2&topic=databases")

    assert tags["og:title"] == "DjangoCon US 2024: Day 2, Databases"
    assert tags["description"] == (
        "1 entry of DjangoCon US 2024 matching Day Day 2, Topic Databases: Postgres tricks."
    )
    assert tags["og:image"] == "https://images.example.org/dcus/images/postgres.jpg"
    unfiltered = page_meta(client, "/")
    assert unfiltered["og:title"] == "DjangoCon US 2024"
    assert unfiltered["description"].startswith("9 talks, meals and sights of DjangoCon US 2024")


@pytest.mark.parametrize("url", ["/?topic=databases", "/topics/databases/"])
def test_a_list_previews_with_its_first_card_s_first_photo_that_can_be_shown(
    client, conference, url
):
    """Each card's photos in their order, the cards in the page's: a photo that cannot
    be shown (no web address) is passed over. The same with the cards rendered afresh
    and from the card cache (the second visit)."""
    conference.recap.image_base = "https://images.example.org/dcus/"
    conference.recap.save()
    first_card = client.get(url).content.decode()
    cards = [c for c in (conference.orm, conference.postgres) if c.title in first_card]
    assert len(cards) == 2  # both cards of the topic are on the page
    first = min(cards, key=lambda c: first_card.index(c.title))
    PhotoFactory(entry=first, image="images/later.jpg", caption="Later", order=2)
    PhotoFactory(entry=first, image="javascript:alert(1)", caption="Not a photo", order=0)
    PhotoFactory(entry=first, image="images/first.jpg", caption="The first", order=1)

    for _visit in range(2):
        tags = page_meta(client, url)
        assert tags["og:image"] == "https://images.example.org/dcus/images/first.jpg"
        assert tags["og:image:alt"] == "The first"


def test_speaker_and_picks_previews(client, conference):
    speaker = page_meta(client, "/speakers/sarah-boyce/")
    assert speaker["og:title"] == "Sarah Boyce"
    assert speaker["og:type"] == "profile"
    assert speaker["description"] == (
        "Sarah Boyce (Django Fellow): 2 entries, State of Django and Fellows panel."
    )

    picks = page_meta(client, f"/picks/?e={RECAP}/thanks&e={RECAP}/postgres-tricks")
    assert picks["og:title"] == "Shared picks (2)"
    assert picks["description"].startswith(
        "2 picks from DjangoCon US 2024: Postgres tricks and Thanks."
    )


def test_fragments_carry_no_preview_tags(client, conference):
    html = client.get("/?day=day-2", headers={"HX-Request": "true"}).content.decode()

    assert meta(html) == {}


@pytest.mark.parametrize(
    ("count", "total", "text"),
    [
        (1, None, "T0"),
        (2, None, "T0 and T1"),
        (3, None, "T0, T1 and T2"),
        (5, None, "T0, T1, T2 and 2 more"),
        (3, 60, "T0, T1, T2 and 57 more"),
        (0, None, ""),
    ],
)
def test_titles(count, total, text):
    from types import SimpleNamespace

    entries = [SimpleNamespace(title=f"T{n}") for n in range(count)]
    assert titles(entries, total) == text
