"""Report rules (see ``programme.rules``): aggregate figures, for every role."""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("reports.view_reports", Role.VIEWER)
