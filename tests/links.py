"""Personal links in e-mails and pages: they are signed when rendered (``core.links``), so tests
find them in the text and check what they open instead of comparing strings."""

from __future__ import annotations

import re


def tokens_in(text: str, prefix: str) -> list[str]:
    """The tokens of every ``prefix<token>/`` link in ``text`` (prefix such as "/j/" or "/feedback/")."""
    return re.findall(rf"{re.escape(prefix)}([A-Za-z0-9_\-.:]+)/", text)


def join_link_opens(text: str):  # -> Registration | None
    from webinars.registrations.selectors import registration_by_join_token

    found = {registration_by_join_token(token) for token in tokens_in(text, "/j/")}
    assert len(found) == 1, f"expected links to one registration, found {found}"
    return found.pop()


def survey_link_opens(text: str):  # -> FeedbackInvitation | None
    from webinars.feedback.selectors import invitation_by_token

    found = {invitation_by_token(token) for token in tokens_in(text, "/feedback/")}
    assert len(found) == 1, f"expected links to one survey, found {found}"
    return found.pop()


def manage_link_opens(text: str):  # -> Booking | None
    from webinars.registrations.selectors import booking_by_manage_token

    found = {booking_by_manage_token(token) for token in tokens_in(text, "/r/") if not token.startswith("confirm")}
    assert len(found) == 1, f"expected links to one booking, found {found}"
    return found.pop()
