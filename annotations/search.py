"""Finding articles by what they say: their title, outlet, author and text, and the texts,
speakers and notes of their live spans ("Rita Katz" finds the article that quotes her).

On PostgreSQL this is full-text search: a document's weighted words are stored beside it
(annotations.models.search, written by annotations.services.search_index: moments after a single
document's create, in the transaction of a bulk import or a restore), a span's are indexed on
span_vector's expression (migration 0016); each has a GIN index. It uses an English
configuration (so "claims" finds "claim"), websearch syntax ("quoted phrases", -excluded, or),
and a rank (title words weigh most, then outlet and author, then the text; each matching span
adds its own rank). On SQLite, which only `make run`'s demo uses, a plain case-insensitive
containment of the whole query stands in.

The selectors apply it to querysets already scoped to the user; nothing here widens them.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Left

from annotations.models import Document, DocumentSearch, Span

CONFIG = "english"
SPAN_TEXT_INDEXED = 10_000
MAX_QUERY_LENGTH = 200


def span_vector() -> SearchVector:
    """A span's words, its speaker and its note: migration 0016's GIN index is on exactly this."""
    return SearchVector(
        Left("text", SPAN_TEXT_INDEXED), "speaker", "note", weight="C", config=CONFIG
    )


def full_text() -> bool:
    return connection.vendor == "postgresql"


def search_documents(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    """The documents (already scoped) whose words or live spans match `query`, with a `rank`
    annotation (0 on SQLite), best first on PostgreSQL. A blank query changes nothing."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return documents
    if not full_text():
        return _contains(documents, query)
    terms = SearchQuery(query, search_type="websearch", config=CONFIG)
    # Two uncorrelated lists of ids, each read from its GIN index (an OR with a correlated
    # EXISTS would scan every document instead); the scoped queryset then keeps its own. The
    # rank reads the stored vectors (annotations.models.search), never the texts again.
    by_words = DocumentSearch.objects.filter(vector=terms).values("document_id")
    live_spans = Span.objects.filter(deleted_at__isnull=True).annotate(vector=span_vector())
    by_spans = live_spans.filter(vector=terms)
    span_rank = (
        by_spans.filter(document_id=OuterRef("pk"))
        .annotate(r=SearchRank(F("vector"), terms))
        .values("document_id")
        .annotate(total=Sum("r"))
        .values("total")
    )
    return (
        documents.filter(Q(pk__in=by_words) | Q(pk__in=by_spans.values("document_id")))
        .annotate(
            rank=Coalesce(SearchRank(F("search__vector"), terms), Value(0.0))
            + Coalesce(Subquery(span_rank, output_field=FloatField()), Value(0.0))
        )
        .order_by("-rank", "-created_at", "-id")
    )


def _contains(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    spans = Span.objects.filter(document_id=OuterRef("pk"), deleted_at__isnull=True).filter(
        Q(text__icontains=query) | Q(speaker__icontains=query) | Q(note__icontains=query)
    )
    return documents.filter(
        Q(title__icontains=query)
        | Q(outlet__icontains=query)
        | Q(author__icontains=query)
        | Q(text__icontains=query)
        | Exists(spans)
    ).annotate(rank=Value(0.0, output_field=FloatField()))


_WORD = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"or", "and"}


def hit_words(query: str) -> list[str]:
    """The words of a query a page marks in the article: not the excluded (-word) ones, not
    the websearch operators, at least two characters, each once."""
    words: list[str] = []
    for token in query[:MAX_QUERY_LENGTH].split():
        if token.startswith("-"):
            continue
        for word in _WORD.findall(token):
            if len(word) >= 2 and word.lower() not in _OPERATORS and word not in words:
                words.append(word)
    return words
