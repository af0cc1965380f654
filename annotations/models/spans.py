"""Spans, desk claims with their ratings, and the desk verdict."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length

from annotations.domain import publishing
from annotations.domain.span import PREFIX_SUFFIX_LENGTH
from annotations.models.projects import Document, Label, Project, Rating, ReviewStatus


class Span(models.Model):
    # No index of its own: span_document_start (document, start) leads with it, and serves the
    # document's reads and its delete's cascade.
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="spans", db_index=False
    )
    label = models.CharField(max_length=10, choices=Label.choices)
    start = models.IntegerField()
    end = models.IntegerField()
    text = models.TextField()
    prefix = models.CharField(max_length=PREFIX_SUFFIX_LENGTH, blank=True)
    suffix = models.CharField(max_length=PREFIX_SUFFIX_LENGTH, blank=True)
    speaker = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="spans"
    )
    # A CLAIM is a mention of one desk claim (spans of any reviewer, in any article); other
    # labels are not. A span that stops being a CLAIM leaves its desk claim, which stays.
    desk_claim = models.ForeignKey(
        "DeskClaim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentions",
        db_index=False,  # span_desk_claim, partial
    )
    # Origin: empty for a span made by hand, else the suggestion it was accepted from.
    suggestion = models.OneToOneField(
        "Suggestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="span"
    )
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # span_reviewed_by, partial
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    # Optimistic concurrency: every write bumps it; a write naming an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Soft delete: a reviewer's delete hides the span; a moderator can restore it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="span_start_not_negative"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="span_start_before_end"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("text")), name="span_text_length_matches_range"
            ),
            models.CheckConstraint(condition=Q(label__in=Label.values), name="span_label_known"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="span_review_status_known"
            ),
            models.CheckConstraint(
                condition=Q(label=Label.QUOTE) | Q(speaker=""), name="span_speaker_only_on_quote"
            ),
            models.CheckConstraint(
                condition=Q(label=Label.CLAIM) | Q(desk_claim__isnull=True),
                name="span_desk_claim_only_on_claim",
            ),
            models.UniqueConstraint(
                fields=["document", "author", "label", "start", "end"],
                condition=Q(deleted_at__isnull=True),
                name="span_unique_per_author",
            ),
        ]
        indexes = [
            models.Index(fields=["document", "start"], name="span_document_start"),
            models.Index(fields=["review_status"], name="span_review_status"),
            # moderation: the admin's label and date filters, the dashboard's throughput
            models.Index(fields=["label", "review_status"], name="span_label_review_status"),
            models.Index(fields=["created_at"], name="span_created"),
            # Partial: only the rows that name one. A span is imported pending (no moderator)
            # and two in three are not CLAIMs (no desk claim), so a bulk write skips these;
            # they still find a desk claim's mentions, and a user's reviews when deleting
            # the user asks whether any are left (PROTECT).
            models.Index(
                fields=["desk_claim"],
                condition=Q(desk_claim__isnull=False),
                name="span_desk_claim",
            ),
            models.Index(
                fields=["reviewed_by"],
                condition=Q(reviewed_by__isnull=False),
                name="span_reviewed_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} [{self.start}:{self.end}] {self.text[:40]}"


class Verdict(models.Model):
    """The desk's verdict on a desk claim, set from its reviewers' ratings and approved or
    rejected by a moderator; it shows on every mention. Its changes are kept in AuditEvent
    (object_type 'verdict')."""

    desk_claim = models.OneToOneField("DeskClaim", on_delete=models.CASCADE, related_name="verdict")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    rationale = models.TextField(blank=True)
    evidence_links = models.JSONField(default=list, blank=True)
    # The desk's published fact-check article on the claim (ClaimReview's url); empty: the
    # project's template makes it.
    review_url = models.URLField(max_length=publishing.MAX_URL_LENGTH, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__in=Rating.values), name="verdict_rating_known"
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values),
                name="verdict_review_status_known",
            ),
        ]
        # moderation: the admin's review-state and rating filters
        indexes = [
            models.Index(fields=["review_status"], name="verdict_review_status"),
            models.Index(fields=["rating"], name="verdict_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on desk claim {self.desk_claim_id}"


# --- desk claims: one assertion the desk rules on once, its mentions and its ratings ----------


class DeskClaim(models.Model):
    """The checkable assertion the desk rules on once, in a short canonical wording. Its
    mentions are CLAIM spans (Span.desk_claim) in any article, by any reviewer; each member
    may rate it (ClaimRating); the desk's Verdict is one. Changes are kept in AuditEvent
    (object_type 'deskclaim'). It is never deleted: one with no mentions left stays."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="desk_claims")
    wording = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The wording's lexemes for the proposals' full-text search: kept by a trigger on
    # PostgreSQL (every writer, COPY included), GIN-indexed there; unused (null) on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(wording=""), name="desk_claim_wording_not_empty"),
        ]

    def __str__(self) -> str:
        return self.wording[:80]


class ClaimRating(models.Model):
    """One member's rating of a desk claim: each reviewer's is kept, and their agreement is the
    verdict agreement. Changes are kept in AuditEvent (object_type 'claimrating')."""

    desk_claim = models.ForeignKey(DeskClaim, on_delete=models.CASCADE, related_name="ratings")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_ratings"
    )
    rating = models.CharField(max_length=20, choices=Rating.choices)
    rationale = models.TextField(blank=True)
    evidence_links = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk_claim", "author"], name="claim_rating_unique_per_author"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=Rating.values), name="claim_rating_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} by {self.author_id} on desk claim {self.desk_claim_id}"


# --- already checked: fact-checks from ClaimReview, and what a new article's claims match ------
