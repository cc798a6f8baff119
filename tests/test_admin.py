"""The Django admin stays a safe fallback for curators and operators."""

import pytest
from django.urls import reverse

from explorer.models import Entry, Recap
from tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["recap", "day", "entry", "person", "topic", "place", "dish", "link", "photo"]
)
def test_every_model_has_an_admin_list(admin_client, model):
    EntryFactory()
    response = admin_client.get(reverse(f"admin:explorer_{model}_changelist"))
    assert response.status_code == 200


def test_saving_an_entry_in_the_admin_bumps_its_version(admin_client):
    entry = EntryFactory()
    url = reverse("admin:explorer_entry_change", args=[entry.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"topics", "version"} and value is not None
    }
    data.update({"title": "Edited in the admin", "recap": entry.recap_id, "day": entry.day_id})
    for prefix in ("credits", "dishes", "links", "photos"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.title == "Edited in the admin"
    assert entry.version == 2
    assert entry.history.first().title == "Edited in the admin"
    assert Recap.objects.count() == 1
    assert Entry.objects.count() == 1
