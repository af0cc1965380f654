"""Stories: documents about one event, their signatures and vocabulary, and the matches
between outlets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length

from annotations.models.jobs import Job, job_status_known
from annotations.models.projects import Document, Project


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


class StoryComparison(Job):
    """The comparison job's state for one story: asked for (an article joined the story, a
    reviewer asked again), running, done or failed, with what it found. The pages show it;
    nothing waits on it."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="comparison"
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comparer_version = models.CharField(max_length=100, blank=True)
    # What the last run did: documents compared, matches found, new, updated, removed, seconds.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            job_status_known("story_comparison_status_known"),
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
