"""A series' library in the workspace: items, files, captions, publication, CSV import, themes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.forms import form_data
from webinars.audit.models import LogEntry
from webinars.library import services
from webinars.library.models import Caption, LibraryItem, Theme

pytestmark = pytest.mark.django_db

VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelcome to the recording.\n\n00:00:05.000 --> 00:00:09.000\nMuseum labels travel.\n"
PDF = b"%PDF-1.4 slides " + bytes(range(256))


def _base(series_id: int) -> str:
    return f"/organise/series/{series_id}/library/"


def _item(world, title="Guide of A", webinars=None, **fields) -> LibraryItem:
    return services.item_save(
        item=LibraryItem(title={"en": title}, kind=fields.pop("kind", "guide"), **fields), webinars=webinars or [world["webinar_a"]]
    )


def _codes() -> list[str]:
    return list(LogEntry.objects.order_by("pk").values_list("action", flat=True))


def test_the_series_page_has_a_library_tab_and_the_dashboard_links_it(signed_in, world):
    client = signed_in("viewer_a")
    base = _base(world["a"].pk)
    assert f'href="{base}"' in client.get(f"/organise/series/{world['a'].pk}/").content.decode()
    assert f'href="{base}"' in client.get("/organise/").content.decode()


def test_the_list_shows_the_series_items_with_filters_and_search(signed_in, world):
    _item(world, "Evacuation guide")
    _item(world, "Labels recording", kind="recording", status="published")
    _item(world, "Guide of B", webinars=[world["webinar_b"]])
    client = signed_in("viewer_a")
    base = _base(world["a"].pk)
    page = client.get(base).content.decode()
    assert "Evacuation guide" in page and "Labels recording" in page and "Guide of B" not in page
    assert "New item" not in page  # viewers see, they add nothing
    found = client.get(base, {"q": "evacuation"}).content.decode()
    assert "Evacuation guide" in found and "Labels recording" not in found
    drafts = client.get(base, {"status": "draft"}).content.decode()
    assert "Evacuation guide" in drafts and "Labels recording" not in drafts
    recordings = client.get(base, {"kind": "recording"}).content.decode()
    assert "Labels recording" in recordings and "Evacuation guide" not in recordings
    assert "No item matches" in client.get(base, {"q": "nothing-like-this"}).content.decode()
    # Titles in any script, case and diacritics folded (the columns hold JSON with escaped letters).
    labels = LibraryItem(title={"ru": "Этикетки в музее", "hy": "Պիտակներ"}, original_language="ru")
    services.item_save(item=labels, webinars=[world["webinar_a"]])
    assert "Этикетки в музее" in client.get(base, {"q": "ЭТИКЕТКИ"}).content.decode()
    assert "Этикетки в музее" in client.get(base, {"q": "պիտակներ"}).content.decode()
    assert "Этикетки в музее" not in client.get(base, {"q": "этикетки выставка"}).content.decode()
    # The item page of another series' item is not found here.
    other = LibraryItem.objects.get(webinars=world["webinar_b"])
    assert client.get(f"{base}{other.pk}/").status_code == 404


def test_an_editor_adds_an_item_with_every_field_and_a_private_file(signed_in, world, client):
    Theme.objects.create(slug="labels", name={"en": "Labels", "ru": "Этикетки"})
    editor = signed_in("editor_a")
    base = _base(world["a"].pk)
    data = form_data(editor.get(f"{base}new/").content.decode(), "item-form")
    assert data["webinars"] == [str(world["webinar_a"].pk)]  # the series' webinar is preselected
    data.update(
        {
            "title_0": "Slides on museum labels",
            "title_1": "Слайды о музейных этикетках",
            "description_1": "Как писать этикетки.",
            "body_markdown_0": "Read *carefully*.",
            "author_0": "State Museum",
            "kind": "slides",
            "languages": ["en", "ru"],
            "themes": [str(Theme.objects.get().pk)],
            "item_countries": ["KZ", "AM"],
            "licence": "CC BY 4.0",
            "date": "2021-04-22",
            "upload": SimpleUploadedFile("labels.pdf", PDF, content_type="application/pdf"),
        }
    )
    response = editor.post(f"{base}new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = LibraryItem.objects.get()
    assert response["Location"] == f"{base}{item.pk}/"
    assert item.title.data["ru"] == "Слайды о музейных этикетках" and item.status == "draft"
    assert item.body.data["en"] == "<p>Read <em>carefully</em>.</p>" and item.body_source.data["en"] == "Read *carefully*."
    assert item.languages == ["en", "ru"] and sorted(str(c) for c in item.countries) == ["AM", "KZ"]
    assert [t.slug for t in item.themes.all()] == ["labels"] and list(item.webinars.all()) == [world["webinar_a"]]
    assert item.file.read() == PDF
    assert client.get(f"/library/{item.pk}/file").status_code == 404  # private until published
    assert "library.item_created" in _codes()


def test_bad_input_is_refused_with_field_messages_and_nothing_is_stored(signed_in, world):
    editor = signed_in("editor_a")
    base = _base(world["a"].pk)
    data = form_data(editor.get(f"{base}new/").content.decode(), "item-form")
    data.update({"kind": "link", "upload": SimpleUploadedFile("page.html", b"<script>alert(1)</script>")})
    response = editor.post(f"{base}new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the item a title" in page and "Files of this kind are not accepted" in page
    data = form_data(editor.get(f"{base}new/").content.decode(), "item-form")
    data.update({"title_0": "A link", "kind": "link", "webinars": []})
    page = editor.post(f"{base}new/", data).content.decode()
    assert "A link or a video needs an address or a file." in page and "This field is required." in page
    assert not LibraryItem.objects.exists()


def test_editing_keeps_links_to_other_series_and_replaces_then_removes_the_file(signed_in, world):
    item = _item(world, webinars=[world["webinar_a"], world["webinar_b"]])
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}{item.pk}/"
    page = editor.get(url).content.decode()
    assert "Beta webinar" not in page  # only this series' webinars are offered
    data = form_data(page, "item-form")
    data.update({"title_0": "Guide, second edition", "upload": SimpleUploadedFile("guide.pdf", PDF)})
    assert editor.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.title.data["en"] == "Guide, second edition" and set(item.webinars.all()) == {world["webinar_a"], world["webinar_b"]}
    stored = item.file.name
    assert item.file.storage.exists(stored)
    data = form_data(editor.get(url).content.decode(), "item-form")
    data["remove_file"] = "on"
    with pytest.MonkeyPatch.context():
        assert editor.post(url, data).status_code == 302
    item.refresh_from_db()
    assert not item.file
    assert "library.item_changed" in _codes()


def test_a_removed_file_leaves_the_storage_when_the_change_commits(signed_in, world, django_capture_on_commit_callbacks):
    item = _item(world)
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}{item.pk}/"
    data = form_data(editor.get(url).content.decode(), "item-form")
    data["upload"] = SimpleUploadedFile("one.pdf", PDF)
    editor.post(url, data)
    item.refresh_from_db()
    name, storage = item.file.name, item.file.storage
    data = form_data(editor.get(url).content.decode(), "item-form")
    data["remove_file"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, data)
    assert not storage.exists(name)


def test_viewers_see_the_item_without_a_form(signed_in, world):
    item = _item(world)
    page = signed_in("viewer_a").get(f"{_base(world['a'].pk)}{item.pk}/").content.decode()
    assert "Guide of A" in page and 'id="item-form"' not in page and "Publish" not in page


def test_publish_then_unpublish_says_what_happens_and_the_public_page_follows(signed_in, world, client):
    item = _item(world, "Public guide")
    editor = signed_in("editor_a")
    base = f"{_base(world['a'].pk)}{item.pk}/"
    assert "Publish this item?" in editor.get(f"{base}publish/").content.decode()
    assert editor.post(f"{base}publish/").status_code == 302
    item.refresh_from_db()
    assert item.status == "published"
    client.logout()
    assert client.get(f"/library/{item.pk}/").status_code == 200
    editor = signed_in("editor_a")
    assert editor.post(f"{base}unpublish/").status_code == 302
    client.logout()
    assert client.get(f"/library/{item.pk}/").status_code == 404
    assert ["library.item_published", "library.item_unpublished"] == [c for c in _codes() if "published" in c]


def test_delete_asks_first_then_deletes(signed_in, world):
    item = _item(world)
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}{item.pk}/delete/"
    assert "Delete this item?" in editor.get(url).content.decode()
    assert editor.post(url, {}).status_code == 302 and LibraryItem.objects.exists()  # no confirmation, nothing deleted
    assert editor.post(url, {"confirm": "delete"})["Location"] == _base(world["a"].pk)
    assert not LibraryItem.objects.exists()
    assert "library.item_deleted" in _codes()


# --- captions ----------------------------------------------------------------------------------------


def test_caption_upload_is_checked_previewed_then_stored(signed_in, world):
    item = _item(world, "Recording", kind="recording")
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}{item.pk}/captions/"
    response = editor.post(url, {"language": "en", "file": SimpleUploadedFile("talk.vtt", VTT)})
    assert response["Location"] == f"{url}confirm/"
    assert not Caption.objects.exists()  # the preview stores nothing
    preview = editor.get(f"{url}confirm/").content.decode()
    assert "2 cues" in preview and "Museum labels travel." in preview
    assert editor.post(f"{url}confirm/", {"action": "store"})["Location"] == url
    caption = Caption.objects.get()
    assert caption.language == "en" and len(caption.cues) == 2
    assert "library.caption_uploaded" in _codes()
    # Replacing: a second upload in the same language replaces the first.
    editor.post(url, {"language": "en", "file": SimpleUploadedFile("talk2.vtt", VTT.replace(b"travel", b"stay"))})
    assert "It replaces the captions in this language." in editor.get(f"{url}confirm/").content.decode()
    editor.post(f"{url}confirm/", {"action": "store"})
    assert Caption.objects.get().cues[1][2] == "Museum labels stay."


def test_a_malformed_caption_file_names_its_line_and_stores_nothing(signed_in, world):
    item = _item(world, "Recording", kind="recording")
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}{item.pk}/captions/"
    response = editor.post(
        url, {"language": "en", "file": SimpleUploadedFile("bad.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nBackwards\n")}
    )
    assert response.status_code == 400
    assert "Line 3: the cue ends before it starts." in response.content.decode()
    assert not Caption.objects.exists()
    assert editor.get(f"{url}confirm/")["Location"] == url  # nothing kept to confirm


def test_discarding_a_caption_preview_stores_nothing_and_removing_captions_asks_first(signed_in, world):
    item = _item(world, "Recording", kind="recording")
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}{item.pk}/captions/"
    editor.post(url, {"language": "ru", "file": SimpleUploadedFile("talk.vtt", VTT)})
    editor.post(f"{url}confirm/", {"action": "discard"})
    assert not Caption.objects.exists()
    services.caption_upload(item=item, language="ru", data=VTT)
    assert editor.post(f"{url}ru/delete/", {}).status_code == 302 and Caption.objects.exists()
    assert editor.post(f"{url}ru/delete/", {"confirm": "delete"})["Location"] == url
    assert not Caption.objects.exists()
    assert editor.get(f"{url}ru/delete/").status_code == 404
    assert "library.caption_deleted" in _codes()


# --- CSV import ----------------------------------------------------------------------------------------


def test_csv_import_dry_run_names_every_problem_by_line(signed_in, world):
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}import/"
    assert "title_en" in editor.get(url).content.decode()  # the columns are explained
    csv = f"title_en,kind,date,webinars\nGood,guide,2021-01-02,\n,guide,,\nBad kind,poem,02.01.2021,{world['webinar_b'].pk}\n"
    response = editor.post(url, {"file": SimpleUploadedFile("items.csv", csv.encode())})
    assert response.status_code == 400
    page = response.content.decode()
    for expected in (
        "Line 2, webinars: name a webinar of this series",
        "Line 3, title: every item needs a title",
        "Line 4, kind: unknown kind poem",
        "Line 4, date: write the date as YYYY-MM-DD.",
        f"Line 4, webinars: no webinar with id {world['webinar_b'].pk}.",
    ):
        assert expected in page, expected
    assert not LibraryItem.objects.exists()


def test_csv_import_preview_then_import(signed_in, world):
    editor = signed_in("editor_a")
    url = f"{_base(world['a'].pk)}import/"
    csv = "title_en,title_ru,kind,status\nA guide,Руководство,guide,draft\nA link,,link,published\n"
    response = editor.post(url, {"file": SimpleUploadedFile("items.csv", csv.encode()), "default_webinars": [world["webinar_a"].pk]})
    assert response["Location"] == f"{url}confirm/"
    preview = editor.get(f"{url}confirm/").content.decode()
    assert "2 items, no problem found" in preview and "A guide" in preview and "Alpha webinar" in preview
    assert not LibraryItem.objects.exists()
    assert editor.post(f"{url}confirm/", {"action": "import"})["Location"] == _base(world["a"].pk)
    items = LibraryItem.objects.order_by("pk")
    assert [i.title.data["en"] for i in items] == ["A guide", "A link"]
    assert all(list(i.webinars.all()) == [world["webinar_a"]] for i in items)
    assert "library.items_imported" in _codes()
    assert editor.get(f"{url}confirm/")["Location"] == url  # the kept file is gone


# --- themes ------------------------------------------------------------------------------------------


def test_owners_keep_the_translatable_list_of_themes_and_editors_may_not(signed_in, world):
    assert signed_in("editor_a").get("/organise/library/themes/").status_code == 403
    owner = signed_in("owner_a")
    page = owner.get("/organise/library/themes/new/").content.decode()
    data = form_data(page, "theme-form")
    data.update({"name_0": "Migration", "name_1": "Миграция", "slug": "migration", "order": "1"})
    assert owner.post("/organise/library/themes/new/", data)["Location"] == "/organise/library/themes/"
    theme = Theme.objects.get()
    assert theme.name.data["ru"] == "Миграция"
    data.update({"name_0": "Other", "slug": "migration"})
    duplicate = owner.post("/organise/library/themes/new/", data)
    assert duplicate.status_code == 400 and "already exists" in duplicate.content.decode()
    item = _item(world, status="published")
    item.themes.add(theme)
    edit = form_data(owner.get(f"/organise/library/themes/{theme.pk}/").content.decode(), "theme-form")
    edit["name_0"] = "Migration and museums"
    assert owner.post(f"/organise/library/themes/{theme.pk}/", edit).status_code == 302
    assert "1 item carries it" in owner.get(f"/organise/library/themes/{theme.pk}/delete/").content.decode()
    owner.post(f"/organise/library/themes/{theme.pk}/delete/", {"confirm": "delete"})
    assert not Theme.objects.exists() and LibraryItem.objects.filter(pk=item.pk).exists()
    assert {"library.theme_created", "library.theme_changed", "library.theme_deleted"} <= set(_codes())


def test_list_queries_do_not_grow_with_items(signed_in, world, django_assert_max_num_queries):
    client = signed_in("editor_a")
    url = _base(world["a"].pk)
    _item(world, "One")
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    for n in range(3):
        _item(world, f"More {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)
