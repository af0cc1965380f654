"""A document as the API reads it.

API_FIELDS is the one list of the fields GET /documents/{id}/ gives (its spans come after
them): the serializer and the one-statement read (annotations/document_read.py) derive from it.
LIST_FIELDS is what the document list and a create's answer give: the same without the text,
then the span counts. DESCRIPTION_FIELDS are what describes an article besides its text and
metadata, as every format reads and writes them (the imports' lines, the JSONL's `meta`, the
bulk import's COPY, the exports' document rows).
"""

from __future__ import annotations

DESCRIPTION_FIELDS = ("title", "outlet", "author", "source_url", "published_on", "external_id")
API_FIELDS = (
    "id",
    "project",
    *DESCRIPTION_FIELDS,
    "text",
    "text_length",
    "metadata",
    "version",
    "created_at",
)
COUNT_FIELDS = ("span_count", "claim_count", "quote_count", "opinion_count")
LIST_FIELDS = (*(name for name in API_FIELDS if name != "text"), *COUNT_FIELDS)
