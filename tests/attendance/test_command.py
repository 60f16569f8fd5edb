"""manage.py import_attendance: progress, summary, errors with exit status 1."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from webinars.attendance.management.commands.import_attendance import Command, parse_map
from webinars.attendance.models import AttendanceImport

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_imports_and_prints_the_summary(webinar, people):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_attendance",
        str(webinar.pk),
        str(FIXTURES / "zoom_webinar_attendee_report.csv"),
        "--format",
        "zoom_webinar",
        stdout=out,
        stderr=err,
    )
    imported = AttendanceImport.objects.get()
    assert f"Import {imported.pk} (zoom_webinar): 11 rows, 7 people (2 hosts/panelists apart)" in out.getvalue()
    assert "by e-mail 3, by name 2; to review 2; attended 5 (threshold 45 min)" in out.getvalue()
    assert "reading" in err.getvalue()  # progress on standard error

    out = io.StringIO()
    call_command(
        "import_attendance", str(webinar.pk), str(FIXTURES / "zoom_webinar_attendee_report.csv"), "--json", "--no-progress", stdout=out
    )
    data = json.loads(out.getvalue())
    assert AttendanceImport.objects.count() == 1  # format recognised as the same: unchanged
    assert data["warnings"][0] == "The same file was imported already; nothing changed."

    out = io.StringIO()
    call_command("import_attendance", str(webinar.pk), str(FIXTURES / "zoom_webinar_attendee_report.csv"), "--no-progress", stdout=out)
    assert out.getvalue() == f"Import {imported.pk}: the same file was imported already; nothing changed.\n"


def _json_of(webinar, name, *args):
    out = io.StringIO()
    call_command("import_attendance", str(webinar.pk), str(FIXTURES / name), "--json", "--no-progress", *args, stdout=out)
    return json.loads(out.getvalue())


def test_dry_run_json_has_the_issue_s_shape_and_stores_nothing(webinar, people):
    data = _json_of(webinar, "zoom_webinar_attendee_report.csv", "--dry-run")
    assert set(data) == {"attendees", "warnings", "errors"} and data["errors"] == []
    assert not AttendanceImport.objects.exists()
    by = {a["name"]: a for a in data["attendees"]}
    assert all(set(a) == {"name", "email", "minutes", "joins", "match", "registration_email", "candidates"} for a in data["attendees"])
    assert by["Dinara Khalikova"] == {
        "name": "Dinara Khalikova",
        "email": "DINARA@example.org",
        "minutes": 86,
        "joins": 2,
        "match": "email",
        "registration_email": "dinara@example.org",
        "candidates": [],
    }
    assert by["ნინო ბერიძე"]["match"] == "name" and by["ნინო ბერიძე"]["registration_email"] == "nino@example.org"
    assert by["iPhone de Farrukh"]["match"] == "review" and by["iPhone de Farrukh"]["candidates"][0] == "farrukh@example.org"
    assert by["Гость 2041"]["match"] == "unmatched" and by["Гость 2041"]["candidates"] == []
    assert by["Programme Office"]["match"] == "host" and by["Speaker One"]["match"] == "host"

    stored = _json_of(webinar, "zoom_webinar_attendee_report.csv")  # without --dry-run: stores and prints the same
    assert stored == data and AttendanceImport.objects.count() == 1


def test_json_errors_and_exit_status_when_the_file_cannot_be_read(webinar, people):
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_attendance",
            str(webinar.pk),
            str(FIXTURES / "zoom_webinar_bad_join_time.csv"),
            "--json",
            "--dry-run",
            "--no-progress",
            stdout=out,
        )
    data = json.loads(out.getvalue())
    assert data == {"attendees": [], "warnings": [], "errors": ["line 14, column 'Join Time': 'yesterday' is not a date"]}


def test_generic_with_a_map(webinar, people):
    data = _json_of(webinar, "generic_minutes.csv", "--format=generic", "--map", "name=participant,email=mail,minutes=minutes attended")
    assert [a["match"] for a in data["attendees"]].count("email") == 2 and len(data["attendees"]) == 3


def test_malformed_file_exits_with_status_1_naming_line_and_column(webinar, people, capsys, monkeypatch):
    # run_from_argv is what manage.py calls; it closes the connections afterwards, which the test still needs.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as stop:
        Command().run_from_argv(
            [
                "manage.py",
                "import_attendance",
                str(webinar.pk),
                str(FIXTURES / "zoom_webinar_bad_join_time.csv"),
                "--format",
                "zoom_webinar",
            ]
        )
    assert stop.value.code == 1
    assert "line 14, column 'Join Time': 'yesterday' is not a date. Nothing was imported." in capsys.readouterr().err
    assert not AttendanceImport.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "zoom_webinar_attendee_report.csv", "--format", "zoom_webinar"], "No webinar"),
        (["{w}", "missing.csv", "--format", "zoom_webinar"], "Cannot read"),
        (["{w}", "zoom_webinar_attendee_report.csv", "--format", "zoom_webinar", "--tz", "Mars/Olympus"], "Unknown time zone"),
        (["{w}", "generic_minutes.csv", "--format", "generic", "--map", "name"], "expected key=column"),
        (["{w}", "generic_minutes.csv", "--format", "generic", "--map", "name=participant"], "join and leave"),
    ],
)
def test_bad_arguments(webinar, args, message):
    args = [a.replace("{w}", str(webinar.pk)) for a in args]
    args[1] = str(FIXTURES / args[1])
    with pytest.raises(CommandError, match=message):
        call_command("import_attendance", *args, "--no-progress")


def test_parse_map():
    assert parse_map("name=Full name, email=E-mail") == {"name": "Full name", "email": "E-mail"}
    assert parse_map("") == {}
