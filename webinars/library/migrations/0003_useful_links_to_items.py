"""Every webinar's useful links become library items (the webinar page keeps showing them).

Reversible: going back deletes the items made from links (the links themselves were never
touched). The search index is filled by ``manage.py rebuild_search_index`` (run by
``make run`` after migrating) or as items are saved.
"""

import django.utils.timezone
from django.db import migrations

from webinars.library.conversion import convert_links


def forwards(apps, schema_editor):
    convert_links(apps.get_model("library", "LibraryItem"), apps.get_model("programme", "WebinarLink"), now=django.utils.timezone.now())


def backwards(apps, schema_editor):
    apps.get_model("library", "LibraryItem").objects.filter(from_link__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_tables"), ("programme", "0004_series_role_owner_editor_viewer")]

    operations = [migrations.RunPython(forwards, backwards)]
