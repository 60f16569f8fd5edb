"""The mail app's background task is ``delivery.deliver_messages`` (beside the logic it runs).

This module keeps the name ``webinars.mail.tasks.deliver_messages`` importable for readers who
look for an app's tasks here; the queue stores the task by its defining path.
"""

from .delivery import deliver_messages

__all__ = ["deliver_messages"]
