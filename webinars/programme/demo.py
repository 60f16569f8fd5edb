"""The built-in demo programme: the UNESCO Almaty webinar series of 2021 from ``shared/seed``.

Only facts stated on the source page are used (titles, dates, speakers and their roles,
the partner, the titles of the useful links, the permanent link). Times were not given,
so every webinar is "time to be announced". Link addresses were not given, so they stay
empty. A clearly labelled sample series adds upcoming webinars for trying the site.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import Organisation, Person, Series, Webinar, WebinarLink, WebinarSpeaker
from .services import webinar_schedule

SOURCE_PAGE = "http://en.unesco.kz/migration-and-diversity-as-part-of-relevant-social-agenda-in-museum-practices-br-webinar"

SERIES_DESCRIPTION = (
    "<p>UNESCO Cluster Office in Almaty continues a series of online capacity-building webinars for the "
    "museum workers from the states of Central Asia and Southern Caucasus.</p>"
)
SERIES_DESCRIPTION_RU = (
    "<p>Кластерное бюро ЮНЕСКО в Алматы продолжает серию онлайн-вебинаров по повышению потенциала "
    "для музейных работников государств Центральной Азии и Южного Кавказа.</p>"
)

# (date, slug, English title, Russian title) as listed under "Previous webinars" on the source page.
EARLIER_WEBINARS = [
    (
        "2021-02-11",
        "evacuation-and-emergency-rescue-of-museum-collections",
        "Evacuation and Emergency Rescue of Museum Collections and Objects",
        "Эвакуация и экстренное спасение музейных коллекций и предметов",
    ),
    ("2021-02-25", "inclusiveness-in-the-work-of-museums", "Inclusiveness in the Work of Museums", "Инклюзивность в работе музеев"),
    ("2021-03-17", "travelling-exhibitions", "Travelling Exhibitions", "Передвижные выставки"),
    ("2021-03-31", "museum-labels", "Museum Labels: History, Methods and Approaches", "Музейные этикетки: история, методы и подходы"),
    (
        "2021-04-07",
        "digitalization-of-museums-collections",
        "Digitalization of Museums Collections and Procedures",
        "Цифровизация музейных коллекций и процедур",
    ),
    (
        "2021-04-09",
        "the-work-of-icom-russia",
        "The Work of ICOM Russia as a Tool to Strengthen the Museum Community",
        "Работа ИКОМ России как инструмент укрепления музейного сообщества",
    ),
    (
        "2021-04-15",
        "digital-development-of-museums-and-libraries",
        "Digital Development of Museums and Libraries",
        "Цифровое развитие музеев и библиотек",
    ),
]

MIGRATION_TITLE = "Migration and Diversity as Part of Relevant Social Agenda in Museum Practices"
MIGRATION_DESCRIPTION = (
    "<p>The themes of migration, mobility and diversity have always been part of the social agenda of museums, "
    "and can also be part of absolutely any modern museum. During the webinar organised in cooperation with "
    "ICOM Russia, Dinara Khalikova and Olga Sinitsyna proved the previously mentioned statement.</p>"
)
USEFUL_LINKS = [
    "Migrations: Revealing the Personal Project",
    "Museum practices and recommendations for working on Migration, Mobility and Diversity",
    "“Where I am” documentary movie",
    "“Museums and People in the Mobile World” International Online Seminar",
    "Materials of the “Heritage Interpretation: Power of Storytelling in Museums” International Conference",
    "Materials “Innovation Areas for the Open-Air Museums” All-Russian Conference",
]
SPEAKERS = [
    (
        "dinara-khalikova",
        {"en": "Dinara Khalikova", "ru": "Динара Халикова"},
        "Specialist in social and cultural projects, member of the Presidium of ICOM Russia",
    ),
    (
        "olga-sinitsyna",
        {"en": "Olga Sinitsyna", "ru": "Ольга Синицына"},
        "Specialist in museum and library development, member of the Expert Council of the Prokhorov Foundation, "
        "National Coordinator for Russia at ICOM CECA",
    ),
]
REGION_COUNTRIES = ["KZ", "KG", "TJ", "TM", "UZ", "AM", "AZ", "GE"]


def demo_programme_is_needed() -> bool:
    """The demo is loaded only into an empty programme, never over an organiser's data."""
    return not Series.objects.exists()


@transaction.atomic
def demo_programme_load(*, now: dt.datetime | None = None) -> Series:
    now = now or timezone.now()
    unesco = Organisation.objects.create(
        slug="unesco-almaty",
        name={"en": "UNESCO Almaty Cluster Office", "ru": "Кластерное бюро ЮНЕСКО в Алматы"},
        website="http://en.unesco.kz/",
    )
    icom_russia = Organisation.objects.create(slug="icom-russia", name={"en": "ICOM Russia", "ru": "ИКОМ России"})
    series = Series.objects.create(
        slug="museum-webinars-central-asia-south-caucasus",
        title={
            "en": "Online capacity-building webinars for museum workers of Central Asia and the South Caucasus",
            "ru": "Онлайн-вебинары по повышению потенциала для музейных работников Центральной Азии и Южного Кавказа",
        },
        summary={"en": "A series of online webinars for museum workers, run by the UNESCO Cluster Office in Almaty."},
        description={"en": SERIES_DESCRIPTION, "ru": SERIES_DESCRIPTION_RU},
        organiser=unesco,
        audience={
            "en": "Museum workers from the states of Central Asia and the South Caucasus",
            "ru": "Музейные работники государств Центральной Азии и Южного Кавказа",
        },
        region={"en": "Central Asia and the South Caucasus", "ru": "Центральная Азия и Южный Кавказ"},
        countries=REGION_COUNTRIES,
        time_zone="Asia/Almaty",
    )
    series.partners.add(icom_russia)
    for day, slug, title_en, title_ru in EARLIER_WEBINARS:
        _demo_webinar(series, slug, {"en": title_en, "ru": title_ru}, dt.date.fromisoformat(day))

    migration = _demo_webinar(
        series,
        "migration-and-diversity",
        {"en": MIGRATION_TITLE, "ru": "Миграция и многообразие как часть актуальной социальной повестки в музейной практике"},
        dt.date(2021, 4, 22),
        description={"en": MIGRATION_DESCRIPTION},
        source_url=SOURCE_PAGE,
    )
    migration.partners.add(icom_russia)
    for order, (slug, name, role) in enumerate(SPEAKERS):
        person = Person.objects.create(slug=slug, name=name, affiliation={"en": "ICOM Russia", "ru": "ИКОМ России"})
        WebinarSpeaker.objects.create(webinar=migration, person=person, role={"en": role}, order=order)
    for order, title in enumerate(USEFUL_LINKS):
        WebinarLink.objects.create(webinar=migration, title={"en": title}, url="", language="", order=order)

    _sample_series_load(organiser=unesco, now=now)
    return series


def _demo_webinar(series: Series, slug: str, title: dict, date: dt.date, **fields) -> Webinar:
    webinar = Webinar(
        series=series,
        slug=slug,
        title=title,
        status=Webinar.Status.PUBLISHED,
        # The source page does not say in which language the webinars were held.
        language="",
        time_zone=series.time_zone,
        **fields,
    )
    webinar_schedule(webinar=webinar, date=date, local_time=None)
    webinar.published_at = timezone.now()
    webinar.save()
    return webinar


def _sample_series_load(*, organiser: Organisation, now: dt.datetime) -> Series:
    """Fictional upcoming webinars, labelled as a sample, so a visitor can try what is upcoming."""
    sample = Series.objects.create(
        slug="sample-series",
        title={"en": "Sample series (demonstration)", "ru": "Пример серии (демонстрация)"},
        summary={
            "en": "Fictional webinars that show how upcoming events look. Not real events.",
            "ru": "Вымышленные вебинары, показывающие, как выглядят предстоящие события. Не настоящие события.",
        },
        description={
            "en": "<p>This series is a <strong>sample</strong>: its webinars and speaker are fictional.</p>",
            "ru": "<p>Эта серия — <strong>пример</strong>: её вебинары и спикер вымышлены.</p>",
        },
        organiser=organiser,
        time_zone="Asia/Almaty",
        countries=REGION_COUNTRIES,
        is_sample=True,
    )
    speaker = Person.objects.create(
        slug="sample-speaker",
        name={"en": "Sample Speaker", "ru": "Спикер-пример"},
        bio={
            "en": "<p>A fictional speaker used to demonstrate the platform.</p>",
            "ru": "<p>Вымышленный спикер для демонстрации платформы.</p>",
        },
    )
    today = now.astimezone(organiser_zone(sample)).date()
    plans = [
        (
            7,
            dt.time(11, 0),
            "sample-collection-care",
            {"en": "Sample: Collection care basics", "ru": "Пример: основы сохранения коллекций"},
            200,
        ),
        (
            21,
            dt.time(15, 0),
            "sample-audience-research",
            {"en": "Sample: Audience research on a small budget", "ru": "Пример: исследование аудитории при малом бюджете"},
            None,
        ),
    ]
    for days, local_time, slug, title, capacity in plans:
        webinar = Webinar(
            series=sample,
            slug=slug,
            title=title,
            status=Webinar.Status.PUBLISHED,
            language="ru",
            interpretation_languages=["en"],
            time_zone=sample.time_zone,
            capacity=capacity,
            description={
                "en": "<p>A fictional webinar for trying registration and calendars.</p>",
                "ru": "<p>Вымышленный вебинар, чтобы попробовать регистрацию и календари.</p>",
            },
        )
        webinar_schedule(webinar=webinar, date=today + dt.timedelta(days=days), local_time=local_time)
        webinar.published_at = now
        webinar.save()
        WebinarSpeaker.objects.create(webinar=webinar, person=speaker, role={"en": "Fictional speaker", "ru": "Вымышленный спикер"})
    return sample


def organiser_zone(series: Series):
    from webinars.core.timezones import get_zone

    return get_zone(series.time_zone)
