"""Domain events of attendance, sent by ``services`` inside the transaction of the change.

``attendance_imported`` (sender ``AttendanceImport``)
    ``attendance_import`` (the new current import), ``replaced`` (the import it replaced, or
    None), ``actor``. Not sent when the same file was uploaded again (nothing changed).
``attendee_resolved`` (sender ``Attendee``)
    ``attendee``, ``previous_registration`` (linked before the decision, or None), ``actor``:
    an organiser's decision on the review screen.
"""

from django.dispatch import Signal

attendance_imported = Signal()
attendee_resolved = Signal()
