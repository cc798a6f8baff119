"""The explorer's data version: one string that changes whenever what it shows does.

The ETag (``explorer.views.explore_etag``), the answer cache, the card cache
(``explorer.cards``), the facet cache (``explorer.filters``) and the page's image
sources (``explorer.csp``) are all keyed by it, so none of them can be stale and
nothing needs invalidating. It counts writes that go through the ORM's
``save()``/``delete()`` (each writes a history row) and bulk loads (new ids).
A ``QuerySet.update()`` writes no history, so it goes unseen here, as it does in
the entries' history and their search documents.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.db import connection
from django.http import HttpRequest

# What the explorer shows changes only when one of these tables does: the newest
# history row of each (every curator edit, import and ORM delete writes one), plus
# the entries' newest change and id (bulk loads write no history) and the number
# of recaps (``generate_archive --clear`` deletes whole recaps without history).
# Each is an index lookup: no COUNT over the entries, which PostgreSQL would scan.
_VERSION_TABLES = (
    "explorer_historicalrecap",
    "explorer_historicalday",
    "explorer_historicalperson",
    "explorer_historicaltopic",
    "explorer_historicalplace",
    "explorer_historicalentry",
    "explorer_historicalentry_topics",
    "explorer_historicalcredit",
    "explorer_historicaldish",
    # Cards show an entry's first photo; the CSP allows the photos' origins.
    "explorer_historicalphoto",
)
_VERSION_SQL = "SELECT " + ", ".join(
    [
        "(SELECT MAX(updated_at) FROM explorer_entry)",
        "(SELECT MAX(id) FROM explorer_entry)",
        "(SELECT COUNT(*) FROM explorer_recap)",
        "(SELECT MAX(id) FROM explorer_entry_topics)",
    ]
    + [f"(SELECT MAX(history_id) FROM {table})" for table in _VERSION_TABLES]
)


def data_version() -> str:
    """A string that changes whenever the explorer's data does (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        return repr(cursor.fetchone())


@lru_cache(maxsize=16)
def version_key(version: str) -> str:
    """A short digest of a data version, for the caches' keys (the same for all of them)."""
    return hashlib.blake2b(version.encode(), digest_size=16).hexdigest()


def request_data_version(request: HttpRequest) -> str:
    """The data version, read once per request (the ETag and the CSP both need it)."""
    if not hasattr(request, "_data_version"):
        request._data_version = data_version()
    return request._data_version
