"""Each platform's report, read from a sample that mirrors the real export (sections, BOM, quoting)."""

from __future__ import annotations

import codecs
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from webinars.attendance.parsers import ParseError, merge_intervals, read_report
from webinars.attendance.parsers.base import DateReader, detect_delimiter, detect_encoding, parse_duration

from .conftest import fixture_bytes

ALMATY = ZoneInfo("Asia/Almaty")
DAY = dt.date(2021, 4, 22)


def read(name: str, fmt: str, **kwargs):
    return read_report(fixture_bytes(name), fmt, expected_date=DAY, zone=ALMATY, **kwargs)


def by_name(report) -> dict[str, object]:
    return {p.name: p for p in report.people}


def minutes(person) -> float:
    return round(person.seconds / 60, 2)


# --- Zoom ------------------------------------------------------------------------------------


def test_zoom_webinar_attendee_report():
    report = read("zoom_webinar_attendee_report.csv", "zoom_webinar")
    assert report.encoding == "utf-8-sig" and report.delimiter == ","
    assert report.rows == 11  # one row per join, hosts and panelists included; the no-show is not a join
    assert report.stats["no_shows"] == 1
    assert report.meta["topic"] == "Museum digitisation: first steps"
    people = by_name(report)
    assert people["Programme Office"].role == "host" and people["Speaker One"].role == "panelist"
    dinara = people["Dinara Khalikova"]
    assert dinara.joins == 2 and minutes(dinara) == 86.25  # 37:45 + 48:30, rejoins summed
    assert dinara.email == "DINARA@example.org"
    # Two devices at once: 10:00-11:20 and 10:30-11:00 count 80 minutes, not 110.
    aigerim = people["Aigerim Kassymova"]
    assert aigerim.joins == 2 and minutes(aigerim) == 80 and "iPhone Aigerim" in aigerim.names
    # "(Original Name)" is kept with the name; registration first + last name is another name.
    assert people["Anahit S (Anahit Sargsyan)"].names == ["Anahit Sargsyan"]
    assert "Lola Karimova" not in people  # Attended = No
    assert minutes(people["Гость 2041"]) == 5


def test_zoom_webinar_malformed_names_line_and_column():
    with pytest.raises(ParseError) as error:
        read("zoom_webinar_bad_join_time.csv", "zoom_webinar")
    assert str(error.value) == "line 14, column 'Join Time': 'yesterday' is not a date"
    assert (error.value.line, error.value.column) == (14, "Join Time")


def test_zoom_webinar_refuses_another_report():
    with pytest.raises(ParseError, match="Attendee Details"):
        read("zoom_meeting_participants.csv", "zoom_webinar")


def test_zoom_webinar_numeric_dates_and_dashes():
    text = (
        "Attendee Report,\r\n"
        "Attendee Details,\r\n"
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,\r\n"
        "Yes,Dinara Khalikova,dinara@example.org,04/22/2021 10:02:15 AM,--,50,No,\r\n"
        "Yes,Dinara Khalikova,dinara@example.org,04/22/2021 01:00:00 PM,04/22/2021 01:10:00 PM,10,No,\r\n"
    )
    report = read_report(text.encode(), "zoom_webinar", expected_date=DAY, zone=ALMATY)
    dinara = report.people[0]
    assert minutes(dinara) == 60  # a missing leave time is the join plus Zoom's minutes


def test_zoom_meeting_participants_report():
    report = read("zoom_meeting_participants.csv", "zoom_meeting")
    assert report.encoding == "utf-8"
    assert report.stats["waiting_room_rows"] == 1
    assert report.meta["user email"] == "webinars@example.org"
    people = by_name(report)
    assert people["Programme Office"].role == "host"  # the meeting's host e-mail
    dinara = people["Dinara Khalikova"]
    assert dinara.joins == 2 and minutes(dinara) == 88.33  # waiting-room row left out
    assert people["Sargsyan, Anahit"].email == ""  # quoted comma in a name


def test_zoom_meeting_flat_export_with_meeting_columns_on_every_row():
    text = (
        "Topic,Meeting ID,User Name,User Email,Start Time,End Time,Duration (Minutes),Participants,"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Digitisation,912 3456 7890,Programme Office,webinars@example.org,04/22/2021 09:55 AM,04/22/2021 11:33 AM,98,3,"
        "Programme Office,webinars@example.org,04/22/2021 09:55 AM,04/22/2021 11:33 AM,98,No\n"
        "Digitisation,912 3456 7890,Programme Office,webinars@example.org,04/22/2021 09:55 AM,04/22/2021 11:33 AM,98,3,"
        "Nino Beridze,nino@example.org,04/22/2021 10:00 AM,04/22/2021 11:00 AM,60,Yes\n"
    )
    people = by_name(read_report(text.encode(), "zoom_meeting", expected_date=DAY, zone=ALMATY))
    assert people["Programme Office"].role == "host"
    assert people["Nino Beridze"].email == "nino@example.org" and minutes(people["Nino Beridze"]) == 60


def test_zoom_meeting_malformed_duration():
    with pytest.raises(ParseError) as error:
        read("zoom_meeting_bad_duration.csv", "zoom_meeting")
    assert str(error.value) == "line 11, column 'Duration (Minutes)': 'twenty five' is not a duration"


# --- Teams -----------------------------------------------------------------------------------


def test_teams_attendance_report_utf16_tabs():
    data = fixture_bytes("teams_attendance_report.csv")
    assert data.startswith(codecs.BOM_UTF16_LE)
    report = read("teams_attendance_report.csv", "teams")
    assert report.encoding == "utf-16" and report.delimiter == "\t"
    assert report.meta["meeting title"] == "Museum digitisation: first steps"
    people = by_name(report)
    assert people["Programme Office"].role == "host"  # the organiser
    dinara = people["Dinara Khalikova"]
    assert dinara.joins == 2 and minutes(dinara) == 86.25  # from the in-meeting activities, one row per join
    assert people["Анаит Саргсян (External)"].email == "anahit.s@mail.example"
    assert people["Nino Beridze (Guest)"].email == ""


def test_teams_participants_section_alone_uses_in_meeting_duration():
    text = fixture_bytes("teams_attendance_report.csv").decode("utf-16")
    text = text.split("3. In-Meeting Activities")[0]
    text = text.replace("First Join\tLast Leave\tIn-Meeting Duration", "First join\tLast leave\tIn-meeting duration")
    report = read_report(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "teams", expected_date=DAY, zone=ALMATY)
    dinara = by_name(report)["Dinara Khalikova"]
    assert dinara.joins == 1 and minutes(dinara) == 86.25 and dinara.intervals == []


def test_teams_legacy_attendance_list():
    report = read("teams_attendance_legacy.csv", "teams")
    people = by_name(report)
    assert minutes(people["Dinara Khalikova"]) == 86.25
    assert minutes(people["Bakyt Ormonov"]) == 25
    # "Joined before" without a "Left": present until the meeting's end time (11:33:10).
    assert minutes(people["Nino Beridze"]) == pytest.approx(90.17, abs=0.01)


def test_teams_malformed_duration():
    with pytest.raises(ParseError) as error:
        read("teams_bad_duration.csv", "teams")
    assert str(error.value) == "line 21, column 'Duration': 'forty minutes' is not a duration"


# --- BigBlueButton ------------------------------------------------------------------------------


def test_bigbluebutton_learning_dashboard():
    report = read("bigbluebutton_learning_dashboard.csv", "bigbluebutton")
    people = by_name(report)
    assert set(people) == {"Programme Office", "Dinara Khalikova", "Әйгерім Қасымова", "Bakyt Ormonov"}  # no "Anonymous" row
    assert report.stats["moderators"] == 1
    assert minutes(people["Dinara Khalikova"]) == 86.25  # the Duration column: online time
    assert people["Bakyt Ormonov"].last is None  # Left "-"


def test_bigbluebutton_translated_header_found_by_position():
    text = fixture_bytes("bigbluebutton_learning_dashboard.csv").decode()
    lines = text.split("\r\n")
    lines[0] = "Имя,Модератор,Активность,Время разговора,Время веб-камеры,Сообщения,Эмоции,Поднятые руки,Вход,Выход,Длительность,Музей?"
    people = by_name(read_report("\r\n".join(lines).encode(), "bigbluebutton", expected_date=DAY, zone=ALMATY))
    assert minutes(people["Dinara Khalikova"]) == 86.25


def test_bigbluebutton_malformed_join():
    with pytest.raises(ParseError) as error:
        read("bigbluebutton_bad_join.csv", "bigbluebutton")
    assert str(error.value) == "line 4, column 'Join': '22/04/2021 ten o'clock' is not a date"


# --- generic -----------------------------------------------------------------------------------

CYRILLIC_MAP = {"name": "ФИО", "email": "Электронная почта", "join": "Вход", "leave": "Выход"}


def test_generic_cp1251_semicolons_day_first():
    report = read("generic_cp1251_semicolon.csv", "generic", column_mapping=CYRILLIC_MAP)
    assert report.encoding == "cp1251" and report.delimiter == ";"
    people = by_name(report)
    assert minutes(people["Динара Халикова"]) == 87
    assert "Саргсян; Анаит" in people


def test_generic_minutes_column_by_header_and_position():
    mapping = {"name": "participant", "email": "2", "minutes": "Minutes Attended"}
    people = by_name(read("generic_minutes.csv", "generic", column_mapping=mapping))
    assert minutes(people["Nino Beridze"]) == 57.5 and people["Dinara Khalikova"].email == "dinara@example.org"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"email": "mail"}, "join and leave"),
        ({"minutes": "minutes attended"}, "name or an e-mail"),
        ({"name": "participant", "minutes": "minutes", "colour": "x"}, "unknown mapping keys: colour"),
    ],
)
def test_generic_mapping_must_be_complete(mapping, message):
    with pytest.raises(ParseError, match=message):
        read("generic_minutes.csv", "generic", column_mapping=mapping)


def test_generic_mapping_names_a_missing_column():
    with pytest.raises(ParseError) as error:
        read("generic_minutes.csv", "generic", column_mapping={"name": "Full name", "minutes": "minutes attended"})
    assert str(error.value) == "line 1: the column 'Full name' is not in the header"


def test_generic_malformed_minutes():
    data = b"name,minutes\nDinara,86\nBakyt,about an hour\n"
    with pytest.raises(ParseError) as error:
        read_report(data, "generic", column_mapping={"name": "name", "minutes": "minutes"}, zone=ALMATY)
    assert str(error.value) == "line 3, column 'minutes': 'about an hour' is not a duration"


def test_generic_leave_before_join():
    data = b"name,in,out\nDinara,2021-04-22 10:40,2021-04-22 10:00\n"
    with pytest.raises(ParseError, match="line 2, column 'out': the leave time is before the join time"):
        read_report(data, "generic", column_mapping={"name": "name", "join": "in", "leave": "out"}, zone=ALMATY)


# --- bytes, dates, durations, merging ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Имя".encode(), "utf-8-sig"),
        ("Имя".encode(), "utf-8"),
        (codecs.BOM_UTF16_LE + "Имя\tВход".encode("utf-16-le"), "utf-16"),
        ("Name\tJoin\r\nDinara\t10:00".encode("utf-16-le"), "utf-16-le"),
        ("Динара Халикова;Бакыт".encode("cp1251"), "cp1251"),
        ("Dinara Halıkova, Gülnara".encode("cp1252", errors="replace"), "cp1252"),
    ],
)
def test_detect_encoding(data, encoding):
    assert detect_encoding(data) == encoding


def test_detect_delimiter():
    assert detect_delimiter('a;b;"c;d"\n1;2;3\n') == ";"
    assert detect_delimiter("a\tb\tc, d\n") == "\t"
    assert detect_delimiter('"a, b",c\n') == ","


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apr 22, 2021 10:02:15", (2021, 4, 22, 10, 2, 15)),
        ("04/22/2021 10:02:15 AM", (2021, 4, 22, 10, 2, 15)),
        ("04/22/2021 12:02:15 AM", (2021, 4, 22, 0, 2, 15)),
        ("4/22/21, 1:02:15 PM", (2021, 4, 22, 13, 2, 15)),
        ("22.04.2021, 10:02:15", (2021, 4, 22, 10, 2, 15)),
        ("2021-04-22T10:02:15", (2021, 4, 22, 10, 2, 15)),
        ("2021-04-22 10:02", (2021, 4, 22, 10, 2, 0)),
        ("22 Apr 2021 10:02", (2021, 4, 22, 10, 2, 0)),
        ("22 апреля 2021 г. 10:02", (2021, 4, 22, 10, 2, 0)),
        ("2021-04-22T04:02:15Z", (2021, 4, 22, 10, 2, 15)),  # UTC, read on the Almaty clock (UTC+6 then)
        ("2021-04-22 06:02:15+02:00", (2021, 4, 22, 10, 2, 15)),
    ],
)
def test_dates(text, expected):
    seconds = DateReader(zone=ALMATY).parse(text)
    days, rest = divmod(seconds, 86400)
    moment = dt.datetime.fromordinal(days) + dt.timedelta(seconds=rest)
    assert moment == dt.datetime(*expected)


@pytest.mark.parametrize("text", ["yesterday", "13/13/2021 10:00", "2021-02-30 10:00", "04/22/2021 25:00", "10:00"])
def test_not_dates(text):
    assert DateReader().parse(text) is None


def test_ambiguous_day_month_settled_by_the_webinar_date():
    reader = DateReader(expected=dt.date(2021, 5, 4))
    seconds = reader.parse("04/05/2021 10:00")
    assert dt.date.fromordinal(seconds // 86400) == dt.date(2021, 5, 4) and reader.order == "dmy"
    reader = DateReader(expected=dt.date(2021, 4, 5))
    seconds = reader.parse("04/05/2021 10:00")
    assert dt.date.fromordinal(seconds // 86400) == dt.date(2021, 4, 5) and reader.order == "mdy"
    assert not reader.guessed


def test_day_first_file_read_again_when_a_later_date_shows_it():
    data = b"name,join,leave\nDinara,05/04/2021 10:00,05/04/2021 11:00\nBakyt,13/04/2021 10:00,13/04/2021 10:30\n"
    report = read_report(data, "generic", column_mapping={"name": "name", "join": "join", "leave": "leave"}, zone=ALMATY)
    assert report.meta["date_order"] == "dmy"
    dinara = by_name(report)["Dinara"]
    assert dt.date.fromordinal(dinara.first // 86400) == dt.date(2021, 4, 5)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("38", 2280), ("37.5", 2250), ("1h 2m 3s", 3723), ("37m 45s", 2265), ("45s", 45), ("01:20:05", 4805), ("1:20", 4800), ("57m", 3420)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_merge_intervals_counts_overlaps_once():
    assert merge_intervals([(10, 20), (15, 30), (40, 50), (30, 35)]) == [(10, 35), (40, 50)]
    assert merge_intervals([(0, 100), (10, 20)]) == [(0, 100)]


def test_empty_and_unknown():
    with pytest.raises(ParseError, match="empty"):
        read_report(b"  \r\n", "zoom_webinar")
    with pytest.raises(ParseError, match="unknown report format"):
        read_report(b"a,b\n", "webex")
