"""The domain: projects and their members, documents, spans, desk claims with their ratings
and verdict, fact-checks and the matches that say a claim was checked already, suggestions, runs.

Invariants live in the database with readable names (see each Meta). Those that cross tables
are triggers installed by migrations (a span's end within its document's text; a mention's desk
claim in the span's project). Writes go through annotations.services, never through these
classes directly.
"""

# The one definition is with the other bounds; kept here for the modules that import it from here.
from annotations.domain.bounds import MAX_DOCUMENT_LENGTH
from annotations.models.checks import ClaimCheckMatch, ClaimCheckRun, DeskClaimVector, FactCheck
from annotations.models.imports import ImportJob
from annotations.models.projects import (
    RATING_VALUES,
    Document,
    Label,
    Membership,
    Project,
    Rating,
    ReviewStatus,
    Role,
    StoryStatus,
    validate_review_url_template,
)
from annotations.models.search import DocumentSearch
from annotations.models.spans import ClaimRating, DeskClaim, Span, Verdict
from annotations.models.stories import (
    MatchKind,
    OutletMatch,
    SentenceVectors,
    Story,
    StoryComparison,
    StoryKey,
    StorySignature,
    StoryVocabulary,
)
from annotations.models.suggestions import AuditEvent, SuggesterModel, Suggestion, SuggestionRun

__all__ = [
    "MAX_DOCUMENT_LENGTH",
    "RATING_VALUES",
    "AuditEvent",
    "ClaimCheckMatch",
    "ClaimCheckRun",
    "ClaimRating",
    "DeskClaim",
    "DeskClaimVector",
    "Document",
    "DocumentSearch",
    "FactCheck",
    "ImportJob",
    "Label",
    "MatchKind",
    "Membership",
    "OutletMatch",
    "Project",
    "Rating",
    "ReviewStatus",
    "Role",
    "SentenceVectors",
    "Span",
    "Story",
    "StoryComparison",
    "StoryKey",
    "StorySignature",
    "StoryStatus",
    "StoryVocabulary",
    "SuggesterModel",
    "Suggestion",
    "SuggestionRun",
    "Verdict",
    "validate_review_url_template",
]
