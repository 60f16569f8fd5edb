"""Domain events of the programme, sent by ``services`` inside the transaction of the change.

All are sent with ``sender=Webinar`` and ``webinar``, ``actor`` (a user or None):

``webinar_published``, ``webinar_unpublished`` (back to draft), ``webinar_cancelled``,
``webinar_postponed``
    also ``from_status``. Cancelling or postponing is what the registrations app (e-mails to
    registrants) and the meeting platforms (``meetings.receivers``: delete or move the meeting)
    follow.
``webinar_moved``
    also ``from_starts_at`` and ``from_duration_minutes``: the start or the length changed.

``content_changed``
    sent by ``receivers`` whenever public content was saved or deleted, whichever path
    changed it (admin, services, shell): ``sender`` is the model, with ``instance`` and
    ``deleted``. What higher apps follow to keep copies of the content right (the library's
    search index).
"""

from django.dispatch import Signal

webinar_published = Signal()
webinar_unpublished = Signal()
webinar_cancelled = Signal()
webinar_postponed = Signal()
webinar_moved = Signal()
content_changed = Signal()
