"""A document's version (its corrections) and its soft delete.

On SQLite, adding the version column rebuilds the document table, which SQLite refuses while
span triggers name it: they are dropped first and made again after, as in 0009.
"""

import importlib

from django.db import migrations, models

_stories = importlib.import_module("annotations.migrations.0009_stories")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0012_claimreview_publishing"),
    ]

    operations = [
        migrations.RunPython(_stories.drop_sqlite_triggers, _stories.create_sqlite_triggers),
        migrations.AddField(
            model_name="document",
            name="deleted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="document",
            name="version",
            field=models.PositiveIntegerField(db_default=1, default=1),
        ),
        migrations.RunPython(_stories.create_sqlite_triggers, _stories.drop_sqlite_triggers),
    ]
