"""The mail app's rules (see ``programme.rules``): the e-mail queue names addresses, so editors and owners only."""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("mail.view_outgoing_messages", Role.EDITOR)
