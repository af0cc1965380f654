"""Projects, their members and their documents, with the choices the rest shares."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length

from annotations.domain import publishing


class Role(models.TextChoices):
    REVIEWER = "reviewer", "Reviewer"
    MODERATOR = "moderator", "Moderator"


class Label(models.TextChoices):
    CLAIM = "CLAIM", "Claim"
    QUOTE = "QUOTE", "Quote"
    OPINION = "OPINION", "Opinion"


class StoryStatus(models.TextChoices):
    NONE = "", "In no story"
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Rating(models.TextChoices):
    """The verdict scale, best first. Its order is the ordinal scale used for agreement and for
    ClaimReview's ratingValue (see RATING_VALUES)."""

    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    MIXED = "mixed", "Mixed"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


# ClaimReview reviewRating: 5 is best, 1 worst. Misleading sits with mostly false on the numeric
# scale; unverifiable has no place on it and is exported by alternateName alone.
RATING_VALUES: dict[str, int | None] = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MIXED: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
    Rating.MISLEADING: 2,
    Rating.UNVERIFIABLE: None,
}


def validate_review_url_template(value: str) -> None:
    try:
        publishing.check_review_url_template(value)
    except publishing.TemplateInvalid as exc:
        raise DjangoValidationError(str(exc)) from None


class Project(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )
    # Suggestions scoring below it are hidden in the workspace until the reviewer shows them.
    # Empty: the score above which the desk accepts most suggestions, from its decisions
    # (selectors.suggestion_display_threshold).
    suggestion_threshold = models.FloatField(
        null=True,
        blank=True,
        help_text=(
            "Suggestions scoring below this are hidden in the workspace until the reviewer "
            "shows them. Leave empty to use the score above which this desk accepts most "
            "suggestions (0.5 until it has decided 30)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # --- who publishes the desk's fact checks (the ClaimReview export). Empty: the
    # installation's settings (CLAIMREVIEW_*), else the project's name and our own pages.
    publisher_name = models.CharField(max_length=200, blank=True)
    publisher_url = models.URLField(max_length=2000, blank=True)
    publisher_logo = models.URLField(max_length=2000, blank=True)
    # The fact-check article of a desk claim whose verdict names none, e.g.
    # https://desk.example.org/checks/{desk_claim_id} (annotations.domain.publishing).
    review_url_template = models.CharField(
        max_length=publishing.MAX_URL_LENGTH,
        blank=True,
        validators=[validate_review_url_template],
    )
    # --- end of publishing

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(suggestion_threshold__isnull=True)
                | (Q(suggestion_threshold__gte=0) & Q(suggestion_threshold__lte=1)),
                name="project_suggestion_threshold_in_unit_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="membership_unique_per_project"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} ({self.role})"


class Document(models.Model):
    """An article. Its text is normalised on import (NFC, \\n line ends) and never changes; its
    title, outlet, author, address and date can be corrected (services.documents)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    # A caller's own id for the article (a seed file name, a JSONL `id`): makes imports idempotent.
    external_id = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # Kept beside the text so the span trigger checks `end` without reading the whole text.
    text_length = models.PositiveIntegerField()
    metadata = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # --- its story: proposed by the job (services.story_proposals), confirmed by a person.
    # db_default: the bulk import's COPY leaves these columns out.
    story = models.ForeignKey(
        "Story", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    story_status = models.CharField(
        max_length=10, choices=StoryStatus.choices, blank=True, default="", db_default=""
    )
    story_score = models.FloatField(null=True, blank=True)
    story_reason = models.TextField(blank=True, default="", db_default="")
    # --- end of its story
    # Corrections bump it; a correction naming an older version is refused.
    version = models.PositiveIntegerField(default=1, db_default=1)
    # Soft delete, by a moderator: the document leaves every list, page, export, story and match
    # (the selectors leave it out) until a moderator restores it.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=~Q(external_id=""),
                name="document_external_id_unique_per_project",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="document_text_not_empty"),
            models.CheckConstraint(
                condition=Q(text_length=Length("text")), name="document_text_length_matches_text"
            ),
            models.CheckConstraint(
                condition=Q(story_status__in=StoryStatus.values), name="document_story_status_known"
            ),
            models.CheckConstraint(
                condition=Q(story_score__isnull=True)
                | (Q(story_score__gte=0) & Q(story_score__lte=1)),
                name="document_story_score_in_unit_range",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="document_project_recent"),
            # moderation: the admin's outlet filter and the dashboard's spans by outlet
            models.Index(fields=["outlet"], name="document_outlet"),
        ]

    def __str__(self) -> str:
        return self.title


# --- Stories: the documents that report one event ----------------------------------------------
