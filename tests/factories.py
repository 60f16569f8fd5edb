"""factory_boy factories for the programme (shared by every test module)."""

import datetime as dt

import factory
from django.utils import timezone

from webinars.programme.models import Organisation, Person, Series, Webinar, WebinarLink, WebinarSpeaker


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
    start_date = factory.LazyAttribute(lambda o: o.starts_at.astimezone(dt.UTC).date() if o.starts_at else timezone.now().date())
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
