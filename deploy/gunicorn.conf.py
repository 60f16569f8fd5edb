# gunicorn settings of one application server (deploy/systemd/museum-webinars-web@.service).
# The bind address is given by the unit (127.0.0.1:<instance>); everything else is here.
import os
import shutil

from prometheus_client import CollectorRegistry, multiprocess, start_http_server

workers = int(os.environ.get("WEB_WORKERS", "3"))
# Requests that go to the database wait on it; a few threads per process overlap that wait.
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# nginx on the same machine (or the private network: FORWARDED_ALLOW_IPS) sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # nginx writes the access log; the application logs one JSON line per request
errorlog = "-"
loglevel = "warning"


def _metrics_address(server) -> tuple[str, int]:
    """METRICS_ADDRESS, else the application port + 1000 on the same private address."""
    configured = os.environ.get("METRICS_ADDRESS", "")
    if configured:
        host, _, port = configured.rpartition(":")
        return host or "127.0.0.1", int(port)
    host, port = server.address[0][:2] if server.address else ("127.0.0.1", 8000)
    return str(host), int(port) + 1000


def on_starting(server):
    # Samples of the previous run's worker processes would be summed with the new ones.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def when_ready(server):
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    host, port = _metrics_address(server)
    start_http_server(port, addr=host, registry=registry)
    server.log.info("Prometheus metrics on http://%s:%s/metrics", host, port)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
