"""Copy every registrations.OutgoingMessage into mail.OutgoingMessage, keeping its id.

The id is kept because the Message-ID of a resent e-mail is derived from it. A message's
registration and booking foreign keys become the mail app's generic reference (about a
registration, else about the booking), the group ``booking:<id>`` and the series of its
webinar. The next migration removes the old table. Runs in batches, on SQLite and
PostgreSQL (where the id sequence is moved past the copied ids).
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000
FIELDS = ["id", "key", "kind", "to_email", "context", "status", "attempts", "next_attempt_at", "claimed_at", "last_error", "sent_at", "created_at"]


def mail_row(old: dict, *, registration_type_id: int, booking_type_id: int, registrations: dict, bookings: dict) -> dict:
    """The mail app's fields for one old row (``old`` has FIELDS plus registration_id and booking_id).

    ``registrations`` maps a registration id to (series id, booking id), ``bookings`` a
    booking id to its series id (its own, else that of its first registration's webinar).
    """
    row = {name: old[name] for name in FIELDS}
    registration_id, booking_id = old["registration_id"], old["booking_id"]
    series_id = None
    if registration_id is not None:
        series_id, registration_booking_id = registrations.get(registration_id, (None, None))
        booking_id = booking_id or registration_booking_id
        row.update(about_type_id=registration_type_id, about_id=registration_id)
    elif booking_id is not None:
        row.update(about_type_id=booking_type_id, about_id=booking_id)
    else:
        row.update(about_type_id=None, about_id=None)
    if series_id is None and booking_id is not None:
        series_id = bookings.get(booking_id)
    row.update(series_id=series_id, group=f"booking:{booking_id}" if booking_id else "")
    return row


def _content_type_id(apps, model: str) -> int:
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="registrations", model=model)[0].pk


def _reset_sequence(apps, schema_editor, app_label: str) -> None:
    model = apps.get_model(app_label, "OutgoingMessage")
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [model])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _carry_permissions(apps) -> None:
    """Users and groups who had a permission on the old model get the same on the new one
    (created here: Django creates permissions only after all migrations have run)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old_type = ContentType.objects.filter(app_label="registrations", model="outgoingmessage").first()
    if old_type is None:
        return
    new_type = ContentType.objects.get_or_create(app_label="mail", model="outgoingmessage")[0]
    for old in Permission.objects.filter(content_type=old_type):
        new = Permission.objects.get_or_create(content_type=new_type, codename=old.codename, defaults={"name": old.name})[0]
        new.user_set.add(*old.user_set.all())
        new.group_set.add(*old.group_set.all())


def forwards(apps, schema_editor) -> None:
    _carry_permissions(apps)
    Old = apps.get_model("registrations", "OutgoingMessage")
    New = apps.get_model("mail", "OutgoingMessage")
    Registration = apps.get_model("registrations", "Registration")
    Booking = apps.get_model("registrations", "Booking")
    if not Old.objects.exists():
        return
    registration_type_id, booking_type_id = _content_type_id(apps, "registration"), _content_type_id(apps, "booking")
    last = 0
    while True:
        batch = list(Old.objects.filter(pk__gt=last).order_by("pk").values(*FIELDS, "registration_id", "booking_id")[:BATCH])
        if not batch:
            break
        last = batch[-1]["id"]
        registration_ids = {r["registration_id"] for r in batch if r["registration_id"]}
        registrations = {
            pk: (series_id, booking_id)
            for pk, series_id, booking_id in Registration.objects.filter(pk__in=registration_ids).values_list("pk", "webinar__series_id", "booking_id")
        }
        booking_ids = {r["booking_id"] for r in batch if r["booking_id"]} | {b for _, b in registrations.values()}
        bookings = dict(Booking.objects.filter(pk__in=booking_ids).values_list("pk", "series_id"))
        for booking_id in [pk for pk, series_id in bookings.items() if series_id is None]:
            bookings[booking_id] = Registration.objects.filter(booking_id=booking_id).values_list("webinar__series_id", flat=True).first()
        kwargs = {"registration_type_id": registration_type_id, "booking_type_id": booking_type_id, "registrations": registrations, "bookings": bookings}
        New.objects.bulk_create([New(**mail_row(old, **kwargs)) for old in batch])
    _reset_sequence(apps, schema_editor, "mail")


def backwards(apps, schema_editor) -> None:
    """Move the messages about registrations and bookings back (others had no place there)."""
    Old = apps.get_model("registrations", "OutgoingMessage")
    New = apps.get_model("mail", "OutgoingMessage")
    Registration = apps.get_model("registrations", "Registration")
    registration_type_id, booking_type_id = _content_type_id(apps, "registration"), _content_type_id(apps, "booking")
    messages = New.objects.filter(about_type_id__in=[registration_type_id, booking_type_id]).order_by("pk")
    existing_registrations = set(Registration.objects.values_list("pk", flat=True))
    rows = []
    for new in messages.iterator(chunk_size=BATCH):
        group_booking = int(new.group.removeprefix("booking:")) if new.group.startswith("booking:") else None
        is_registration = new.about_type_id == registration_type_id
        if is_registration and new.about_id not in existing_registrations:
            continue
        old = Old(**{name: getattr(new, name) for name in FIELDS})
        old.registration_id = new.about_id if is_registration else None
        old.booking_id = group_booking if is_registration else new.about_id
        rows.append(old)
        if len(rows) >= BATCH:
            Old.objects.bulk_create(rows)
            rows = []
    Old.objects.bulk_create(rows)
    _reset_sequence(apps, schema_editor, "registrations")
    messages.delete()  # so that applying the migration again copies them again


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mail", "0001_initial"),
        ("registrations", "0002_reach_report_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
