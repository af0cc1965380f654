"""What every background job's row has in common: where it stands (queued, running, done,
failed), why it failed or is still waiting, and when it started and finished. The import job,
a document's suggestion run and a story's comparison each add what is theirs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    Status = JobStatus

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # Why it failed, or why it is still queued (the broker could not be reached), in words a
    # person can read.
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


def job_status_known(name: str) -> models.CheckConstraint:
    """The database's check that a job's status is one of JobStatus (named per table)."""
    return models.CheckConstraint(condition=Q(status__in=JobStatus.values), name=name)
