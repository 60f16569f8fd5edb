"""Background tasks: thin, idempotent wrappers around services (django-tasks)."""

from django_tasks import task

from . import services


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    return services.messages_deliver(message_ids)
