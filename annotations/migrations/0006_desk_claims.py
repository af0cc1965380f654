"""Desk claims, their ratings, and room for the verdict to move onto them.

Schema first (nothing is removed here): DeskClaim, ClaimRating, Span.desk_claim (a CLAIM is a
mention of one desk claim) and Verdict.desk_claim beside Verdict.span, both nullable until
0007 has moved the rows across. The triggers that tied a verdict to a CLAIM span go: a verdict
now belongs to a desk claim. On PostgreSQL a trigger keeps each desk claim's search vector (its
wording's lexemes) for every writer, COPY included, and a GIN index serves the proposals'
full-text search.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# 0002's verdict triggers, as it made them: dropped here, made again if this is undone.
VERDICT_TRIGGERS_POSTGRES_DROP = """
DROP TRIGGER IF EXISTS verdict_only_on_claim_relabel ON annotations_span;
DROP FUNCTION IF EXISTS verdict_only_on_claim_relabel();
DROP TRIGGER IF EXISTS verdict_only_on_claim ON annotations_verdict;
DROP FUNCTION IF EXISTS verdict_only_on_claim();
"""
VERDICT_TRIGGERS_POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION verdict_only_on_claim() RETURNS trigger AS $$
BEGIN
    IF (SELECT label FROM annotations_span WHERE id = NEW.span_id) <> 'CLAIM' THEN
        RAISE EXCEPTION 'verdict_only_on_claim: span % is not a CLAIM', NEW.span_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER verdict_only_on_claim BEFORE INSERT OR UPDATE OF span_id
    ON annotations_verdict FOR EACH ROW EXECUTE FUNCTION verdict_only_on_claim();

CREATE OR REPLACE FUNCTION verdict_only_on_claim_relabel() RETURNS trigger AS $$
BEGIN
    IF NEW.label <> 'CLAIM' AND EXISTS (SELECT 1 FROM annotations_verdict WHERE span_id = NEW.id) THEN
        RAISE EXCEPTION 'verdict_only_on_claim: span % has a verdict and must stay a CLAIM', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER verdict_only_on_claim_relabel BEFORE UPDATE OF label
    ON annotations_span FOR EACH ROW EXECUTE FUNCTION verdict_only_on_claim_relabel();
"""
VERDICT_TRIGGERS_SQLITE = [
    "verdict_only_on_claim_insert",
    "verdict_only_on_claim_update",
    "verdict_only_on_claim_relabel",
]
VERDICT_TRIGGERS_SQLITE_CREATE = [
    """CREATE TRIGGER verdict_only_on_claim_insert BEFORE INSERT ON annotations_verdict
    WHEN (SELECT label FROM annotations_span WHERE id = NEW.span_id) <> 'CLAIM'
    BEGIN SELECT RAISE(ABORT, 'verdict_only_on_claim: the span is not a CLAIM'); END""",
    """CREATE TRIGGER verdict_only_on_claim_update BEFORE UPDATE OF span_id ON annotations_verdict
    WHEN (SELECT label FROM annotations_span WHERE id = NEW.span_id) <> 'CLAIM'
    BEGIN SELECT RAISE(ABORT, 'verdict_only_on_claim: the span is not a CLAIM'); END""",
    """CREATE TRIGGER verdict_only_on_claim_relabel BEFORE UPDATE OF label ON annotations_span
    WHEN NEW.label <> 'CLAIM' AND EXISTS (SELECT 1 FROM annotations_verdict WHERE span_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'verdict_only_on_claim: the span has a verdict'); END""",
]


def drop_verdict_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(VERDICT_TRIGGERS_POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for name in VERDICT_TRIGGERS_SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore_verdict_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(VERDICT_TRIGGERS_POSTGRES_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in VERDICT_TRIGGERS_SQLITE_CREATE:
            schema_editor.execute(statement)


# The proposals' full-text search (annotations.proposals) reads this vector through the index.
SEARCH_POSTGRES_CREATE = """
CREATE TRIGGER desk_claim_search_vector BEFORE INSERT OR UPDATE OF wording
    ON annotations_deskclaim FOR EACH ROW
    EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.english', wording);
CREATE INDEX desk_claim_search ON annotations_deskclaim USING gin (search_vector);
"""
SEARCH_POSTGRES_DROP = """
DROP INDEX IF EXISTS desk_claim_search;
DROP TRIGGER IF EXISTS desk_claim_search_vector ON annotations_deskclaim;
"""


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_POSTGRES_CREATE, params=None)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_POSTGRES_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_quote_models_learnable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_verdict_triggers, restore_verdict_triggers),
        migrations.CreateModel(
            name="DeskClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("wording", models.TextField()),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(
                        blank=True, editable=False, null=True
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="desk_claims",
                        to="annotations.project",
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("wording", ""), _negated=True),
                        name="desk_claim_wording_not_empty",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="span",
            name="desk_claim",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mentions",
                to="annotations.deskclaim",
            ),
        ),
        migrations.CreateModel(
            name="ClaimRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rating",
                    models.CharField(
                        choices=[
                            ("true", "True"),
                            ("mostly_true", "Mostly true"),
                            ("mixed", "Mixed"),
                            ("mostly_false", "Mostly false"),
                            ("false", "False"),
                            ("misleading", "Misleading"),
                            ("unverifiable", "Unverifiable"),
                        ],
                        max_length=20,
                    ),
                ),
                ("rationale", models.TextField(blank=True)),
                ("evidence_links", models.JSONField(blank=True, default=list)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claim_ratings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "desk_claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ratings",
                        to="annotations.deskclaim",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("desk_claim", "author"), name="claim_rating_unique_per_author"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "rating__in",
                                [
                                    "true",
                                    "mostly_true",
                                    "mixed",
                                    "mostly_false",
                                    "false",
                                    "misleading",
                                    "unverifiable",
                                ],
                            )
                        ),
                        name="claim_rating_known",
                    ),
                ],
            },
        ),
        # Nullable while 0007 moves each verdict from its span to the span's desk claim.
        migrations.AlterField(
            model_name="verdict",
            name="span",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="verdict",
                to="annotations.span",
            ),
        ),
        migrations.AddField(
            model_name="verdict",
            name="desk_claim",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="verdict",
                to="annotations.deskclaim",
            ),
        ),
        migrations.RunPython(create_search, drop_search),
    ]
