"""WSGI entry point for gunicorn and other application servers.

A request body cut off before its ``Content-Length`` raises instead of reading
short (``explorer.resilience.require_whole_body``), so that half a form is never
taken for a whole one. A bad setting stops the server with one sentence. What a
worker keeps for its whole life is loaded up front and frozen out of the garbage
collector's full passes (``freeze_long_lived``).
"""

import gc
import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.template import TemplateSyntaxError
from django.template.loader import get_template
from django.urls import reverse

from explorer.resilience import require_whole_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The project's own templates (the shared partials and the app's), by name.
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_FOLDERS = [(ROOT, "partials/*.html"), (ROOT / "explorer" / "templates", "**/*.html")]


def freeze_long_lived() -> None:
    """Load the URLconf and the project's templates, then ``gc.freeze()`` everything.

    Every few dozen requests CPython runs a full collection, which walks every
    object the process tracks: Django's and the project's modules, the URLconf,
    the compiled templates (about 100,000 objects). Timed at 100,000 entries,
    that made the slowest 1% of the explorer's fresh answers nearly 4 times the median.
    Loaded before the first request and frozen (a generation the collector never
    walks), they cost nothing; what requests leave behind is still collected.
    """
    reverse("explore")  # loads the URLconf, the views and what they use, and its lookups
    for folder, pattern in TEMPLATE_FOLDERS:
        for path in sorted(folder.glob(pattern)):
            try:
                get_template(path.relative_to(folder).as_posix())  # kept compiled by the loader
            except TemplateSyntaxError:
                continue  # that page fails when it is asked for, as it would have anyway
    gc.collect()
    gc.freeze()


# gunicorn stops (instead of restarting workers for ever) when a worker exits with this.
APP_LOAD_ERROR = 4

try:
    application = require_whole_body(get_wsgi_application())
    freeze_long_lived()
except ImproperlyConfigured as error:
    # A bad setting is one sentence on the server's log, not a traceback per worker.
    print(f"Recap Explorer cannot start: {error}", file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)
