"""Operations: request ids and JSON logs, liveness and readiness, metrics, media storage
settings, private files, and the content version shared through the cache."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from prometheus_client import REGISTRY

from webinars.core import selectors as core_selectors
from webinars.core import services as core_services
from webinars.core.files import private_file_response
from webinars.core.logs import JsonFormatter, RequestIdFilter
from webinars.core.requestid import request_id_context, request_id_from_header
from webinars.core.storage_url import storage_from_url


def test_request_id_from_nginx_is_kept_and_answered_a_strange_one_is_replaced(client, db):
    answer = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert answer["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    answer = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert answer["X-Request-ID"] != "<script>alert(1)</script>" and len(answer["X-Request-ID"]) == 32
    assert request_id_from_header(None) != request_id_from_header(None)


def test_json_log_lines_carry_the_request_id_and_extra_fields():
    record = logging.makeLogRecord({"name": "webinars.test", "levelname": "INFO", "msg": "sent %s", "args": (3,), "kind": "reminder"})
    with request_id_context("abcdef0123456789"):
        assert RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sent 3" and line["request_id"] == "abcdef0123456789" and line["kind"] == "reminder"
    assert line["level"] == "info" and line["time"].endswith("+00:00")


def test_healthz_needs_no_database_readyz_checks_everything(client, db, monkeypatch):
    from django.db import connection

    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert (body["database"], body["cache"], body["storage"]) == ("ok", "ok", "ok")
    assert body["queues"]["mail"] == {"depth": 0, "oldest_age_seconds": 0.0}
    assert ready["Cache-Control"].startswith("max-age=0")

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        assert client.get("/healthz").status_code == 200  # liveness: the process answers
        down = client.get("/readyz")
    assert down.status_code == 503 and down.json()["database"] == "error: RuntimeError"


def test_requests_are_counted_by_view_and_status(client, db):
    labels = {"view": "healthz", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("mw_http_requests_total", labels) or 0
    client.get("/healthz")
    assert REGISTRY.get_sample_value("mw_http_requests_total", labels) == before + 1
    assert REGISTRY.get_sample_value("mw_http_request_duration_seconds_count", {"view": "healthz"})


def test_media_storage_from_url():
    assert storage_from_url("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = storage_from_url("s3://media-bucket/uploads?endpoint_url=http://127.0.0.1:9000&region_name=eu-1", signed_url_seconds=60)
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "media-bucket" and s3["OPTIONS"]["location"] == "uploads"
    assert s3["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000" and s3["OPTIONS"]["querystring_expire"] == 60
    assert s3["OPTIONS"]["default_acl"] is None and s3["OPTIONS"]["querystring_auth"] is True
    with pytest.raises(ValueError, match="s3://bucket"):
        storage_from_url("ftp://media")
    with pytest.raises(ValueError, match="unknown option"):
        storage_from_url("s3://bucket?secret_key=x")


class _Bucket(FileSystemStorage):
    """A local folder that answers like a bucket (a signed address)."""

    bucket_name = "media"

    def url(self, name, parameters=None, expire=None):
        return f"https://s3.example.org/media/{name}?X-Amz-Expires=60&disposition={parameters['ResponseContentDisposition']}"


def test_private_files_are_streamed_or_redirected_to_a_signed_address(tmp_path, settings):
    from webinars.certificates.models import Certificate

    field = Certificate._meta.get_field("pdf")
    storage = _Bucket(location=tmp_path)
    name = storage.save("certificates/a.pdf", ContentFile(b"%PDF-1.4 test"))
    file = field.attr_class(None, field, name)
    file.storage = storage
    settings.MEDIA_SIGNED_URL_SECONDS = 0
    streamed = private_file_response(file, filename="certificate.pdf", content_type="application/pdf")
    assert b"".join(streamed.streaming_content) == b"%PDF-1.4 test" and "no-store" in streamed["Cache-Control"]
    settings.MEDIA_SIGNED_URL_SECONDS = 60
    signed = private_file_response(file, filename="certificate.pdf", content_type="application/pdf")
    assert signed.status_code == 302 and "X-Amz-Expires=60" in signed["Location"] and "certificate.pdf" in signed["Location"]
    assert "no-store" in signed["Cache-Control"]


def test_with_a_shared_cache_an_edit_retires_every_servers_pages_when_it_commits(db, settings, django_capture_on_commit_callbacks):
    settings.CONTENT_VERSION_IN_CACHE = True
    cache.delete(core_selectors.CACHE_KEY)
    first = core_selectors.content_version()
    assert cache.get(core_selectors.CACHE_KEY) == first
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        core_services.content_version_bump()
        assert core_selectors.content_version() == first  # not before the commit: others would cache old content
    for callback in callbacks:
        callback()
    assert core_selectors.content_version() == first + 1 == cache.get(core_selectors.CACHE_KEY)


def test_the_wsgi_application_freezes_what_it_loaded_out_of_the_collectors_sight(tmp_path):
    """config/wsgi.py: the code's objects, loaded once, are not scanned by every full collection."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = "import gc; before = gc.get_freeze_count(); import config.wsgi; print(before, gc.get_freeze_count())"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True, timeout=120)
    before, after = map(int, result.stdout.split()[-2:])
    assert before == 0
    assert after > 50_000  # Django and the apps: well over a hundred thousand objects
