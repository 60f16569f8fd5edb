"""WebVTT captions: read with webvtt-py; a malformed file is refused with its line, and nothing is stored."""

from __future__ import annotations

import pytest

from webinars.library import services
from webinars.library.captions import CaptionFileError, parse
from webinars.library.models import Caption, LibraryItem

from .conftest import VTT


def test_cues_are_read_in_seconds():
    assert parse(VTT) == [
        [1.0, 5.0, "Welcome to the webinar on museum evacuation."],
        [40.0, 45.0, "Travelling exhibitions need careful packing."],
    ]


def test_zoom_style_file_with_identifiers_notes_voices_and_hours():
    data = (
        "\ufeffWEBVTT Kind: captions\n\nNOTE made by Zoom\n\n1\n01:00:02.500 --> 01:00:04.250 align:start\n"
        "<v Dinara>Музеи &amp; мигранты</v>\n\n2\n01:00:05.000 --> 01:00:06.000\nline one\nline two\n"
    ).encode()
    assert parse(data) == [[3602.5, 3604.25, "Музеи & мигранты"], [3605.0, 3606.0, "line one line two"]]


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"00:00:01.000 --> 00:00:02.000\nHello\n", 1, "WEBVTT"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n\n00:00:03.000 --> 00:00:0x.000\nBad\n", 6, "timing"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nBackwards\n", 3, "ends before"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:01.000 --> 00:00:02.000\nB\n", 6, "order"),
        (b"WEBVTT\n\njust some text\nwithout timing\n", 4, "timing"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n00:00:03.000 --> 00:00:04.000\nB\n", 4, "blank line"),
        (b"WEBVTT\n\n", 3, "no cues"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\xff\xfe bad\n", 4, "UTF-8"),
    ],
)
def test_malformed_files_name_their_line(data, line, words):
    with pytest.raises(CaptionFileError) as raised:
        parse(data)
    assert raised.value.line == line
    assert str(raised.value).startswith(f"Line {line}:")
    assert words in str(raised.value)
    assert raised.value.field == "file"


def test_a_malformed_upload_stores_nothing(make_item):
    item = make_item({"en": "Recording"}, kind=LibraryItem.Kind.RECORDING)
    services.caption_upload(item=item, language="en", data=VTT)
    with pytest.raises(CaptionFileError):
        services.caption_upload(item=item, language="en", data=b"WEBVTT\n\nbroken\n")
    with pytest.raises(CaptionFileError):
        services.caption_upload(item=item, language="ru", data=b"nonsense")
    assert list(Caption.objects.values_list("language", flat=True)) == ["en"]
    assert len(Caption.objects.get().cues) == 2


def test_a_new_upload_replaces_the_language(make_item):
    item = make_item({"en": "Recording"}, kind=LibraryItem.Kind.RECORDING)
    services.caption_upload(item=item, language="en", data=VTT)
    services.caption_upload(item=item, language="en", data=b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOnly one\n")
    assert Caption.objects.get(item=item).cues == [[1.0, 2.0, "Only one"]]
