"""Stories, a document's place in one, and the story job's signatures, index and vocabulary.

On SQLite, adding Document's story columns and constraints rebuilds its table, which SQLite
refuses while span triggers name it (0002's span_end_within_text, 0008's
span_desk_claim_same_project): they are dropped first and made again after.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_SQLITE_OTHER_PROJECT = """NEW.desk_claim_id IS NOT NULL
    AND (SELECT project_id FROM annotations_deskclaim WHERE id = NEW.desk_claim_id)
        <> (SELECT project_id FROM annotations_document WHERE id = NEW.document_id)"""

# The span triggers that read annotations_document, as SQLite has them after 0008.
SQLITE_DOCUMENT_TRIGGERS = {
    "span_desk_claim_same_project_insert": f"""CREATE TRIGGER span_desk_claim_same_project_insert
    BEFORE INSERT ON annotations_span
    WHEN {_SQLITE_OTHER_PROJECT}
    BEGIN SELECT RAISE(ABORT, 'span_desk_claim_same_project: the desk claim is of another project'); END""",
    "span_desk_claim_same_project_update": f"""CREATE TRIGGER span_desk_claim_same_project_update
    BEFORE UPDATE OF desk_claim_id, document_id ON annotations_span
    WHEN {_SQLITE_OTHER_PROJECT}
    BEGIN SELECT RAISE(ABORT, 'span_desk_claim_same_project: the desk claim is of another project'); END""",
    "span_end_within_text_insert": """CREATE TRIGGER span_end_within_text_insert
    BEFORE INSERT ON annotations_span
    WHEN NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span_end_within_text: span ends past the end of its document'); END""",
    "span_end_within_text_update": """CREATE TRIGGER span_end_within_text_update
    BEFORE UPDATE OF "end", document_id ON annotations_span
    WHEN NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span_end_within_text: span ends past the end of its document'); END""",
}


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_DOCUMENT_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOCUMENT_TRIGGERS.values():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0008_verdict_on_desk_claim"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.CreateModel(
            name="StoryKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=100)),
                ("published_on", models.DateField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name="StorySignature",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="story_signature",
                        serialize=False,
                        to="annotations.document",
                    ),
                ),
                ("version", models.PositiveSmallIntegerField()),
                ("data", models.JSONField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name="StoryVocabulary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=100)),
                ("documents", models.PositiveIntegerField()),
            ],
            options={
                "verbose_name_plural": "story vocabulary",
            },
        ),
        migrations.AddField(
            model_name="document",
            name="story_reason",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.AddField(
            model_name="document",
            name="story_score",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="document",
            name="story_status",
            field=models.CharField(
                blank=True,
                choices=[("", "In no story"), ("proposed", "Proposed"), ("confirmed", "Confirmed")],
                db_default="",
                default="",
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="Story",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stories",
                        to="annotations.project",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "stories",
                "ordering": ["-updated_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="document",
            name="story",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="documents",
                to="annotations.story",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(("story_status__in", ["", "proposed", "confirmed"])),
                name="document_story_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("story_score__isnull", True),
                    models.Q(("story_score__gte", 0), ("story_score__lte", 1)),
                    _connector="OR",
                ),
                name="document_story_score_in_unit_range",
            ),
        ),
        migrations.AddField(
            model_name="storykey",
            name="document",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="annotations.document",
            ),
        ),
        migrations.AddField(
            model_name="storykey",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="annotations.project",
            ),
        ),
        migrations.AddField(
            model_name="storysignature",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="annotations.project",
            ),
        ),
        migrations.AddField(
            model_name="storyvocabulary",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="annotations.project",
            ),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["project", "-updated_at"], name="story_project_recent"),
        ),
        migrations.AddConstraint(
            model_name="story",
            constraint=models.CheckConstraint(
                condition=models.Q(("title", ""), _negated=True), name="story_title_not_empty"
            ),
        ),
        migrations.AddIndex(
            model_name="storykey",
            index=models.Index(
                fields=["project", "key", "published_on", "document"], name="story_key_lookup"
            ),
        ),
        migrations.AddConstraint(
            model_name="storykey",
            constraint=models.UniqueConstraint(
                fields=("document", "key"), name="story_key_unique_per_document"
            ),
        ),
        migrations.AddIndex(
            model_name="storysignature",
            index=models.Index(fields=["project"], name="story_signature_project"),
        ),
        migrations.AddConstraint(
            model_name="storyvocabulary",
            constraint=models.UniqueConstraint(
                fields=("project", "key"), name="story_vocabulary_unique_key"
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
