"""A recap's downloads, as JSON (re-importable) or Markdown (made by ``export``).

Plain views with the same guard as the CRUD screens (``access.curator_required``).
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from ..models import Recap
from .access import curator_required
from .export import recap_to_data, recap_to_markdown


def recap_download(request, pk: int, extension: str, content_type: str, render) -> HttpResponse:
    recap = get_object_or_404(Recap, pk=pk)
    response = HttpResponse(render(recap_to_data(recap)), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{recap.slug}.{extension}"
    )
    return response


@curator_required("explorer.view_recap")
@require_safe
def recap_export_json(request, pk: int):
    """The recap as the JSON document ``import_recap`` reads (a backup)."""
    return recap_download(
        request,
        pk,
        "json",
        "application/json; charset=utf-8",
        lambda data: json.dumps(data.to_dict(), ensure_ascii=False, indent=2) + "\n",
    )


@curator_required("explorer.view_recap")
@require_safe
def recap_export_markdown(request, pk: int):
    """The recap as readable Markdown in the source posts' style."""
    return recap_download(request, pk, "md", "text/markdown; charset=utf-8", recap_to_markdown)
