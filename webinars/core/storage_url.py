"""``MEDIA_STORAGE_URL``: where uploaded media and certificate PDFs live.

Unset (the embedded default): the local folder ``MEDIA_ROOT``. With several application
servers, a shared S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…) through django-storages::

    MEDIA_STORAGE_URL=s3://museum-webinars-media/media?endpoint_url=https://s3.example.org&region_name=eu-central-1

Credentials come from ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (never in the URL,
which may end up in logs). Objects are private (no ACL): files reach people only through the
application's permission checks, or, with ``MEDIA_SIGNED_URL_SECONDS``, a signed address
that expires. This module is read by the settings, so it imports nothing from Django.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

# Query parameters passed through to django-storages' S3Storage options.
_S3_OPTIONS = {"endpoint_url", "region_name", "addressing_style", "signature_version", "custom_domain"}


def storage_from_url(url: str, *, signed_url_seconds: int = 300) -> dict:
    """The ``STORAGES["default"]`` entry for ``url`` ("" keeps the local folder)."""
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"MEDIA_STORAGE_URL must look like s3://bucket/prefix?endpoint_url=...; got scheme {parts.scheme!r}")
    options: dict[str, object] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,  # the bucket's default: private
        "querystring_auth": True,  # .url() is a signed address that expires
        "querystring_expire": max(1, signed_url_seconds),
        "file_overwrite": False,
    }
    for key, value in parse_qsl(parts.query):
        if key not in _S3_OPTIONS:
            raise ValueError(f"MEDIA_STORAGE_URL: unknown option {key!r} (known: {', '.join(sorted(_S3_OPTIONS))})")
        options[key] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
