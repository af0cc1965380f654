"""Suggestions, their runs and models, and the history of every write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from annotations.models.jobs import Job, job_status_known
from annotations.models.projects import Document, Label, Project


class Suggestion(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestions")
    run = models.ForeignKey(
        "SuggestionRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    label = models.CharField(max_length=10, choices=Label.choices)
    start = models.IntegerField()
    end = models.IntegerField()
    text = models.TextField()
    score = models.FloatField()
    # The suggester's own score, before this desk's calibration changed it into `score`: what
    # the next calibration is fitted on.
    raw_score = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    suggester = models.CharField(max_length=100)
    suggester_version = models.CharField(max_length=50)
    speaker = models.CharField(max_length=300, blank=True)
    speaker_start = models.IntegerField(null=True, blank=True)
    speaker_end = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="suggestion_start_not_negative"),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="suggestion_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="suggestion_score_in_unit_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "rejected"]),
                name="suggestion_status_known",
            ),
            # The natural key a re-run upserts on: never two copies of one candidate.
            models.UniqueConstraint(
                fields=["document", "suggester", "suggester_version", "label", "start", "end"],
                name="suggestion_unique_per_suggester_version",
            ),
        ]
        indexes = [models.Index(fields=["document", "status"], name="suggestion_document_status")]

    def __str__(self) -> str:
        return f"{self.label} suggestion [{self.start}:{self.end}] {self.score:.2f}"


class SuggestionRun(Job):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestion_runs")
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            job_status_known("suggestion_run_status_known"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="suggestion_run_status_age")]

    def __str__(self) -> str:
        return f"run {self.pk} of document {self.document_id}: {self.status}"


class AuditEvent(models.Model):
    """Who did what, when, and what it was before and after. Written by the services only."""

    # No index of its own: audit_project_recent (project, -created_at) leads with it.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="audit_events", db_index=False
    )
    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "created_at"], name="audit_object"),
            # moderation: a project's history, newest first, in the admin
            models.Index(fields=["project", "-created_at"], name="audit_project_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type} {self.object_id}"


class SuggesterModel(models.Model):
    """A learned suggester trained for one project and one label, saved as a file.

    The file lives under settings.SUGGESTER_MODEL_DIR (never in the repository); this row says
    which one is in use, what it was trained on and how it scored on held-out sentences.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="suggester_models")
    label = models.CharField(max_length=10, choices=Label.choices)
    version = models.PositiveIntegerField()
    path = models.CharField(max_length=500)
    # Where the training sentences came from: "project" (its reviewers' decisions) or a file.
    source = models.CharField(max_length=500)
    sentences = models.PositiveIntegerField()
    positives = models.PositiveIntegerField()
    # Decisions (spans and accepted/rejected suggestions) the project had when this was trained.
    decisions = models.PositiveIntegerField(default=0)
    heldout = models.JSONField(default=dict)
    threshold = models.FloatField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "label", "version"], name="suggester_model_unique_version"
            ),
            models.UniqueConstraint(
                fields=["project", "label"],
                condition=Q(is_active=True),
                name="suggester_model_one_active_per_label",
            ),
            models.CheckConstraint(
                condition=Q(label__in=["CLAIM", "OPINION", "QUOTE"]),
                name="suggester_model_label_learnable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} model v{self.version} of {self.project}"

    @property
    def suggester_version(self) -> str:
        return f"p{self.project_id}v{self.version}"
