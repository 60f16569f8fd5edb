"""Private files (certificate PDFs, uploads): answered only after the caller's permission check.

The caller (a view) has checked who may see the file. By default the application streams it
from the storage (local folder or bucket); with ``MEDIA_SIGNED_URL_SECONDS`` > 0 and a bucket,
it answers with a redirect to a signed address of the object that expires after that many
seconds, so large files do not pass through the application server. No file is ever served
by its path (nginx has no ``/media/`` location).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from .http import private_response


def private_file_response(file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    if getattr(settings, "MEDIA_SIGNED_URL_SECONDS", 0) > 0 and hasattr(file.storage, "bucket_name"):
        disposition = f'attachment; filename="{filename}"'
        url = file.storage.url(file.name, parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type})
        return private_response(HttpResponseRedirect(url))
    return private_response(FileResponse(file.open("rb"), content_type=content_type, as_attachment=True, filename=filename))
