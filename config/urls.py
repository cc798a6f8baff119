from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from explorer.health import healthz

# An unavailable database raised outside a view is the 503 page too (explorer.resilience).
handler500 = "explorer.resilience.server_error"

urlpatterns = [
    # For load balancers: no trailing slash, exempt from the HTTPS redirect.
    path("healthz", healthz, name="healthz"),
    # Pages without an icon link (the admin's) make browsers ask for /favicon.ico.
    path("favicon.ico", RedirectView.as_view(pattern_name="favicon", permanent=True)),
    path("admin/", admin.site.urls),
    # Log in / log out pages, in the site's own templates (registration/*.html).
    path("accounts/", include("django.contrib.auth.urls")),
    # Curator CRUD screens (neapolitan); not namespaced, as neapolitan reverses plain names.
    path("manage/", include("explorer.curation.urls")),
    path("", include("explorer.urls")),
]
# Recaps' own copies of their images (import_recap --images), with debug on only:
# in production the web server serves MEDIA_ROOT (static() adds nothing then).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
