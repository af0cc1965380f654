"""Fact-checks from publishers and the matches that say a claim was checked already."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from annotations.models.projects import Document, Project, Rating
from annotations.models.spans import DeskClaim, Span


class FactCheck(models.Model):
    """A claim someone already checked, imported from schema.org ClaimReview (a fact-check
    site's feed, a file of them): what was claimed, the rating as its publisher wrote it, who
    published it and when. New articles' claims are matched against these as against the desk's
    own verdicts. A re-import of the same review (same url, same claim) updates it in place.
    A confirmed match records the desk claim it is evidence for (``desk_claims``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fact_checks")
    claim_reviewed = models.TextField()
    # same_claim_key of claim_reviewed, hashed: the natural key with the url (a fact-check page
    # may review several claims), short enough for a unique index.
    claim_key = models.CharField(max_length=64)
    url = models.URLField(max_length=2000)
    # reviewRating: its alternateName as published ("Pants on Fire", "Four Pinocchios"), its
    # ratingValue placed between worstRating (0) and bestRating (1), and the desk's scale when
    # the name says it plainly ("" when it does not).
    rating_text = models.CharField(max_length=200, blank=True)
    rating_value = models.FloatField(null=True, blank=True)
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    # itemReviewed: who made the claim, where (its first appearance's address) and when.
    claim_author = models.CharField(max_length=300, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    source = models.URLField(max_length=2000, blank=True)
    imported_from = models.CharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    desk_claims = models.ManyToManyField(DeskClaim, related_name="fact_checks", blank=True)
    # The claim's sentence embedding, stored once so no worker computes it again; which model
    # made it, so another model's are recomputed. Empty until a worker computes it.
    vector = models.BinaryField(null=True, blank=True, editable=False)
    vector_model = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "url", "claim_key"], name="fact_check_unique_per_project"
            ),
            models.CheckConstraint(
                condition=~Q(claim_reviewed=""), name="fact_check_claim_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=Rating.values), name="fact_check_rating_known"
            ),
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True)
                | (Q(rating_value__gte=0) & Q(rating_value__lte=1)),
                name="fact_check_rating_value_in_unit_range",
            ),
        ]
        indexes = [models.Index(fields=["project", "-id"], name="fact_check_project_recent")]

    def __str__(self) -> str:
        return f"{self.publisher or 'fact-check'}: {self.claim_reviewed[:60]}"


class DeskClaimVector(models.Model):
    """A desk claim's sentence embedding, stored once per wording so no worker computes it
    again (annotations.checking). A row of its own: the desk claims are read in many places
    that have no use for 1.5 kB of floats."""

    desk_claim = models.OneToOneField(
        DeskClaim, on_delete=models.CASCADE, primary_key=True, related_name="match_vector"
    )
    version = models.PositiveIntegerField()  # the wording's version it was computed from
    model = models.CharField(max_length=100)
    vector = models.BinaryField()

    def __str__(self) -> str:
        return f"vector of desk claim {self.desk_claim_id} v{self.version}"


class ClaimCheckMatch(models.Model):
    """A claim of an article (a CLAIM span, or a CLAIM suggestion) that may have been checked
    already: by the desk (a desk claim with a verdict) or by a fact-check. Proposed by the
    matching job, confirmed or dismissed by a reviewer.

    Keyed by the claim's place in the document (start, end), not by the span or suggestion
    showing it: a suggestion accepted, re-run or replaced keeps its decisions, so a dismissed
    pair is never proposed again. ``span``/``suggestion`` say where the page shows it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="claim_checks")
    start = models.IntegerField()
    end = models.IntegerField()
    span = models.ForeignKey(
        Span, on_delete=models.SET_NULL, null=True, blank=True, related_name="claim_checks"
    )
    suggestion = models.ForeignKey(
        "Suggestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="claim_checks"
    )
    desk_claim = models.ForeignKey(
        DeskClaim, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    fact_check = models.ForeignKey(
        FactCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="matches"
    )
    score = models.FloatField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "end", "-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(desk_claim__isnull=False) & Q(fact_check__isnull=True))
                | (Q(desk_claim__isnull=True) & Q(fact_check__isnull=False)),
                name="claim_check_one_target",
            ),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=F("end")), name="claim_check_range_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="claim_check_score_in_unit_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "confirmed", "dismissed"]),
                name="claim_check_status_known",
            ),
            # The natural keys a re-run upserts on: one row a claim of the text and checked claim.
            models.UniqueConstraint(
                fields=["document", "start", "end", "desk_claim"],
                condition=Q(desk_claim__isnull=False),
                name="claim_check_unique_desk_claim",
            ),
            models.UniqueConstraint(
                fields=["document", "start", "end", "fact_check"],
                condition=Q(fact_check__isnull=False),
                name="claim_check_unique_fact_check",
            ),
        ]
        indexes = [models.Index(fields=["document", "status"], name="claim_check_document_status")]

    def __str__(self) -> str:
        target = f"desk claim {self.desk_claim_id}" if self.desk_claim_id else "fact-check"
        return f"[{self.start}:{self.end}] already checked? {target} {self.score:.2f}"


class ClaimCheckRun(models.Model):
    """When the matching job last ran for a document, and what it found: the sweep enqueues
    the documents whose CLAIMs appeared after it."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="claim_check_run"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    counts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"claim checks of document {self.document_id} at {self.finished_at:%Y-%m-%d %H:%M}"


# --- end of already checked
