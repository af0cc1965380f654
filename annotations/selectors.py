"""Reads shared by the pages and the API, scoped to what the user may see.

Every queryset here starts from the user's memberships: an object outside them does not exist
for that user (views answer 404, not 403). A soft-deleted document, and everything on it, does
not exist for them either (documents_for, spans_for ... leave it out), except where a moderator
restores it (documents_with_deleted_for).
"""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, F, Max, Min, Q, QuerySet

from annotations.domain import match as match_domain
from annotations.models import (
    AuditEvent,
    ClaimCheckMatch,
    ClaimRating,
    DeskClaim,
    Document,
    FactCheck,
    ImportJob,
    OutletMatch,
    Project,
    ReviewStatus,
    Span,
    Story,
    StoryStatus,
    Suggestion,
    SuggestionRun,
)
from annotations.search import search_documents
from annotations.suggest.calibration import MIN_DECISIONS, acceptance_threshold


def counted_reviewer(path: str = "") -> Q:
    """What makes an account a reviewer whose work is compared: it can log in (active, with a
    usable password). The seed examples' author ("annotation-guide") cannot: its spans are
    examples, not a second opinion, so agreement, the dashboard and the review page's
    disagreements leave them out. `path` leads to the user from the queried model
    ("author__"). The one definition: every count of reviewers asks it."""
    return Q(**{f"{path}is_active": True}) & ~Q(
        **{f"{path}password__startswith": UNUSABLE_PASSWORD_PREFIX}
    )


def projects_for(user) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user)


# A live mention: the span is not deleted and neither is its article.
LIVE_MENTION = Q(mentions__deleted_at__isnull=True, mentions__document__deleted_at__isnull=True)


def documents_for(user) -> QuerySet[Document]:
    """Live (not deleted) documents in the user's projects."""
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(project__memberships__user=user, deleted_at__isnull=True)


def documents_with_role(user) -> QuerySet[Document]:
    """The documents the user may see, each with the user's role in its project, read from
    the membership the scoping joins anyway: the permission check that follows asks nothing."""
    return documents_for(user).annotate(requester_role=F("project__memberships__role"))


def documents_with_deleted_for(user) -> QuerySet[Document]:
    """Documents in the user's projects, soft-deleted ones included: what a restore may find."""
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(project__memberships__user=user)


def import_jobs_for(user) -> QuerySet[ImportJob]:
    """Import jobs of the user's projects: every member sees the project's jobs."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(project__memberships__user=user).select_related("project")


def project_documents(user, *, project: Project) -> QuerySet[Document]:
    """A project's live documents."""
    return documents_for(user).filter(project=project)


def document_list(user, *, project: Project) -> QuerySet[Document]:
    """A project's documents without their text, with span counts per label."""
    live = Q(spans__deleted_at__isnull=True)
    return (
        documents_for(user)
        .filter(project=project)
        .defer("text")
        .annotate(
            span_count=Count("spans", filter=live),
            claim_count=Count("spans", filter=live & Q(spans__label="CLAIM")),
            quote_count=Count("spans", filter=live & Q(spans__label="QUOTE")),
            opinion_count=Count("spans", filter=live & Q(spans__label="OPINION")),
        )
        .order_by("-created_at", "-id")
    )


def document_overview(user, *, project: Project, search: str = "") -> QuerySet[Document]:
    """The project's documents for its list page: counts by label (document_list), how far the
    review has come (spans decided by a moderator, claims with a verdict) and, with `search`,
    only those whose words or live spans match it, best first (annotations.search)."""
    live = Q(spans__deleted_at__isnull=True)
    documents = document_list(user, project=project).annotate(
        reviewed_count=Count("spans", filter=live & ~Q(spans__review_status="pending")),
        rejected_count=Count("spans", filter=live & Q(spans__review_status="rejected")),
        verdict_count=Count(
            "spans",
            filter=live & Q(spans__label="CLAIM", spans__desk_claim__verdict__isnull=False),
        ),
    )
    return search_documents(documents, search)


# --- stories ----------------------------------------------------------------------------------


def stories_for(user) -> QuerySet[Story]:
    if not user.is_authenticated:
        return Story.objects.none()
    return Story.objects.filter(project__memberships__user=user)


def project_stories(user, *, project: Project) -> QuerySet[Story]:
    """A project's stories, latest activity first, with how many documents (and outlets) each
    has, how many are still only proposed, and the dates they span."""
    live = Q(documents__deleted_at__isnull=True)
    return (
        stories_for(user)
        .filter(project=project)
        .annotate(
            document_count=Count("documents", distinct=True, filter=live),
            outlet_count=Count(
                "documents__outlet", distinct=True, filter=live & ~Q(documents__outlet="")
            ),
            proposed_count=Count(
                "documents",
                distinct=True,
                filter=live & Q(documents__story_status=StoryStatus.PROPOSED),
            ),
            first_published=Min("documents__published_on", filter=live),
            last_published=Max("documents__published_on", filter=live),
        )
        .order_by("-updated_at", "-id")
    )


def story_documents(user, *, story: Story) -> QuerySet[Document]:
    """The story's documents by outlet, then date (undated last), with the counts the project
    page shows of each (document_overview)."""
    return (
        document_overview(user, project=story.project)
        .filter(story=story)
        .order_by("outlet", F("published_on").asc(nulls_last=True), "created_at", "id")
    )


def story_members(story: Story) -> QuerySet[Document]:
    """The story's live documents (a deleted one stays in its story, out of sight, so that a
    restore brings it back where it was): what the story's forms may name."""
    return story.documents.filter(deleted_at__isnull=True)


def story_history(story: Story, *, document_ids: list[int]) -> QuerySet[AuditEvent]:
    """What happened to the story and to its documents' place in stories, newest first."""
    return (
        AuditEvent.objects.filter(
            Q(object_type="story", object_id=story.pk)
            | Q(object_type="document", object_id__in=document_ids, action__startswith="story_")
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


# --- outlet matches: the same quote, claim or number in two articles of a story --------------

_MATCH_DOCUMENT_FIELDS = ("id", "title", "outlet", "published_on", "story", "project")


def _with_documents(
    matches: QuerySet[OutletMatch], *, extra: tuple[str, ...] = ()
) -> QuerySet[OutletMatch]:
    """The two articles' titles and outlets (what a match shows of them), not their texts."""
    fields = (*_MATCH_DOCUMENT_FIELDS, *extra)
    return matches.select_related("document_a", "document_b", "decided_by").only(
        *(f"{side}__{name}" for side in ("document_a", "document_b") for name in fields),
        *(f.name for f in OutletMatch._meta.concrete_fields),
        "decided_by__username",
    )


def outlet_matches_for(user) -> QuerySet[OutletMatch]:
    if not user.is_authenticated:
        return OutletMatch.objects.none()
    return OutletMatch.objects.filter(project__memberships__user=user)


def story_matches(
    story: Story, *, documents: Collection[int] | None = None
) -> QuerySet[OutletMatch]:
    """The matches between articles of the story (both still in it), optionally only among
    ``documents``, in reading order: by kind, then by place in the earlier article."""
    matches = OutletMatch.objects.filter(document_a__story=story, document_b__story=story)
    if documents is not None:
        matches = matches.filter(document_a_id__in=documents, document_b_id__in=documents)
    return _with_documents(matches).order_by(
        "kind", "document_a_id", "a_start", "document_b_id", "b_start", "id"
    )


def span_matches(span: Span) -> list[OutletMatch]:
    """The matches of the span's article (within its story, not dismissed) one side of which
    is the span's words (overlapping by half of the shorter at least), best first."""
    document = span.document
    if document.story_id is None:
        return []
    near = OutletMatch.objects.filter(
        Q(document_a=document, a_start__lt=span.end, a_end__gt=span.start)
        | Q(document_b=document, b_start__lt=span.end, b_end__gt=span.start),
        document_a__story_id=document.story_id,
        document_b__story_id=document.story_id,
    ).exclude(status=OutletMatch.Status.DISMISSED)

    def shared(match: OutletMatch) -> float:
        if match.document_a_id == document.pk:
            return match_domain.closeness(match.a_start, match.a_end, span.start, span.end)
        return match_domain.closeness(match.b_start, match.b_end, span.start, span.end)

    found = [(shared(m), m) for m in _with_documents(near).order_by("id")]
    return [m for score, m in sorted(found, key=lambda x: (-x[0], -x[1].score, x[1].pk)) if score]


def match_export_rows(project: Project, *, kinds: Collection[str] = (), story: int | None = None):
    """A project's confirmed matches for the export, oldest first, streamed in chunks."""
    matches = OutletMatch.objects.filter(project=project, status=OutletMatch.Status.CONFIRMED)
    if kinds:
        matches = matches.filter(kind__in=list(kinds))
    if story is not None:
        matches = matches.filter(document_a__story_id=story, document_b__story_id=story)
    return (
        _with_documents(matches, extra=("external_id", "source_url"))
        .order_by("id")
        .iterator(chunk_size=2000)
    )


def spans_for(user) -> QuerySet[Span]:
    """Live (not deleted) spans in the user's projects."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(
        document__project__memberships__user=user,
        deleted_at__isnull=True,
        document__deleted_at__isnull=True,
    ).select_related("document")


def spans_with_deleted_for(user) -> QuerySet[Span]:
    """Spans of live documents in the user's projects, soft-deleted ones included: what an
    undo may restore."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(
        document__project__memberships__user=user, document__deleted_at__isnull=True
    ).select_related("document__project")


# The order a document's spans are listed in, everywhere (the model's default ordering too).
SPAN_ORDER = ("start", "end", "id")


def document_spans(document: Document) -> QuerySet[Span]:
    """A document's live spans with what the page and the API show of each, in one query."""
    return (
        document.spans.filter(deleted_at__isnull=True)
        # The verdict of each CLAIM's desk claim is shown on it, with its author's name: joined
        # here, or every verdict would cost queries (the workspace page must not grow with spans).
        .select_related("author", "desk_claim__verdict__author")
        .order_by(*SPAN_ORDER)
    )


def project_spans(user, *, project: Project) -> QuerySet[Span]:
    """Live spans of one project. Empty unless the user is a member of the project, so no
    filter applied on top (api/filters.py) can reach another project's rows."""
    if not user.is_authenticated or not projects_for(user).filter(pk=project.pk).exists():
        return Span.objects.none()
    return Span.objects.filter(
        document__project=project, deleted_at__isnull=True, document__deleted_at__isnull=True
    )


# --- desk claims ---------------------------------------------------------------------------


def desk_claims_for(user) -> QuerySet[DeskClaim]:
    if not user.is_authenticated:
        return DeskClaim.objects.none()
    return DeskClaim.objects.filter(project__memberships__user=user)


def project_desk_claims(
    user, *, project: Project, mentions: str = "", search: str = ""
) -> QuerySet[DeskClaim]:
    """A project's desk claims with their live mention and rating counts and their verdict;
    `mentions` "some" or "none" keeps those with live mentions or without any left."""
    claims = (
        desk_claims_for(user)
        .filter(project=project)
        .select_related("verdict__author")
        .annotate(
            mention_count=Count("mentions", filter=LIVE_MENTION, distinct=True),
            rating_count=Count("ratings", distinct=True),
        )
    )
    if mentions == "some":
        claims = claims.filter(mention_count__gt=0)
    elif mentions == "none":
        claims = claims.filter(mention_count=0)
    search = search.strip()
    if search:
        claims = claims.filter(wording__icontains=search)
    return claims


def desk_claim_mentions(desk_claim: DeskClaim) -> QuerySet[Span]:
    """A desk claim's live mentions with their article's title, outlet and date, in one query,
    the earliest article first."""
    return (
        desk_claim.mentions.filter(deleted_at__isnull=True, document__deleted_at__isnull=True)
        .select_related("author", "document")
        .defer("document__text", "document__metadata")
        .order_by("document__published_on", "document__created_at", "document_id", "start", "id")
    )


def desk_claim_ratings(desk_claim: DeskClaim) -> QuerySet[ClaimRating]:
    return desk_claim.ratings.select_related("author").order_by("created_at", "id")


def object_history(*, object_type: str, object_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- already checked: fact-checks and the matches of a document's claims ------------------------


def fact_checks_for(user) -> QuerySet[FactCheck]:
    """Fact-checks without their stored vector (a worker's business, 1.5 kB a row)."""
    if not user.is_authenticated:
        return FactCheck.objects.none()
    return FactCheck.objects.filter(project__memberships__user=user).defer("vector")


def project_fact_checks(user, *, project: Project, search: str = "") -> QuerySet[FactCheck]:
    checks = fact_checks_for(user).filter(project=project)
    search = search.replace("\x00", "").strip()  # PostgreSQL text holds no NUL
    if search:
        checks = checks.filter(Q(claim_reviewed__icontains=search) | Q(publisher__icontains=search))
    return checks


def claim_checks_for(user) -> QuerySet[ClaimCheckMatch]:
    if not user.is_authenticated:
        return ClaimCheckMatch.objects.none()
    return ClaimCheckMatch.objects.filter(document__project__memberships__user=user)


CLAIM_CHECK_STATUSES = ("open", "confirmed", "dismissed")


def document_claim_checks(
    document: Document, *, status: str | None = "open", span: Span | None = None
) -> QuerySet[ClaimCheckMatch]:
    """A document's matches with what they matched, in one query, in text order, best first.
    Open ones only where they still stand: their claim is a live span or an open suggestion,
    and a desk claim they name still has a verdict the desk stands behind (not rejected)."""
    checks = document.claim_checks.all()
    if span is not None:
        checks = checks.filter(start=span.start, end=span.end)
    if status:
        checks = checks.filter(status=status)
    if status == ClaimCheckMatch.Status.OPEN:
        checks = checks.filter(
            Q(span__deleted_at__isnull=True, span__label="CLAIM")
            | Q(suggestion__status=Suggestion.Status.OPEN)
        ).filter(
            Q(fact_check__isnull=False)
            | Q(
                desk_claim__verdict__review_status__in=[ReviewStatus.PENDING, ReviewStatus.APPROVED]
            )
        )
    return (
        checks.select_related("desk_claim__verdict", "fact_check", "decided_by")
        .defer("fact_check__vector")
        .order_by("start", "end", "-score", "id")
    )


def suggestions_for(user) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(
        document__project__memberships__user=user, document__deleted_at__isnull=True
    ).select_related("document")


def document_suggestions(
    document: Document, *, status: str | None = "open"
) -> QuerySet[Suggestion]:
    suggestions = document.suggestions.all()
    if status:
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("start", "end", "id")


def document_runs(document: Document) -> QuerySet[SuggestionRun]:
    return document.suggestion_runs.order_by("-created_at", "-id")


# The latest decisions say what a desk accepts now: its habits and its suggesters change.
DECISION_WINDOW = 2000


def suggestion_decisions(project_id: int) -> list[tuple[float, bool]]:
    """The desk's latest decided suggestions: (the score it saw, accepted?)."""
    rows = (
        Suggestion.objects.filter(document__project_id=project_id)
        .exclude(status=Suggestion.Status.OPEN)
        .order_by("-decided_at", "-id")
        .values_list("score", "status")[:DECISION_WINDOW]
    )
    return [(score, status == Suggestion.Status.ACCEPTED) for score, status in rows]


def suggestion_display_threshold(project: Project) -> dict:
    """The score below which the workspace hides suggestions until the reviewer shows them: the
    moderators' setting, else the score above which the desk accepts most suggestions (its
    decisions), else calibration's default. ``source`` says which; ``decisions`` how many."""
    decisions = suggestion_decisions(project.pk)
    if project.suggestion_threshold is not None:
        return {
            "value": project.suggestion_threshold,
            "source": "project",
            "decisions": len(decisions),
        }
    value, n = acceptance_threshold(decisions)
    source = "decisions" if n >= MIN_DECISIONS else "default"
    return {"value": value, "source": source, "decisions": n}
