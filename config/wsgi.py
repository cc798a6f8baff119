"""WSGI entry point for gunicorn and other application servers.

A request body cut off before its ``Content-Length`` raises instead of reading
short (``explorer.resilience.require_whole_body``), so that half a form is never
taken for a whole one. A bad setting stops the server with one sentence.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from explorer.resilience import require_whole_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# gunicorn stops (instead of restarting workers for ever) when a worker exits with this.
APP_LOAD_ERROR = 4

try:
    application = require_whole_body(get_wsgi_application())
except ImproperlyConfigured as error:
    # A bad setting is one sentence on the server's log, not a traceback per worker.
    print(f"Recap Explorer cannot start: {error}", file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)
