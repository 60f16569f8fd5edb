"""Move the free-text registration history (``RegistrationEvent``) into the activity log with codes."""

from django.db import migrations

ACTION_CODES = {
    "registered": "registration.created",
    "registered again": "registration.created_again",
    "e-mail confirmed": "registration.email_confirmed",
    "promoted from waiting list": "registration.promoted",
    "cancelled": "registration.cancelled",
    "cancelled by organiser": "registration.cancelled_by_organiser",
    "confirmed by organiser": "registration.confirmed_by_organiser",
    "expired": "registration.expired",
    "details changed": "registration.details_changed",
    "details changed by organiser": "registration.details_changed",
    "personal data erased": "registration.erased",
    "attendance linked by organiser": "attendance.attendee_linked",
    "attendance unlinked by organiser": "attendance.attendee_unlinked",
}


def code_for(action: str) -> str:
    """The namespaced code of an old free-text action (unknown ones keep their words under ``registration.``)."""
    return ACTION_CODES.get(action) or "registration." + "_".join(action.lower().split())[:60]


def forwards(apps, schema_editor):
    RegistrationEvent = apps.get_model("registrations", "RegistrationEvent")
    LogEntry = apps.get_model("audit", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="registrations", model="registration")
    batch = []
    events = RegistrationEvent.objects.select_related("registration__webinar").order_by("pk")
    for event in events.iterator(chunk_size=2000):
        # The old free-text note could hold an attendee's name: it is not carried over.
        batch.append(
            LogEntry(
                action=code_for(event.action),
                actor_id=event.actor_id,
                content_type_id=content_type.pk,
                object_id=event.registration_id,
                series_id=event.registration.webinar.series_id,
                webinar_id=event.registration.webinar_id,
                data={"from_status": event.from_status, "to_status": event.to_status},
                created_at=event.at,
            )
        )
        if len(batch) >= 2000:
            LogEntry.objects.bulk_create(batch)
            batch = []
    LogEntry.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registrations", "0004_remove_outgoingmessage"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
