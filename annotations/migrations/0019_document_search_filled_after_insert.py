"""A new document's search words are written after its insert, no longer by the insert itself.

Computing them (to_tsvector over the text) was most of the database's time in a document
create: ~1.5-3 ms for 5,000 characters, before the reviewer had the answer. Now:

- document_search_vector(title, outlet, author, text): the one definition of a document's
  weighted words (the same as migration 0016's), called by the trigger and by
  annotations.services.search_index.
- The trigger fires on a correction only (UPDATE of title, outlet, author or text that changes
  one of them), so a corrected title is searchable in the same commit. An insert no longer
  fires it: the services fill the words (search_index.document_search_fill) in the import's
  transaction for the bulk paths, after the answer for one document, and in the document's
  suggestion run as a safety net.

SQLite (the local demo) has no trigger and no vectors: its search is a plain containment.
"""

from django.db import migrations

TEXT_INDEXED = 300_000  # as in 0016: a tsvector holds at most 1 MB

FORWARD = """
CREATE OR REPLACE FUNCTION document_search_vector(title text, outlet text, author text, body text)
RETURNS tsvector AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig,
                                 coalesce(outlet, '') || ' ' || coalesce(author, '')), 'B')
        || setweight(to_tsvector('english'::regconfig,
                                 left(coalesce(body, ''), @TEXT_INDEXED@)), 'D')
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION document_search_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO annotations_documentsearch (document_id, vector)
    VALUES (NEW.id, document_search_vector(NEW.title, NEW.outlet, NEW.author, NEW.text))
    ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS document_search_update ON annotations_document;
CREATE TRIGGER document_search_update AFTER UPDATE OF title, outlet, author, text
    ON annotations_document FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.outlet IS DISTINCT FROM NEW.outlet
          OR OLD.author IS DISTINCT FROM NEW.author OR OLD.text IS DISTINCT FROM NEW.text)
    EXECUTE FUNCTION document_search_update();
""".replace("@TEXT_INDEXED@", str(TEXT_INDEXED))

# Back to 0016's trigger: on every insert too, and the words of documents written meanwhile.
BACKWARD = """
DROP TRIGGER IF EXISTS document_search_update ON annotations_document;
CREATE TRIGGER document_search_update AFTER INSERT OR UPDATE OF title, outlet, author, text
    ON annotations_document FOR EACH ROW EXECUTE FUNCTION document_search_update();
INSERT INTO annotations_documentsearch (document_id, vector)
    SELECT d.id, document_search_vector(d.title, d.outlet, d.author, d.text)
    FROM annotations_document d
    ON CONFLICT (document_id) DO NOTHING;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0018_span_and_audit_indexes")]

    operations = [migrations.RunPython(forward, backward)]
