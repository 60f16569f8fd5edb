"""Attendance rules (see ``programme.rules``): attendees are personal data, so editors and owners."""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("attendance.view_attendance", Role.EDITOR)  # imports and the people in them
add_series_perm("attendance.import_attendance", Role.EDITOR)
add_series_perm("attendance.review_attendance", Role.EDITOR)  # decisions on the review screen
