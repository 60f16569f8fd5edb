"""Speaker labels in caption files: only the recording's speakers are named in what is published."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PersonFactory, WebinarSpeakerFactory
from webinars.library import selectors, services
from webinars.library.captions import prepare
from webinars.library.models import Caption, LibraryItem

pytestmark = pytest.mark.django_db

ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Dinara Khalikova: Good morning, everyone.

2
00:00:05.000 --> 00:00:09.000
Asel Nurlanovna: Hello! Can you hear me?

3
00:00:10.000 --> 00:00:14.000
Динара Халикова: Yes. Note: the slides follow.

4
00:00:15.000 --> 00:00:19.000
Asel Nurlanovna: Thank you, Dinara.

5
00:00:20.000 --> 00:00:24.000
<v Bekzat Omarov>A question about labels</v>
"""


@pytest.fixture
def recording(series_webinar, make_item):
    """A recording of a webinar whose listed speaker is Dinara Khalikova (her name in two scripts)."""
    dinara = PersonFactory(name={"en": "Dinara Khalikova", "ru": "Динара Халикова"})
    WebinarSpeakerFactory(webinar=series_webinar, person=dinara)
    return make_item({"en": "Recording"}, kind=LibraryItem.Kind.RECORDING, webinars=[series_webinar])


def test_labels_of_participants_become_participant_and_speakers_keep_their_names():
    preview = prepare(ZOOM.encode(), speakers=["Dinara Khalikova"], participant="Participant")
    assert preview.replaced == 3
    assert preview.kept == ["Dinara Khalikova", "Динара Халикова"]
    assert "Asel" not in preview.text and "Nurlanovna" not in preview.text and "Bekzat" not in preview.text
    assert "<v Participant>A question about labels</v>" in preview.text
    assert [cue[2] for cue in preview.cues] == [
        "Dinara Khalikova: Good morning, everyone.",
        "Participant: Hello! Can you hear me?",
        "Динара Халикова: Yes. Note: the slides follow.",
        "Participant: Thank you, Dinara.",  # names inside what was said are speech, not labels
        "A question about labels",
    ]


def test_a_file_without_speaker_labels_is_left_as_it_is():
    plain = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelcome to the webinar.\n\n00:00:05.000 --> 00:00:09.000\n"
        "Important: keep the labels dry.\n\n00:00:10.000 --> 00:00:14.000\nThat is all.\n\n00:00:15.000 --> 00:00:18.000\nThanks.\n"
    )
    preview = prepare(plain.encode(), speakers=[], participant="Participant")
    assert preview.replaced == 0 and preview.text == plain
    assert preview.cues[1][2] == "Important: keep the labels dry."


def test_uploading_stores_and_indexes_no_participant_name(recording, client):
    services.caption_upload(item=recording, language="en", data=ZOOM.encode())
    services.item_set_status(item=recording, status=LibraryItem.Status.PUBLISHED)
    caption = Caption.objects.get()
    with caption.file.open("rb") as stored:
        text = stored.read().decode()
    assert "Nurlanovna" not in text and "Bekzat" not in text and "Dinara Khalikova: Good morning" in text
    assert "Nurlanovna" not in str(caption.cues)
    served = b"".join(client.get(f"/library/{recording.pk}/captions/en.vtt").streaming_content).decode()
    assert served.count("Participant") == 3
    assert selectors.search("Nurlanovna").hits == [] and selectors.search("Bekzat").hits == []
    assert selectors.search("Khalikova").hits  # the speaker's name stays searchable
    assert "Nurlanovna" not in client.get(f"/library/{recording.pk}/").content.decode()


def test_participant_is_written_in_the_language_of_the_captions(recording):
    russian = ZOOM.replace("Hello! Can you hear me?", "Здравствуйте!")
    services.caption_upload(item=recording, language="ru", data=russian.encode())
    assert Caption.objects.get().cues[1][2] == "Участник: Здравствуйте!"


def test_the_items_own_speakers_count_as_speakers_too(series_webinar, make_item):
    asel = PersonFactory(name={"ru": "Асель Нурлановна"})
    item = make_item({"en": "Recording"}, kind=LibraryItem.Kind.RECORDING, webinars=[series_webinar], speakers=[asel])
    preview = services.caption_preview(item=item, language="en", data=ZOOM.encode())
    assert preview.kept == ["Asel Nurlanovna"] and preview.replaced == 3  # Dinara is no speaker of this item


def test_the_admins_caption_form_replaces_labels_too(recording):
    caption = Caption(item=recording, language="en", file=SimpleUploadedFile("zoom.vtt", ZOOM.encode()))
    services.caption_save(caption=caption)
    caption.refresh_from_db()
    with caption.file.open("rb") as stored:
        assert "Nurlanovna" not in stored.read().decode()


def test_the_workspace_preview_says_how_many_labels_were_replaced(recording, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    series_id = recording.webinars.get().series_id
    url = f"/organise/series/{series_id}/library/{recording.pk}/captions/"
    client.post(url, {"language": "en", "file": SimpleUploadedFile("zoom.vtt", ZOOM.encode())})
    page = client.get(f"{url}confirm/").content.decode()
    assert "3 speaker labels are not speakers of this recording and become “Participant”." in page
    assert "Dinara Khalikova" in page and "Nurlanovna" not in page
    assert not Caption.objects.exists()
