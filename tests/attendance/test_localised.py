"""Localised and newer export layouts, recognised from one vocabulary table; files that are not recognised."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from webinars.attendance.parsers import NotRecognised, detect_format, read_report
from webinars.attendance.parsers.base import parse_duration
from webinars.attendance.parsers.detect import suggested_mapping
from webinars.attendance.parsers.vocabulary import SOURCES, entries

from .conftest import fixture_bytes

ALMATY = ZoneInfo("Asia/Almaty")
DAY = dt.date(2021, 4, 22)


def read(name: str, fmt: str = "auto", **kwargs):
    return read_report(fixture_bytes(name), fmt, expected_date=DAY, zone=ALMATY, **kwargs)


def by_name(report) -> dict:
    return {p.name: p for p in report.people}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("zoom_webinar_attendee_report.csv", "zoom_webinar"),
        ("zoom_meeting_participants.csv", "zoom_meeting"),
        ("zoom_meeting_participants_ru.csv", "zoom_meeting"),
        ("zoom_unique_users.csv", "zoom_meeting"),
        ("zoom_workplace_participants.csv", "zoom_meeting"),
        ("teams_attendance_report.csv", "teams"),
        ("teams_attendance_report_ru.csv", "teams"),
        ("teams_attendance_report_de.csv", "teams"),
        ("teams_attendance_report_kk.csv", "teams"),
        ("teams_attendance_legacy.csv", "teams"),
        ("teams_attendance_legacy_roles.csv", "teams"),
        ("bigbluebutton_learning_dashboard.csv", "bigbluebutton"),
    ],
)
def test_format_is_recognised_from_the_file(name, fmt):
    assert detect_format(fixture_bytes(name)) == fmt
    assert read(name).format == fmt


def test_an_unrecognised_file_names_its_headers_and_suggests_a_mapping():
    with pytest.raises(NotRecognised) as refused:
        detect_format(fixture_bytes("generic_minutes.csv"))
    message = str(refused.value)
    assert "headers found: “participant”, “mail”, “minutes attended”" in message
    assert "email=mail" in message and "minutes=minutes attended" in message and "name=participant" in message


def test_a_file_of_another_platform_names_its_headers_too():
    with pytest.raises(NotRecognised, match="Attendee Details.*looks like a Zoom meeting participants report"):
        read("zoom_meeting_participants.csv", "zoom_webinar")


def test_suggested_mapping_in_russian():
    assert suggested_mapping(["ФИО", "Электронная почта", "Вход", "Выход"]) == {
        "email": "Электронная почта",
        "join": "Вход",
        "leave": "Выход",
        "name": "ФИО",
    }


def test_zoom_participants_in_russian():
    people = by_name(read("zoom_meeting_participants_ru.csv"))
    assert people["Programme Office"].role == "host"  # the meeting's "Эл. почта пользователя"
    assert people["Динара Халикова"].email == "dinara@example.org" and people["Динара Халикова"].seconds == 89 * 60 + 50
    assert "Бакыт Ормонов" not in people  # «В зале ожидания: Да» is not attendance


@pytest.mark.parametrize("name", ["teams_attendance_report_ru.csv", "teams_attendance_report_de.csv", "teams_attendance_report_kk.csv"])
def test_teams_in_other_languages(name):
    people = by_name(read(name))
    assert people["Programme Office"].role == "host"  # Организатор, Organisator, Ұйымдастырушы
    participant = next(p for p in people.values() if not p.is_staff)
    assert participant.seconds >= 25 * 60  # "1 ч 26 мин 15 с", "25 Min.", "1 сағ 20 мин"


def test_teams_in_russian_reads_durations_and_guests():
    people = by_name(read("teams_attendance_report_ru.csv"))
    assert people["Динара Халикова"].seconds == 3600 + 26 * 60 + 15
    assert people["Nino Beridze (Гость)"].seconds == 57 * 60


def test_zoom_unique_users_export():
    report = read("zoom_unique_users.csv")
    people = [p for p in report.people if p.name == "iPhone"]
    assert len(people) == 2 and sorted(p.seconds for p in people) == [40 * 60, 55 * 60]  # one row per user: never merged
    assert by_name(report)["Dinara Khalikova"].seconds == 86 * 60 and by_name(report)["Dinara Khalikova"].joins == 1


def test_zoom_workplace_lower_case_export_names_the_host_in_its_summary():
    people = by_name(read("zoom_workplace_participants.csv"))
    assert people["Programme Office"].role == "host"
    assert people["Dinara Khalikova"].role == "" and people["Nino Beridze"].role == ""


def test_teams_legacy_hosts_by_role_or_by_the_organiser_s_address():
    assert by_name(read("teams_attendance_legacy_roles.csv"))["Programme Office"].role == "host"
    people = by_name(read("teams_attendance_legacy_organiser.csv"))
    assert people["Programme Office"].role == "host" and people["Dinara Khalikova"].email == "dinara@example.org"
    # Without a role column or an organiser line, the importer can name the organisers' addresses.
    legacy = read("teams_attendance_legacy.csv", host_emails=["nobody@example.org"])
    assert all(p.role == "" for p in legacy.people)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1 ч 2 мин 3 с", 3723),
        ("1 Std. 2 Min. 3 Sek.", 3723),
        ("45 мин", 2700),
        ("2 godz. 5 min", 7500),
        ("1 сағ 20 мин", 4800),
        ("1h 2m", 3720),
    ],
)
def test_duration_words_in_every_language(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_duration_refuses_unknown_units():
    assert parse_duration("5 parsecs") is None


def test_every_vocabulary_entry_names_its_source():
    rows = entries()
    assert rows and all(row["source"] in SOURCES.values() for row in rows)
    assert {row["language"] for row in rows} >= {"ru", "de", "es", "pl", "kk"}


def test_the_widest_first_line_is_named_as_the_headers():
    data = b"Report,\nName,Mail,Minutes,Town\nDinara,d@example.org,40,Almaty\n"
    with pytest.raises(NotRecognised, match="headers found: “Name”, “Mail”, “Minutes”, “Town”"):
        read_report(data, "auto")
