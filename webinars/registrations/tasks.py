"""Kept only so that delivery tasks queued before the mail app existed still resolve.

The task queue stores a task by its import path; a worker upgraded while such tasks wait
imports this name. New tasks use ``webinars.mail.delivery.deliver_messages``.
"""

from django_tasks import task

from webinars.mail.delivery import messages_deliver


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    return messages_deliver(message_ids)
