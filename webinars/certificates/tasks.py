"""Background tasks: thin, idempotent wrappers around services (django-tasks)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from webinars.programme.models import Series, Webinar

from . import services


@task()
def issue_certificates(webinar_id: int | None = None, series_id: int | None = None, actor_id: int | None = None) -> dict[str, int]:
    """Issue the certificates due for a webinar (and its series) or a whole series, make the PDFs, e-mail them."""
    return services.certificates_issue_and_send(webinar_id=webinar_id, series_id=series_id, actor_id=actor_id)


def issue_certificates_after_commit(*, webinar: Webinar | None = None, series: Series | None = None, actor: Any = None) -> None:
    """Issue in the background, once the caller's transaction has committed."""
    kwargs = {
        "webinar_id": webinar.pk if webinar is not None else None,
        "series_id": series.pk if series is not None and webinar is None else None,
        "actor_id": actor.pk if actor is not None else None,
    }
    transaction.on_commit(lambda: issue_certificates.enqueue(**kwargs))


@task()
def regenerate_certificates(certificate_ids: list[int], actor_id: int | None = None) -> dict[str, int]:
    """Make the PDFs again with the registrations' current names (same codes)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.certificates_regenerate(certificate_ids=certificate_ids, actor=actor)


@task()
def sync_certificate_names(registration_id: int) -> int:
    """A registrant corrected their name: re-issue their certificates under the same codes."""
    return services.certificates_sync_name(registration_id=registration_id)
