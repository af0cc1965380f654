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
