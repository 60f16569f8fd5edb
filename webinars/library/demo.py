"""The library of the demo programme: the themes of the seed's webinars, its useful links as
items, and a sample recording with English and Russian captions (clearly marked as a sample)."""

from __future__ import annotations

from django.db import transaction

from webinars.programme.models import Webinar

from . import services
from .models import LibraryItem, Theme

THEMES = [
    ("migration", "Migration", "Миграция"),
    ("inclusion", "Inclusion", "Инклюзия"),
    ("labels", "Museum labels", "Музейные этикетки"),
    ("digitisation", "Digitisation", "Оцифровка"),
    ("evacuation", "Evacuation and emergencies", "Эвакуация и чрезвычайные ситуации"),
    ("travelling-exhibitions", "Travelling exhibitions", "Передвижные выставки"),
    ("community", "Museum community", "Музейное сообщество"),
]

SAMPLE_CAPTIONS = {
    "en": [
        ("00:00:01.000", "00:00:06.000", "Welcome to this sample recording about caring for museum collections."),
        ("00:00:06.500", "00:00:12.000", "Today we look at storage, climate and the labels that travel with every object."),
        ("00:00:40.000", "00:00:46.000", "Evacuation plans start with a list of the most valuable objects in each room."),
        ("00:01:15.000", "00:01:22.000", "Digitisation helps: a photograph and a number for every object make a lost item traceable."),
    ],
    "ru": [
        ("00:00:01.000", "00:00:06.000", "Добро пожаловать на пример записи о сохранности музейных коллекций."),
        ("00:00:06.500", "00:00:12.000", "Сегодня мы говорим о хранении, климате и этикетках, которые сопровождают каждый предмет."),
        ("00:00:40.000", "00:00:46.000", "Планы эвакуации начинаются со списка самых ценных предметов в каждом зале."),
        ("00:01:15.000", "00:01:22.000", "Оцифровка помогает: фотография и номер каждого предмета позволяют найти утраченное."),
    ],
}


def _vtt(cues: list[tuple[str, str, str]]) -> bytes:
    return ("WEBVTT\n\n" + "\n".join(f"{start} --> {end}\n{text}\n" for start, end, text in cues)).encode()


@transaction.atomic
def library_demo_load() -> dict[str, int]:
    for order, (slug, en, ru) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"name": {"en": en, "ru": ru}, "order": order})
    converted = services.links_convert()
    sample = Webinar.objects.filter(series__is_sample=True).order_by("start_date").first()
    recordings = 0
    if sample is not None and not LibraryItem.objects.filter(webinars=sample, kind=LibraryItem.Kind.RECORDING).exists():
        item = services.item_save(
            item=LibraryItem(
                title={"en": "Sample recording: caring for collections", "ru": "Пример записи: сохранность коллекций"},
                description={
                    "en": "A sample recording with captions in two languages, to try the transcript and search.",
                    "ru": "Пример записи с субтитрами на двух языках, чтобы попробовать расшифровку и поиск.",
                },
                kind=LibraryItem.Kind.RECORDING,
                languages=["en", "ru"],
                licence="CC BY 4.0",
                status=LibraryItem.Status.PUBLISHED,
            ),
            themes=Theme.objects.filter(slug__in=["evacuation", "digitisation", "labels"]),
            webinars=[sample],
        )
        for language, cues in SAMPLE_CAPTIONS.items():
            services.caption_upload(item=item, language=language, data=_vtt(cues), filename=f"sample-{language}.vtt")
        recordings = 1
    themes_by_title = {
        "evacuation": "evacuation",
        "inclusiveness": "inclusion",
        "travelling": "travelling-exhibitions",
        "labels": "labels",
        "digitalization": "digitisation",
        "migration": "migration",
        "icom": "community",
    }
    for item in LibraryItem.objects.filter(pk__in=converted).prefetch_related("webinars"):
        slugs = {theme for word, theme in themes_by_title.items() for w in item.webinars.all() if word in w.slug}
        if slugs:
            item.themes.add(*Theme.objects.filter(slug__in=slugs))
            services.item_relations_saved(item=item)
    return {"themes": len(THEMES), "links": len(converted), "recordings": recordings}
