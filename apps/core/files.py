"""Sending uploaded files that only some users may see (session photos, reports).

Uploaded files are never served as public static files: a view first finds the object
through its `for_user()` queryset (404 when out of scope), then calls `serve_protected`.
In production (`USE_X_ACCEL_REDIRECT`) the response is empty and nginx sends the file
from its `internal` location `PROTECTED_MEDIA_PREFIX` (see README); elsewhere Django
streams it.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from . import audit


def serve_protected(
    fieldfile: FieldFile, *, as_attachment: bool = False, filename: str | None = None
) -> HttpResponseBase:
    """The file of `fieldfile` for a user the caller has already checked.

    `as_attachment` makes browsers download rather than display it, under `filename`
    (default: the stored name). A missing file answers 404, never 500."""
    name = fieldfile.name if fieldfile else ""
    path = PurePosixPath(name or "")
    if not name or path.is_absolute() or ".." in path.parts:
        raise Http404
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    download_name = filename or path.name
    # Every protected download is a "download" event (the audit trail: who, which file).
    audit.record(
        "download",
        target=name,
        detail={"filename": download_name, "attachment": as_attachment},
    )
    if settings.USE_X_ACCEL_REDIRECT:
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_PREFIX + quote(name)
        disposition = content_disposition_header(as_attachment, download_name)
        if disposition:
            response["Content-Disposition"] = disposition
    else:
        try:
            handle = fieldfile.storage.open(name, "rb")
        except OSError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=as_attachment, filename=download_name, content_type=content_type
        )
    # Per user: never kept by shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
