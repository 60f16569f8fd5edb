"""Erasure leaves the person nowhere: the whole journey, then a scan of every text column of every
table, the sessions, the mail folder and the media folder; the reach figures do not change.

Runs on SQLite and PostgreSQL (``DATABASE_URL=postgres://... pytest tests/security``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, WebinarFactory
from tests.registrations.conftest import form_post
from tests.security import scan
from webinars.attendance.models import Attendee
from webinars.attendance.services import attendees_resolve, import_attendance
from webinars.certificates.services import certificates_issue_and_send
from webinars.feedback.models import FeedbackInvitation
from webinars.feedback.services import feedback_requests_queue_due, feedback_submit
from webinars.mail.models import OutgoingMessage
from webinars.registrations import selectors as registration_selectors
from webinars.registrations.models import Registration
from webinars.reports import selectors as reports
from webinars.reports.services import refresh_stale

pytestmark = pytest.mark.django_db

NAME = "Ануш Кзарбекова"
EMAIL = "anush.kzarbekova@museum-test.am"
# As the meeting platform spelled her (matched by hand on the review screen).
REPORT_NAME = "Anush Kzarbekova-Mkrtchyan"
NEEDLES = [NAME, EMAIL, "Кзарбекова", "Kzarbekova", "anush.kzarbekova", REPORT_NAME]


@pytest.fixture
def mail_dir(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.EMAIL_FILE_PATH


def _figures(webinar) -> dict:
    """The past webinar's figures, and the people of its series (erasure also cancels her upcoming
    registration, which rightly changes the series' "confirmed")."""
    refresh_stale()
    of_webinar = reports.reach_report(reports.scope_webinar(webinar))
    of_series = reports.reach_report(reports.scope_series(webinar.series))["totals"]
    return {
        **{key: value for key, value in of_webinar["totals"].items() if key != "erased"},
        "breakdowns": of_webinar["breakdowns"],
        "series_registrations": of_series["registrations"],
        "series_people": of_series["unique_participants"],
        "series_returning": of_series["returning_participants"],
    }


def test_erased_person_is_found_in_no_table_no_mail_and_no_file(client, django_capture_on_commit_callbacks, mail_dir):
    webinar = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=2), capacity=None, duration_minutes=60)
    webinar.series.confirm_email = False
    webinar.series.save()
    other = WebinarFactory(series=webinar.series, starts_at=timezone.now() + dt.timedelta(days=9), capacity=None)
    admin = UserFactory(is_superuser=True, is_staff=True)

    # Register (the public form, for both webinars: a returning participant), with a stranger beside her.
    for target in (webinar, other):
        url = reverse("registrations:register", args=[target.series.slug, target.slug])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, form_post(name=NAME, email=EMAIL)).status_code in (200, 201, 302)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, form_post(name="Someone Else", email="someone@example.org"))
    registration = Registration.objects.get(webinar=webinar, email=EMAIL)
    assert registration.status == Registration.Status.CONFIRMED

    # The webinar takes place; the report spells her differently, so she is matched by hand.
    webinar.starts_at = timezone.now() - dt.timedelta(days=1)
    webinar.save()
    csv = f"participant,mail,minutes attended\n{REPORT_NAME},anush.k@other-mail.test,55\nSomeone Else,someone@example.org,50\n"
    mapping = {"name": "participant", "email": "mail", "minutes": "minutes attended"}
    with django_capture_on_commit_callbacks(execute=True):
        imported = import_attendance(webinar=webinar, data=csv.encode(), file_name="report.csv", fmt="generic", column_mapping=mapping)
    attendee = Attendee.objects.get(attendance_import=imported, name=REPORT_NAME)
    if attendee.registration_id != registration.pk:
        attendees_resolve(decisions=[(attendee, registration, "link")], actor=admin)

    # A certificate (PDF in media, e-mail in the mail folder), feedback, an admin edit, an export.
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue_and_send(webinar_id=webinar.pk, actor_id=admin.pk)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_requests_queue_due(now=timezone.now() + dt.timedelta(days=3))
    invitation = FeedbackInvitation.objects.get(registration=registration)
    feedback_submit(invitation=invitation, data={"rating": 5, "comments": "Very useful"}, language="en")
    client.force_login(admin)
    change_url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    post = {name: form[name].value() or "" for name in form.fields}
    post.update({"city": "Yerevan", "consent_recording": "on", "_save": "Save"})
    post.update({k: v for k, v in _inline_management(page).items()})
    assert client.post(change_url, post).status_code == 302
    assert AdminLogEntry.objects.filter(object_id=str(registration.pk), object_repr__icontains="Кзарбекова").exists()
    export = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk], "index": 0},
    )
    assert export.status_code == 200 and EMAIL in b"".join(export.streaming_content).decode("utf-8-sig")
    client.logout()

    before = scan.everywhere(NEEDLES)
    assert any("registrations_registration" in hit for hit in before)  # the scan does see her
    assert any(str(mail_dir) in hit for hit in before)
    assert any("media" in hit and ".pdf" in hit for hit in before), before  # the certificate
    figures = _figures(webinar)
    assert figures["series_people"] == 2 and figures["series_registrations"] == 4 and figures["attended"] == 2

    # Erase my data, from the self-service page.
    token = registration_selectors.booking_manage_token(registration.booking)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("registrations:erase", args=[token]), {"confirm_erase": "yes"})
    assert answer.status_code in (200, 201, 302)
    # Both of her bookings (one per webinar) are erased: the link proves she owns the address.
    assert Registration.objects.filter(erased_at__isnull=False).count() == 2

    leaks = scan.everywhere(NEEDLES)
    assert leaks == [], "\n".join(leaks)
    assert _figures(webinar) == figures
    assert OutgoingMessage.objects.filter(to_email__icontains="someone@example.org").exists()  # others untouched


def _inline_management(page) -> dict:
    """Management forms of the change page's inlines (the activity log inline has none to send)."""
    data = {}
    for formset in page.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_scan_covers_every_table():
    tables = {table for table, _column in scan.text_columns()}
    expected = {"registrations_registration", "attendance_attendee", "mail_outgoingmessage", "django_admin_log", "reports_reachperson"}
    assert expected <= tables
