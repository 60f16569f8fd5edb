"""Writes of organisers' accounts and series teams.

An organiser is a Django user whose username is their e-mail address (lower case). A role on
a series (``programme.SeriesRole``) is all they need: no ``is_staff``, no model permission.
Invitations create the account when it does not exist (without a password: the invitation's
link lets them choose one) and queue the invitation e-mail in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.errors import DomainError, NotAllowed
from webinars.mail.services import NewMessage, message_queue
from webinars.programme.models import Series, SeriesRole
from webinars.programme.services import series_role_grant, series_role_revoke

User = get_user_model()


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid e-mail address."), field="email") from None
    return email


def organiser_get_or_create(*, email: str) -> tuple[Any, bool]:
    """The account for ``email`` (found by username or address, any case), created without a password."""
    email = normalise_email(email)
    user = User.objects.filter(username__iexact=email).first() or User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return user, False
    user = User(username=email, email=email)
    user.set_unusable_password()
    user.save()
    return user, True


@transaction.atomic
def organiser_invite(*, series: Series, email: str, role: str, actor: Any, language: str | None = None) -> Any:
    """Give ``email`` the ``role`` on ``series`` and e-mail them an invitation (in ``language``).

    A new account has no password until they follow the link; an existing organiser is told
    of the new series and signs in as usual. Inviting again re-sends the e-mail.
    """
    user, created = organiser_get_or_create(email=email)
    if not user.is_active:
        raise NotAllowed(_("This account is deactivated; a superuser can reactivate it."), field="email")
    series_role_grant(series=series, user=user, role=role, actor=actor)
    message_queue(
        kind="organiser_invitation",
        message=NewMessage(
            key=f"invitation:{series.pk}:{user.pk}:{uuid.uuid4().hex}",
            to_email=user.email or user.username,
            about=user,
            series_id=series.pk,
            context={"language": language or get_language() or "en", "invited_by": str(actor) if actor else ""},
        ),
    )
    details = {"user": user.username, "user_id": user.pk, "role": role, "new": created}
    log_action("series.member_invited", actor=actor, obj=series, data=details)
    return user


@transaction.atomic
def team_member_change_role(*, series: Series, user: Any, role: str, actor: Any) -> SeriesRole:
    """Change a member's role; the last owner of a series cannot step down (someone must manage the team)."""
    current = SeriesRole.objects.select_for_update().filter(series=series, user=user).first()
    if current is None:
        raise NotAllowed(_("This person is not on the series' team."))
    if current.role == SeriesRole.Role.OWNER and role != SeriesRole.Role.OWNER:
        _keep_an_owner(series, leaving=user)
    return series_role_grant(series=series, user=user, role=role, actor=actor)


@transaction.atomic
def team_member_remove(*, series: Series, user: Any, actor: Any) -> bool:
    current = SeriesRole.objects.select_for_update().filter(series=series, user=user).first()
    if current is None:
        return False
    if current.role == SeriesRole.Role.OWNER:
        _keep_an_owner(series, leaving=user)
    return series_role_revoke(series=series, user=user, actor=actor)


def _keep_an_owner(series: Series, *, leaving: Any) -> None:
    others = SeriesRole.objects.filter(series=series, role=SeriesRole.Role.OWNER).exclude(user=leaving)
    if not others.filter(user__is_active=True).exists():
        raise NotAllowed(_("A series needs at least one owner: make someone else owner first."))


@transaction.atomic
def organiser_add(*, email: str, series: Series, role: str, password: str | None = None, actor: Any = None) -> tuple[Any, bool]:
    """Create or update an organiser with ``role`` on ``series`` (``manage.py add_organiser``).

    With ``password`` the account can sign in at once (the password is checked by the
    installation's validators); without, the caller hands out a one-time link
    (``organise.mail.set_password_path``).
    """
    user, created = organiser_get_or_create(email=email)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as invalid:
            raise DomainError(" ".join(invalid.messages), field="password") from None
        user.set_password(password)
    if not user.is_active:
        user.is_active = True
    user.save()
    series_role_grant(series=series, user=user, role=role, actor=actor)
    log_action("series.member_added", actor=actor, obj=series, data={"user": user.username, "user_id": user.pk, "role": role})
    return user, created
