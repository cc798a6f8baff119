"""The explorer's filterset (``explorer.filters``): each request's filters are its own."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from explorer.filters import EntryFilterSet
from explorer.models import Entry

from .factories import EntryFactory

pytestmark = pytest.mark.django_db


def test_each_filterset_has_filters_of_its_own():
    """django-filter copies the class's filters for each filterset (shallowly, here:
    ``CopiedLightly``): what it sets on one copy reaches neither the class's filters
    nor another filterset's."""
    first = EntryFilterSet(QueryDict("q=orm"), queryset=Entry.objects.all())
    second = EntryFilterSet(QueryDict("q=caching"), queryset=Entry.objects.all())

    for name, base in EntryFilterSet.base_filters.items():
        assert first.filters[name] is not base and first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
        assert getattr(base, "parent", None) is None
        assert first.filters[name].extra == base.extra
        assert first.filters[name].extra is not base.extra
    # The search filter calls its own filterset's method.
    assert first.filters["q"].filter.f is first.filters["q"]


def test_the_search_filter_narrows_by_its_own_words():
    EntryFactory(title="Caching in Django", summary="")
    EntryFactory(title="The ORM at scale", summary="")
    searched = {
        words: EntryFilterSet(QueryDict(f"q={words}"), queryset=Entry.objects.all())
        for words in ("orm", "caching")
    }
    for filterset in searched.values():
        assert filterset.is_valid()

    assert [e.title for e in searched["orm"].qs] == ["The ORM at scale"]
    assert [e.title for e in searched["caching"].qs] == ["Caching in Django"]
