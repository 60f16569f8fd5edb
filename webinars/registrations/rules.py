"""Registrations' rules (see ``programme.rules``): personal data is for editors and owners only.

Viewers (a partner, a donor) see aggregate reports, never a registrant's name or address.
"""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("registrations.view_registrations", Role.EDITOR)  # lists, change pages, audit log
add_series_perm("registrations.change_registration", Role.EDITOR)  # correct details, confirm, cancel, move
add_series_perm("registrations.export_registrations", Role.EDITOR)  # export personal data (CSV, XLSX)
add_series_perm("registrations.message_registrants", Role.EDITOR)  # messages, "recording available"
add_series_perm("registrations.manage_questions", Role.EDITOR)  # the series' registration questions
