"""Prometheus metrics (prometheus-client), served on an address that is not public.

Web servers run gunicorn with ``deploy/gunicorn.conf.py``: every gunicorn worker writes its
samples to ``PROMETHEUS_MULTIPROC_DIR`` and the arbiter serves them all on
``METRICS_ADDRESS`` (default: the application port + 1000 on 127.0.0.1). Each task worker
(``manage.py run_worker --metrics-address``) serves its own. Nothing here is reachable
through nginx.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Gauge, Histogram, start_http_server

logger = logging.getLogger(__name__)

REQUESTS = Counter("mw_http_requests_total", "HTTP requests answered, by view and status.", ["view", "method", "status"])
REQUEST_SECONDS = Histogram(
    "mw_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REGISTRATIONS = Counter("mw_registrations_total", "Registrations stored, by the status they got.", ["status"])
EMAILS = Counter("mw_emails_total", "E-mail delivery attempts, by outcome (sent, failed, retried).", ["outcome"])
# Gauges are set by the task workers (each samples the shared queue); "max" keeps one value across processes.
QUEUE_DEPTH = Gauge("mw_queue_depth", "Items waiting, per queue (tasks, mail).", ["queue"], multiprocess_mode="max")
QUEUE_OLDEST_SECONDS = Gauge(
    "mw_queue_oldest_age_seconds", "Age of the oldest waiting item, per queue.", ["queue"], multiprocess_mode="max"
)
IMPORT_SECONDS = Histogram(
    "mw_attendance_import_duration_seconds",
    "Time to import one attendance report.",
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0),
)


def parse_address(address: str, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """``"127.0.0.1:9201"`` or ``"9201"`` → (host, port)."""
    host, _, port = address.rpartition(":")
    return (host or default_host).strip("[]"), int(port)


def serve(address: str) -> None:
    """Serve this process's metrics on ``address`` (a thread)."""
    host, port = parse_address(address)
    start_http_server(port, addr=host)
    logger.info("metrics on http://%s:%s/metrics", host, port, extra={"event": "metrics_started"})
