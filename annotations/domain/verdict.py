"""A verdict as the API and the workspace show it."""

from __future__ import annotations

API_FIELDS = (
    "rating",
    "rationale",
    "evidence_links",
    "review_url",
    "author",
    "review_status",
    "review_reason",
    "version",
    "created_at",
    "updated_at",
)

# What a field is read from, where that is not the verdict's own column of its name.
API_SOURCES = {"author": "author__username"}
