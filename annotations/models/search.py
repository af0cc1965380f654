"""A document's full-text words, kept beside it (annotations/search.py reads them).

One row a document, its weighted vector computed by PostgreSQL (document_search_vector,
migration 0019): written by annotations.services.search_index when a document comes in (after a
single create's answer, in a bulk import's or a restore's transaction) and by a trigger when its
title, outlet or author are corrected. Kept out of the document's own table so that loading a
document never loads its vector; kept stored so that ranking a thousand matches reads a thousand
vectors instead of parsing a thousand texts again. SQLite (the local demo) has the table but
leaves it empty: its search is a plain containment."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from annotations.models import Document


class DocumentSearch(models.Model):
    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    vector = SearchVectorField()

    def __str__(self) -> str:
        return f"words of document {self.document_id}"
