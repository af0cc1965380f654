"""Fewer indexes for every span and history record a write maintains.

- annotations_span.document_id: span_document_start (document_id, start) and
  span_unique_per_author (document_id, ...) lead with it; its own index goes.
- annotations_span.desk_claim_id and reviewed_by_id: partial indexes of the rows that name
  one (span_desk_claim, span_reviewed_by). An imported span is pending and two in three are not
  CLAIMs, so a bulk write skips them; a desk claim's mentions and a user's reviews (what
  deleting the user checks, PROTECT) are still found through them.
- annotations_auditevent.project_id: audit_project_recent (project_id, created_at) leads with
  it; its own index goes.

The fields' db_index=False is a change of state only: Django would rebuild the whole table on
SQLite to alter a field (dropping the span table's triggers with it), so the database side
drops just the index, by its introspected name, on either database.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (model, field) whose single-column index goes.
UNINDEXED = [
    ("auditevent", "project"),
    ("span", "desk_claim"),
    ("span", "document"),
    ("span", "reviewed_by"),
]


def _single_column_indexes(schema_editor, table: str, column: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] == [column]
        and name.startswith(f"{table}_{column}_")  # Django's name for a field's own index
    ]


def drop_field_indexes(apps, schema_editor):
    for model_name, field_name in UNINDEXED:
        model = apps.get_model("annotations", model_name)
        column = model._meta.get_field(field_name).column
        for name in _single_column_indexes(schema_editor, model._meta.db_table, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_field_indexes(apps, schema_editor):
    for model_name, field_name in UNINDEXED:
        model = apps.get_model("annotations", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0017_span_insert_checks_per_statement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_field_indexes, create_field_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audit_events",
                        to="annotations.project",
                    ),
                ),
                migrations.AlterField(
                    model_name="span",
                    name="desk_claim",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="mentions",
                        to="annotations.deskclaim",
                    ),
                ),
                migrations.AlterField(
                    model_name="span",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="spans",
                        to="annotations.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="span",
                    name="reviewed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="span",
            index=models.Index(
                condition=models.Q(("desk_claim__isnull", False)),
                fields=["desk_claim"],
                name="span_desk_claim",
            ),
        ),
        migrations.AddIndex(
            model_name="span",
            index=models.Index(
                condition=models.Q(("reviewed_by__isnull", False)),
                fields=["reviewed_by"],
                name="span_reviewed_by",
            ),
        ),
    ]
