"""Uploaded files and captions are private until their item is published, and again once unpublished."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from webinars.library import services
from webinars.library.models import LibraryItem

from .conftest import VTT

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 a small test file " + bytes(range(256)) * 4


@pytest.fixture
def draft_with_file(make_item):
    item = make_item({"en": "Slides on labels"}, kind=LibraryItem.Kind.SLIDES, status=LibraryItem.Status.DRAFT)
    item.file.save("slides.pdf", ContentFile(PDF), save=False)
    services.item_save(item=item)
    services.caption_upload(item=item, language="en", data=VTT)
    return item


def test_files_are_stored_outside_the_public_media_folder(draft_with_file):
    path = draft_with_file.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert path.startswith(str(settings.STORAGES["library"]["OPTIONS"]["location"]))


def test_nothing_is_served_before_publication(client, draft_with_file):
    pk = draft_with_file.pk
    for url in (f"/library/{pk}/", f"/library/{pk}/file", f"/library/{pk}/captions/en.vtt", f"/api/v1/library/{pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/library/").json()["count"] == 0


def test_served_once_published_and_hidden_again_when_unpublished(client, draft_with_file):
    pk = draft_with_file.pk
    services.item_set_status(item=draft_with_file, status=LibraryItem.Status.PUBLISHED)
    response = client.get(f"/library/{pk}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    captions = client.get(f"/library/{pk}/captions/en.vtt")
    assert captions.status_code == 200 and captions["Content-Type"].startswith("text/vtt")
    services.item_set_status(item=draft_with_file, status=LibraryItem.Status.DRAFT)
    assert client.get(f"/library/{pk}/file").status_code == 404
    assert client.get(f"/library/{pk}/captions/en.vtt").status_code == 404


def test_byte_ranges_for_players(client, draft_with_file):
    services.item_set_status(item=draft_with_file, status=LibraryItem.Status.PUBLISHED)
    response = client.get(f"/library/{draft_with_file.pk}/file", HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(PDF)}"
    assert b"".join(response.streaming_content) == PDF[10:20]
    assert client.get(f"/library/{draft_with_file.pk}/file", HTTP_RANGE=f"bytes={len(PDF) + 5}-").status_code == 416


def test_preview_of_a_draft_only_for_those_who_may_see_it(client, django_user_model, draft_with_file, series_webinar):
    draft_with_file.webinars.add(series_webinar)
    url = f"/library/{draft_with_file.pk}/preview/"
    assert client.get(url).status_code in (302, 404)
    from tests.factories import SeriesRoleFactory

    editor = SeriesRoleFactory(series=series_webinar.series).user
    client.force_login(editor)
    assert client.get(url).status_code == 200
    stranger = SeriesRoleFactory().user
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_deleting_an_item_deletes_its_files(draft_with_file, django_capture_on_commit_callbacks):
    storage, names = draft_with_file.file.storage, [draft_with_file.file.name, draft_with_file.captions.get().file.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.item_delete(item=draft_with_file)
    assert not any(storage.exists(name) for name in names)
