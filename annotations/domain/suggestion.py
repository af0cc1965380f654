"""A machine suggestion and a suggestion run as the API and the workspace show them."""

from __future__ import annotations

API_FIELDS = (
    "id",
    "document",
    "label",
    "start",
    "end",
    "text",
    "score",
    "reason",
    "suggester",
    "suggester_version",
    "speaker",
    "speaker_start",
    "speaker_end",
    "status",
    "decided_at",
    "created_at",
)
RUN_API_FIELDS = (
    "id",
    "document",
    "status",
    "error",
    "counts",
    "attempts",
    "created_at",
    "enqueued_at",
    "started_at",
    "finished_at",
)
