"""A document as the API reads it.

API_FIELDS is the one list of the fields GET /documents/{id}/ gives (its spans come after
them): the serializer and the one-statement read (annotations/document_read.py) derive from it.
LIST_FIELDS is what the document list and a create's answer give: the same without the text,
then the span counts.
"""

from __future__ import annotations

API_FIELDS = (
    "id",
    "project",
    "title",
    "outlet",
    "author",
    "source_url",
    "published_on",
    "external_id",
    "text",
    "text_length",
    "metadata",
    "version",
    "created_at",
)
COUNT_FIELDS = ("span_count", "claim_count", "quote_count", "opinion_count")
LIST_FIELDS = (*(name for name in API_FIELDS if name != "text"), *COUNT_FIELDS)
