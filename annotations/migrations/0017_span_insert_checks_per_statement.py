"""On PostgreSQL, a span INSERT's cross-table checks run once a statement, not once a row.

span_end_within_text (0002) and span_desk_claim_same_project (0008) were row triggers: a COPY
of 100,000 spans ran a PL/pgSQL call and a lookup of the document (and of the desk claim, for
a CLAIM) 100,000 times. On INSERT they are now one statement trigger, span_insert_checks,
which reads the statement's new rows (a transition table) joined once to the documents and
desk claims, and raises with the same invariant names, ERRCODE check_violation, for the first
row that breaks one. A single span's INSERT is a statement of one row: the same check.

On UPDATE (a span moved, another document or desk claim: one row at a time) the row triggers
stay: PostgreSQL allows no transition table on a trigger limited to some columns.

SQLite (local mode) has row triggers only and keeps 0002's and 0008's as they are.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION span_insert_checks() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT n."end", n.document_id INTO bad
      FROM new_spans n JOIN annotations_document d ON d.id = n.document_id
     WHERE n."end" > d.text_length
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'span_end_within_text: span ends at % past the end of document %',
            bad."end", bad.document_id USING ERRCODE = 'check_violation';
    END IF;
    SELECT n.desk_claim_id, n.document_id INTO bad
      FROM new_spans n
      JOIN annotations_deskclaim c ON c.id = n.desk_claim_id
      JOIN annotations_document d ON d.id = n.document_id
     WHERE c.project_id <> d.project_id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'span_desk_claim_same_project: desk claim % is not of the project of document %',
            bad.desk_claim_id, bad.document_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER span_insert_checks AFTER INSERT ON annotations_span
    REFERENCING NEW TABLE AS new_spans
    FOR EACH STATEMENT EXECUTE FUNCTION span_insert_checks();

DROP TRIGGER span_end_within_text ON annotations_span;
CREATE TRIGGER span_end_within_text BEFORE UPDATE OF "end", document_id
    ON annotations_span FOR EACH ROW EXECUTE FUNCTION span_end_within_text();
DROP TRIGGER span_desk_claim_same_project ON annotations_span;
CREATE TRIGGER span_desk_claim_same_project BEFORE UPDATE OF desk_claim_id, document_id
    ON annotations_span FOR EACH ROW WHEN (NEW.desk_claim_id IS NOT NULL)
    EXECUTE FUNCTION span_desk_claim_same_project();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER span_insert_checks ON annotations_span;
DROP FUNCTION span_insert_checks();
DROP TRIGGER span_end_within_text ON annotations_span;
CREATE TRIGGER span_end_within_text BEFORE INSERT OR UPDATE OF "end", document_id
    ON annotations_span FOR EACH ROW EXECUTE FUNCTION span_end_within_text();
DROP TRIGGER span_desk_claim_same_project ON annotations_span;
CREATE TRIGGER span_desk_claim_same_project BEFORE INSERT OR UPDATE OF desk_claim_id, document_id
    ON annotations_span FOR EACH ROW WHEN (NEW.desk_claim_id IS NOT NULL)
    EXECUTE FUNCTION span_desk_claim_same_project();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0016_full_text_search_indexes")]

    operations = [migrations.RunPython(forward, backward)]
