"""The platforms' calls to us: BigBlueButton's analytics callback and Zoom's webhook.

Both answer JSON. A refused call (unknown connection or meeting → 404, bad or missing
signature, stale timestamp → 401, replay or malformed body → 400) is logged; an accepted
one only queues the import (202), so the platform gets its answer at once.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import Platform

logger = logging.getLogger(__name__)
MAX_BODY = 20 * 1024 * 1024  # a long meeting's learning-dashboard data stays far below this


def _refused(refused: services.Refused, platform: str) -> JsonResponse:
    logger.warning("Refused %s callback: %s", platform, refused.reason)
    services.refusal_log(refused=refused, platform=platform)
    return JsonResponse({"error": refused.reason}, status=refused.status)


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.headers.get("Content-Length") or 0) > MAX_BODY
    except ValueError:
        return True


@csrf_exempt  # called by the BigBlueButton server, authenticated by its JWT
@require_POST
def bbb_analytics(request: HttpRequest, hook_key: str) -> JsonResponse:
    if _too_large(request):
        return JsonResponse({"error": "too_large"}, status=413)
    try:
        job = services.bbb_callback_accept(hook_key=hook_key, authorization=request.headers.get("Authorization", ""), body=request.body)
    except services.Refused as refused:
        return _refused(refused, Platform.BIGBLUEBUTTON)
    return JsonResponse({"status": "accepted", "job": job.pk}, status=202)


@csrf_exempt  # called by Zoom, authenticated by x-zm-signature
@require_POST
def zoom_webhook(request: HttpRequest, hook_key: str) -> JsonResponse:
    if _too_large(request):
        return JsonResponse({"error": "too_large"}, status=413)
    try:
        answer = services.zoom_webhook_accept(
            hook_key=hook_key,
            signature=request.headers.get("x-zm-signature", ""),
            timestamp=request.headers.get("x-zm-request-timestamp", ""),
            body=request.body,
        )
    except services.Refused as refused:
        return _refused(refused, Platform.ZOOM)
    return JsonResponse(answer, status=200)
