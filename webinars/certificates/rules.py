"""Certificate rules (see ``programme.rules``): certificates carry names, so editors and owners."""

from __future__ import annotations

from webinars.programme.rules import Role, add_series_perm

add_series_perm("certificates.view_certificates", Role.EDITOR)
add_series_perm("certificates.issue_certificates", Role.EDITOR)
add_series_perm("certificates.revoke_certificate", Role.EDITOR)  # also name corrections and new PDFs
add_series_perm("certificates.change_design", Role.EDITOR)  # designs and signatures
