"""One middleware for what operations watch: the request id, an access log line, metrics.

It runs first, so its timing covers every other middleware, and its log line carries the
view, status, duration and the request id that nginx put in ``X-Request-ID`` (answered back
in the same header, so a user's report can name it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import metrics
from .logs import redact
from .requestid import request_id_context, request_id_from_header

access_log = logging.getLogger("webinars.access")


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        began = time.perf_counter()
        request_id = request_id_from_header(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        with request_id_context(request_id):
            response = self.get_response(request)
            seconds = time.perf_counter() - began
            view = _view_name(request)
            metrics.REQUESTS.labels(view=view, method=request.method, status=str(response.status_code)).inc()
            metrics.REQUEST_SECONDS.labels(view=view).observe(seconds)
            access_log.info(
                "%s %s %s",
                request.method,
                redact(request.path),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": redact(request.path),
                    "status": response.status_code,
                    "view": view,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
        response["X-Request-ID"] = request_id
        return response
