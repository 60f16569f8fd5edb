"""Domain events of registrations, sent by ``services`` after the change, inside its transaction.

Receivers in higher apps (certificates, reports, the meeting platforms) keep their own
state in step; they run in the same transaction, so they must be quick and must not fail
for reasons of their own (queue slow work with ``transaction.on_commit``). Every signal is
sent with ``sender=Registration`` and keyword arguments:

``registration_status_changed``
    ``registration``, ``from_status`` ("" when new), ``to_status``, ``action`` (the audit code),
    ``actor`` (a user, or None for the registrant or the system). Sent for every change of
    status, including a new registration and a repeat one that re-activates a row.
``registration_confirmed``
    ``registration``, ``actor``: the registration now holds a confirmed seat.
``registration_cancelled``
    ``registration``, ``actor``, ``by_organiser``.
``registration_details_changed``
    ``registration``, ``fields`` (names of the fields whose values changed), ``actor``.
``registration_erased``
    ``registration``, ``email`` (the address before erasure, for receivers that keyed data
    on it), ``actor``. Sent after the row was anonymised.
"""

from django.dispatch import Signal

registration_status_changed = Signal()
registration_confirmed = Signal()
registration_cancelled = Signal()
registration_details_changed = Signal()
registration_erased = Signal()
