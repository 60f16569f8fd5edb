"""Person keys become keyed hashes (no e-mail address in the report tables): drop the old keys
and mark every webinar's figures stale, so the next report recomputes them with hashed keys."""

from django.db import migrations


def forget_address_keys(apps, schema_editor):
    apps.get_model("reports", "ReachParticipant").objects.all().delete()
    apps.get_model("reports", "ReachPerson").objects.all().delete()
    apps.get_model("reports", "ReachWebinar").objects.update(computed_version=0)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(forget_address_keys, migrations.RunPython.noop)]
