"""Data for the topology checks, made with ``manage.py shell -c`` against the topology's database."""

SETUP = r"""
import datetime as dt, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.programme.models import Series, Webinar
from webinars.registrations.models import Booking, Registration
from webinars.registrations.selectors import booking_manage_token

from webinars.team.services import organiser_add
series = Series.objects.get(slug="sample-series")
# An owner of the series (superusers must use a second factor under production settings).
demo = Series.objects.get(slug="museum-webinars-central-asia-south-caucasus")
organiser_add(email="{user}", password="{password}", series=demo, role="owner")
starts = timezone.now() - dt.timedelta(days=2)
past = Webinar(series=series, slug="topology-past", title={{"en": "Topology: a past webinar"}}, status="published",
               time_zone="Asia/Almaty")
past.start_date, past.starts_at = starts.date(), starts
past.save()
booking = Booking.objects.create(email="holder@certificate.topology.test", language="en", time_zone="Asia/Yerevan")
registration = Registration.objects.create(
    booking=booking, webinar=past, email=booking.email, name="Նարե Հակոբյան", status="confirmed",
    consent_privacy_at=timezone.now(), confirmed_at=starts)
report = AttendanceImport.objects.create(webinar=past, format="zoom_webinar", file_name="report.csv", sha256="0" * 64)
Attendee.objects.create(attendance_import=report, webinar=past, name=registration.name, email=registration.email,
                        minutes=85, attended=True, registration=registration, match="email")
shown = Webinar.objects.get(slug="migration-and-diversity")
print(json.dumps({{"past": past.pk, "token": booking_manage_token(booking), "shown": shown.pk,
                   "shown_path": shown.get_absolute_url()}}))
"""

ISSUE_CERTIFICATES = """
from webinars.certificates.tasks import issue_certificates
print(issue_certificates.enqueue(webinar_id={webinar}).id)
"""

CERTIFICATES = """
import json
from webinars.certificates.models import Certificate
print(json.dumps([[c.code, c.pdf.name] for c in Certificate.objects.filter(webinar_id={webinar}).exclude(pdf="")]))
"""

MAIL_STATUS = """
import json
from django.db.models import Count
from webinars.mail.models import OutgoingMessage
print(json.dumps(dict(OutgoingMessage.objects.filter(kind="{kind}").values_list("status").annotate(n=Count("id")))))
"""
