"""The domain: projects and their members, documents, spans, desk claims with their ratings
and verdict, fact-checks and the matches that say a claim was checked already, suggestions, runs.

Invariants live in the database with readable names (see each Meta). Those that cross tables
are triggers installed by migrations (a span's end within its document's text; a mention's desk
claim in the span's project). Writes go through annotations.services, never through these
classes directly.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length

from annotations.domain import publishing

# The one definition is with the other bounds; kept here for the modules that import it from here.
from annotations.domain.bounds import MAX_DOCUMENT_LENGTH as MAX_DOCUMENT_LENGTH
from annotations.domain.span import PREFIX_SUFFIX_LENGTH


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
    # --- its story (annotations.services.stories): proposed by the job, confirmed by a person.
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


class Story(models.Model):
    """The documents that report one event, from one outlet or many. The story job proposes
    them (Document.story_status "proposed"); a reviewer confirms, moves, merges or splits.
    Its changes are kept in AuditEvent (object_type 'story'; a document's moves under its own)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="story_title_not_empty"),
        ]
        # the project page's list of stories, latest first
        indexes = [models.Index(fields=["project", "-updated_at"], name="story_project_recent")]

    def __str__(self) -> str:
        return self.title


class StorySignature(models.Model):
    """What the story job computed of a document (annotations.compare.stories.Signature), kept
    so a new article is compared with it without reading its text again. No row: the job has
    not run for the document yet (the sweep enqueues it)."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="story_signature"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveSmallIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # the count of signed documents of a project (rarity's n)
        indexes = [models.Index(fields=["project"], name="story_signature_project")]

    def __str__(self) -> str:
        return f"signature v{self.version} of document {self.document_id}"


class StoryKey(models.Model):
    """The inverted index of signatures: a document has this name or figure. The story job
    looks up a new article's rarest keys here to find the few articles worth scoring."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    # The document's, so the lookup skips articles published long before or after in the index.
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "key"], name="story_key_unique_per_document"
            )
        ]
        # the lookup: project, key and date window in, documents out (an index-only scan)
        indexes = [
            models.Index(
                fields=["project", "key", "published_on", "document"], name="story_key_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} in document {self.document_id}"


class StoryVocabulary(models.Model):
    """How many signed documents of a project have each key (a word's stem, a name, a figure):
    what makes a shared word rare or common. Written only under the project's story lock."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    documents = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "story vocabulary"
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="story_vocabulary_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} in {self.documents} documents"


# --- end of stories


# --- Outlet matches: the same quote, claim or number in two articles of a story --------------


class MatchKind(models.TextChoices):
    QUOTE = "quote", "Quote"
    CLAIM = "claim", "Claim"
    NUMBER = "number", "Number"
    LOADED = "loaded", "Loaded wording"


class OutletMatch(models.Model):
    """Two articles of a story saying one thing differently (annotations.compare): the same
    quote (with the words that differ), claim or quantity (with both values), or one outlet's
    loaded term (side ``a``) for what the other names neutrally (side ``b``). Proposed by the
    comparison job (annotations.services.matches), confirmed or dismissed by a reviewer; a
    dismissed one is never proposed again. Changes are kept in AuditEvent (object_type
    'outletmatch')."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outlet_matches")
    kind = models.CharField(max_length=10, choices=MatchKind.choices)
    # The two sides, code points into each document's text, end exclusive.
    document_a = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    a_start = models.IntegerField()
    a_end = models.IntegerField()
    a_text = models.TextField()
    document_b = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    b_start = models.IntegerField()
    b_end = models.IntegerField()
    b_text = models.TextField()
    score = models.FloatField()
    reason = models.TextField()
    # By kind, as the comparer gives them: speakers, wording and the differing words (quote),
    # shared words (claim), quantity, unit, both values and their relation (number), the term,
    # its neutral counterpart and why it is loaded (loaded).
    details = models.JSONField(default=dict, blank=True)
    comparer_version = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # A confirmed claim match: the CLAIM span of each side, mentions of one desk claim since.
    span_a = models.ForeignKey(
        "Span", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    span_b = models.ForeignKey(
        "Span", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "document_a", "a_start", "document_b", "b_start", "id"]
        constraints = [
            # The natural key a re-run upserts on.
            models.UniqueConstraint(
                fields=["kind", "document_a", "a_start", "a_end", "document_b", "b_start", "b_end"],
                name="outlet_match_unique_sides",
            ),
            models.CheckConstraint(
                condition=~Q(document_a=F("document_b")), name="outlet_match_two_documents"
            ),
            models.CheckConstraint(
                condition=Q(a_start__gte=0) & Q(a_start__lt=F("a_end")),
                name="outlet_match_a_range",
            ),
            models.CheckConstraint(
                condition=Q(b_start__gte=0) & Q(b_start__lt=F("b_end")),
                name="outlet_match_b_range",
            ),
            models.CheckConstraint(
                condition=Q(a_end=F("a_start") + Length("a_text")),
                name="outlet_match_a_text_matches_range",
            ),
            models.CheckConstraint(
                condition=Q(b_end=F("b_start") + Length("b_text")),
                name="outlet_match_b_text_matches_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MatchKind.values), name="outlet_match_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "confirmed", "dismissed"]),
                name="outlet_match_status_known",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="outlet_match_score_in_unit_range"
            ),
        ]
        indexes = [
            # a story's matches and a span's: by either document
            models.Index(fields=["document_a", "status"], name="outlet_match_document_a"),
            models.Index(fields=["document_b", "status"], name="outlet_match_document_b"),
            # the export of a project's confirmed matches
            models.Index(fields=["project", "status", "id"], name="outlet_match_project_status"),
        ]

    def __str__(self) -> str:
        a, b = f"{self.document_a_id}:{self.a_start}", f"{self.document_b_id}:{self.b_start}"
        return f"{self.kind} match {a} / {b}"


class StoryComparison(models.Model):
    """The comparison job's state for one story: asked for (an article joined the story, a
    reviewer asked again), running, done or failed, with what it found. The pages show it;
    nothing waits on it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="comparison"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    comparer_version = models.CharField(max_length=100, blank=True)
    # What the last run did: documents compared, matches found, new, updated, removed, seconds.
    counts = models.JSONField(default=dict, blank=True)
    # Why it is still queued (the queue could not be reached) or why it failed, readable.
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="story_comparison_status_known",
            ),
        ]
        # the sweep: comparisons asked for long ago and never run
        indexes = [models.Index(fields=["status", "requested_at"], name="story_comparison_age")]

    def __str__(self) -> str:
        return f"comparison of story {self.story_id}: {self.status}"


class SentenceVectors(models.Model):
    """A document's sentence embeddings (annotations.embeddings), kept so that comparing its
    story again encodes only the articles that joined it since: encoding is the dearest step
    of a comparison (about 20 ms of CPU a sentence)."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="sentence_vectors"
    )
    encoder = models.CharField(max_length=100)  # the model's name: vectors of another are unused
    dimension = models.PositiveSmallIntegerField()
    # A digest of each sentence's text, in the order of the vectors' rows.
    keys = models.JSONField(default=list)
    vectors = models.BinaryField()  # float32, len(keys) rows of `dimension`, row-major
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "sentence vectors"

    def __str__(self) -> str:
        return f"{len(self.keys)} sentence vectors of document {self.document_id}"


# --- end of outlet matches


class Span(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="spans")
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
        "DeskClaim", on_delete=models.PROTECT, null=True, blank=True, related_name="mentions"
    )
    # Origin: empty for a span made by hand, else the suggestion it was accepted from.
    suggestion = models.OneToOneField(
        "Suggestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="span"
    )
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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


class SuggestionRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestion_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Why it is still queued (broker down) or why it failed, in words a reviewer can read.
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="suggestion_run_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="suggestion_run_status_age")]

    def __str__(self) -> str:
        return f"run {self.pk} of document {self.document_id}: {self.status}"


class AuditEvent(models.Model):
    """Who did what, when, and what it was before and after. Written by the services only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="audit_events")
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


# An import's job lives in its own module; imported here so that the app registry has it.
from annotations.models_imports import ImportJob  # noqa: E402

__all__ = ["ImportJob"]

# Registered with the app from here; defined apart (this module is long enough).
from annotations.models_search import DocumentSearch  # noqa: E402, F401
