"""Links are signed, not stored: join tokens become the SHA-256 of the old random token.

A join link e-mailed before this migration keeps working (found by its hash) until it
expires; the plain token is dropped. Going back gives every registration a new random join
token: links e-mailed in between stay valid (they are signed), the hashed old ones do not.
"""

import hashlib
import secrets

from django.db import migrations, models

BATCH = 2000


def hash_join_tokens(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    rows = Registration.objects.filter(erased_at__isnull=True, join_token__isnull=False).exclude(join_token__startswith="erased-")
    batch = []
    for row in rows.only("pk", "join_token").order_by("pk").iterator(chunk_size=BATCH):
        row.legacy_join_token_hash = hashlib.sha256(row.join_token.encode()).hexdigest()
        batch.append(row)
        if len(batch) >= BATCH:
            Registration.objects.bulk_update(batch, ["legacy_join_token_hash"])
            batch = []
    Registration.objects.bulk_update(batch, ["legacy_join_token_hash"])


def new_join_tokens(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    batch = []
    for row in Registration.objects.only("pk").order_by("pk").iterator(chunk_size=BATCH):
        row.join_token = secrets.token_urlsafe(32)
        batch.append(row)
        if len(batch) >= BATCH:
            Registration.objects.bulk_update(batch, ["join_token"])
            batch = []
    Registration.objects.bulk_update(batch, ["join_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_seat_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="link_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="registration",
            name="link_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="registration",
            name="legacy_join_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        # Nullable first, so that going back can re-add the column before filling it.
        migrations.AlterField(
            model_name="registration",
            name="join_token",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_join_tokens, new_join_tokens, elidable=True),
        migrations.RemoveField(
            model_name="registration",
            name="join_token",
        ),
    ]
