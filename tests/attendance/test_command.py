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
    assert f"Import {imported.pk}: 11 rows, 7 people" in out.getvalue()
    assert "matched by e-mail 3, by name 2; to review 2; attended 5 (threshold 45 min)" in out.getvalue()
    assert "reading" in err.getvalue()  # progress on standard error

    out = io.StringIO()
    call_command(
        "import_attendance",
        str(webinar.pk),
        str(FIXTURES / "zoom_webinar_attendee_report.csv"),
        "--format",
        "zoom_webinar",
        "--json",
        "--no-progress",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["unchanged"] is True and data["import_id"] == imported.pk


def test_generic_with_a_map(webinar, people):
    out = io.StringIO()
    call_command(
        "import_attendance",
        str(webinar.pk),
        str(FIXTURES / "generic_minutes.csv"),
        "--format=generic",
        "--map",
        "name=participant,email=mail,minutes=minutes attended",
        "--json",
        "--no-progress",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["rows"] == 3 and data["matched_email"] == 2 and data["timings"]["total"] > 0


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
