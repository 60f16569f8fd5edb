"""Series roles become owner / editor / viewer: every former "organiser" is an owner."""

from django.db import migrations, models


def organiser_to_owner(apps, schema_editor):
    apps.get_model("programme", "SeriesRole").objects.filter(role="organiser").update(role="owner")


def owner_to_organiser(apps, schema_editor):
    # Viewers had no equivalent before: going back, they would gain editing rights, so they go.
    SeriesRole = apps.get_model("programme", "SeriesRole")
    SeriesRole.objects.filter(role="viewer").delete()
    SeriesRole.objects.filter(role="owner").update(role="organiser")


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0003_series_attendance_threshold_percent_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name="seriesrole",
            name="role",
            field=models.CharField(
                choices=[("owner", "owner"), ("editor", "editor"), ("viewer", "viewer")], default="editor", max_length=20
            ),
        ),
        migrations.RunPython(organiser_to_owner, owner_to_organiser),
    ]
