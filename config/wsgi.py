"""WSGI entry point for gunicorn and other application servers.

A request body cut off before its ``Content-Length`` raises instead of reading
short (``explorer.resilience.require_whole_body``), so that half a form is never
taken for a whole one.
"""

import os

from django.core.wsgi import get_wsgi_application

from explorer.resilience import require_whole_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = require_whole_body(get_wsgi_application())
