"""Background tasks: thin, idempotent wrappers around services (django-tasks)."""

from django_tasks import task

from . import messaging


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    return messaging.deliver(message_ids)
