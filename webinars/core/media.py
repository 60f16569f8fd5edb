"""Uploaded images (speakers' photos, organisations' logos) served by the application itself.

``make run`` serves with gunicorn, where Django's ``static()`` helper does nothing (it needs
DEBUG), so uploaded files would 404. This view serves only image files from ``MEDIA_ROOT``:
no path outside it (``safe_join``), no other file type (an uploaded HTML or SVG file could
run script on our origin), ``nosniff``, cached for a day. Off with ``SERVE_MEDIA=false`` when
a web server in front serves ``/media/``.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django.views.static import serve

IMAGE_TYPES = {".webp": "image/webp", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}


@require_safe
def media_image(request: HttpRequest, path: str) -> HttpResponse:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix not in IMAGE_TYPES or any(part.startswith(".") for part in PurePosixPath(path).parts):
        raise Http404
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))  # safe_join: 404 outside the root
    response["Content-Type"] = IMAGE_TYPES[suffix]
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
