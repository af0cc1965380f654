"""The verdict belongs to its desk claim alone, and a mention stays in its project.

- Verdict.span goes; Verdict.desk_claim is required.
- span_desk_claim_only_on_claim: only a CLAIM is a mention of a desk claim.
- span_desk_claim_same_project (a trigger: it looks at two other rows): a span's desk claim is
  one of its document's project.

On SQLite adding a constraint rebuilds the span table, which drops its triggers: 0002's
span_end_within_text is made again here.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION span_desk_claim_same_project() RETURNS trigger AS $$
BEGIN
    IF NEW.desk_claim_id IS NOT NULL
        AND (SELECT project_id FROM annotations_deskclaim WHERE id = NEW.desk_claim_id)
            <> (SELECT project_id FROM annotations_document WHERE id = NEW.document_id) THEN
        RAISE EXCEPTION 'span_desk_claim_same_project: desk claim % is not of the project of document %',
            NEW.desk_claim_id, NEW.document_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER span_desk_claim_same_project BEFORE INSERT OR UPDATE OF desk_claim_id, document_id
    ON annotations_span FOR EACH ROW WHEN (NEW.desk_claim_id IS NOT NULL)
    EXECUTE FUNCTION span_desk_claim_same_project();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS span_desk_claim_same_project ON annotations_span;
DROP FUNCTION IF EXISTS span_desk_claim_same_project();
"""

_SQLITE_OTHER_PROJECT = """NEW.desk_claim_id IS NOT NULL
    AND (SELECT project_id FROM annotations_deskclaim WHERE id = NEW.desk_claim_id)
        <> (SELECT project_id FROM annotations_document WHERE id = NEW.document_id)"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER span_desk_claim_same_project_insert BEFORE INSERT ON annotations_span
    WHEN {_SQLITE_OTHER_PROJECT}
    BEGIN SELECT RAISE(ABORT, 'span_desk_claim_same_project: the desk claim is of another project'); END""",
    f"""CREATE TRIGGER span_desk_claim_same_project_update BEFORE UPDATE OF desk_claim_id, document_id
    ON annotations_span WHEN {_SQLITE_OTHER_PROJECT}
    BEGIN SELECT RAISE(ABORT, 'span_desk_claim_same_project: the desk claim is of another project'); END""",
    # 0002's, lost when the table was rebuilt above.
    """CREATE TRIGGER IF NOT EXISTS span_end_within_text_insert BEFORE INSERT ON annotations_span
    WHEN NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span_end_within_text: span ends past the end of its document'); END""",
    """CREATE TRIGGER IF NOT EXISTS span_end_within_text_update BEFORE UPDATE OF "end", document_id
    ON annotations_span
    WHEN NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span_end_within_text: span ends past the end of its document'); END""",
]
SQLITE_BACKWARD = ["span_desk_claim_same_project_insert", "span_desk_claim_same_project_update"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"No triggers written for the {vendor} database.")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_BACKWARD:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0007_desk_claims_from_verdicts")]

    operations = [
        migrations.RemoveField(model_name="verdict", name="span"),
        migrations.AlterField(
            model_name="verdict",
            name="desk_claim",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="verdict",
                to="annotations.deskclaim",
            ),
        ),
        migrations.AddConstraint(
            model_name="span",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("label", "CLAIM"), ("desk_claim__isnull", True), _connector="OR"
                ),
                name="span_desk_claim_only_on_claim",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
