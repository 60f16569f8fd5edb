"""Survey links are signed, not stored: the old random token becomes its SHA-256.

A survey link e-mailed before this migration keeps working (found by its hash) until it
expires. The token is also removed from the context of the feedback e-mails (sent or still
queued): a queued one now gets a signed link when it is rendered. Going back gives every
invitation a new random token (the hashed old links then stop working).
"""

import hashlib
import secrets

from django.db import migrations, models

BATCH = 2000


def hash_tokens(apps, schema_editor):
    FeedbackInvitation = apps.get_model("feedback", "FeedbackInvitation")
    batch = []
    for row in FeedbackInvitation.objects.filter(token__isnull=False).only("pk", "token").order_by("pk").iterator(chunk_size=BATCH):
        row.legacy_token_hash = hashlib.sha256(row.token.encode()).hexdigest()
        batch.append(row)
        if len(batch) >= BATCH:
            FeedbackInvitation.objects.bulk_update(batch, ["legacy_token_hash"])
            batch = []
    FeedbackInvitation.objects.bulk_update(batch, ["legacy_token_hash"])
    OutgoingMessage = apps.get_model("mail", "OutgoingMessage")
    batch = []
    for message in OutgoingMessage.objects.filter(kind="feedback_request").only("pk", "context").iterator(chunk_size=BATCH):
        if isinstance(message.context, dict) and "token" in message.context:
            message.context = {k: v for k, v in message.context.items() if k != "token"}
            batch.append(message)
        if len(batch) >= BATCH:
            OutgoingMessage.objects.bulk_update(batch, ["context"])
            batch = []
    OutgoingMessage.objects.bulk_update(batch, ["context"])


def new_tokens(apps, schema_editor):
    FeedbackInvitation = apps.get_model("feedback", "FeedbackInvitation")
    batch = []
    for row in FeedbackInvitation.objects.only("pk").order_by("pk").iterator(chunk_size=BATCH):
        row.token = secrets.token_urlsafe(32)
        batch.append(row)
        if len(batch) >= BATCH:
            FeedbackInvitation.objects.bulk_update(batch, ["token"])
            batch = []
    FeedbackInvitation.objects.bulk_update(batch, ["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackinvitation",
            name="legacy_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="feedbackinvitation",
            name="token",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens, elidable=True),
        migrations.RemoveField(
            model_name="feedbackinvitation",
            name="token",
        ),
    ]
