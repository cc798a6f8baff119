"""The "Merge into…" screens and the revert button (explorer.curation.merge_views)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from explorer.curation.merge import merge
from explorer.models import Credit, Entry, Merge, Person, Place, Topic

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def merge_url(obj) -> str:
    return reverse(f"{obj._meta.model_name}-merge", kwargs={"pk": obj.pk})


def detail_url(obj) -> str:
    return reverse(f"{obj._meta.model_name}-detail", kwargs={"pk": obj.pk})


def user_with(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(username)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_the_detail_page_offers_merge_into(curator_client, duplicates):
    _, sb, *_ = duplicates

    html = curator_client.get(detail_url(sb)).content.decode()

    assert f'<a class="crud-link" href="{merge_url(sb)}">Merge into…</a>' in html


def test_the_merge_screen_lists_likely_duplicates(curator_client, duplicates):
    archive, sb, *_ = duplicates
    twin = Person.objects.create(name="Dr. S Boyce", slug="dr-s-boyce")

    response = curator_client.get(merge_url(sb))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1><span class="curator-kicker">Merge person</span> “S. Boyce” into…</h1>' in html
    options = [
        html.index(f'<input type="radio" name="into" value="{p.pk}">')
        for p in (twin, archive.sarah)
    ]
    assert options == sorted(options)  # the same name first, then names sharing a word
    assert f'value="{sb.pk}"' not in html  # never itself
    assert '<form method="post"' not in html  # nothing to confirm yet


def test_the_merge_screen_finds_others_by_name(curator_client, duplicates):
    archive, sb, *_ = duplicates

    html = curator_client.get(merge_url(sb), {"q": "TIM"}).content.decode()

    assert f'<input type="radio" name="into" value="{archive.tim.pk}">' in html
    assert f'value="{archive.sarah.pk}"' not in html
    assert (
        curator_client.get(merge_url(sb), {"q": "nobody"})
        .content.decode()
        .count("No other person matches “nobody”.")
        == 1
    )


def test_the_search_box_answers_with_the_list_alone(curator_client, duplicates):
    archive, sb, *_ = duplicates

    response = curator_client.get(
        merge_url(sb), {"q": "tim"}, headers={**HTMX, "HX-Target": "merge-candidates"}
    )

    html = response.content.decode()
    assert response.template_name == ["explorer/crud/object_merge.html#candidates"]
    assert "<html" not in html
    assert html.lstrip().startswith('<fieldset class="crud-field merge-candidates"')
    assert f'value="{archive.tim.pk}"' in html
    assert "HX-Request" in response["Vary"]


def test_choosing_one_shows_what_would_move(curator_client, duplicates):
    archive, sb, *_ = duplicates

    html = curator_client.get(merge_url(sb), {"into": archive.sarah.pk}).content.decode()

    assert "Merge “S. Boyce” into “Sarah Boyce”?" in html
    assert "1 credit moves to “Sarah Boyce”." in html
    assert "1 credit is dropped: “Sarah Boyce” is already credited on that entry." in html
    assert "2 entries get a new version." in html
    assert f'<input type="hidden" name="into" value="{archive.sarah.pk}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert Person.objects.filter(pk=sb.pk).exists()  # a GET changes nothing


def test_merging_then_reverting_from_the_screens(curator_client, duplicates):
    archive, sb, *_ = duplicates

    response = curator_client.post(merge_url(sb), {"into": archive.sarah.pk})

    assert (response.status_code, response["Location"]) == (302, detail_url(archive.sarah))
    assert not Person.objects.filter(pk=sb.pk).exists()
    html = curator_client.get(response["Location"]).content.decode()
    assert "Merged “S. Boyce” into “Sarah Boyce”" in html
    assert "Also imported as: S. Boyce" in html
    record = Merge.objects.get()
    revert_url = reverse("merge-revert", kwargs={"pk": record.pk})
    assert f'action="{revert_url}"' in html
    assert "by curator" in html

    response = curator_client.post(revert_url)

    assert (response.status_code, response["Location"]) == (302, detail_url(sb))
    html = curator_client.get(response["Location"]).content.decode()
    assert "Reverted: “S. Boyce” is back" in html
    assert Credit.objects.filter(person_id=sb.pk).count() == 2
    assert "Merged into this" not in curator_client.get(detail_url(archive.sarah)).content.decode()

    again = curator_client.post(revert_url, follow=True).content.decode()
    assert "Nothing was reverted: This merge has already been reverted." in again


def test_htmx_posts_are_answered_with_a_redirect_header(curator_client, duplicates):
    archive, sb, *_ = duplicates

    response = curator_client.post(merge_url(sb), {"into": archive.sarah.pk}, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(archive.sarah)
    revert_url = reverse("merge-revert", kwargs={"pk": Merge.objects.get().pk})
    response = curator_client.post(revert_url, headers=HTMX)
    assert response["HX-Redirect"] == detail_url(sb)
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_record_is_never_merged_into_itself(curator_client, duplicates, method):
    _, sb, *_ = duplicates

    response = getattr(curator_client, method)(merge_url(sb), {"into": sb.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="crud-field__error" id="merge-into-errors">A person cannot be merged into '
        "itself: choose another one to keep.</p>"
    ) in html
    assert 'aria-describedby="merge-into-errors"' in html
    assert Person.objects.filter(pk=sb.pk).exists()
    assert not Merge.objects.exists()


def test_a_missing_choice_is_an_error_next_to_the_list(curator_client, duplicates):
    _, sb, *_ = duplicates

    html = curator_client.post(merge_url(sb), {"into": "99999"}).content.decode()

    assert "That person does not exist (any more)." in html
    assert "Choose the record to keep." in curator_client.post(merge_url(sb)).content.decode()


def test_places_and_topics_merge_from_their_screens(curator_client, duplicates):
    archive, _, cafe, asynchrony, _ = duplicates

    html = curator_client.get(merge_url(cafe)).content.decode()
    assert f'value="{archive.cocoa.pk}"' in html  # shares "Cocoa" and "Cinnamon"
    preview = curator_client.get(merge_url(cafe), {"into": archive.cocoa.pk}).content.decode()
    assert "1 entry and 1 dish move to “Cocoa Cinnamon”." in preview
    curator_client.post(merge_url(cafe), {"into": archive.cocoa.pk})
    assert not Place.objects.filter(pk=cafe.pk).exists()

    preview = curator_client.get(
        merge_url(asynchrony), {"into": archive.asynchronous.pk}
    ).content.decode()
    assert "1 entry is tagged “Async” instead; 1 already was." in preview
    curator_client.post(merge_url(asynchrony), {"into": archive.asynchronous.pk})
    assert not Topic.objects.filter(pk=asynchrony.pk).exists()
    assert Entry.objects.filter(topics=archive.asynchronous).count() == 3


def test_merging_needs_a_csrf_token(curator, duplicates):
    archive, sb, *_ = duplicates
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)

    assert client.post(merge_url(sb), {"into": archive.sarah.pk}).status_code == 403
    assert Person.objects.filter(pk=sb.pk).exists()

    client.get(merge_url(sb))  # sets the cookie
    token = client.cookies["csrftoken"].value
    response = client.post(merge_url(sb), {"into": archive.sarah.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_strangers_are_sent_to_log_in(client, curator, duplicates, htmx):
    archive, sb, cafe, *_ = duplicates
    record = merge(cafe, archive.cocoa, user=curator)
    headers = HTMX if htmx else {}
    urls = [
        ("get", merge_url(sb)),
        ("post", merge_url(sb)),
        ("post", reverse("merge-revert", kwargs={"pk": record.pk})),
    ]

    for method, url in urls:
        response = getattr(client, method)(url, headers=headers)

        login = f"/accounts/login/?next={quote(url)}"
        if htmx:
            assert (response.status_code, response["HX-Redirect"]) == (200, login)
        else:
            assert (response.status_code, response["Location"]) == (302, login)
        assert "HX-Request" in response["Vary"]
    assert Person.objects.filter(pk=sb.pk).exists()
    assert not Place.objects.filter(pk=cafe.pk).exists()


@pytest.mark.parametrize(
    "codenames",
    [
        ("view_person",),
        ("view_person", "change_person"),  # a merge also deletes
        ("view_person", "delete_person"),
    ],
)
def test_merging_needs_both_change_and_delete(client, django_user_model, duplicates, codenames):
    archive, sb, *_ = duplicates
    client.force_login(user_with(django_user_model, "editor", *codenames))

    assert client.get(merge_url(sb)).status_code == 403
    assert client.post(merge_url(sb), {"into": archive.sarah.pk}).status_code == 403
    assert Person.objects.filter(pk=sb.pk).exists()
    html = client.get(detail_url(sb)).content.decode()
    assert "Merge into…" not in html


def test_reverting_needs_both_permissions_too(client, django_user_model, curator, duplicates):
    archive, sb, *_ = duplicates
    record = merge(sb, archive.sarah, user=curator)
    client.force_login(user_with(django_user_model, "editor", "view_person", "change_person"))

    assert client.post(reverse("merge-revert", kwargs={"pk": record.pk})).status_code == 403
    assert not Person.objects.filter(pk=sb.pk).exists()
    html = client.get(detail_url(archive.sarah)).content.decode()
    assert "Merged into this" in html
    assert "merge-revert" not in html and "Revert" not in html


def test_a_revert_is_a_post(curator_client, curator, duplicates):
    archive, sb, *_ = duplicates
    record = merge(sb, archive.sarah, user=curator)

    assert curator_client.get(reverse("merge-revert", kwargs={"pk": record.pk})).status_code == 405
    assert not Person.objects.filter(pk=sb.pk).exists()


def test_the_merge_screen_takes_a_few_queries(
    curator_client, duplicates, django_assert_max_num_queries
):
    archive, sb, *_ = duplicates
    for n in range(30):
        Person.objects.create(name=f"Boyce {n}", slug=f"boyce-{n}")

    with django_assert_max_num_queries(14):
        response = curator_client.get(merge_url(sb), {"into": archive.sarah.pk})
    assert response.status_code == 200


def test_the_one_chosen_stays_ticked_whatever_the_search(curator_client, duplicates):
    archive, sb, *_ = duplicates

    html = curator_client.get(
        merge_url(sb), {"q": "tim", "into": archive.sarah.pk}
    ).content.decode()

    assert f'<input type="radio" name="into" value="{archive.sarah.pk}" checked>' in html
    assert f'value="{archive.tim.pk}"' in html
