"""Feedback rules (see ``programme.rules``): answers are anonymous, so viewers see them too."""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("feedback.view_feedback", Role.VIEWER)
