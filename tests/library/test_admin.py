"""The library in the back office: scoped by the series of the items' webinars, writes through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import SeriesFactory, SeriesRoleFactory, UserFactory, WebinarFactory
from tests.forms import form_data
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.library import selectors
from webinars.library.models import Caption, LibraryItem, SearchDocument

from .conftest import VTT

pytestmark = pytest.mark.django_db

ITEMS = "/admin/library/libraryitem/"


def i18n(name: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{name}_{i}": values.get(code, "") for i, code in enumerate(CONTENT_LANGUAGE_CODES)}


@pytest.fixture
def world(make_item):
    a, b = SeriesFactory(slug="series-a"), SeriesFactory(slug="series-b")
    webinar_a, webinar_b = WebinarFactory(series=a), WebinarFactory(series=b)
    return {
        "a": a,
        "b": b,
        "webinar_a": webinar_a,
        "item_a": make_item({"en": "Item of A"}, webinars=[webinar_a]),
        "item_b": make_item({"en": "Item of B"}, webinars=[webinar_b]),
        "orphan": make_item({"en": "Item of nobody"}),
        "editor_a": SeriesRoleFactory(series=a).user,
        "viewer_a": SeriesRoleFactory(series=a, role="viewer").user,
    }


def test_editors_see_and_edit_the_items_of_their_series(client, world):
    client.force_login(world["editor_a"])
    listing = client.get(ITEMS).content.decode()
    assert "Item of A" in listing and "Item of B" not in listing and "Item of nobody" not in listing
    assert client.get(f"{ITEMS}{world['item_a'].pk}/change/").status_code == 200
    assert client.get(f"{ITEMS}{world['item_b'].pk}/change/").status_code in (302, 403, 404)
    assert client.get("/admin/library/theme/").status_code == 403


def test_viewers_see_but_do_not_edit(client, world):
    client.force_login(world["viewer_a"])
    assert "Item of A" in client.get(ITEMS).content.decode()
    page = client.get(f"{ITEMS}{world['item_a'].pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.get(ITEMS + "add/").status_code == 403


def test_superusers_see_everything(client, world):
    client.force_login(UserFactory(superuser=True))
    listing = client.get(ITEMS).content.decode()
    assert all(title in listing for title in ("Item of A", "Item of B", "Item of nobody"))
    assert set(selectors.items_editable_by(world["editor_a"])) == {world["item_a"]}


def test_an_editor_adds_a_published_item_with_captions_and_it_is_searchable(client, world):
    client.force_login(world["editor_a"])
    response = client.get(ITEMS + "add/")
    data = form_data(response.content.decode(), "libraryitem_form")
    data.update(
        {
            **i18n("title", {"en": "Recording of the labels webinar", "ru": "Запись вебинара об этикетках"}),
            "kind": "recording",
            "status": "published",
            "url": "https://media.example.org/labels.mp4",
            "languages": '["en", "ru"]',
            "webinars": [str(world["webinar_a"].pk)],
            "captions-TOTAL_FORMS": "1",
            "captions-0-language": "en",
            "captions-0-file": SimpleUploadedFile("labels.vtt", VTT, content_type="text/vtt"),
        }
    )
    response = client.post(ITEMS + "add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = LibraryItem.objects.get(kind="recording")
    assert item.status == "published" and item.published_at is not None
    assert Caption.objects.get(item=item).cues[1][2] == "Travelling exhibitions need careful packing."
    assert SearchDocument.objects.filter(source="transcript", group_id=item.pk).exists()
    assert selectors.search("этикетках").hits[0].group_id == item.pk


def test_a_malformed_caption_file_is_refused_by_line_and_nothing_is_stored(client, world):
    client.force_login(world["editor_a"])
    url = f"{ITEMS}{world['item_a'].pk}/change/"
    data = form_data(client.get(url).content.decode(), "libraryitem_form")
    data.update(
        {
            "captions-TOTAL_FORMS": "1",
            "captions-0-language": "ru",
            "captions-0-file": SimpleUploadedFile("bad.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nBad\n"),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Line 3:" in response.content.decode()
    assert not Caption.objects.exists()


def test_an_editor_must_link_a_new_item_to_a_webinar_of_their_series(client, world):
    client.force_login(world["editor_a"])
    data = form_data(client.get(ITEMS + "add/").content.decode(), "libraryitem_form")
    data.update({**i18n("title", {"en": "Loose item"}), "kind": "guide", "url": "https://example.org/x", "languages": "[]"})
    response = client.post(ITEMS + "add/", data)
    assert response.status_code == 200 and not LibraryItem.objects.filter(title__icontains="Loose").exists()
    data["webinars"] = [str(WebinarFactory(series=world["b"]).pk)]  # another series' webinar is not a choice
    assert client.post(ITEMS + "add/", data).status_code == 200
    assert not LibraryItem.objects.filter(title__icontains="Loose").exists()


def test_publish_and_unpublish_actions_follow_the_rules(client, world):
    client.force_login(world["editor_a"])
    ids = [str(world["item_a"].pk), str(world["item_b"].pk)]
    client.post(ITEMS, {"action": "unpublish", "_selected_action": ids})
    world["item_a"].refresh_from_db()
    world["item_b"].refresh_from_db()
    assert world["item_a"].status == "draft" and world["item_b"].status == "published"
    assert not selectors.search("Item of A").hits or all(h.group_id != world["item_a"].pk for h in selectors.search("Item of A").hits)
