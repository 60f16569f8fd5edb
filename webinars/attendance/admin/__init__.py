"""Attendance in the back office: upload meeting reports, review who the import could not match.

Who may do what (the named rules of ``attendance.rules``; no Django model permission): editors
and owners of a series list its imports and attendees ("attendance.view_attendance"), upload a
report ("attendance.import_attendance") and decide on attendees on the review screen
("attendance.review_attendance"); viewers see none of it (attendees are personal data).
Everybody but superusers sees only imports and attendees of those series; another series'
import or webinar is a 404. Imports are never deleted or edited here: a corrected file
replaces an import (the earlier one stays for the record), and decisions go through
``services.resolve_attendee``.
"""

from . import attendees, imports  # noqa: F401 -- registers the model admins
