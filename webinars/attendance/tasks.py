"""Background tasks: thin wrappers around services (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from . import uploads


@task()
def import_upload(
    webinar_id: int,
    token: str,
    file_name: str,
    fmt: str,
    column_mapping: dict | None = None,
    time_zone: str | None = None,
    actor_id: int | None = None,
    accept_other_date: bool = False,
) -> dict[str, Any]:
    """Import a large kept upload, its progress shown on the webinar's attendance page (``uploads.import_job``)."""
    return uploads.upload_import_job(
        webinar_id=webinar_id,
        token=token,
        file_name=file_name,
        fmt=fmt,
        column_mapping=column_mapping,
        time_zone=time_zone,
        actor_id=actor_id,
        accept_other_date=accept_other_date,
    )
