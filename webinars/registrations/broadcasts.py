"""Organisers writing to a webinar's registrants: a message in each registrant's language, a test
to themselves first, a preview of the real e-mail, and "the recording is available".

Writes (``webinar_message_send``, ``webinar_message_test``, ``webinar_recording_publish``) own
their transaction and log; previews (``message_preview``) only read and render. Who is in an
audience (confirmed, waitlisted, attended…) is decided by the caller, which may combine apps
above this one (attendance): the service takes the recipients as a queryset of this webinar's
registrations and keeps only those of the webinar that are not erased.
"""

from __future__ import annotations

import copy
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from webinars.audit.display import register_labels
from webinars.audit.services import log_action
from webinars.core.errors import DomainError
from webinars.mail import rendering as mail_rendering
from webinars.mail.models import OutgoingMessage
from webinars.mail.services import NewMessage, message_queue
from webinars.programme.models import Webinar
from webinars.programme.services import webinar_recording_set

from . import messaging
from .models import Registration
from .services import webinar_recording_announce

SUBJECT_MAX = 200
BODY_MAX = 10000
MESSAGE_KEY_PREFIX = "organiser-message:"


class Audience(models.TextChoices):
    CONFIRMED = "confirmed", gettext_lazy("confirmed registrants")
    WAITLISTED = "waitlisted", gettext_lazy("people on the waiting list")
    ATTENDED = "attended", gettext_lazy("people who attended")
    NOT_ATTENDED = "not_attended", gettext_lazy("confirmed registrants who did not attend")


register_labels("audience", Audience)

Text = tuple[str, str]  # (subject, body)


@dataclass
class Preview:
    language: str
    subject: str
    text: str
    html: str


def batch_key_prefix(batch: str) -> str:
    """The start of the keys of one sending's messages (the mail app's history of it)."""
    return f"{MESSAGE_KEY_PREFIX}{batch}:"


def _clean(text: Text | None, *, required: bool) -> Text | None:
    subject, body = (" ".join((text or ("", ""))[0].split()), (text or ("", ""))[1].strip())
    if not subject and not body and not required:
        return None
    if not subject:
        raise DomainError(_("Write a subject."), field="subject")
    if not body:
        raise DomainError(_("Write the message."), field="body")
    if len(subject) > SUBJECT_MAX:
        raise DomainError(_("The subject is too long (at most %(max)d characters).") % {"max": SUBJECT_MAX}, field="subject")
    if len(body) > BODY_MAX:
        raise DomainError(_("The message is too long (at most %(max)d characters).") % {"max": BODY_MAX}, field="body")
    return subject, body


def _texts(texts: dict[str, Text], fallback: Text) -> tuple[dict[str, Text], Text]:
    """Validated texts: the fallback is required, a language left empty uses it."""
    clean_fallback = _clean(fallback, required=True)
    assert clean_fallback is not None
    clean = {}
    for language, text in texts.items():
        try:
            value = _clean(text, required=False)
        except DomainError as error:
            raise DomainError(f"{error} ({language})", field=f"{error.field}_{language}") from None
        if value is not None:
            clean[language] = value
    return clean, clean_fallback


def webinar_message_send(
    *, webinar: Webinar, audience: str, recipients: QuerySet[Registration], texts: dict[str, Text], fallback: Text, actor: Any
) -> dict[str, int]:
    """Queue one ``organiser_message`` per recipient, in their language (``texts[language]``, else
    ``fallback``). Returns how many went out per language; logs ``webinar.message_sent``."""
    if audience not in Audience.values:
        raise DomainError(_("Choose who receives the message."), field="audience")
    texts, fallback = _texts(texts, fallback)
    batch = uuid.uuid4().hex
    by_language: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with transaction.atomic():
        rows = recipients.filter(webinar=webinar, erased_at__isnull=True).order_by("pk").values_list("pk", "uuid", "language")
        for pk, registration_uuid, language in rows:
            used = language if language in texts else ""
            by_language[used].append((pk, f"{batch_key_prefix(batch)}{registration_uuid}"))
        counts = {}
        for language, items in sorted(by_language.items()):
            subject, body = texts.get(language, fallback)
            context = {"subject": subject, "body": body, "batch": batch, "audience": audience}
            counts[language or "fallback"] = messaging.queue_many(kind="organiser_message", items=items, context=context)
        total = sum(counts.values())
        data = {"count": total, "audience": audience, "batch": batch, "languages": counts}
        log_action("webinar.message_sent", actor=actor, obj=webinar, data=data)
    return counts


def webinar_message_test(*, webinar: Webinar, texts: dict[str, Text], fallback: Text, actor: Any) -> list[str]:
    """E-mail the organiser (``actor``) each text as registrants will get it, marked as a test.

    Returns the languages sent (``""`` for the fallback), each rendered in that language.
    """
    to_email = getattr(actor, "email", "") or getattr(actor, "username", "")
    if "@" not in to_email:
        raise DomainError(_("Your account has no e-mail address to send the test to."))
    texts, fallback = _texts(texts, fallback)
    test = uuid.uuid4().hex
    sent = []
    with transaction.atomic():
        for language, (subject, body) in [("", fallback), *sorted(texts.items())]:
            context = {"subject": subject, "body": body, "language": language or webinar.original_language, "time_zone": webinar.time_zone}
            message_queue(
                kind="organiser_message_test",
                message=NewMessage(
                    key=f"organiser-message-test:{test}:{language or 'fallback'}",
                    to_email=to_email,
                    about=webinar,
                    series_id=webinar.series_id,
                    context={**context, "test": True},
                ),
            )
            sent.append(language)
        log_action("webinar.message_tested", actor=actor, obj=webinar, data={"languages": [lang or "fallback" for lang in sent]})
    return sent


def _preview(kind: str, *, webinar: Webinar, language: str, sample: Registration | None, context: dict) -> Preview:
    message = OutgoingMessage(kind=kind, key="preview", to_email=sample.email if sample else "preview@example.invalid", context=context)
    time_zone = sample.time_zone if sample else webinar.time_zone
    messaging.stand_in(message, webinar=webinar, language=language, time_zone=time_zone, name=sample.name if sample else "")
    email = mail_rendering.render(message)
    html = next((content for content, mimetype in email.alternatives if mimetype == "text/html"), "")
    return Preview(language=language, subject=str(email.subject), text=str(email.body), html=str(html))


def message_preview(*, webinar: Webinar, text: Text, language: str, sample: Registration | None = None) -> Preview:
    """The e-mail a registrant in ``language`` gets (subject, text and HTML), rendered by the mail
    app for a stand-in of ``sample`` (their language and time zone; no real link)."""
    subject, body = text
    return _preview("organiser_message", webinar=webinar, language=language, sample=sample, context={"subject": subject, "body": body})


def recording_preview(*, webinar: Webinar, url: str, language: str, sample: Registration | None = None) -> Preview:
    """The "recording available" e-mail as it would go out with ``url`` (nothing is stored)."""
    shown = copy.copy(webinar)
    shown.recording_url = url
    return _preview("recording", webinar=shown, language=language, sample=sample, context={})


def webinar_recording_publish(*, webinar: Webinar, url: str, actor: Any) -> int:
    """Store the recording's address and tell the confirmed registrants not told yet (each once)."""
    with transaction.atomic():
        webinar_recording_set(webinar=webinar, url=url, actor=actor)
        if not webinar.recording_url:
            raise DomainError(_("Paste the address of the recording."), field="recording_url")
        return webinar_recording_announce(webinar=webinar, actor=actor)
