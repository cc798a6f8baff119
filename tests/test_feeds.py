"""The Atom feeds of what changed: valid XML, one item per changed entry, in words."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from explorer.curation.history import mark, revert_entry
from explorer.loading import load_recap
from explorer.models import Credit
from explorer.recap_data import CreditData, DayData, EntryData, RecapData
from tests.conftest import make_curator
from tests.factories import EntryFactory, LinkFactory, PersonFactory, RecapFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url: str = "/feed/") -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # raises on any XML error


def items(root: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def clock():
    """History times one minute apart, after the fixtures were made: the order is certain."""
    start = timezone.now() + dt.timedelta(minutes=1)
    ticks = iter(start + dt.timedelta(minutes=n) for n in range(1000))
    return lambda: next(ticks)


def edit(entry, clock, user=None, **fields):
    for name, value in fields.items():
        setattr(entry, name, value)
    mark(entry, when=clock(), user=user)
    entry.save()


def document(summary: str = "The opening.", speakers=("Ana Peña",)) -> RecapData:
    entry = EntryData(
        "Opening", kind="keynote", summary=summary, people=[CreditData(n) for n in speakers]
    )
    return RecapData(
        name="PyCon Test", slug="pycon-test", days=[DayData("Monday", entries=[entry])]
    )


def test_the_feed_is_valid_atom_newest_first(client, conference, clock):
    edit(conference.postgres, clock, summary="Indexes and **constraints**, revised.")
    edit(conference.keynote, clock, title="The state of Django")

    root = feed(client)

    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Recap Explorer: what changed"
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Recap Explorer"
    found = items(root)
    assert found[0]["title"] == (
        "The state of Django: Title changed from “State of Django” to “The state of Django”"
    )
    assert found[0]["link"] == "http://testserver/recaps/djangocon-us-2024/state-of-django/"
    assert found[1]["title"] == "Postgres tricks: Summary edited"
    assert found[1]["summary"] == "Summary edited."
    updated = [dt.datetime.fromisoformat(item["updated"]) for item in found]
    assert updated == sorted(updated, reverse=True)
    assert len({item["id"] for item in found}) == len(found)
    assert root.findtext(f"{ATOM}updated") == found[0]["updated"]


def test_an_import_makes_new_entries_and_a_reimport_says_what_changed(client, clock):
    load_recap(document())
    root = feed(client)
    assert [item["title"] for item in items(root)] == ["Opening: New entry"]
    assert items(root)[0]["summary"] == "New entry: Keynote, Monday, with Ana Peña (Speaker)."

    load_recap(document(summary="The opening, longer.", speakers=("Ana Peña", "Bo Li")))

    newest = items(feed(client))[0]
    assert newest["title"] == "Opening: Summary edited"
    assert newest["summary"] == "Summary edited; Speaker added: Bo Li (Speaker)."
    assert newest["link"] == "http://testserver/recaps/pycon-test/opening/"


def test_speakers_links_and_topics_in_words(client, conference, clock):
    when = clock()
    credit = Credit(entry=conference.postgres, person=PersonFactory(name="Tim Schilling"), order=5)
    mark(credit, when=when)
    credit.save()
    link = LinkFactory.build(entry=conference.postgres, title="Video", url="https://e.org/v")
    mark(link, when=when)
    link.save()
    mark(conference.postgres, when=when)
    conference.postgres.save(update_fields=["updated_at"])

    newest = items(feed(client))[0]

    assert newest["title"] == "Postgres tricks: Speaker added: Tim Schilling (Speaker)"
    assert newest["summary"] == (
        "Speaker added: Tim Schilling (Speaker); Link added: Video <https://e.org/v>."
    )


def test_a_revert_says_so(client, conference, curator):
    first = conference.postgres.history.earliest("history_date").history_id
    edit(conference.postgres, timezone.now, user=curator, summary="A change to undo.")

    revert_entry(conference.postgres, first, curator)

    newest = items(feed(client))[0]
    assert newest["title"] == "Postgres tricks: Reverted to an earlier version"
    assert newest["summary"] == "Reverted to an earlier version; Summary edited."


def test_a_removed_entry_says_so(client, conference, clock):
    mark(conference.social, when=clock())
    conference.social.delete()

    newest = items(feed(client))[0]

    assert newest["title"] == "Social night: Entry removed"
    assert newest["link"] == "http://testserver/"


def test_nothing_private_is_in_the_feed(client, conference, clock, django_user_model):
    curator = make_curator(django_user_model, "alice.private")
    curator.email = "alice@private.example"
    curator.first_name = "Alice"
    curator.save()
    edit(conference.postgres, clock, user=curator, summary="Edited by Alice.")

    xml = client.get("/feed/").content.decode()

    assert "Postgres tricks: Summary edited" in xml
    for private in ["alice", "Alice", "private.example", "Edited by Alice"]:
        assert private not in xml
    # Fields attendees do not see are not news either.
    before = items(feed(client))
    edit(conference.note, clock, order=99, anchor="thanks-anchor")
    assert items(feed(client)) == before


def test_a_recap_s_feed_has_its_own_entries_only(client, conference, clock):
    other = RecapFactory(name="PyCon 2030")
    elsewhere = EntryFactory(recap=other, title="Elsewhere")
    edit(elsewhere, clock, summary="Changed elsewhere.")
    edit(conference.postgres, clock, summary="Changed here.")

    mine = items(feed(client, "/recaps/djangocon-us-2024/feed/"))
    theirs = items(feed(client, f"/recaps/{other.slug}/feed/"))
    everything = items(feed(client))

    assert {item["title"].split(":")[0] for item in theirs} == {"Elsewhere"}
    assert "Elsewhere" not in {item["title"].split(":")[0] for item in mine}
    assert mine[0]["title"] == "Postgres tricks: Summary edited"
    assert {item["id"] for item in everything} >= {item["id"] for item in mine + theirs}
    root = feed(client, "/recaps/djangocon-us-2024/feed/")
    assert root.findtext(f"{ATOM}title") == "DjangoCon US 2024: what changed"


def test_an_unknown_recap_s_feed_is_a_404(client, db):
    assert client.get("/recaps/no-such-recap/feed/").status_code == 404


def test_pages_link_to_the_feeds(client, conference):
    html = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Recap Explorer: what changed" '
        'href="/feed/">'
    ) in html
    entry = client.get(conference.postgres.get_absolute_url()).content.decode()
    assert 'href="/recaps/djangocon-us-2024/feed/">' in entry


def test_an_empty_archive_has_an_empty_feed(client, db):
    root = feed(client)
    assert items(root) == []


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/feed/", "/recaps/djangocon-us-2024/feed/"])
def test_the_feed_takes_a_fixed_number_of_queries(client, conference, clock, url):
    edit(conference.postgres, clock, summary="One change.")
    few = count_queries(client, url)

    for n in range(30):
        entry = EntryFactory(day=conference.day1, title=f"More {n}", speakers=[conference.sarah])
        LinkFactory(entry=entry)
        edit(entry, clock, summary=f"Change {n}.")

    assert count_queries(client, url) == few
