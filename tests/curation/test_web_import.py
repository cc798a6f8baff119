"""Importing a recap in the browser: upload, review, corrections, import (the views)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from explorer.curation import import_views
from explorer.curation.history import entry_versions
from explorer.models import Entry, Person, Recap
from tests.curation.web_import_support import (
    HTMX,
    SMALL_RECAP,
    commit_url,
    correction,
    entry_url,
    import_form,
    many_entries,
    review_url,
    upload,
)

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# -- Upload ---------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_upload_page_has_the_form_and_the_curators_pending_imports(curator_client, htmx):
    pending = upload(curator_client)

    response = curator_client.get(reverse("recap-import"), headers=HTMX if htmx else {})

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert b"<html" in response.content  # a boosted link gets the whole page
    for field in ("file", "text", "author", "source_url"):
        assert f'name="{field}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert review_url(pending) in html
    assert reverse("recap-import-discard", kwargs={"pk": pending.pk}) in html


@pytest.mark.parametrize("uploads", [1, 6])
def test_upload_page_query_count_does_not_grow_with_the_uploads(
    curator_client, django_assert_max_num_queries, uploads
):
    for _ in range(uploads):
        upload(curator_client)

    with django_assert_max_num_queries(6):
        response = curator_client.get(reverse("recap-import"))

    assert len(response.context["pending_imports"]) == uploads


def test_upload_stores_a_pending_import_and_nothing_else(curator_client, curator, settings):
    settings.PENDING_IMPORT_DAYS = 3
    response = curator_client.post(
        reverse("recap-import"),
        {
            "file": SimpleUploadedFile("riverside.md", SMALL_RECAP.encode()),
            "author": "Jane Doe",
            "source_url": "blog.example.org/riverside",
        },
    )

    pending = curator.pending_imports.get()
    assert response.status_code == 303
    assert response["Location"] == review_url(pending)
    assert pending.source_name == "riverside.md"
    assert pending.recap_name == "Riverside Django 2031"
    assert pending.document["recap"]["author"] == "Jane Doe"
    assert pending.document["recap"]["source_url"] == "https://blog.example.org/riverside"
    assert len(pending.explanation["entries"]) == 5
    expected = timezone.now() + dt.timedelta(days=3)
    assert abs(pending.expires_at - expected) < dt.timedelta(minutes=1)
    assert not Recap.objects.exists()
    assert not Entry.objects.exists()


def test_pasted_markdown_is_read_like_a_file(curator_client, curator):
    response = curator_client.post(reverse("recap-import"), {"text": SMALL_RECAP})

    pending = curator.pending_imports.get()
    assert response["Location"] == review_url(pending)
    assert pending.source_name == "Pasted text"
    assert pending.recap_slug == "riverside-django-2031"


BAD_UPLOADS = {
    "not UTF-8": ("bad.md", b"# Title\n\n## Day\n\ncaf\xe9\n"),
    "binary": ("bad.md", b"# Title\x00\x01\x02"),
    "empty": ("bad.md", b"  \n\n"),
    "no headings": ("bad.md", b"Just a paragraph, no headings at all.\n"),
    "no title": ("bad.md", b"## Monday\n\n### A talk\n\nText.\n"),
    "too large": ("bad.md", ("# Big\n\n## Day\n\n" + "word " * 60).encode()),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_file_is_refused_with_the_commands_reason_and_nothing_stored(
    curator_client, curator, settings, tmp_path, case
):
    settings.RECAP_MAX_BYTES = 200
    name, raw = BAD_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(CommandError) as command_error:
        call_command("import_recap", str(path))
    reason = str(command_error.value).replace(str(path), name)

    response = curator_client.post(reverse("recap-import"), {"file": SimpleUploadedFile(name, raw)})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [reason]}
    html = response.content.decode()
    # Shown next to the file field, inside its block.
    field = re.search(r'<div class="crud-field crud-field--invalid">.*?</div>', html, re.S)
    assert field and 'name="file"' in html[field.start() : field.end() + 400]
    assert reason.replace("“", "&ldquo;")[:30] in html or reason[:30] in html
    assert not curator.pending_imports.exists()
    assert not Recap.objects.exists()


@pytest.mark.parametrize("case", ["empty", "no headings", "too large"])
def test_bad_pasted_text_is_refused_next_to_the_text_field(curator_client, curator, settings, case):
    settings.RECAP_MAX_BYTES = 200
    text = BAD_UPLOADS[case][1].decode()

    response = curator_client.post(reverse("recap-import"), {"text": text})

    errors = response.context["form"].errors
    assert list(errors) == ["text"]
    assert errors["text"][0].startswith("The pasted text ")
    assert not curator.pending_imports.exists()


def test_other_refusals_say_what_to_do(curator_client, curator):
    nothing = curator_client.post(reverse("recap-import"), {"author": "Jane"})
    assert nothing.context["form"].errors == {
        "file": ["Choose a Markdown file, or paste the recap below."]
    }
    wrong = curator_client.post(
        reverse("recap-import"), {"file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4")}
    )
    assert wrong.context["form"].errors == {"file": ["slides.pdf is not a Markdown file (.md)."]}
    both = curator_client.post(
        reverse("recap-import"),
        {"file": SimpleUploadedFile("r.md", SMALL_RECAP.encode()), "text": SMALL_RECAP},
    )
    assert both.context["form"].errors == {"text": ["Upload a file or paste the text, not both."]}
    bad_url = curator_client.post(
        reverse("recap-import"), {"text": SMALL_RECAP, "source_url": "not a url"}
    )
    assert "source_url" in bad_url.context["form"].errors
    assert not curator.pending_imports.exists()


def test_the_upload_needs_a_csrf_token(curator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)

    refused = client.post(reverse("recap-import"), {"text": SMALL_RECAP})

    assert refused.status_code == 403
    assert not curator.pending_imports.exists()


# -- Review ---------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_review_shows_the_recap_its_days_and_entries_with_evidence(curator_client, htmx):
    pending = upload(curator_client)

    response = curator_client.get(review_url(pending), headers=HTMX if htmx else {})

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert b"<html" in response.content
    html = response.content.decode()
    assert "Riverside Django 2031" in html
    assert "12 May 2031 \u2013 13 May 2031" in html  # an en dash
    assert html.index('id="day-monday"') < html.index("Boring Technology")
    assert html.index("Boring Technology") < html.index('id="day-tuesday"')
    assert 'Monday <span class="import-date">12 May 2031</span>' in html
    keynote = card_html(html, "boring-technology")
    assert '<span class="import-kind">Keynote</span>' in keynote
    assert "Ada Lovelace" in keynote and "(Speaker)" in keynote
    assert "2 links, 0 photos" in keynote
    # The evidence for the kind and for the speaker, as --explain prints it.
    assert "heading_prefix_keynote +12" in keynote
    assert "runner-up" in keynote
    assert "Why</summary>" in keynote
    lunch = card_html(html, "lunch-at-blue-heron-cafe")
    assert "Blue Heron Cafe" in lunch and "new place" in lunch
    assert "A new recap: everything is created." in html


def card_html(html: str, key: str) -> str:
    start = html.index(f'id="entry-{key}"')
    return html[start : html.index("</article>", start)]


def test_unsure_entries_are_marked_and_can_be_listed_alone(curator_client):
    pending = upload(curator_client)

    everything = curator_client.get(review_url(pending)).content.decode()
    assert "Unsure</span>" in card_html(everything, "some-thoughts")
    assert "Unsure</span>" not in card_html(everything, "boring-technology")
    assert f'href="{review_url(pending, "?unsure=1")}"' in everything

    unsure = curator_client.get(review_url(pending, "?unsure=1")).content.decode()
    assert 'id="entry-some-thoughts"' in unsure
    assert 'id="entry-boring-technology"' not in unsure
    assert "no evidence for any kind" in unsure
    assert f'href="{review_url(pending)}"' in unsure  # back to every entry


def test_uploaded_html_is_never_rendered(curator_client):
    payload = (
        "# Evil <script>alert('title')</script> Recap\n\n"
        "## Monday <img src=x onerror=alert('day')>\n\n"
        "### Talk <script>alert('entry')</script>\n\n"
        "[Mallory <b onmouseover=alert(1)>Evil</b>](https://twitter.com/mallory) spoke. "
        "[click](javascript:alert('link'))\n\n<iframe src='https://evil.example'></iframe>\n"
    )
    pending = upload(curator_client, payload)

    html = curator_client.get(review_url(pending)).content.decode()

    tags = Tags()
    tags.feed(html)
    assert tags.inline_scripts == 0  # every <script> is one of our static files
    assert tags.handlers == []  # no on…= attribute anywhere
    assert "iframe" not in tags.names and "b" not in tags.names
    assert not [url for url in tags.urls if url.lower().startswith("javascript:")]
    # The payloads are there as text, inert.
    assert "&lt;img src=x onerror=alert(&#x27;day&#x27;)&gt;" in html
    assert "Talk alert(&#x27;entry&#x27;)" in html


class Tags(HTMLParser):
    """The elements of a page: names, event-handler attributes, link targets, inline scripts."""

    def __init__(self):
        super().__init__()
        self.names, self.handlers, self.urls, self.inline_scripts = set(), [], [], 0

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        attributes = dict(attrs)
        self.handlers += [name for name in attributes if name.startswith("on")]
        self.urls += [
            attributes[name] or "" for name in ("href", "src", "action") if name in attributes
        ]
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1


def test_someone_elses_upload_is_not_found(curator_client, django_user_model):
    from tests.conftest import make_curator

    pending = upload(curator_client)
    other = Client()
    other.force_login(make_curator(django_user_model, "other"))

    assert other.get(review_url(pending)).status_code == 404
    assert other.post(commit_url(pending), {}).status_code == 404
    assert other.post(reverse("recap-import-discard", kwargs={"pk": pending.pk})).status_code == 404


def test_an_expired_upload_is_gone(curator_client, curator):
    pending = upload(curator_client)
    pending.expires_at = timezone.now() - dt.timedelta(seconds=1)
    pending.save()

    assert curator_client.get(review_url(pending)).status_code == 404
    assert curator_client.post(commit_url(pending), {}).status_code == 404
    listing = curator_client.get(reverse("recap-import"))
    assert review_url(pending) not in listing.content.decode()
    assert not curator.pending_imports.exists()  # purged


def test_discard_deletes_the_upload(curator_client, curator):
    pending = upload(curator_client)

    response = curator_client.post(reverse("recap-import-discard", kwargs={"pk": pending.pk}))

    assert response.status_code == 303
    assert response["Location"] == reverse("recap-import")
    assert not curator.pending_imports.exists()


def test_discard_by_htmx_redirects_the_page(curator_client, curator):
    pending = upload(curator_client)

    response = curator_client.post(
        reverse("recap-import-discard", kwargs={"pk": pending.pk}), headers=HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("recap-import")
    assert not curator.pending_imports.exists()


@pytest.mark.parametrize("extra", [0, 40], ids=["5 entries", "45 entries"])
@pytest.mark.parametrize("existing", [False, True], ids=["new recap", "re-import"])
def test_review_query_count_does_not_grow_with_the_entries(
    curator_client, django_assert_max_num_queries, extra, existing
):
    text = many_entries(extra)
    if existing:
        pending = upload(curator_client, text)
        curator_client.post(commit_url(pending), import_form(curator_client, pending))
    pending = upload(curator_client, text)

    with django_assert_max_num_queries(18):
        response = curator_client.get(review_url(pending))
    with django_assert_max_num_queries(18):
        curator_client.get(entry_url(pending, "boring-technology", edit=True), headers=HTMX)
    # A saved correction reads the review twice (to check the form, then to answer)
    # and matches a typed speaker against the archive.
    with django_assert_max_num_queries(36):
        saved = curator_client.post(
            entry_url(pending, "boring-technology"),
            correction(pending, "boring-technology", kind="talk"),
            headers=HTMX,
        )
    assert saved.status_code == 200

    assert response.status_code == 200
    assert len(response.context["review"].cards) == 5 + extra


# -- Corrections ----------------------------------------------------------------------


def test_correct_link_opens_the_form_in_place_with_htmx(curator_client):
    pending = upload(curator_client)

    response = curator_client.get(entry_url(pending, "boring-technology", edit=True), headers=HTMX)

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert response.template_name.endswith("#card_form")
    html = response.content.decode()
    assert b"<html" not in response.content
    assert 'id="entry-boring-technology"' in html
    assert f'hx-post="{entry_url(pending, "boring-technology")}"' in html
    assert "Ada Lovelace (Speaker)" in html  # the remove checkbox
    assert "autofocus" in html


def test_without_javascript_the_form_opens_on_the_review_page(curator_client):
    pending = upload(curator_client)

    response = curator_client.get(entry_url(pending, "boring-technology", edit=True), follow=True)

    assert response.redirect_chain[-1][0] == (
        review_url(pending, "?edit=boring-technology") + "#entry-boring-technology"
    )
    html = response.content.decode()
    assert b"<html" in response.content
    assert f'action="{entry_url(pending, "boring-technology")}"' in html
    assert 'id="entry-forms-that-help"' in html  # the other cards are there too


def test_htmx_correction_swaps_only_that_card(curator_client):
    pending = upload(curator_client)
    data = correction(pending, "boring-technology", kind="talk", title="Boring Tech", remove=["0"])
    data["c-boring-technology-new_speaker"] = "Ada King"
    data["c-boring-technology-new_role"] = "host"

    response = curator_client.post(entry_url(pending, "boring-technology"), data, headers=HTMX)

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert response.template_name.endswith("#card_swap")
    html = response.content.decode()
    assert b"<html" not in response.content
    assert html.count("<article") == 1
    assert '<span class="import-kind">Talk</span>' in html
    assert "Boring Tech" in html and "Corrected" in html
    speakers = html[html.index('<ul class="import-speakers">') :]
    speakers = speakers[: speakers.index("</dd>")]
    assert "Ada Lovelace" not in speakers
    assert "Ada King" in speakers and "(Host)" in speakers and "added by you" in speakers
    # The import panel, out of band, carries the new revision.
    assert 'id="import-panel"' in html and 'hx-swap-oob="true"' in html
    assert 'name="revision" value="1"' in html
    pending.refresh_from_db()
    assert pending.revision == 1
    assert pending.corrections == {
        "boring-technology": {
            "kind": "talk",
            "title": "Boring Tech",
            "speakers": [["Ada King", "host"]],
        }
    }
    assert not Entry.objects.exists()


def test_plain_correction_goes_back_to_the_review(curator_client):
    pending = upload(curator_client)
    data = correction(
        pending, "queries-in-practice" if False else "queues-in-practice", day="monday"
    )

    response = curator_client.post(entry_url(pending, "queues-in-practice"), data)

    assert response.status_code == 303
    assert response["Location"] == review_url(pending) + "#entry-queues-in-practice"
    page = curator_client.get(response["Location"]).content.decode()
    monday = page[page.index('id="day-monday"') : page.index('id="day-tuesday"')]
    assert 'id="entry-queues-in-practice"' in monday
    assert "Moved from Tuesday to Monday" in monday


def test_cancel_puts_the_card_back(curator_client):
    pending = upload(curator_client)

    fragment = curator_client.get(entry_url(pending, "boring-technology"), headers=HTMX)
    page = curator_client.get(entry_url(pending, "boring-technology"))

    assert fragment.template_name.endswith("#card_swap")
    assert b"<html" not in fragment.content
    assert b"import-panel" not in fragment.content
    assert page.status_code == 302
    assert page["Location"] == review_url(pending) + "#entry-boring-technology"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_an_invalid_correction_is_refused_next_to_its_field(curator_client, htmx):
    pending = upload(curator_client)
    data = correction(pending, "boring-technology", title="  ", kind="talk")

    response = curator_client.post(
        entry_url(pending, "boring-technology"), data, headers=HTMX if htmx else {}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert ("<html" in html) is not htmx
    title_field = html[html.index('for="id_c-boring-technology-title"') - 80 :]
    assert "crud-field--invalid" in title_field[:100]
    assert "This field is required." in title_field[:600]
    pending.refresh_from_db()
    assert pending.corrections == {} and pending.revision == 0


def test_a_speaker_typed_as_the_archive_writes_them_is_that_person(curator_client):
    Person.objects.create(name="Grace Brewster Hopper", slug="grace-brewster-hopper")
    pending = upload(curator_client)
    data = correction(pending, "forms-that-help", new_speaker="grace brewster HOPPER")

    response = curator_client.post(entry_url(pending, "forms-that-help"), data, headers=HTMX)

    html = response.content.decode()
    assert "Grace Brewster Hopper" in html
    line = html[html.index("Grace Brewster Hopper") :][:200]
    assert "new person" not in line
    pending.refresh_from_db()
    assert pending.corrections["forms-that-help"]["speakers"][-1] == [
        "Grace Brewster Hopper",
        "speaker",
    ]


def test_a_correction_back_to_what_the_importer_read_is_no_correction(curator_client):
    pending = upload(curator_client)
    curator_client.post(
        entry_url(pending, "boring-technology"),
        correction(pending, "boring-technology", kind="talk"),
    )
    pending.refresh_from_db()
    curator_client.post(
        entry_url(pending, "boring-technology"),
        correction(pending, "boring-technology", kind="keynote"),
    )

    pending.refresh_from_db()
    assert pending.corrections == {}


# -- Import ---------------------------------------------------------------------------


def test_import_writes_the_corrected_recap_and_records_the_curator(curator_client, curator):
    pending = upload(curator_client)
    curator_client.post(
        entry_url(pending, "boring-technology"),
        correction(pending, "boring-technology", kind="talk", remove=["0"]),
    )
    pending.refresh_from_db()
    curator_client.post(
        entry_url(pending, "some-thoughts"), correction(pending, "some-thoughts", omit="on")
    )
    pending.refresh_from_db()
    curator_client.post(
        entry_url(pending, "lunch-at-blue-heron-cafe"),
        correction(pending, "lunch-at-blue-heron-cafe", place="Heron Hall"),
    )

    response = curator_client.post(commit_url(pending), import_form(curator_client, pending))

    recap = Recap.objects.get(slug="riverside-django-2031")
    assert response.status_code == 303
    assert response["Location"] == recap.get_absolute_url()
    assert messages_of(response)[0] == (
        "Imported “Riverside Django 2031”: 4 entries created, 0 updated, 0 unchanged; "
        "0 curated values kept, 0 overwritten."
    )
    keynote = Entry.objects.get(slug="boring-technology")
    assert keynote.kind == "talk"
    assert not keynote.credits.exists()
    assert not Entry.objects.filter(slug="some-thoughts").exists()
    assert Entry.objects.get(slug="lunch-at-blue-heron-cafe").place.name == "Heron Hall"
    assert {h.history_user for h in Entry.history.all()} == {curator}
    assert {h.history_user for h in Recap.history.all()} == {curator}
    # One version per entry on its history page: the import is one action.
    versions = [v for v in entry_versions(Entry.objects.get(slug="forms-that-help")) if v.shown]
    assert [(v.kind, v.user) for v in versions] == [("Created", curator)]
    changed = {change.field for change in versions[0].changes}
    assert {"title", "kind", "credits", "topics", "links"} <= changed
    pending.refresh_from_db()
    assert pending.imported_at is not None and pending.recap == recap
    assert pending.summary  # the loader's report lines
    # The landing page shows the summary.
    landing = curator_client.get(response["Location"])
    assert "4 entries created" in landing.content.decode()


def test_import_by_htmx_redirects_the_page(curator_client):
    pending = upload(curator_client)

    response = curator_client.post(
        commit_url(pending), import_form(curator_client, pending), headers=HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == Recap.objects.get().get_absolute_url()


def test_a_second_click_or_a_reload_never_imports_twice(curator_client):
    pending = upload(curator_client)
    form = import_form(curator_client, pending)
    curator_client.post(commit_url(pending), form)
    entry = Entry.objects.get(slug="boring-technology")
    entry.title = "Edited after the import"
    entry.save()
    history = Entry.history.count()

    again = curator_client.post(commit_url(pending), form)

    assert again.status_code == 303
    assert again["Location"] == Recap.objects.get().get_absolute_url()
    assert "was already imported from this upload" in messages_of(again)[-1]
    assert Entry.objects.count() == 5
    assert Entry.history.count() == history
    assert Entry.objects.get(slug="boring-technology").title == "Edited after the import"
    # The review of an imported upload says so too.
    review = curator_client.get(review_url(pending))
    assert review.status_code == 303
    assert "was already imported" in messages_of(review)[-1]


def test_a_stale_review_is_shown_again_and_imports_nothing(curator_client):
    first = upload(curator_client)
    curator_client.post(commit_url(first), import_form(curator_client, first))
    pending = upload(
        curator_client, SMALL_RECAP.replace("Forms That Help", "Forms That Really Help")
    )
    form = import_form(curator_client, pending)  # the review the curator looks at
    # Meanwhile another curator edits an entry of the recap.
    entry = Entry.objects.get(slug="queues-in-practice")
    entry.summary = "Rewritten by a colleague."
    entry.save()

    refused = curator_client.post(commit_url(pending), form)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Nothing was imported" in html
    assert "“Queues in Practice” was edited." in html
    assert not Entry.objects.filter(title="Forms That Really Help").exists()
    pending.refresh_from_db()
    assert pending.imported_at is None
    # The fresh review shows the colleague's edit as kept, and imports when asked again.
    assert "Curator edits kept" in card_html(html, "queues-in-practice")
    again = curator_client.post(
        commit_url(pending), {"revision": pending.revision, "state": refused.context["state"]}
    )
    assert again.status_code == 303
    assert Entry.objects.filter(title="Forms That Really Help").exists()
    assert Entry.objects.get(slug="queues-in-practice").summary == "Rewritten by a colleague."


def test_corrections_saved_in_another_tab_are_not_imported_unseen(curator_client):
    pending = upload(curator_client)
    form = import_form(curator_client, pending)
    curator_client.post(
        entry_url(pending, "boring-technology"),
        correction(pending, "boring-technology", kind="panel"),
    )

    refused = curator_client.post(commit_url(pending), form)

    assert refused.status_code == 200
    assert "The corrections were changed since this page was shown." in refused.content.decode()
    assert not Recap.objects.exists()


def test_a_stale_htmx_import_gets_the_review_fragment(curator_client):
    pending = upload(curator_client)

    refused = curator_client.post(commit_url(pending), {"revision": "7", "state": ""}, headers=HTMX)

    assert refused.status_code == 200
    assert refused.template_name.endswith("#review")
    assert b"<html" not in refused.content
    assert b"Nothing was imported" in refused.content
    assert not Recap.objects.exists()


def test_reimport_shows_the_diff_and_overwrites_only_what_is_ticked(curator_client):
    first = upload(curator_client)
    curator_client.post(commit_url(first), import_form(curator_client, first))
    for slug in ("queues-in-practice", "forms-that-help"):
        entry = Entry.objects.get(slug=slug)
        entry.title = f"Curated {slug}"
        entry.save()
    # Same headings (so the same entries), other words.
    changed = SMALL_RECAP.replace("mushroom soup", "tomato soup and bread").replace(
        "what goes wrong at scale", "what breaks first"
    )
    pending = upload(curator_client, changed + "\n### Closing Social\n\nThe social was fun.\n")

    html = curator_client.get(review_url(pending)).content.decode()

    assert "Unchanged" in card_html(html, "boring-technology")
    lunch = card_html(html, "lunch-at-blue-heron-cafe")
    assert "Changed</span>" in lunch and "Summary" in lunch
    queues = card_html(html, "queues-in-practice")
    assert "Curator edits kept" in queues
    assert "Curated queues-in-practice" in queues and "Queues in Practice" in queues
    assert "edited by a curator: kept" in queues and "Summary" in queues
    assert 'name="overwrite" value="queues-in-practice"' in queues
    assert 'form="import-form"' in queues
    assert "New</span>" in card_html(html, "closing-social")
    assert "is already in the archive" in html
    assert f'href="{Recap.objects.get().get_absolute_url()}"' in html

    form = import_form(curator_client, pending) | {"overwrite": ["queues-in-practice"]}
    response = curator_client.post(commit_url(pending), form)

    assert response.status_code == 303
    queues = Entry.objects.get(slug="queues-in-practice")
    assert queues.title == "Queues in Practice"
    assert "what breaks first" in queues.summary
    assert Entry.objects.get(slug="forms-that-help").title == "Curated forms-that-help"
    assert Entry.objects.filter(slug="closing-social").exists()
    summary = messages_of(response)
    assert "1 entry created" in summary[0] and "1 curated value kept" in summary[0]
    assert "1 overwritten" in summary[0]
    assert any("Kept curated value" in line and "title" in line for line in summary[1:])


def test_an_import_the_database_refuses_writes_nothing(curator_client):
    pending = upload(curator_client)
    pending.document["days"][0]["entries"][1]["links"].append({"title": "Bad", "url": "no url"})
    pending.save()

    response = curator_client.post(commit_url(pending), import_form(curator_client, pending))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: links “Forms That Help: no url” is invalid" in html
    assert not Recap.objects.exists()
    assert not Entry.objects.exists()
    pending.refresh_from_db()
    assert pending.imported_at is None


def test_a_correction_in_place_keeps_the_state_the_review_was_shown_with(curator_client):
    first = upload(curator_client)
    curator_client.post(commit_url(first), import_form(curator_client, first))
    pending = upload(curator_client)
    shown = import_form(curator_client, pending)["state"]
    colleague = Entry.objects.get(slug="queues-in-practice")
    colleague.summary = "A colleague's edit."
    colleague.save()

    # htmx sends the import form's state along (hx-include) with the correction.
    data = correction(pending, "boring-technology", kind="talk") | {"state": shown}
    fragment = curator_client.post(entry_url(pending, "boring-technology"), data, headers=HTMX)

    panel = fragment.content.decode().split('id="import-panel"')[1]
    assert f'name="state" value="{shown}"' in panel
    refused = curator_client.post(commit_url(pending), {"revision": 1, "state": shown})
    assert "“Queues in Practice” was edited." in refused.content.decode()
    assert Entry.objects.get(slug="boring-technology").kind == "keynote"


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_import_once(curator, monkeypatch):
    """Two import POSTs of one upload in flight together: the second waits, then says so."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection: PostgreSQL only")
    first = Client()
    first.force_login(curator)
    pending = upload(first)
    form = import_form(first, pending)
    slow_load = import_views.load_recap

    def load_slowly(*args, **kwargs):
        result = slow_load(*args, **kwargs)
        time.sleep(0.5)  # the other click arrives while this one holds the upload
        return result

    monkeypatch.setattr(import_views, "load_recap", load_slowly)
    answers: list[str] = []

    def click() -> None:
        client = Client()
        client.force_login(curator)
        try:
            response = client.post(commit_url(pending), form)
            answers.append(messages_of(response)[-1])
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join()

    assert len(answers) == 2
    assert sum("already imported" in answer for answer in answers) == 1
    assert Entry.objects.filter(recap__slug="riverside-django-2031").count() == 5
    assert Entry.history.filter(history_type="+").count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_web_import_refreshes_the_planners_statistics_without_a_vacuum(curator_client):
    """Outside a test transaction, as a server runs it: the import's tables are
    analyzed for the next visitor, but not vacuumed while the curator waits."""
    pending = upload(curator_client)
    form = import_form(curator_client, pending)
    with CaptureQueriesContext(connection) as captured:
        curator_client.post(commit_url(pending), form)

    statements = [query["sql"].lstrip().upper() for query in captured.captured_queries]
    assert any(sql.startswith("ANALYZE") for sql in statements)
    assert not any(sql.startswith("VACUUM") for sql in statements)
    assert Entry.objects.filter(recap__slug="riverside-django-2031").count() == 5
