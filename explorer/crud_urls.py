"""The curator screens, mounted under /manage/ by config/urls.py.

Not namespaced: neapolitan reverses plain names such as "entry-list".
"""

from django.urls import path

from .crud import CRUD_VIEWS, manage

urlpatterns = [
    path("", manage, name="manage"),
    *[pattern for view in CRUD_VIEWS for pattern in view.get_urls()],
]
