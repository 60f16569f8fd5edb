"""A report must fit its webinar: another session refused unless confirmed, suspicious rows flagged, namesakes kept apart."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import RegistrationFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.attendance.planning import plan_import
from webinars.attendance.services import ReportDoesNotFit, import_attendance

from .conftest import fixture_bytes

M = Attendee.Match
pytestmark = pytest.mark.django_db


def run(webinar, name, **kwargs):
    return import_attendance(webinar=webinar, data=fixture_bytes(name), file_name=name, **kwargs)


def test_a_report_of_another_day_is_refused_and_nothing_stored(webinar, people):
    webinar.starts_at = dt.datetime(2021, 4, 29, 4, 0, tzinfo=dt.UTC)  # a week later than the report
    webinar.save()
    with pytest.raises(ReportDoesNotFit) as refused:
        run(webinar, "zoom_webinar_attendee_report.csv")
    message = str(refused.value)
    assert "2021-04-22 09:55 – 2021-04-22 11:33" in message and "2021-04-29 10:00 – 2021-04-29 11:30" in message
    assert "confirm" in message and refused.value.field == "file"
    assert not AttendanceImport.objects.exists()


def test_a_report_of_another_day_is_imported_when_the_organiser_confirms(webinar, people):
    webinar.starts_at = dt.datetime(2021, 4, 29, 4, 0, tzinfo=dt.UTC)
    webinar.save()
    imported = run(webinar, "zoom_webinar_attendee_report.csv", accept_other_date=True)
    assert imported.summary["warnings"][0].startswith("The report's session (2021-04-22 09:55 – 2021-04-22 11:33) does not overlap")


def test_a_report_downloaded_in_another_time_zone_still_fits(webinar, people):
    imported = run(webinar, "zoom_webinar_attendee_report.csv", time_zone="America/New_York")
    assert imported.summary["people"] == 9


def test_a_row_longer_than_the_session_is_flagged_and_capped_never_summed(webinar, people):
    imported = run(webinar, "zoom_meeting_long_row.csv")
    dinara = imported.attendees.get(email="dinara@example.org")
    assert dinara.minutes == 103  # the meeting's 98 minutes and 5 of slack, not 43,250
    assert dinara.flags == [{"code": "longer_than_session", "line": 6, "minutes": 43250, "counted": 103}]
    assert dinara.match == M.EMAIL  # who it is stays certain; how long is what the warning asks to check
    assert imported.summary["flagged"] == 1
    assert "line 6: Dinara Khalikova: 43250 minutes in one row, longer than the session; 103 counted." in imported.summary["warnings"]


def test_without_the_meeting_s_duration_the_planned_duration_bounds_a_row(webinar, people):
    data = b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n" + (
        b"Nino Beridze,,04/22/2021 10:00:00 AM,04/23/2021 10:00:00 AM,1440,Yes\n"
    )
    plan = plan_import(webinar=webinar, data=data)
    nino = plan.report.people[0]
    assert nino.seconds == 135 * 60 and nino.flags[0]["code"] == "longer_than_session"  # 90 minutes planned, and half
    assert plan.as_json()["attendees"][0]["match"] == "review"  # flagged: proposed, not matched by name


def test_a_date_that_only_fits_day_first_is_flagged_on_its_row(people):
    webinar = WebinarFactory(starts_at=dt.datetime(2021, 5, 4, 4, 0, tzinfo=dt.UTC), duration_minutes=90, time_zone="Asia/Almaty")
    RegistrationFactory(webinar=webinar, name="Nino Beridze", email="nino@example.org")
    plan = plan_import(webinar=webinar, data=fixture_bytes("zoom_meeting_day_first_row.csv"))
    people = {p.name: p for p in plan.report.people}
    assert people["Nino Beridze"].flags == [{"code": "day_first", "line": 3}]
    assert people["Nino Beridze"].seconds == 57 * 60 and not people["Dinara Khalikova"].flags
    assert any("line 3: Nino Beridze: a date read day-first" in w for w in plan.warnings)


def test_guests_sharing_a_name_at_the_same_time_are_two_people_for_review(webinar, people):
    plan = plan_import(webinar=webinar, data=fixture_bytes("zoom_meeting_same_guest_name.csv"))
    phones = [p for p in plan.report.people if p.name == "iPhone"]
    assert sorted(p.seconds for p in phones) == [60 * 60, 70 * 60]  # not merged into one of 80 minutes
    assert all(p.flags[0]["code"] == "same_name_at_once" for p in phones)
    bakyt = [p for p in plan.report.people if p.name == "Bakyt Ormonov"]
    assert len(bakyt) == 1 and bakyt[0].joins == 2 and bakyt[0].seconds == 65 * 60  # one after the other: one person
    assert "2 people named “iPhone” were in the meeting at the same time: kept apart for review." in plan.warnings
    by = {a["name"]: a for a in plan.as_json()["attendees"]}
    assert by["Bakyt Ormonov"]["match"] == "name"


def test_linking_both_parts_to_one_registration_counts_their_overlap_once(webinar, people):
    from webinars.attendance.services import resolve_attendee

    imported = run(webinar, "zoom_meeting_same_guest_name.csv")
    phones = list(imported.attendees.filter(name="iPhone"))
    for phone in phones:
        resolve_attendee(attendee=phone, registration=people["nino"])
    minutes = {a.minutes for a in imported.attendees.filter(name="iPhone")}
    assert minutes == {60, 70}
    assert all(a.attended for a in imported.attendees.filter(name="iPhone"))  # 80 minutes together (10:00–11:20)


def test_a_registration_id_in_a_generic_file_is_an_exact_match(webinar, people):
    data = f"who,reg,minutes\nSomeone Else,{people['bakyt'].pk},60\nNobody,999999,60\n".encode()
    mapping = {"name": "who", "registration_id": "reg", "minutes": "minutes"}
    imported = import_attendance(webinar=webinar, data=data, file_name="ids.csv", fmt="generic", column_mapping=mapping)
    by = {a.name: a for a in imported.attendees.all()}
    assert (by["Someone Else"].match, by["Someone Else"].registration) == (M.REGISTRANT, people["bakyt"])
    assert by["Nobody"].match == M.UNMATCHED
    assert any("registration id that is not one of this webinar's" in w for w in imported.summary["warnings"])
