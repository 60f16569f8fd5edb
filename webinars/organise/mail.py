"""The workspace's e-mail kind: an invitation to a series, with a link to choose a password (queued by ``team.services``).

The link is made when the e-mail is rendered (Django's password-reset token: it expires after
``PASSWORD_RESET_TIMEOUT`` and as soon as the password is set), so no secret is stored in the
queued message.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_noop

from webinars.core.i18n import i18n_text
from webinars.core.timezones import get_zone
from webinars.mail.models import OutgoingMessage
from webinars.mail.registry import MessageKind, Rendering, register
from webinars.programme.models import Series, SeriesRole


def set_password_path(user) -> str:  # type: ignore[no-untyped-def]
    """The one-time address where ``user`` chooses a password (the workspace's page)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("organise:password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def _locale(message: OutgoingMessage) -> tuple[str, dt.tzinfo]:
    language = message.context.get("language") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return language, get_zone(settings.DEFAULT_VIEWER_TIME_ZONE)


def _invitation(message: OutgoingMessage) -> Rendering:
    user = get_user_model().objects.get(pk=message.about_id)
    series = Series.objects.select_related("organiser").get(pk=message.series_id)
    role = SeriesRole.objects.filter(series=series, user=user).values_list("role", flat=True).first() or ""
    title = i18n_text(series.title)
    needs_password = not user.has_usable_password()
    context = {
        "user": user,
        "series": series,
        "series_title": title,
        "role_label": SeriesRole.Role(role).label if role else "",
        "invited_by": message.context.get("invited_by", ""),
        "needs_password": needs_password,
        "set_password_url": settings.SITE_URL + set_password_path(user) if needs_password else "",
        "sign_in_url": settings.SITE_URL + reverse("organise:login"),
        "workspace_url": settings.SITE_URL + reverse("organise:dashboard"),
    }
    return Rendering(context=context, title=title)


def register_kinds() -> None:
    register(
        MessageKind(
            name="organiser_invitation",
            subject=gettext_noop("You are invited to organise: {title}"),
            template="organise/email/invitation",
            locale=_locale,
            build=_invitation,
        )
    )
