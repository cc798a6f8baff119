"""The curator screens, mounted under /manage/ by config/urls.py.

Not namespaced: neapolitan reverses plain names such as "entry-list".
"""

from django.urls import path

from .downloads import recap_export_json, recap_export_markdown
from .history_views import entry_history, entry_revert
from .import_views import (
    import_commit,
    import_discard,
    import_entry,
    import_entry_edit,
    import_review,
    import_start,
)
from .index import manage
from .merge_views import merge_revert
from .screens import CRUD_VIEWS

urlpatterns = [
    path("", manage, name="manage"),
    *[pattern for view in CRUD_VIEWS for pattern in view.get_urls()],
    path("entry/<int:pk>/history/", entry_history, name="entry-history"),
    path("entry/<int:pk>/history/<int:history_id>/revert/", entry_revert, name="entry-revert"),
    path("recap/<int:pk>/export.json", recap_export_json, name="recap-export-json"),
    path("recap/<int:pk>/export.md", recap_export_markdown, name="recap-export-markdown"),
    path("merge/<int:pk>/revert/", merge_revert, name="merge-revert"),
    # Importing a recap in the browser (explorer.import_recap).
    path("import/", import_start, name="recap-import"),
    path("import/<int:pk>/", import_review, name="recap-import-review"),
    path("import/<int:pk>/entries/<slug:key>/", import_entry, name="recap-import-entry"),
    path(
        "import/<int:pk>/entries/<slug:key>/edit/",
        import_entry_edit,
        name="recap-import-entry-edit",
    ),
    path("import/<int:pk>/import/", import_commit, name="recap-import-commit"),
    path("import/<int:pk>/discard/", import_discard, name="recap-import-discard"),
]
