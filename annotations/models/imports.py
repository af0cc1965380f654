"""An import of a file run as a background job (annotations.services.import_jobs): the upload
is stored, a worker reads it through the one import pipeline (annotations.services.imports),
and this row says how far it got and what came of it. Nothing waits on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from annotations.models.jobs import Job, job_status_known


class ImportJob(Job):
    project = models.ForeignKey(
        "annotations.Project", on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The options of the import, as the request gave them.
    format = models.CharField(max_length=20, default="jsonl")
    offset_unit = models.CharField(max_length=20, default="codepoint")
    on_existing = models.CharField(max_length=10, default="refuse")
    keep_good_lines = models.BooleanField(default=False)
    # This installation's address as the request saw it: the W3C import names documents by it.
    base_url = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    # The upload under settings.IMPORT_UPLOAD_DIR; removed once the job is done or failed.
    stored_as = models.CharField(max_length=255, blank=True)
    file_size = models.BigIntegerField(default=0)
    # Progress, written while it runs (all counts are of this attempt).
    lines_read = models.PositiveIntegerField(default=0)
    documents_written = models.PositiveIntegerField(default=0)
    spans_written = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first ones: {"line", "reason"}
    # What the import reported when it finished (the report the import always made).
    result = models.JSONField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            job_status_known("import_job_status_known"),
        ]
        # The sweep looks for jobs left queued or running.
        indexes = [models.Index(fields=["status", "created_at"], name="import_job_status_age")]

    def __str__(self) -> str:
        return f"import {self.pk} into project {self.project_id}: {self.status}"
