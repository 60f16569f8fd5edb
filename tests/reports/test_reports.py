"""Reach reports: every figure against a small programme computed by hand, access, pages,
exports, bounded query counts and the synthetic-programme command.

The programme (dates in 2025):

    series A (organiser alice)                      series B (organiser bob)
    A1 03-01: r1 ann KZ state female ru confirmed   B1 03-15: r10 ANN@x.org KZ state female ru confirmed
              r2 bob UZ municipal male en confirmed           r11 gus TJ private male ru confirmed
              r3 (erased) KZ – – ru confirmed                 r12 hal AZ state other en pending
              r4 dan AM university female en cancelled
              r5 eve KG state prefer_not ru waitlisted
    A2 04-01: r6 ann KZ state female ru confirmed
              r7 bob UZ municipal male en confirmed
              r8 fay GE ngo – ru confirmed
              r9 (erased) – other female en confirmed

    attendance (current imports): A1: r1 r2 r3 + walk-in walk@x.org (+ host, ignored);
    an older replaced A1 import with r4 (must not count). A2: r6 r8 r9 + walk-in WALK@x.org
    + an unmatched attendee; r7 joined too briefly. B1: r10 r11.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    AttendanceImportFactory,
    AttendeeFactory,
    BookingFactory,
    CertificateFactory,
    FeedbackInvitationFactory,
    FeedbackResponseFactory,
    RegistrationFactory,
    SeriesFactory,
    SeriesRoleFactory,
    UserFactory,
    WebinarFactory,
)
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.attendance.services import resolve_attendee
from webinars.programme.models import Series, SeriesRole, Webinar
from webinars.registrations import services as registration_services
from webinars.registrations.models import Booking, Registration
from webinars.reports import charts, selectors, services
from webinars.reports import services as report_services

pytestmark = pytest.mark.django_db

D = dt.date


def fresh_report(scope: selectors.ReportScope) -> dict:
    """The report as the views show it: refreshed by the service, then read by the selector."""
    services.reach_refresh(scope=scope)
    return selectors.reach_report(scope)


Status = Registration.Status


def _webinar(series, slug: str, date: dt.date, title: str) -> Webinar:
    return WebinarFactory(
        series=series,
        slug=slug,
        starts_at=dt.datetime.combine(date, dt.time(10), tzinfo=dt.UTC),
        title={"en": title, "ru": title + " (ru)"},
    )


def _register(webinar, email, country, institution, gender, language, status, *, erased=False) -> Registration:
    now = timezone.now()
    booking = BookingFactory(email=email)
    if erased:
        email = f"erased-{uuid.uuid4()}@erased.invalid"
    return RegistrationFactory(
        booking=booking,
        webinar=webinar,
        email=email,
        name="" if erased else email.split("@")[0],
        country=country,
        institution_type=institution,
        gender=gender,
        language=language,
        consent_privacy_at=now,
        status=status,
        expires_at=now + dt.timedelta(hours=48) if status == Status.PENDING else None,
        confirmed_at=None,
        erased_at=now if erased else None,
    )


def _import(webinar, *, replaced=False) -> AttendanceImport:
    return AttendanceImportFactory(
        webinar=webinar,
        format=AttendanceImport.Format.GENERIC,
        file_name="report.csv",
        sha256=uuid.uuid4().hex,
        replaced_at=timezone.now() if replaced else None,
    )


def _attend(current, registration=None, *, email="", attended=True, match=Attendee.Match.EMAIL, minutes=80) -> Attendee:
    return AttendeeFactory(
        attendance_import=current,
        registration=registration,
        email=email or (registration.email if registration else ""),
        name="x",
        minutes=minutes,
        attended=attended,
        match=match,
    )


@pytest.fixture
def programme(db):
    a = SeriesFactory(slug="series-a", title={"en": "Series A", "ru": "Серия А"})
    b = SeriesFactory(slug="series-b", title={"en": "Series B", "ru": "Серия Б"})
    a1 = _webinar(a, "a1", D(2025, 3, 1), "Webinar A1")
    a2 = _webinar(a, "a2", D(2025, 4, 1), "Webinar A2")
    b1 = _webinar(b, "b1", D(2025, 3, 15), "Webinar B1")
    r = {}
    r[1] = _register(a1, "ann@x.org", "KZ", "state", "female", "ru", Status.CONFIRMED)
    r[2] = _register(a1, "bob@x.org", "UZ", "municipal", "male", "en", Status.CONFIRMED)
    r[3] = _register(a1, "cat@x.org", "KZ", "", "", "ru", Status.CONFIRMED, erased=True)
    r[4] = _register(a1, "dan@x.org", "AM", "university", "female", "en", Status.CANCELLED)
    r[5] = _register(a1, "eve@x.org", "KG", "state", "prefer_not", "ru", Status.WAITLISTED)
    r[6] = _register(a2, "ann@x.org", "KZ", "state", "female", "ru", Status.CONFIRMED)
    r[7] = _register(a2, "bob@x.org", "UZ", "municipal", "male", "en", Status.CONFIRMED)
    r[8] = _register(a2, "fay@x.org", "GE", "ngo", "", "ru", Status.CONFIRMED)
    r[9] = _register(a2, "zed@x.org", "", "other", "female", "en", Status.CONFIRMED, erased=True)
    r[10] = _register(b1, "ANN@x.org", "KZ", "state", "female", "ru", Status.CONFIRMED)
    r[11] = _register(b1, "gus@x.org", "TJ", "private", "male", "ru", Status.CONFIRMED)
    r[12] = _register(b1, "hal@x.org", "AZ", "state", "other", "en", Status.PENDING)

    old = _import(a1, replaced=True)
    _attend(old, r[4])
    i1 = _import(a1)
    for n in (1, 2, 3):
        _attend(i1, r[n])
    _attend(i1, email="walk@x.org", match=Attendee.Match.WALK_IN)
    _attend(i1, email="host@x.org", match=Attendee.Match.IGNORED)
    i2 = _import(a2)
    for n in (6, 8, 9):
        _attend(i2, r[n])
    _attend(i2, r[7], attended=False, minutes=10)
    _attend(i2, email="WALK@x.org", match=Attendee.Match.WALK_IN)
    _attend(i2, match=Attendee.Match.UNMATCHED)
    i3 = _import(b1)
    for n in (10, 11):
        _attend(i3, r[n])

    alice = UserFactory(username="alice", is_staff=True)
    bob = UserFactory(username="bob", is_staff=True)
    carol = UserFactory(username="carol", is_staff=False)
    dave = UserFactory(username="dave", is_staff=True)  # staff, but no role anywhere
    root = UserFactory(superuser=True, username="root")
    SeriesRoleFactory(series=a, user=alice, role=SeriesRole.Role.OWNER)
    SeriesRoleFactory(series=b, user=bob, role=SeriesRole.Role.OWNER)
    SeriesRoleFactory(series=a, user=carol, role=SeriesRole.Role.OWNER)
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "r": r, "alice": alice, "bob": bob, "carol": carol, "dave": dave, "root": root}


def _figures(report: dict) -> dict:
    keys = (
        "webinars",
        "registrations",
        "confirmed",
        "attended",
        "registered_attendees",
        "walk_ins",
        "to_review",
        "attendance_rate",
        "unique_participants",
        "returning_participants",
        "erased",
    )
    return {k: report["totals"][k] for k in keys}


def _margin(report: dict, dimension: str) -> dict:
    block = next(b for b in report["breakdowns"] if b["dimension"] == dimension)
    return {row["key"]: (row["registrations"], row["confirmed"], row["attended"]) for row in block["rows"]}


# --- figures ---------------------------------------------------------------------------------


def test_programme_wide_figures(programme):
    report = fresh_report(selectors.scope_programme(programme["root"]))
    assert _figures(report) == {
        "webinars": 3,
        "registrations": 12,
        "confirmed": 9,
        "attended": 11,  # 8 registered + 2 walk-ins + 1 still to match; hosts and the replaced import left out
        "registered_attendees": 8,
        "walk_ins": 2,
        "to_review": 1,
        "attendance_rate": round(8 / 9, 4),
        "unique_participants": 9,  # ann (3 rows, one in capitals), bob, dan, eve, fay, gus, hal + 2 erased rows
        "returning_participants": 2,  # ann (A1, A2, B1) and the walk-in (A1, A2); bob missed A2
        "erased": 2,
    }
    assert _margin(report, "country") == {
        "KZ": (4, 4, 4),
        "UZ": (2, 2, 1),
        "AM": (1, 0, 0),
        "KG": (1, 0, 0),
        "GE": (1, 1, 1),
        "": (1, 1, 1),
        "TJ": (1, 1, 1),
        "AZ": (1, 0, 0),
    }
    assert _margin(report, "gender") == {"female": (5, 4, 4), "male": (3, 3, 2), "": (2, 2, 2), "prefer_not": (1, 0, 0), "other": (1, 0, 0)}
    assert _margin(report, "institution_type") == {
        "state": (5, 3, 3),
        "municipal": (2, 2, 1),
        "": (1, 1, 1),
        "university": (1, 0, 0),
        "ngo": (1, 1, 1),
        "other": (1, 1, 1),
        "private": (1, 1, 1),
    }
    assert _margin(report, "language") == {"ru": (7, 6, 6), "en": (5, 3, 2)}
    # Largest group first; an empty value is "not stated".
    country = next(b for b in report["breakdowns"] if b["dimension"] == "country")["rows"]
    assert country[0]["label"] == "Kazakhstan"
    assert {row["label"] for row in country if row["key"] == ""} == {"not stated"}


def test_trend_per_webinar_by_date(programme):
    report = fresh_report(selectors.scope_programme(programme["root"]))
    rows = [
        (r["date"], r["title"], r["registrations"], r["confirmed"], r["attended"], r["walk_ins"], r["attendance_rate"])
        for r in report["webinars"]
    ]
    assert rows == [
        (D(2025, 3, 1), "Webinar A1", 5, 3, 4, 1, 1.0),
        (D(2025, 3, 15), "Webinar B1", 3, 2, 2, 0, 1.0),
        (D(2025, 4, 1), "Webinar A2", 4, 4, 5, 1, 0.75),
    ]


def test_series_figures(programme):
    a = fresh_report(selectors.scope_series(programme["a"]))
    assert _figures(a) == {
        "webinars": 2,
        "registrations": 9,
        "confirmed": 7,
        "attended": 9,
        "registered_attendees": 6,
        "walk_ins": 2,
        "to_review": 1,
        "attendance_rate": round(6 / 7, 4),
        "unique_participants": 7,
        "returning_participants": 2,
        "erased": 2,
    }
    b = fresh_report(selectors.scope_series(programme["b"]))
    assert _figures(b) == {
        "webinars": 1,
        "registrations": 3,
        "confirmed": 2,
        "attended": 2,
        "registered_attendees": 2,
        "walk_ins": 0,
        "to_review": 0,
        "attendance_rate": 1.0,
        "unique_participants": 3,
        "returning_participants": 0,
        "erased": 0,
    }
    assert _margin(b, "country") == {"KZ": (1, 1, 1), "TJ": (1, 1, 1), "AZ": (1, 0, 0)}


def test_webinar_figures(programme):
    report = fresh_report(selectors.scope_webinar(programme["a2"]))
    assert _figures(report) == {
        "webinars": 1,
        "registrations": 4,
        "confirmed": 4,
        "attended": 5,
        "registered_attendees": 3,
        "walk_ins": 1,
        "to_review": 1,
        "attendance_rate": 0.75,
        "unique_participants": 4,
        "returning_participants": 0,
        "erased": 1,
    }
    # Erased registrations keep counting in the country and gender breakdowns.
    assert _margin(report, "gender") == {"female": (2, 2, 2), "male": (1, 1, 0), "": (1, 1, 1)}
    assert _margin(report, "country")[""] == (1, 1, 1)


def test_period(programme):
    root = programme["root"]
    march = fresh_report(selectors.scope_programme(root, date_from=D(2025, 3, 10), date_to=D(2025, 3, 31)))
    assert [r["title"] for r in march["webinars"]] == ["Webinar B1"]
    assert march["totals"]["registrations"] == 3
    first_half = fresh_report(selectors.scope_series(programme["a"], date_to=D(2025, 3, 31)))
    assert first_half["totals"]["registrations"] == 5
    assert first_half["totals"]["returning_participants"] == 0
    nothing = fresh_report(selectors.scope_programme(programme["alice"], date_from=D(2025, 3, 10), date_to=D(2025, 3, 31)))
    assert nothing["totals"]["webinars"] == 0 and nothing["totals"]["registrations"] == 0


def test_organiser_programme_is_their_series_only(programme):
    alice = fresh_report(selectors.scope_programme(programme["alice"]))
    series_a = fresh_report(selectors.scope_series(programme["a"]))
    assert _figures(alice) == _figures(series_a)
    assert {r["series_id"] for r in alice["webinars"]} == {programme["a"].pk}


def test_certificates_issued_not_revoked(programme):
    r = programme["r"]
    now = timezone.now()
    common = {"name_on_certificate": "Ann", "issued_at": now}
    CertificateFactory(
        kind="webinar", series=programme["a"], webinar=programme["a1"], registration=r[1], participant_email="ann@x.org", **common
    )
    CertificateFactory(
        kind="webinar",
        series=programme["a"],
        webinar=programme["a1"],
        registration=r[2],
        participant_email="bob@x.org",
        revoked_at=now,
        **common,
    )
    CertificateFactory(kind="series", series=programme["a"], webinar=None, registration=None, participant_email="ann@x.org", **common)
    assert selectors.certificate_figures(selectors.scope_series(programme["a"]))["total"] == 2
    assert selectors.certificate_figures(selectors.scope_webinar(programme["a1"]))["total"] == 1
    assert selectors.certificate_figures(selectors.scope_series(programme["b"]))["total"] == 0
    assert selectors.certificate_figures(selectors.scope_programme(programme["root"]))["total"] == 2
    report = fresh_report(selectors.scope_series(programme["a"]))
    assert {i["key"]: i["value"] for i in selectors.summary_items(report)}["certificates"] == 2


def test_feedback_averages_and_answers(programme):
    r = programme["r"]
    for n in (1, 2, 6):
        FeedbackInvitationFactory(registration=r[n], sent_at=None)
    FeedbackResponseFactory(webinar=programme["a1"], rating=4, usefulness=5, improve="More examples", comments="Спасибо")
    FeedbackResponseFactory(webinar=programme["a2"], rating=2, improve="Better sound")
    series = selectors.feedback_figures(selectors.scope_series(programme["a"]))
    assert series["invitations"] == 3 and series["responses"] == 2
    assert series["average_rating"] == 3.0 and series["average_usefulness"] == 5.0
    assert series["rating_distribution"] == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    assert sorted(series["improve"]) == ["Better sound", "More examples"] and series["comments"] == ["Спасибо"]
    one = selectors.feedback_figures(selectors.scope_webinar(programme["a1"]))
    assert one["responses"] == 1 and one["average_rating"] == 4.0 and one["improve"] == ["More examples"]
    assert selectors.feedback_figures(selectors.scope_series(programme["b"]))["responses"] == 0


# --- access --------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, programme):
    response = client.get(reverse("reports:programme"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_without_a_role_is_refused_and_staff_plays_no_part(client, programme):
    # Changed with the rules (issue 14): reports follow "reports.view_reports", so a role
    # holder who is not staff (carol) sees her series' report, and staff without any role
    # (dave) get 403, never a server error.
    client.force_login(programme["carol"])
    assert client.get(reverse("reports:series", args=[programme["a"].pk])).status_code == 200
    client.force_login(programme["dave"])
    for url in (reverse("reports:programme"), reverse("reports:series", args=[programme["a"].pk])):
        assert client.get(url).status_code == 403


def test_a_viewer_sees_the_report_of_their_series_only(client, programme, django_user_model):
    viewer = django_user_model.objects.create_user("partner", password="pw")
    SeriesRole.objects.create(series=programme["a"], user=viewer, role=SeriesRole.Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("reports:series", args=[programme["a"].pk])).status_code == 200
    assert client.get(reverse("reports:series", args=[programme["b"].pk])).status_code == 404
    assert client.get(reverse("reports:webinar", args=[programme["b1"].pk])).status_code == 404


def test_organiser_cannot_see_another_series(client, programme):
    client.force_login(programme["alice"])
    assert client.get(reverse("reports:series", args=[programme["b"].pk])).status_code == 404
    assert client.get(reverse("reports:webinar", args=[programme["b1"].pk])).status_code == 404
    assert client.get(reverse("reports:series", args=[programme["b"].pk]) + "?format=csv").status_code == 404
    assert client.get(reverse("reports:series", args=[programme["a"].pk])).status_code == 200
    page = client.get(reverse("reports:programme")).content.decode()
    assert "Webinar A1" in page and "Webinar A2" in page
    assert "Webinar B1" not in page and "Series B" not in page


def test_superuser_sees_every_series(client, programme):
    client.force_login(programme["root"])
    page = client.get(reverse("reports:programme")).content.decode()
    assert "Webinar A1" in page and "Webinar B1" in page
    assert client.get(reverse("reports:series", args=[programme["b"].pk])).status_code == 200


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["programme", "series", "webinar"])
def test_pages_render_with_charts_and_tables(client, programme, name):
    client.force_login(programme["alice"])
    args = {"programme": [], "series": [programme["a"].pk], "webinar": [programme["a2"].pk]}[name]
    response = client.get(reverse(f"reports:{name}", args=args))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count('role="img"') >= 5  # the trend and four breakdowns
    assert "<title id=" in html and "aria-label=" in html
    assert html.count("<caption>") >= 6
    assert "<script" not in html.split("<main", 1)[1]
    assert 'data-figure="attendance_rate"' in html
    assert "Kazakhstan" in html


def test_page_in_russian(client, programme):
    client.force_login(programme["alice"])
    client.cookies["lang"] = "ru"
    response = client.get(reverse("reports:series", args=[programme["a"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru"' in html
    assert "Казахстан" in html  # country names in the UI language
    assert "Серия А" in html
    assert "Отчёт об охвате" in html


def test_period_form_filters_and_reports_bad_input(client, programme):
    client.force_login(programme["root"])
    html = client.get(reverse("reports:programme"), {"from": "2025-03-10", "to": "2025-03-31"}).content.decode()
    assert "Webinar B1" in html and "Webinar A1" not in html
    assert "from=2025-03-10" in html
    bad = client.get(reverse("reports:programme"), {"from": "2025-04-01", "to": "2025-03-01"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()


def test_chart_escapes_labels():
    svg = charts.bar_chart(
        [{"label": "<script>x</script>", "n": 3}], label_key="label", measures=[charts.Measure("n", "N & M")], title="T <1>"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "N &amp; M" in svg
    line = charts.dot_chart([{"date": D(2025, 1, 1), "n": 1}], date_key="date", measures=[charts.Measure("n", "N")], title="T")
    assert 'role="img"' in line and "<circle" in line


# --- exports -------------------------------------------------------------------------------------


def test_csv_export(client, programme):
    client.force_login(programme["alice"])
    response = client.get(reverse("reports:series", args=[programme["a"].pk]), {"from": "2025-01-01", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="reach-series-series-a.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["Reach report: Series A"]
    assert rows[1][0].startswith("Filters: series=Series A; from=2025-01-01")
    assert ["Registrations", "9"] in rows
    assert ["Unique participants (distinct people registered)", "7"] in rows
    assert ["Kazakhstan", "3", "3", "3"] in rows
    assert ["2025-04-01", "Webinar A2", "Series A", "published", "4", "4", "5", "3", "1", "75.0 %"] in rows


def test_xlsx_export(client, programme):
    from openpyxl import load_workbook

    client.force_login(programme["root"])
    response = client.get(reverse("reports:webinar", args=[programme["a1"].pk]), {"format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames[:2] == ["Summary", "Per webinar"]
    summary = [tuple(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    assert summary[0][0] == "Reach report: Webinar A1"
    assert summary[1][0].startswith("Filters: webinar=Webinar A1 (2025-03-01)")
    assert ("Registrations", 5) in [row[:2] for row in summary]
    country = [tuple(row) for row in workbook["Country"].iter_rows(values_only=True)]
    assert ("Kazakhstan", 2, 2, 2) in [row[:4] for row in country]


def test_unknown_export_format(client, programme):
    client.force_login(programme["root"])
    assert client.get(reverse("reports:programme"), {"format": "pdf"}).status_code == 404


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["programme", "series"])
def test_query_count_is_bounded_and_does_not_grow(client, programme, django_assert_max_num_queries, name):
    client.force_login(programme["alice"])
    url = reverse(f"reports:{name}", args=[] if name == "programme" else [programme["a"].pk])
    with django_assert_max_num_queries(90):  # the first report also computes every webinar's figures
        client.get(url)
    before = _queries(client, url)
    for n in range(6):
        webinar = _webinar(programme["a"], f"more-{n}", D(2025, 5, 1 + n), f"More {n}")
        registration = _register(webinar, f"more{n}@x.org", "KZ", "state", "female", "ru", Status.CONFIRMED)
        _attend(_import(webinar), registration)
    with django_assert_max_num_queries(90):  # recomputes the six new webinars in one batch
        client.get(url)
    assert _queries(client, url) == before
    with django_assert_max_num_queries(25):
        client.get(url)


# --- synthetic programme ---------------------------------------------------------------------------


def test_generate_synthetic_programme_small(capsys):
    call_command("generate_synthetic_programme", series=2, webinars_per_series=4, registrations=600, people=200, seed=3, no_progress=True)
    series = Series.objects.filter(slug__startswith="synthetic-")
    assert series.count() == 2 and all(s.is_sample and not s.is_published for s in series)
    registrations = Registration.objects.filter(webinar__series__in=series)
    assert registrations.count() == 600
    assert registrations.filter(erased_at__isnull=False).exists()
    assert registrations.values("email").distinct().count() <= 600
    assert set(registrations.values_list("country", flat=True)) & {"KZ", "UZ", "KG", "TJ", "AM", "GE", "AZ"}
    past = Webinar.objects.filter(series__in=series, ends_at__lte=timezone.now()).exclude(status=Webinar.Status.CANCELLED)
    assert past.exists()
    for webinar in past:
        assert AttendanceImport.objects.filter(webinar=webinar, replaced_at__isnull=True).count() == 1
    attended = Attendee.objects.filter(webinar__series__in=series, attended=True)
    assert attended.filter(match=Attendee.Match.WALK_IN).exists() and attended.filter(registration__isnull=False).exists()
    # The new rows are usable by the ORM and the reports (ids, sequences, dates).
    Registration.objects.create(
        booking=Booking.objects.create(email="late@x.org"),
        webinar=past.first(),
        email="late@x.org",
        consent_privacy_at=timezone.now(),
        status=Status.CONFIRMED,
    )
    report = fresh_report(selectors.ReportScope("programme"))
    assert report["totals"]["registrations"] == 601
    assert 0.4 < report["totals"]["attendance_rate"] < 0.8
    with pytest.raises(CommandError):
        call_command("generate_synthetic_programme", series=1, webinars_per_series=1, registrations=10, no_progress=True)
    call_command("generate_synthetic_programme", series=1, webinars_per_series=2, registrations=50, replace=True, no_progress=True)
    assert Registration.objects.filter(webinar__series__slug__startswith="synthetic-").count() == 50
    assert Series.objects.filter(slug__startswith="synthetic-").count() == 1
    assert "Synthetic programme" in capsys.readouterr().out


def test_dimension_labels_follow_the_language():
    with translation.override("ru"):
        assert selectors.dimension_label("country", "KZ") == "Казахстан"
        assert selectors.dimension_label("gender", "") != "not stated"
    assert selectors.dimension_label("gender", "") == "not stated"
    assert selectors.dimension_label("language", "ru") == "Russian"


# --- pre-aggregated figures: kept in step with every change ------------------------------------------


def _from_scratch(scope) -> dict:
    """The report recomputed with every pre-aggregated row thrown away first."""
    from webinars.reports.models import ReachMargin, ReachParticipant, ReachPerson, ReachState, ReachWebinar

    for model in (ReachParticipant, ReachMargin, ReachPerson, ReachWebinar, ReachState):
        model.objects.all().delete()
    return fresh_report(scope)


def _same_as_from_scratch(scope) -> dict:
    report = fresh_report(scope)
    again = _from_scratch(scope)
    assert _figures(report) == _figures(again)
    assert report["breakdowns"] == again["breakdowns"]
    assert [dict(r) for r in report["webinars"]] == [dict(r) for r in again["webinars"]]
    return report


def test_figures_follow_saved_and_deleted_rows(programme):
    scope = selectors.scope_programme(programme["root"])
    r = programme["r"]
    fresh_report(scope)  # computed once; later reports recompute only what changed
    # Through a service: its domain event marks the webinar stale.
    registration_services.registration_confirm_by_organiser(registration=r[12])
    # Repairs outside the services (a superuser's shell) send no event: they mark stale by hand.
    r[5].email = "Ann@X.org"  # eve becomes ann: one person fewer
    r[5].save()
    r[4].delete()
    walk_in = Attendee.objects.get(email="walk@x.org")
    walk_in.attended = False  # the walk-in now came to A2 only: no longer returning
    walk_in.save()
    for webinar_id in {r[5].webinar_id, r[4].webinar_id, walk_in.webinar_id}:
        report_services.mark_stale(webinar_id)
    report = _same_as_from_scratch(scope)
    figures = _figures(report)
    assert figures["registrations"] == 11
    assert figures["confirmed"] == 10
    assert figures["unique_participants"] == 7  # ann, bob, fay, gus, hal + 2 erased rows
    assert figures["returning_participants"] == 1  # ann
    assert "AM" not in _margin(report, "country")


def test_figures_follow_a_replaced_attendance_import(programme):
    scope = selectors.scope_series(programme["a"])
    before = fresh_report(scope)
    assert before["totals"]["attended"] == 9
    current = AttendanceImport.objects.get(webinar=programme["a2"], replaced_at__isnull=True)
    current.replaced_at = timezone.now()
    current.save()
    _attend(_import(programme["a2"]), programme["r"][7])
    report = _same_as_from_scratch(scope)
    assert report["totals"]["attended"] == 5  # A1's four + bob in A2
    assert report["totals"]["returning_participants"] == 1  # bob (A1, A2); ann missed the new A2 list


def test_rows_inserted_in_bulk_are_noticed(programme):
    scope = selectors.scope_programme(programme["root"])
    fresh_report(scope)
    now = timezone.now()
    template = programme["r"][1]
    # bulk_create sends no signals: the new ids are found at report time.
    Registration.objects.bulk_create(
        [
            Registration(
                booking=template.booking,
                webinar=programme["b1"],
                email=f"bulk{n}@x.org",
                country="KZ",
                language="ru",
                consent_privacy_at=now,
                status=Status.CONFIRMED,
            )
            for n in range(3)
        ]
    )
    Attendee.objects.bulk_create(
        [
            Attendee(
                attendance_import=AttendanceImport.objects.get(webinar=programme["b1"]),
                webinar=programme["b1"],
                email="walk@x.org",
                attended=True,
                match=Attendee.Match.WALK_IN,
            )
        ]
    )
    report = _same_as_from_scratch(scope)
    assert report["totals"]["registrations"] == 15
    assert report["totals"]["unique_participants"] == 12
    assert report["totals"]["walk_ins"] == 3
    assert report["totals"]["returning_participants"] == 2  # ann and the walk-in (now three webinars)


def test_deleting_a_webinar_recounts_its_people(programme):
    scope = selectors.scope_programme(programme["root"])
    fresh_report(scope)
    b1 = programme["b1"]
    Attendee.objects.filter(webinar=b1).delete()
    AttendanceImport.objects.filter(webinar=b1).delete()
    Registration.objects.filter(webinar=b1).delete()
    b1.delete()
    report = _same_as_from_scratch(scope)
    assert report["totals"]["webinars"] == 2
    assert report["totals"]["unique_participants"] == 7  # gus and hal only came to B1


def test_period_and_organiser_scopes_match_from_scratch(programme):
    fresh_report(selectors.scope_programme(programme["root"]))
    cancelled = programme["r"][6]
    # Cancelled while the webinar was still ahead (after its end the service refuses).
    registration_services.registration_cancel(registration=cancelled, notify=False, now=cancelled.webinar.ends_at - dt.timedelta(hours=2))
    for scope in (
        selectors.scope_programme(programme["root"], date_from=D(2025, 3, 10)),
        selectors.scope_programme(programme["alice"]),
        selectors.scope_webinar(programme["a2"]),
    ):
        _same_as_from_scratch(scope)
    report = fresh_report(selectors.scope_programme(programme["alice"]))
    assert report["totals"]["confirmed"] == 6
    assert report["totals"]["unique_participants"] == 7


def test_stale_webinars_and_refresh(programme):

    assert set(services.stale_webinars(None)) == {programme["a1"].pk, programme["a2"].pk, programme["b1"].pk}
    assert services.refresh_stale() == 3
    assert services.stale_webinars(None) == []
    registration_services.registration_update_details(registration=programme["r"][2], data={"city": "Gyumri"})
    assert services.stale_webinars(None) == [programme["a1"].pk]


def _direct(scope) -> dict:
    """The figures straight from registrations and attendees (the queries the reports ran before pre-aggregation)."""
    from django.db.models import Count, Q
    from django.db.models.functions import Lower

    registrations = selectors.scope_registrations(scope)
    attended = selectors.scope_attended(scope)
    figures = registrations.aggregate(
        registrations=Count("pk"),
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        erased=Count("pk", filter=Q(erased_at__isnull=False)),
        unique_participants=Count(Lower("email"), distinct=True),
    )
    figures.update(
        attended.aggregate(
            attended=Count("pk"),
            registered_attendees=Count("pk", filter=Q(registration__isnull=False)),
            walk_ins=Count("pk", filter=Q(match=Attendee.Match.WALK_IN)),
        )
    )
    figures["returning_participants"] = (
        attended.values(person=selectors.attendee_key()).annotate(n=Count("webinar_id", distinct=True)).filter(n__gte=2).count()
    )
    margins = {}
    for name in selectors.DIMENSIONS:
        regs = registrations.values(name).annotate(r=Count("pk"), c=Count("pk", filter=Q(status=Status.CONFIRMED)))
        came = dict(attended.filter(registration__isnull=False).values_list(f"registration__{name}").annotate(a=Count("pk")))
        margins[name] = {row[name]: (row["r"], row["c"], came.get(row[name], 0)) for row in regs}
    return {"figures": figures, "margins": margins}


def _check_against_direct(scope) -> None:
    report = fresh_report(scope)
    direct = _direct(scope)
    assert {k: report["totals"][k] for k in direct["figures"]} == direct["figures"]
    assert {name: _margin(report, name) for name in selectors.DIMENSIONS} == direct["margins"]


def test_synthetic_programme_figures_equal_the_direct_queries(programme):
    call_command("generate_synthetic_programme", series=3, webinars_per_series=5, registrations=1500, people=300, seed=5, no_progress=True)
    scopes = [
        selectors.ReportScope("programme"),
        selectors.scope_programme(programme["root"], date_from=timezone.now().date() - dt.timedelta(days=200)),
        selectors.scope_series(Series.objects.filter(slug__startswith="synthetic-").order_by("slug").first()),
    ]
    for scope in scopes:
        _check_against_direct(scope)
    # Changes through the services, then a replaced synthetic programme (plain DELETEs and INSERTs).
    registration = Registration.objects.filter(webinar__series__slug__startswith="synthetic-", status=Status.CONFIRMED)
    first = registration.order_by("pk").first()
    registration_services.registration_cancel(registration=first, notify=False, now=first.webinar.ends_at - dt.timedelta(hours=2))
    attendee = Attendee.objects.filter(registration__isnull=False, attendance_import__replaced_at__isnull=True).order_by("pk").first()
    resolve_attendee(attendee=attendee, registration=None, walk_in=False)
    for scope in scopes:
        _check_against_direct(scope)
    call_command("generate_synthetic_programme", series=2, webinars_per_series=3, registrations=400, replace=True, seed=6, no_progress=True)
    for scope in scopes:
        _check_against_direct(scope)
