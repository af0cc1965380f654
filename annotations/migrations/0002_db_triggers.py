"""Invariants that cross tables, as triggers: a CHECK constraint cannot look at another row.

- span_end_within_text: a span ends within its document's text (Document.text_length).
- verdict_only_on_claim: a verdict belongs to a CLAIM span, and a span with a verdict stays a CLAIM.

Written for PostgreSQL (the real stack) and SQLite (the embedded default) alike; both raise an
IntegrityError whose message starts with the invariant's name.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION span_end_within_text() RETURNS trigger AS $$
BEGIN
    IF NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id) THEN
        RAISE EXCEPTION 'span_end_within_text: span ends at % past the end of document %',
            NEW."end", NEW.document_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER span_end_within_text BEFORE INSERT OR UPDATE OF "end", document_id
    ON annotations_span FOR EACH ROW EXECUTE FUNCTION span_end_within_text();

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

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS verdict_only_on_claim_relabel ON annotations_span;
DROP FUNCTION IF EXISTS verdict_only_on_claim_relabel();
DROP TRIGGER IF EXISTS verdict_only_on_claim ON annotations_verdict;
DROP FUNCTION IF EXISTS verdict_only_on_claim();
DROP TRIGGER IF EXISTS span_end_within_text ON annotations_span;
DROP FUNCTION IF EXISTS span_end_within_text();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER span_end_within_text_insert BEFORE INSERT ON annotations_span
    WHEN NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span_end_within_text: span ends past the end of its document'); END""",
    """CREATE TRIGGER span_end_within_text_update BEFORE UPDATE OF "end", document_id
    ON annotations_span
    WHEN NEW."end" > (SELECT text_length FROM annotations_document WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span_end_within_text: span ends past the end of its document'); END""",
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

SQLITE_TRIGGERS = [
    "span_end_within_text_insert",
    "span_end_within_text_update",
    "verdict_only_on_claim_insert",
    "verdict_only_on_claim_update",
    "verdict_only_on_claim_relabel",
]


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
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
