"""Registrations' e-mail: its message kinds, and ``queue``/``queue_many`` on top of the mail app.

Every message of this app is about a registration or a booking, belongs to the booking's
group ``booking:<id>`` (so erasure finds all of a booking's messages) and to the series
of its webinars (so organisers see it). Rendering reads the registration when the message
is sent, in the registrant's current language and time zone.

Certificates and feedback build their e-mails on ``registration_locale`` and
``registration_rendering`` (the manage link, the webinar, the join link) and register
their own kinds; this module knows nothing about them.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from webinars.core.i18n import i18n_text
from webinars.core.pseudonyms import erased_address
from webinars.core.timezones import get_zone, parse_time_zone
from webinars.mail import services as mail
from webinars.mail.models import OutgoingMessage
from webinars.mail.registry import MessageKind, Rendering, register
from webinars.programme.models import Series, Webinar

from .models import Booking, Registration


class MessageSubjectGone(LookupError):
    """The registration or booking the message is about no longer exists."""


def booking_group(booking_id: int) -> str:
    return f"booking:{booking_id}"


def _series_id(registration: Registration | None, booking: Booking) -> int | None:
    if registration is not None:
        return registration.webinar.series_id
    if booking.series_id:
        return booking.series_id
    # A booking for one webinar: all its registrations are of one series.
    return Registration.objects.filter(booking=booking).values_list("webinar__series_id", flat=True).first()


def queue(
    *,
    kind: str,
    key: str,
    registration: Registration | None = None,
    booking: Booking | None = None,
    context: dict | None = None,
    series_id: int | None = None,
) -> OutgoingMessage | None:
    """Create the message for ``key`` unless it exists; deliver after commit. Returns it, or None if it existed.

    ``series_id``: the booking's series when the caller knows it (saves a query)."""
    booking = booking or registration.booking
    new = mail.NewMessage(
        key=key,
        to_email=registration.email if registration else booking.email,
        about=registration or booking,
        series_id=series_id or _series_id(registration, booking),
        group=booking_group(booking.pk),
        context=context or {},
    )
    return mail.message_queue(kind=kind, message=new)


def queue_many(*, kind: str, items: list[tuple[int, str]], context: dict | None = None) -> int:
    """Queue one message per (registration id, key), skipping keys already queued. Returns how many are new."""
    if not items:
        return 0
    # Reminders call this every run for every recipient: skip the known keys before reading registrations.
    existing = mail.messages_existing_keys(key for _, key in items)
    fresh = [(pk, key) for pk, key in items if key[: mail.KEY_LENGTH] not in existing]
    if not fresh:
        return 0
    rows = Registration.objects.filter(pk__in=[pk for pk, _ in fresh]).values("pk", "email", "booking_id", "webinar__series_id")
    registrations = {row["pk"]: row for row in rows}
    messages = [
        mail.NewMessage(
            key=key,
            to_email=registrations[pk]["email"],
            about=Registration(pk=pk),  # only its type and id are stored
            series_id=registrations[pk]["webinar__series_id"],
            group=booking_group(registrations[pk]["booking_id"]),
            context=context or {},
        )
        for pk, key in fresh
    ]
    return mail.messages_queue_many(kind=kind, messages=messages)


def erase_for_registrations(*, registrations: Iterable[Registration]) -> int:
    """Erase the address and context of the messages about ``registrations`` (their booking keeps others)."""
    rows = list(registrations)
    return mail.messages_erase_for(about=rows, to_email=erased_address(rows[0].email)) if rows else 0


def erase_for_booking(*, booking: Booking, registrations: Iterable[Registration], to_email: str) -> int:
    """Erase the address and context of every message of ``booking`` and its registrations."""
    return mail.messages_erase_for(about=[booking, *registrations], group=booking_group(booking.pk), to_email=to_email)


# --- rendering -------------------------------------------------------------------------------


def _subject(message: OutgoingMessage) -> tuple[Registration | None, Booking]:
    """The registration (or None) and booking of ``message``, read once per message."""
    cached = getattr(message, "_registrations_subject", None)
    if cached is not None:
        return cached
    registration = None
    if message.about_type_id == ContentType.objects.get_for_model(Registration).pk:
        registration = Registration.objects.select_related("webinar__series__organiser", "booking").filter(pk=message.about_id).first()
        if registration is None:
            raise MessageSubjectGone(message.key)
    booking_id = message.group.removeprefix("booking:") if message.group.startswith("booking:") else ""
    if registration is not None and (not booking_id or int(booking_id) == registration.booking_id):
        booking = registration.booking
    else:
        # The booking the message was queued under (a registration may since have moved to a new one).
        booking = Booking.objects.filter(pk=int(booking_id) if booking_id else message.about_id).first()
        if booking is None:
            raise MessageSubjectGone(message.key)
    message._registrations_subject = (registration, booking)
    return registration, booking


def prefetch_subjects(messages: list[OutgoingMessage]) -> None:
    """Read the registrations and bookings of a batch of messages in two queries (for ``_subject``)."""
    registration_type = ContentType.objects.get_for_model(Registration).pk
    registration_ids = {m.about_id for m in messages if m.about_type_id == registration_type}
    registrations = {
        r.pk: r for r in Registration.objects.select_related("webinar__series__organiser", "booking").filter(pk__in=registration_ids)
    }
    booking_ids = {int(m.group.removeprefix("booking:")) for m in messages if m.group.startswith("booking:")}
    booking_ids |= {m.about_id for m in messages if m.about_type_id != registration_type and m.about_id and not m.group}
    bookings = {b.pk: b for b in Booking.objects.filter(pk__in=booking_ids - {r.booking_id for r in registrations.values()})}
    bookings.update({r.booking_id: r.booking for r in registrations.values()})
    for message in messages:
        registration = registrations.get(message.about_id) if message.about_type_id == registration_type else None
        if message.about_type_id == registration_type and registration is None:
            continue  # gone: ``_subject`` raises for it when it is rendered
        booking_id = int(message.group.removeprefix("booking:")) if message.group.startswith("booking:") else message.about_id
        if registration is not None and (not message.group.startswith("booking:") or booking_id == registration.booking_id):
            booking = registration.booking
        else:
            booking = bookings.get(booking_id)
        if booking is not None:
            message._registrations_subject = (registration, booking)


def registration_locale(message: OutgoingMessage) -> tuple[str, dt.tzinfo]:
    """The registrant's language and time zone (those of the registration, else of the booking)."""
    registration, booking = _subject(message)
    language = (registration.language if registration else booking.language) or settings.LANGUAGE_CODE
    zone = parse_time_zone(registration.time_zone if registration else booking.time_zone) or get_zone("UTC")
    return language, zone


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _when_shown(build: Callable[[], str]) -> Callable[[], str]:
    """A link built the first time a template shows it (templates call what they are given):
    most e-mails show one or two of the three links, and each costs a signature and a
    ``reverse`` (the reminder bench sends 20,000)."""
    return functools.cache(build)


def link_text(value: str | Callable[[], str]) -> str:
    """A rendering's link as text, for use outside a template."""
    return value() if callable(value) else value


def registration_rendering(message: OutgoingMessage) -> Rendering:
    """The context every registrant's e-mail has: links to manage, confirm and join, the webinar.

    The links are signed here, as the e-mail is rendered (``core.links``): the message row
    holds no token, so the outgoing-mail screens and a database copy hold none either.
    """
    from .selectors import booking_confirm_token, booking_manage_token, booking_registrations, registration_join_token

    registration, booking = _subject(message)
    webinar = registration.webinar if registration else None
    registrations = list(booking_registrations(booking)) if message.kind == "confirm_request" else []
    series = _series_of(webinar, booking, registrations)
    organiser = _organiser_context(series)
    context = {
        "registration": registration,
        "booking": booking,
        "webinar": webinar,
        "manage_url": _when_shown(lambda: _absolute(reverse("registrations:manage", args=[booking_manage_token(booking)]))),
        "confirm_url": _when_shown(lambda: _absolute(reverse("registrations:confirm", args=[booking_confirm_token(booking)]))),
        "join_url": _when_shown(lambda: _absolute(reverse("registrations:join", args=[registration_join_token(registration)])))
        if registration
        else "",
        "webinar_url": _when_shown(lambda: _absolute(webinar.get_absolute_url())) if webinar else "",
        "series_url": _when_shown(lambda: _absolute(series.get_absolute_url())) if series else "",
        "registrations": registrations,
        **organiser,
    }
    title = i18n_text(webinar.title, translation.get_language(), webinar.original_language) if webinar else ""
    rendering = Rendering(context=context, title=title, reply_to=[series.contact_email] if series and series.contact_email else [])
    if message.kind in SHARED_KINDS and webinar is not None:
        # The same e-mail to every registrant of the webinar but for their own links: the
        # worker renders the templates once per batch and language (mail.rendering.SharedBodies).
        rendering.shared_key = ("webinar", webinar.pk, series.pk if series else None, tuple(sorted(organiser.items())))
        rendering.own_links = ("manage_url", "confirm_url", "join_url")
        rendering.own_values = ("registration", "booking", "registrations")
    return rendering


# Kinds sent to all the registrants of a webinar at once, whose templates show nothing of the
# registrant but their links (a test renders each both ways and compares).
SHARED_KINDS = frozenset({"reminder", "recording", "webinar_cancelled", "webinar_postponed", "organiser_message"})


def _series_of(webinar, booking: Booking, registrations: list[Registration]) -> Series | None:
    if webinar is not None:
        return webinar.series
    if booking.series_id:
        return booking.series
    first = registrations[0] if registrations else booking.registrations.select_related("webinar__series").first()
    return first.webinar.series if first else None


def _organiser_context(series: Series | None) -> dict:
    """Who sends the e-mail and how to reach them: the footer of every registrant's e-mail."""
    if series is None:
        return {"organiser": "", "contact_email": "", "organiser_website": ""}
    organiser = series.organiser
    website = organiser.website or ""
    return {
        "organiser": i18n_text(organiser.name, translation.get_language(), organiser.original_language),
        "contact_email": series.contact_email,
        "organiser_website": website,
        "organiser_website_label": website.split("://", 1)[-1].rstrip("/"),
    }


def _confirm_request(message: OutgoingMessage) -> Rendering:
    """One message that explains all a registrant must do: confirm the address, and, when on
    the waiting list, what happens after that. The deadline is in the registrant's zone."""
    rendering = registration_rendering(message)
    waiting_states = (Registration.Status.PENDING, Registration.Status.WAITLISTED)
    registrations = [r for r in rendering.context["registrations"] if r.status in waiting_states]
    rendering.context["registrations"] = registrations
    waitlisted = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
    pending = [r for r in registrations if r.status == Registration.Status.PENDING]
    deadlines = [r.expires_at for r in pending if r.expires_at]
    rendering.context.update(
        waitlisted=waitlisted,
        pending=pending,
        deadline=min(deadlines) if deadlines else None,
    )
    if waitlisted and not pending:
        rendering.subject = translation.gettext("Confirm your e-mail address to stay on the waiting list")
    return rendering


def _with_calendar(message: OutgoingMessage) -> Rendering:
    """Confirmed and promoted registrants get the webinar as a calendar file, with their join link."""
    rendering = registration_rendering(message)
    registration = rendering.context["registration"]
    if registration is not None and registration.status == Registration.Status.CONFIRMED:
        from webinars.programme.calendar import calendar_for

        ics = calendar_for(
            [registration.webinar],
            name=rendering.title,
            language=translation.get_language(),
            description_extra=translation.gettext("Your join link: %s") % link_text(rendering.context["join_url"]),
        )
        rendering.attachments.append(("webinar.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH"))
    return rendering


def _fresh_links(message: OutgoingMessage) -> Rendering:
    """Every booking of the address with its webinars and a fresh self-service link (signed now).

    Asked for from an expired or unknown link's page; read at delivery, so a booking made or
    erased meanwhile is shown as it is then.
    """
    from .selectors import booking_manage_path, booking_registrations, bookings_of_address

    rendering = registration_rendering(message)
    booking = rendering.context["booking"]
    rendering.context["bookings"] = [
        {"manage_url": _absolute(booking_manage_path(b)), "registrations": list(booking_registrations(b).filter(erased_at__isnull=True))}
        for b in bookings_of_address(booking.email)[:20]
    ]
    rendering.context["manage_url"] = ""  # each booking has its own, above
    return rendering


def _organiser_message(message: OutgoingMessage) -> Rendering:
    rendering = registration_rendering(message)
    rendering.subject = message.context.get("subject", "")  # the organiser's own words, not translated
    return rendering


def stand_in(message: OutgoingMessage, *, webinar, language: str, time_zone: str, name: str = "") -> None:
    """Let ``message`` render for a stand-in registrant of ``webinar`` (a preview, a test to the organiser).

    The stand-in exists only in memory with fresh random uuids: its links are signed for rows
    that do not exist and open nothing, so a preview never shows an organiser a real
    registrant's self-service or join link.
    """
    booking = Booking(uuid=uuid.uuid4(), email=message.to_email, language=language, time_zone=time_zone)
    registration = Registration(
        uuid=uuid.uuid4(),
        webinar=webinar,
        booking=booking,
        email=message.to_email,
        name=name,
        language=language,
        time_zone=time_zone,
        status=Registration.Status.CONFIRMED,
    )
    message._registrations_subject = (registration, booking)


def _test_locale(message: OutgoingMessage) -> tuple[str, dt.tzinfo]:
    return message.context.get("language") or settings.LANGUAGE_CODE, get_zone(message.context.get("time_zone") or "UTC")


def _organiser_message_test(message: OutgoingMessage) -> Rendering:
    """An organiser's message sent to themselves first, as a registrant in ``context["language"]`` gets it."""
    webinar = Webinar.objects.select_related("series__organiser").get(pk=message.about_id)
    language, time_zone = message.context.get("language") or "en", message.context.get("time_zone") or "UTC"
    stand_in(message, webinar=webinar, language=language, time_zone=time_zone)
    rendering = _organiser_message(message)
    rendering.subject = translation.gettext("[Test] %(subject)s") % {"subject": rendering.subject}
    return rendering


SUBJECTS = {
    "confirm_request": gettext_noop("Please confirm your registration"),
    "webinar_cancelled": gettext_noop("Cancelled: {title}"),
    "webinar_postponed": gettext_noop("Postponed: {title}"),
    "confirmed": gettext_noop("You are registered: {title}"),
    "waitlisted": gettext_noop("You are on the waiting list: {title}"),
    "promoted": gettext_noop("A seat is free for you: {title}"),
    "reminder": gettext_noop("Reminder: {title} starts soon"),
    "cancelled": gettext_noop("Your registration is cancelled: {title}"),
    "cancelled_by_organiser": gettext_noop("Your registration was cancelled by the organiser: {title}"),
    "recording": gettext_noop("The recording is available: {title}"),
    "manage_link": gettext_noop("Your registration with Museum Webinars"),
    "fresh_links": gettext_noop("Your links to your registrations"),
    "organiser_message": "",  # the organiser writes the subject
}
BUILDERS = {
    "confirmed": _with_calendar,
    "promoted": _with_calendar,
    "organiser_message": _organiser_message,
    "confirm_request": _confirm_request,
    "fresh_links": _fresh_links,
}


def register_kinds() -> None:
    """Called from RegistrationsConfig.ready()."""
    for name, subject in SUBJECTS.items():
        register(
            MessageKind(
                name=name,
                subject=subject,
                template=f"registrations/email/{name}",
                locale=registration_locale,
                build=BUILDERS.get(name, registration_rendering),
                prefetch=prefetch_subjects,
            )
        )
    register(
        MessageKind(
            name="organiser_message_test",
            subject="",
            template="registrations/email/organiser_message",
            locale=_test_locale,
            build=_organiser_message_test,
        )
    )
