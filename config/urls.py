from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Log in / log out pages, in the site's own templates (registration/*.html).
    path("accounts/", include("django.contrib.auth.urls")),
    # Curator CRUD screens (neapolitan); not namespaced, as neapolitan reverses plain names.
    path("manage/", include("explorer.crud_urls")),
    path("", include("explorer.urls")),
]
