"""How each activity-log code reads, in the reader's language (as pretix's ``logdisplay``).

One map for the whole programme, so the admin, the organisers' workspace and exports say
the same thing. A code missing here still shows (as the code itself), and a test checks that
every code the services write has a sentence. Sentences may name values from the row's
``data`` (``%(count)s``); status codes are shown with their labels (``LABELS``, filled by
the apps that own the statuses).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Any] = {
    # registrations
    "registration.created": _("Registered"),
    "registration.created_again": _("Registered again"),
    "registration.email_confirmed": _("Confirmed their e-mail address"),
    "registration.confirmed_by_organiser": _("Confirmed by an organiser"),
    "registration.promoted": _("Moved up from the waiting list"),
    "registration.cancelled": _("Cancelled the registration"),
    "registration.cancelled_by_organiser": _("Registration cancelled by an organiser"),
    "registration.expired": _("Expired: the address was not confirmed in time"),
    "registration.details_changed": _("Details corrected"),
    "registration.erased": _("Personal data erased"),
    "registration.link_resent": _("Self-service link sent again"),
    # organisers' accounts (webinars.accounts)
    "account.locked_out": _("Sign-in locked after too many failed attempts"),
    "account.unlocked": _("Sign-in lockout lifted"),
    "account.signed_out_everywhere": _("Signed out on every device"),
    "account.two_factor_enabled": _("Two-factor sign-in turned on"),
    "account.two_factor_disabled": _("Two-factor sign-in turned off"),
    "account.recovery_codes_created": _("New recovery codes made"),
    "account.passkey_added": _("Passkey added"),
    "account.passkey_removed": _("Passkey removed"),
    "account.passkey_signed_in": _("Signed in with a passkey"),
    # webinars and series
    "webinar.created": _("Webinar created"),
    "webinar.changed": _("Webinar changed"),
    "webinar.published": _("Webinar published"),
    "webinar.unpublished": _("Webinar unpublished (back to draft)"),
    "webinar.cancelled": _("Webinar cancelled"),
    "webinar.postponed": _("Webinar postponed"),
    "webinar.moved": _("Webinar moved to another time"),
    "webinar.deleted": _("Webinar deleted"),
    "webinar.capacity_changed": _("Capacity changed from %(from)s to %(to)s"),
    "webinar.message_sent": _("Message sent to %(audience)s: %(count)s"),
    "webinar.message_tested": _("Message sent as a test to the organiser"),
    "webinar.recording_announced": _("Recording announced to registrants: %(count)s"),
    "webinar.duplicated": _("Webinar created as a copy of another webinar"),
    "series.created": _("Series created"),
    "series.changed": _("Series settings changed"),
    "series.role_granted": _("Role %(role)s given to %(user)s"),
    "series.role_changed": _("Role of %(user)s changed to %(role)s"),
    "series.role_revoked": _("Role of %(user)s removed"),
    "series.member_invited": _("%(user)s invited as %(role)s"),
    "series.member_added": _("%(user)s added as %(role)s from the command line"),
    # people and organisations
    "person.created": _("Person added to the directory"),
    "person.changed": _("Person's profile changed"),
    "organisation.created": _("Organisation added to the directory"),
    "organisation.changed": _("Organisation changed"),
    # attendance
    "attendance.imported": _("Attendance report imported (people: %(people)s, attended: %(attended)s)"),
    "attendance.attendee_linked": _("Attendance linked to this registration by an organiser (%(minutes)s min)"),
    "attendance.attendee_unlinked": _("Attendance unlinked from this registration by an organiser (%(minutes)s min)"),
    "attendance.attendee_walk_in": _("Attendee recorded as a walk-in (%(minutes)s min)"),
    "attendance.attendee_ignored": _("Attendee ignored (%(minutes)s min)"),
    # meeting platforms
    "meetings.connection_saved": _("Meeting platform connected: %(platform)s (connection works: %(works)s)"),
    "meetings.connection_removed": _("Meeting platform disconnected: meeting addresses are pasted again"),
    "meetings.meeting_created": _("Meeting created on %(platform)s"),
    "meetings.meeting_updated": _("Meeting updated on %(platform)s"),
    "meetings.meeting_deleted": _("Meeting deleted or ended on %(platform)s"),
    "meetings.call_failed": _("A call to the meeting platform failed (attempt %(attempts)s, HTTP %(status)s): %(state)s"),
    "meetings.retry_requested": _("Retry of the meeting platform's work requested"),
    "meetings.registrant_added": _("Registrant added on %(platform)s (personal join address stored)"),
    "meetings.registrant_removed": _("Registrant removed from %(platform)s"),
    "meetings.attendance_received": _("Attendance received from %(platform)s (%(source)s, people: %(people)s)"),
    "meetings.moderator_joined": _("Joined the meeting as moderator"),
    "meetings.callback_refused": _("A call from %(platform)s was refused (%(reason)s, HTTP %(status)s)"),
    # certificates
    "certificate.issued": _("Certificates issued: %(webinar_certificates)s for the webinar, %(series_certificates)s for the series"),
    "certificate.reissued": _("Certificate made again (version %(version)s)"),
    "certificate.revoked": _("Certificate revoked"),
    "certificate.erased": _("Certificate erased with the participant's data"),
    "certificate.resent": _("Certificate e-mailed again"),
    "certificate.design_saved": _("Certificate design saved (signatures: %(signatures)s)"),
    "certificate.name_correction_requested": _("Name correction requested by the participant"),
    "certificate.name_correction_withdrawn": _("Name correction withdrawn (the name was changed back)"),
    "certificate.name_correction_approved": _("Name correction approved: the certificate is re-issued with the same code"),
    "certificate.name_correction_refused": _("Name correction refused: the certificate keeps its name"),
    # library
    "library.item_created": _("Library item created"),
    "library.item_changed": _("Library item changed"),
    "library.item_published": _("Library item published"),
    "library.item_unpublished": _("Library item unpublished (back to draft)"),
    "library.item_deleted": _("Library item deleted"),
    "library.caption_uploaded": _("Captions uploaded (%(language)s, cues: %(cues)s)"),
    "library.caption_deleted": _("Captions deleted (%(language)s)"),
    "library.links_converted": _("Useful links turned into library items: %(count)s"),
    "library.items_imported": _("Library items imported: %(count)s"),
    # exports of personal data
    "export.registrations": _("Registrations exported (%(format)s, rows: %(count)s)"),
    "export.report": _("Report exported (%(format)s)"),
}

#: value labels by data key, e.g. ``LABELS["status"]["confirmed"] == "confirmed"`` in the UI language.
LABELS: dict[str, dict[str, Any]] = defaultdict(dict)


def register_labels(key: str, choices: Any) -> None:
    """Let ``details`` show ``data[key]`` values with these choices' labels (a TextChoices class)."""
    LABELS[key].update(dict(choices.choices))


def _label(key: str, value: Any) -> str:
    if value is None:
        return "–"  # e.g. an unlimited capacity
    if not isinstance(value, str | int):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if key.endswith("status"):
        key = "status"  # from_status, to_status
    return str(LABELS.get(key, {}).get(value, value))


def describe(entry: Any) -> str:
    """The entry's sentence in the active language."""
    sentence = ACTIONS.get(entry.action)
    if sentence is None:
        return entry.action
    values: dict[str, Any] = defaultdict(lambda: "?")
    values.update({key: _label(key, value) for key, value in (entry.data or {}).items()})
    try:
        return str(sentence) % values
    except (TypeError, ValueError):
        return str(sentence)


def details(entry: Any) -> str:
    """A short line of what changed: ``pending → confirmed``, changed fields."""
    data = entry.data or {}
    parts = []
    if "from_status" in data or "to_status" in data:
        before = _label("status", data.get("from_status")) if data.get("from_status") else "–"
        parts.append(f"{before} → {_label('status', data.get('to_status', ''))}")
    if data.get("fields"):
        parts.append(", ".join(str(field) for field in data["fields"]))
    if data.get("reason"):
        parts.append(str(data["reason"]))
    return "; ".join(parts)
