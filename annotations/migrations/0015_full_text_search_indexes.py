"""GIN indexes for full-text search (annotations/search.py) on PostgreSQL: one over a
document's weighted words, one over a span's text, speaker and note, each on exactly the
expression the search queries use. SQLite (the local demo) has no such index: its search is a
plain containment."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

DOCUMENT_INDEX = "document_search_gin"
SPAN_INDEX = "span_search_gin"


def _indexes(apps):
    from annotations import search

    return (
        (
            apps.get_model("annotations", "Document"),
            GinIndex(search.document_vector(), name=DOCUMENT_INDEX),
        ),
        (apps.get_model("annotations", "Span"), GinIndex(search.span_vector(), name=SPAN_INDEX)),
    )


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0014_fact_checks_and_claim_check_matches")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
