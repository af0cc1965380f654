"""Full-text search (annotations/search.py) on PostgreSQL.

- annotations_documentsearch: one row a document, its weighted words (title A, outlet and author
  B, the first 300,000 characters of the text D), written by a trigger whenever a document is
  inserted or those fields change, backfilled here, with a GIN index.
- A GIN index over a span's text, speaker and note, on exactly the expression the search queries.

SQLite (the local demo) gets the empty table only: its search is a plain containment.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

TEXT_INDEXED = 300_000  # a tsvector holds at most 1 MB; a 2,000,000-character text exceeds it

VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce(@ROW@.title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig,
                             coalesce(@ROW@.outlet, '') || ' ' || coalesce(@ROW@.author, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, left(coalesce(@ROW@.text, ''), @TEXT_INDEXED@)), 'D')
""".replace("@TEXT_INDEXED@", str(TEXT_INDEXED))

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION document_search_update() RETURNS trigger AS $$
BEGIN
    INSERT INTO annotations_documentsearch (document_id, vector) VALUES (NEW.id, @NEW_VECTOR@)
    ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER document_search_update AFTER INSERT OR UPDATE OF title, outlet, author, text
    ON annotations_document FOR EACH ROW EXECUTE FUNCTION document_search_update();
INSERT INTO annotations_documentsearch (document_id, vector)
    SELECT d.id, @D_VECTOR@ FROM annotations_document d
    ON CONFLICT (document_id) DO NOTHING;
CREATE INDEX document_search_gin ON annotations_documentsearch USING gin (vector);
""".replace("@NEW_VECTOR@", VECTOR.replace("@ROW@", "NEW")).replace(
    "@D_VECTOR@", VECTOR.replace("@ROW@", "d")
)

POSTGRES_BACKWARD = """
DROP INDEX IF EXISTS document_search_gin;
DROP TRIGGER IF EXISTS document_search_update ON annotations_document;
DROP FUNCTION IF EXISTS document_search_update();
"""

SPAN_INDEX = "span_search_gin"


def _span_index(apps):
    from django.contrib.postgres.indexes import GinIndex

    from annotations import search

    return apps.get_model("annotations", "Span"), GinIndex(search.span_vector(), name=SPAN_INDEX)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_FORWARD)
    schema_editor.add_index(*_span_index(apps))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(*_span_index(apps))
    schema_editor.execute(POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0015_import_jobs")]

    operations = [
        migrations.CreateModel(
            name="DocumentSearch",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="annotations.document",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
