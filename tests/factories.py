"""factory_boy factories for every model the tests build (shared by every test module).

Each factory makes a valid row with the fewest arguments; a test names what it is about.
"""

import datetime as dt
import hashlib

import factory
from django.conf import settings
from django.utils import timezone

from webinars.attendance.models import AttendanceImport, Attendee
from webinars.audit.models import LogEntry
from webinars.certificates.models import Certificate, CertificateSignature, CertificateTemplate
from webinars.core.timezones import get_zone
from webinars.feedback.models import FeedbackInvitation, FeedbackResponse
from webinars.library.models import Caption, LibraryItem, Theme
from webinars.programme.models import Organisation, Person, Series, SeriesRole, Webinar, WebinarLink, WebinarSpeaker
from webinars.registrations.models import Booking, Registration, RegistrationQuestion

# --- programme ---------------------------------------------------------------------------


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: {"en": f"Organisation {n}", "ru": f"Организация {n}"})


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: {"en": f"Speaker {n}", "ru": f"Спикер {n}"})


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    slug = factory.Sequence(lambda n: f"series-{n}")
    title = factory.Sequence(lambda n: {"en": f"Series {n}", "ru": f"Серия {n}"})
    organiser = factory.SubFactory(OrganisationFactory)
    time_zone = "Asia/Almaty"


class WebinarFactory(factory.django.DjangoModelFactory):
    """A published webinar a week from now at 10:00 UTC, unless told otherwise."""

    class Meta:
        model = Webinar

    series = factory.SubFactory(SeriesFactory)
    slug = factory.Sequence(lambda n: f"webinar-{n}")
    title = factory.Sequence(lambda n: {"en": f"Webinar {n}", "ru": f"Вебинар {n}"})
    status = Webinar.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0))
    # Without a time, "today" is the organiser's today (it is tomorrow in Almaty from 19:00 UTC).
    start_date = factory.LazyAttribute(
        lambda o: o.starts_at.astimezone(dt.UTC).date() if o.starts_at else timezone.now().astimezone(get_zone(o.time_zone)).date()
    )
    time_zone = "Asia/Almaty"
    language = "ru"
    meeting_url = "https://meet.example.org/secret-room-123"


class WebinarSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebinarSpeaker

    webinar = factory.SubFactory(WebinarFactory)
    person = factory.SubFactory(PersonFactory)
    role = {"en": "Curator"}


class WebinarLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebinarLink

    webinar = factory.SubFactory(WebinarFactory)
    title = {"en": "A useful link"}
    url = "https://example.org/resource"


class SeriesRoleFactory(factory.django.DjangoModelFactory):
    """A role on a series for a staff user (an editor unless told otherwise)."""

    class Meta:
        model = SeriesRole

    series = factory.SubFactory(SeriesFactory)
    user = factory.SubFactory("tests.factories.UserFactory", is_staff=True)
    role = SeriesRole.Role.EDITOR


# --- users -------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the password "pw"; ``UserFactory(staff=True)`` for the back office, ``superuser=True`` for everything."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw")


# --- registrations -----------------------------------------------------------------------


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    email = factory.Sequence(lambda n: f"person-{n}@example.org")


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration with a booking of its own (same e-mail and language) unless told otherwise.

    As the registration service leaves them: a pending one holds its seat for a day
    (``expires_at``), only a confirmed one has ``confirmed_at``; the privacy notice is
    accepted. The name defaults to the e-mail's local part ("dinara@…" → "Dinara").
    """

    class Meta:
        model = Registration

    class Params:
        now = factory.LazyFunction(timezone.now)

    webinar = factory.SubFactory(WebinarFactory)
    email = factory.Sequence(lambda n: f"person-{n}@example.org")
    name = factory.LazyAttribute(lambda o: o.email.split("@")[0].title())
    status = Registration.Status.CONFIRMED
    language = "en"
    booking = factory.SubFactory(BookingFactory, email=factory.SelfAttribute("..email"), language=factory.SelfAttribute("..language"))
    consent_privacy_at = factory.SelfAttribute("now")
    confirmed_at = factory.LazyAttribute(lambda o: o.now if o.status == Registration.Status.CONFIRMED else None)
    expires_at = factory.LazyAttribute(lambda o: o.now + dt.timedelta(days=1) if o.status == Registration.Status.PENDING else None)


class RegistrationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationQuestion

    series = factory.SubFactory(SeriesFactory)
    label = factory.Sequence(lambda n: {"en": f"Question {n}"})


class LogEntryFactory(factory.django.DjangoModelFactory):
    """An activity-log line about a registration (its creation, unless told otherwise)."""

    class Meta:
        model = LogEntry

    content_object = factory.SubFactory(RegistrationFactory)
    action = "registration.created"
    webinar = factory.LazyAttribute(lambda o: getattr(o.content_object, "webinar", None))
    series = factory.LazyAttribute(lambda o: o.webinar.series if o.webinar else None)
    data = factory.LazyAttribute(lambda o: {"from_status": "", "to_status": getattr(o.content_object, "status", "")})


# --- attendance --------------------------------------------------------------------------


class AttendanceImportFactory(factory.django.DjangoModelFactory):
    """The current (not replaced) import of a Zoom webinar report."""

    class Meta:
        model = AttendanceImport

    webinar = factory.SubFactory(WebinarFactory)
    format = AttendanceImport.Format.ZOOM_WEBINAR
    file_name = "report.csv"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"report-{n}".encode()).hexdigest())


class AttendeeFactory(factory.django.DjangoModelFactory):
    """Someone in an import's report who stayed 80 minutes and counts as attended.

    Matched by e-mail to ``registration`` (name and e-mail as registered), or a walk-in without one.
    """

    class Meta:
        model = Attendee

    attendance_import = factory.SubFactory(AttendanceImportFactory)
    webinar = factory.SelfAttribute("attendance_import.webinar")
    registration = None
    name = factory.LazyAttribute(lambda o: o.registration.name if o.registration else "Walk In")
    email = factory.LazyAttribute(lambda o: o.registration.email if o.registration else "")
    minutes = 80
    attended = True
    match = factory.LazyAttribute(lambda o: Attendee.Match.EMAIL if o.registration else Attendee.Match.WALK_IN)


# --- certificates ------------------------------------------------------------------------


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    """A series' certificate design (``webinar=`` makes it one webinar's override)."""

    class Meta:
        model = CertificateTemplate

    series = factory.SubFactory(SeriesFactory)


class CertificateSignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateSignature

    template = factory.SubFactory(CertificateTemplateFactory)
    name = factory.Sequence(lambda n: {"en": f"Signer {n}"})


class CertificateFactory(factory.django.DjangoModelFactory):
    """A webinar certificate of ``registration`` issued now (without a PDF)."""

    class Meta:
        model = Certificate

    kind = Certificate.Kind.WEBINAR
    registration = factory.SubFactory(RegistrationFactory)
    webinar = factory.SelfAttribute("registration.webinar")
    series = factory.SelfAttribute("webinar.series")
    participant_email = factory.SelfAttribute("registration.email")
    name_on_certificate = factory.SelfAttribute("registration.name")
    issued_at = factory.LazyFunction(timezone.now)


# --- feedback ----------------------------------------------------------------------------


class FeedbackInvitationFactory(factory.django.DjangoModelFactory):
    """The survey link of a registration, queued now."""

    class Meta:
        model = FeedbackInvitation

    registration = factory.SubFactory(RegistrationFactory)
    webinar = factory.SelfAttribute("registration.webinar")
    sent_at = factory.LazyFunction(timezone.now)


class FeedbackResponseFactory(factory.django.DjangoModelFactory):
    """An answer to a webinar's survey (give ``invitation=`` to tie it to one)."""

    class Meta:
        model = FeedbackResponse

    webinar = factory.SubFactory(WebinarFactory)
    invitation = None
    rating = 4


# --- library -----------------------------------------------------------------------------


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: {"en": f"Theme {n}", "ru": f"Тема {n}"})


class LibraryItemFactory(factory.django.DjangoModelFactory):
    """A published link item (saved directly: index it with ``library.services`` when a test searches)."""

    class Meta:
        model = LibraryItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: {"en": f"Guide {n}"})
    kind = LibraryItem.Kind.GUIDE
    url = "https://example.org/guide.pdf"
    languages = factory.LazyFunction(lambda: ["en"])
    status = LibraryItem.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def webinars(self, create, extracted, **kwargs):
        if create and extracted:
            self.webinars.set(extracted)


class CaptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caption

    item = factory.SubFactory(LibraryItemFactory, kind=LibraryItem.Kind.RECORDING)
    language = "en"
    file = factory.django.FileField(filename="captions.vtt", data=b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n")
    cues = factory.LazyFunction(lambda: [[1.0, 2.0, "Hello"]])
