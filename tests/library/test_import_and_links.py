"""CSV import of items (all or none, problems by line) and the useful links that became items."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ThemeFactory, WebinarFactory, WebinarLinkFactory, WebinarSpeakerFactory
from webinars.library import selectors, services
from webinars.library.conversion import convert_links
from webinars.library.importing import ImportFileError
from webinars.library.models import LibraryItem
from webinars.programme.models import Webinar, WebinarLink

pytestmark = pytest.mark.django_db

HEADER = "title_en,title_ru,description_en,kind,languages,themes,countries,author,licence,date,url,webinars,status\n"


def test_a_good_file_creates_every_item_and_indexes_the_published_ones(tmp_path):
    ThemeFactory(slug="migration")
    webinar = WebinarFactory()
    path = tmp_path / "items.csv"
    path.write_text(
        HEADER
        + f"Migration guide,Руководство по миграции,A guide,guide,en ru,migration,KZ;AM,ICOM,CC BY 4.0,2021-03-01,https://example.org/g,{webinar.pk},published\n"
        + "Draft data set,,,dataset,en,,,,,,,,draft\n",
        encoding="utf-8",
    )
    call_command("import_library_items", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    guide = LibraryItem.objects.get(kind="guide")
    assert guide.languages == ["en", "ru"] and sorted(c.code for c in guide.countries) == ["AM", "KZ"]
    assert list(guide.webinars.all()) == [webinar] and guide.themes.get().slug == "migration"
    assert LibraryItem.objects.get(kind="dataset").status == "draft"
    assert [h.group_id for h in selectors.search("миграции").hits] == [guide.pk]


def test_a_bad_file_names_every_problem_by_line_and_column_and_stores_nothing(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(
        HEADER
        + "Fine,,,guide,en,,,,,,,,draft\n"
        + ",,,guide,en,,,,,,,,draft\n"
        + "Bad kind,,,poster,xx,nope,ZZ,,,2021-13-01,ftp://x,999999,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_library_items", str(path))
    message = str(raised.value)
    for expected in (
        "Line 3, title",
        "Line 4, kind",
        "Line 4, languages",
        "Line 4, themes",
        "Line 4, countries",
        "Line 4, date",
        "Line 4, url",
        "Line 4, webinars",
        "Line 4, status",
    ):
        assert expected in message, expected
    assert not LibraryItem.objects.exists()


def test_files_that_are_not_csv_of_items():
    with pytest.raises(ImportFileError, match="Line 1: no title column"):
        services.items_import(data=b"name,url\nx,y\n")
    with pytest.raises(ImportFileError, match="not UTF-8"):
        services.items_import(data=b"title_en\n\xff\xfe\n")
    with pytest.raises(ImportFileError, match="no rows"):
        services.items_import(data=b"title_en\n")


def test_useful_links_become_items_once(db):
    webinar = WebinarFactory()
    draft = WebinarFactory(status=Webinar.Status.DRAFT)
    speaker = WebinarSpeakerFactory(webinar=webinar)
    link = WebinarLinkFactory(webinar=webinar, title={"en": "Practice guide", "ru": "Практическое руководство"}, language="ru")
    WebinarLinkFactory(webinar=draft, url="")
    created = services.links_convert()
    assert len(created) == 2 and services.links_convert() == []
    item = LibraryItem.objects.get(from_link=link)
    assert item.kind == "link" and item.url == link.url and item.languages == ["ru"] and item.status == "published"
    assert list(item.webinars.all()) == [webinar] and list(item.speakers.all()) == [speaker.person]
    assert LibraryItem.objects.get(from_link__webinar=draft).status == "draft"
    assert selectors.search("руководство").hits[0].group_id == item.pk
    assert WebinarLink.objects.count() == 2  # the links themselves stay


def test_the_conversion_runs_on_historical_models_as_in_the_migration(db):
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    WebinarLinkFactory()
    state = MigrationExecutor(connection).loader.project_state(("library", "0003_useful_links_to_items"))
    historical = state.apps
    created = convert_links(
        historical.get_model("library", "LibraryItem"), historical.get_model("programme", "WebinarLink"), now=timezone.now()
    )
    assert len(created) == 1 and apps.get_model("library", "LibraryItem").objects.filter(pk=created[0], from_link__isnull=False).exists()
