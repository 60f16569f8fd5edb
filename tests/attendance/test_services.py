"""Importing reports: matching, thresholds, idempotent re-imports, replacements, the organiser's decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import RegistrationFactory
from webinars.attendance import selectors
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.attendance.parsers import ParseError
from webinars.attendance.services import AttendanceError, attendees_resolve, import_attendance, resolve_attendee
from webinars.audit.selectors import log_entries_for

from .conftest import fixture_bytes

M = Attendee.Match
BAKYT_LEFT_EARLY = b'"Apr 22, 2021 10:05:00","Apr 22, 2021 10:30:00",25'
BAKYT_STAYED = b'"Apr 22, 2021 10:05:00","Apr 22, 2021 11:15:00",70'
pytestmark = pytest.mark.django_db


def zoom(webinar, name="zoom_webinar_attendee_report.csv", fmt="zoom_webinar", **kwargs):
    return import_attendance(webinar=webinar, data=fixture_bytes(name), file_name=name, fmt=fmt, **kwargs)


def attendees(imported) -> dict[str, Attendee]:
    return {a.name: a for a in imported.attendees.select_related("registration")}


def test_zoom_webinar_import_matches_and_counts(webinar, people):
    imported = zoom(webinar)
    by = attendees(imported)
    assert by["Dinara Khalikova"].match == M.EMAIL and by["Dinara Khalikova"].registration == people["dinara"]
    assert by["Dinara Khalikova"].minutes == 86 and by["Dinara Khalikova"].joins == 2 and by["Dinara Khalikova"].attended
    assert by["Dinara Khalikova"].first_join_at == dt.datetime(2021, 4, 22, 4, 2, 15, tzinfo=dt.UTC)  # 10:02:15 in Almaty
    assert len(by["Dinara Khalikova"].intervals) == 2
    # Armenian and Georgian registrations found by name although the report has other addresses.
    assert (by["Anahit S (Anahit Sargsyan)"].match, by["Anahit S (Anahit Sargsyan)"].registration) == (M.NAME, people["anahit"])
    assert (by["ნინო ბერიძე"].match, by["ნინო ბერიძე"].registration) == (M.NAME, people["nino"])
    assert by["Aigerim Kassymova"].minutes == 80  # two devices at once count once
    assert by["Bakyt Ormonov"].match == M.EMAIL and not by["Bakyt Ormonov"].attended  # 25 < 45 minutes
    phone = by["iPhone de Farrukh"]
    assert phone.match == M.AMBIGUOUS and phone.registration is None and phone.candidates[0] == people["farrukh"].pk
    assert by["Гость 2041"].match == M.UNMATCHED
    assert by["Programme Office"].match == M.IGNORED and by["Programme Office"].role == "host"
    assert by["Speaker One"].match == M.IGNORED and not by["Speaker One"].attended

    s = imported.summary
    assert s["rows"] == 11 and s["people"] == 9 and s["staff"] == 2 and s["attendees"] == 7
    assert (s["matched_email"], s["matched_name"], s["ambiguous"], s["unmatched"], s["to_review"]) == (3, 2, 1, 1, 2)
    assert s["attended"] == 5 and s["attended_registrations"] == 4
    assert s["not_confirmed"] == {"pending": 1}  # Nino's registration is still pending: said, not hidden
    assert s["no_shows"] == 1 and s["threshold_minutes"] == 45
    assert imported.timings["total"] > 0


def test_threshold_is_the_series_share_of_the_duration(webinar, people):
    webinar.duration_minutes = 100
    webinar.save()
    webinar.series.attendance_threshold_percent = 80
    webinar.series.save()
    by = attendees(zoom(webinar))
    assert by["Aigerim Kassymova"].minutes == 80 and by["Aigerim Kassymova"].attended  # exactly at the threshold counts
    assert by["ნინო ბერიძე"].minutes == 57 and not by["ნინო ბერიძე"].attended
    assert by["Dinara Khalikova"].attended


def test_default_threshold_is_half_the_duration(webinar, people):
    assert webinar.series.attendance_threshold_percent == 50
    by = attendees(zoom(webinar))
    assert by["ნინო ბერიძე"].attended and not by["Bakyt Ormonov"].attended


def test_same_file_again_changes_nothing(webinar, people):
    first = zoom(webinar)
    rows = Attendee.objects.count()
    again = zoom(webinar)
    assert again.pk == first.pk and Attendee.objects.count() == rows
    assert AttendanceImport.objects.count() == 1 and again.replaced_at is None
    assert "unchanged" in again.timings


def test_corrected_file_replaces_the_earlier_import(webinar, people):
    first = zoom(webinar)
    corrected = fixture_bytes("zoom_webinar_attendee_report.csv").replace(BAKYT_LEFT_EARLY, BAKYT_STAYED)
    second = import_attendance(webinar=webinar, data=corrected, file_name="corrected.csv", fmt="zoom_webinar")
    first.refresh_from_db()
    assert second.pk != first.pk and first.replaced_at is not None and second.replaced_at is None
    assert second.summary["replaces"] == first.pk
    assert first.attendees.count() == second.attendees.count()  # the earlier one is kept for the record
    current = {a.name: a for a in selectors.webinar_attendance(webinar)}
    assert current["Bakyt Ormonov"].attended and current["Bakyt Ormonov"].attendance_import == second
    assert selectors.current_import(webinar) == second
    # Its attendees no longer count anywhere.
    assert people["bakyt"].pk in selectors.attended_registration_ids(webinar)
    assert Attendee.objects.filter(attendance_import=first, registration=people["bakyt"], attended=True).count() == 0


def test_malformed_file_stores_nothing(webinar, people):
    first = zoom(webinar)
    with pytest.raises(ParseError) as error:
        zoom(webinar, "zoom_webinar_bad_join_time.csv")
    assert (error.value.line, error.value.column) == (14, "Join Time")
    assert AttendanceImport.objects.get() == first and first.attendees.count() == Attendee.objects.count()
    first.refresh_from_db()
    assert first.replaced_at is None


@pytest.mark.parametrize(
    ("name", "fmt", "mapping", "expected"),
    [
        ("zoom_meeting_participants.csv", "zoom_meeting", None, {"Dinara Khalikova": M.EMAIL, "Sargsyan, Anahit": M.NAME}),
        ("teams_attendance_report.csv", "teams", None, {"Nino Beridze (Guest)": M.NAME, "Анаит Саргсян (External)": M.NAME}),
        ("teams_attendance_legacy.csv", "teams", None, {"Dinara Khalikova": M.NAME, "Bakyt Ormonov": M.NAME}),
        ("bigbluebutton_learning_dashboard.csv", "bigbluebutton", None, {"Әйгерім Қасымова": M.NAME, "Programme Office": M.UNMATCHED}),
        (
            "generic_cp1251_semicolon.csv",
            "generic",
            {"name": "ФИО", "email": "Электронная почта", "join": "Вход", "leave": "Выход"},
            {"Динара Халикова": M.EMAIL, "Бакыт Ормонов": M.NAME, "Саргсян; Анаит": M.NAME},
        ),
    ],
)
def test_every_format_through_the_service(webinar, people, name, fmt, mapping, expected):
    imported = import_attendance(webinar=webinar, data=fixture_bytes(name), file_name=name, fmt=fmt, column_mapping=mapping)
    by = attendees(imported)
    for person, match in expected.items():
        assert by[person].match == match, person
    assert imported.format == fmt and imported.column_mapping == (mapping or {})


def test_zoom_meeting_second_device_without_e_mail_goes_to_review(webinar, people):
    by = attendees(zoom(webinar, "zoom_meeting_participants.csv", "zoom_meeting"))
    # "Халикова Динара" joined from another device without an address: Dinara is proposed, not assumed.
    assert by["Халикова Динара"].match == M.AMBIGUOUS and by["Халикова Динара"].candidates[0] == people["dinara"].pk
    # Another initial and the feminine form: not Bakyt, and not proposed.
    assert by["D. Ormonova"].match == M.UNMATCHED and by["D. Ormonova"].registration is None


def test_resolve_links_walks_in_or_ignores(webinar, people, admin_user):
    imported = zoom(webinar)
    by = attendees(imported)
    phone = resolve_attendee(attendee=by["iPhone de Farrukh"], registration=people["farrukh"], walk_in=False, actor=admin_user)
    assert phone.match == M.MANUAL and phone.registration == people["farrukh"] and phone.attended
    assert phone.resolved_by == admin_user and phone.resolved_at is not None
    [event] = log_entries_for(people["farrukh"])
    assert event.action == "attendance.attendee_linked" and event.actor == admin_user
    assert event.data == {"attendee": phone.pk, "minutes": phone.minutes}  # no name from the report is copied
    guest = resolve_attendee(attendee=by["Гость 2041"], registration=None, walk_in=True, actor=admin_user)
    assert guest.match == M.WALK_IN and guest.registration is None
    imported.refresh_from_db()
    assert imported.summary["to_review"] == 0 and imported.summary["matched_manual"] == 1 and imported.summary["walk_ins"] == 1
    ignored = resolve_attendee(attendee=by["Гость 2041"], registration=None, walk_in=False, actor=admin_user)
    assert ignored.match == M.IGNORED and not ignored.attended
    assert people["farrukh"].pk in selectors.attended_registration_ids(webinar)


def test_linking_a_second_device_counts_presence_together(webinar, people, admin_user):
    """Two attendees of one registration: their stretches are merged, overlaps once."""
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Bakyt Ormonov,bakyt@example.org,04/22/2021 10:00:00 AM,04/22/2021 10:30:00 AM,30\n"
        "Бакыт с телефона,,04/22/2021 10:20:00 AM,04/22/2021 10:50:00 AM,30\n"
    )
    imported = import_attendance(webinar=webinar, data=text.encode(), file_name="two-devices.csv", fmt="zoom_meeting")
    by = attendees(imported)
    assert not by["Bakyt Ormonov"].attended and by["Bakyt Ormonov"].minutes == 30
    resolve_attendee(attendee=by["Бакыт с телефона"], registration=people["bakyt"], walk_in=False, actor=admin_user)
    laptop = Attendee.objects.get(pk=by["Bakyt Ormonov"].pk)
    assert laptop.attended  # 10:00-10:50 together: 50 minutes, not 60, and above 45
    assert selectors.attended_registration_ids(webinar) == {people["bakyt"].pk}
    # Unlinking again takes it back.
    resolve_attendee(attendee=by["Бакыт с телефона"], registration=None, walk_in=True, actor=admin_user)
    laptop.refresh_from_db()
    assert not laptop.attended
    assert log_entries_for(people["bakyt"]).filter(action="attendance.attendee_unlinked").exists()


def test_resolve_refuses_another_webinar_and_replaced_imports(webinar, people, admin_user):
    from tests.factories import WebinarFactory

    other = RegistrationFactory(webinar=WebinarFactory(), name="Farrukh Saidov", email="farrukh@example.org")
    imported = zoom(webinar)
    phone = attendees(imported)["iPhone de Farrukh"]
    with pytest.raises(AttendanceError, match="another webinar"):
        resolve_attendee(attendee=phone, registration=other, walk_in=False, actor=admin_user)
    import_attendance(webinar=webinar, data=fixture_bytes("zoom_meeting_participants.csv"), file_name="z.csv", fmt="zoom_meeting")
    with pytest.raises(AttendanceError, match="replaced"):
        resolve_attendee(attendee=phone, registration=people["farrukh"], walk_in=False, actor=admin_user)


def test_a_review_page_of_decisions_is_stored_all_or_none(webinar, people, admin_user):
    from tests.factories import WebinarFactory

    other = RegistrationFactory(webinar=WebinarFactory(), name="Farrukh Saidov", email="farrukh@example.org")
    by = attendees(zoom(webinar))
    guest, phone = by["Гость 2041"], by["iPhone de Farrukh"]
    with pytest.raises(AttendanceError) as refused:
        attendees_resolve(decisions=[(guest, None, "walk_in"), (phone, other, "link")], actor=admin_user)
    assert refused.value.attendee_id == phone.pk
    assert Attendee.objects.get(pk=guest.pk).match != M.WALK_IN  # the first decision was rolled back too
    assert attendees_resolve(decisions=[(guest, None, "walk_in"), (phone, people["farrukh"], "link")], actor=admin_user) == 2
    assert Attendee.objects.get(pk=guest.pk).match == M.WALK_IN
    assert Attendee.objects.get(pk=phone.pk).registration_id == people["farrukh"].pk


def test_decisions_carry_over_to_a_corrected_file(webinar, people, admin_user):
    imported = zoom(webinar)
    by = attendees(imported)
    resolve_attendee(attendee=by["iPhone de Farrukh"], registration=people["farrukh"], walk_in=False, actor=admin_user)
    resolve_attendee(attendee=by["Гость 2041"], registration=None, walk_in=True, actor=admin_user)
    corrected = fixture_bytes("zoom_webinar_attendee_report.csv").replace(BAKYT_LEFT_EARLY, BAKYT_STAYED)
    second = import_attendance(webinar=webinar, data=corrected, file_name="corrected.csv", fmt="zoom_webinar")
    again = attendees(second)
    assert again["iPhone de Farrukh"].match == M.MANUAL and again["iPhone de Farrukh"].registration == people["farrukh"]
    assert again["Гость 2041"].match == M.WALK_IN
    assert second.summary["carried_over"] == 2 and second.summary["to_review"] == 0


def test_attended_registrations_of_a_series_for_certificates(webinar, people):
    from tests.factories import WebinarFactory

    zoom(webinar)
    other = WebinarFactory(series=webinar.series, starts_at=dt.datetime(2021, 4, 29, 4, 0, tzinfo=dt.UTC), duration_minutes=60)
    dinara_again = RegistrationFactory(webinar=other, name="Dinara Khalikova", email="dinara@example.org")
    text = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
    text += "Dinara,dinara@example.org,04/29/2021 10:00:00 AM,04/29/2021 11:00:00 AM,60\n"
    import_attendance(webinar=other, data=text.encode(), file_name="second.csv", fmt="zoom_meeting")
    result = selectors.attended_registrations(webinar.series)
    assert result[webinar.pk] == {people["dinara"].pk, people["anahit"].pk, people["nino"].pk, people["aigerim"].pk}
    assert result[other.pk] == {dinara_again.pk}
    assert {a.name for a in selectors.attendees_needing_review(webinar)} == {"iPhone de Farrukh", "Гость 2041"}


def test_erased_registrations_never_match(webinar, people):
    from django.utils import timezone

    people["anahit"].erased_at = timezone.now()
    people["anahit"].save()
    by = attendees(zoom(webinar))
    assert by["Anahit S (Anahit Sargsyan)"].registration is None


def test_time_zone_of_the_report_can_be_chosen(webinar, people):
    imported = zoom(webinar, time_zone="Europe/Moscow")
    dinara = attendees(imported)["Dinara Khalikova"]
    assert dinara.first_join_at == dt.datetime(2021, 4, 22, 7, 2, 15, tzinfo=dt.UTC)  # 10:02:15 in Moscow
    assert dinara.minutes == 86 and imported.summary["time_zone"] == "Europe/Moscow"
    # Read with another zone, the same bytes are another import.
    assert zoom(webinar).pk != imported.pk
