"""Meeting platform rules (see ``programme.rules``): connecting a series is the owners' (its secrets
are theirs); following a webinar's meeting, retrying and joining as moderator are the editors'."""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("meetings.manage_connection", Role.OWNER)
add_series_perm("meetings.manage_meeting", Role.EDITOR)
