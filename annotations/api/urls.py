from django.urls import path

from annotations.api import (
    backup,
    checks,
    claims,
    exports,
    imports,
    matches,
    moderation,
    stories,
    views,
    workspace,
)

urlpatterns = [
    # Projects and their documents
    path("projects/", views.ProjectListView.as_view(), name="api-projects"),
    path(
        "projects/<id:project_id>/documents/",
        views.ProjectDocumentsView.as_view(),
        name="api-project-documents",
    ),
    path("documents/<id:document_id>/", views.DocumentDetailView.as_view(), name="api-document"),
    path(
        "documents/<id:document_id>/restore/",
        views.DocumentRestoreView.as_view(),
        name="api-document-restore",
    ),
    path(
        "documents/<id:document_id>/history/",
        views.DocumentHistoryView.as_view(),
        name="api-document-history",
    ),
    # Spans and verdicts
    path(
        "documents/<id:document_id>/spans/",
        views.DocumentSpansView.as_view(),
        name="api-document-spans",
    ),
    path("spans/<id:span_id>/", views.SpanDetailView.as_view(), name="api-span"),
    # The workspace: the live poll, recently deleted spans, the inbox
    path(
        "documents/<id:document_id>/live/",
        workspace.DocumentLiveView.as_view(),
        name="api-document-live",
    ),
    path(
        "documents/<id:document_id>/spans/deleted/",
        workspace.DocumentDeletedSpansView.as_view(),
        name="api-document-deleted-spans",
    ),
    path(
        "documents/<id:document_id>/suggestions/reopen/",
        workspace.SuggestionsReopenView.as_view(),
        name="api-document-suggestions-reopen",
    ),
    path("inbox/", workspace.InboxView.as_view(), name="api-inbox"),
    path("spans/<id:span_id>/restore/", views.SpanRestoreView.as_view(), name="api-span-restore"),
    path("spans/<id:span_id>/verdict/", views.SpanVerdictView.as_view(), name="api-span-verdict"),
    # Desk claims: their mentions, ratings and verdict
    path(
        "projects/<id:project_id>/desk-claims/",
        claims.ProjectDeskClaimsView.as_view(),
        name="api-project-desk-claims",
    ),
    path(
        "desk-claims/<id:desk_claim_id>/",
        claims.DeskClaimDetailView.as_view(),
        name="api-desk-claim",
    ),
    path(
        "desk-claims/<id:desk_claim_id>/ratings/",
        claims.DeskClaimRatingsView.as_view(),
        name="api-desk-claim-ratings",
    ),
    path(
        "desk-claims/<id:desk_claim_id>/verdict/",
        claims.DeskClaimVerdictView.as_view(),
        name="api-desk-claim-verdict",
    ),
    path(
        "desk-claims/<id:desk_claim_id>/verdict/review/",
        claims.DeskClaimVerdictReviewView.as_view(),
        name="api-desk-claim-verdict-review",
    ),
    path(
        "spans/<id:span_id>/desk-claim/",
        claims.SpanDeskClaimView.as_view(),
        name="api-span-desk-claim",
    ),
    path(
        "documents/<id:document_id>/desk-claim-proposals/",
        claims.DocumentDeskClaimProposalsView.as_view(),
        name="api-document-desk-claim-proposals",
    ),
    # Already checked: fact-checks from ClaimReview, and the matches of a document's claims
    path(
        "projects/<id:project_id>/fact-checks/",
        checks.ProjectFactChecksView.as_view(),
        name="api-project-fact-checks",
    ),
    path(
        "documents/<id:document_id>/claim-checks/",
        checks.DocumentClaimChecksView.as_view(),
        name="api-document-claim-checks",
    ),
    path(
        "spans/<id:span_id>/claim-checks/",
        checks.SpanClaimChecksView.as_view(),
        name="api-span-claim-checks",
    ),
    path(
        "claim-checks/<id:claim_check_id>/confirm/",
        checks.ClaimCheckConfirmView.as_view(),
        name="api-claim-check-confirm",
    ),
    path(
        "claim-checks/<id:claim_check_id>/dismiss/",
        checks.ClaimCheckDismissView.as_view(),
        name="api-claim-check-dismiss",
    ),
    # Machine suggestions
    path(
        "documents/<id:document_id>/suggest/",
        views.DocumentSuggestView.as_view(),
        name="api-document-suggest",
    ),
    path(
        "documents/<id:document_id>/suggestion-runs/",
        views.DocumentRunsView.as_view(),
        name="api-document-runs",
    ),
    path(
        "documents/<id:document_id>/suggestions/",
        views.DocumentSuggestionsView.as_view(),
        name="api-document-suggestions",
    ),
    path(
        "documents/<id:document_id>/suggestions/accept/",
        views.AcceptAboveView.as_view(),
        name="api-document-suggestions-accept",
    ),
    path(
        "suggestions/<id:suggestion_id>/accept/",
        views.SuggestionAcceptView.as_view(),
        name="api-suggestion-accept",
    ),
    path(
        "suggestions/<id:suggestion_id>/reject/",
        views.SuggestionRejectView.as_view(),
        name="api-suggestion-reject",
    ),
    # Labeled data in and out
    path(
        "projects/<id:project_id>/export/",
        exports.ProjectExportView.as_view(),
        name="api-project-export",
    ),
    path(
        "projects/<id:project_id>/spans/",
        exports.ProjectSpansView.as_view(),
        name="api-project-spans",
    ),
    path(
        "projects/<id:project_id>/documents/import/",
        imports.DocumentImportView.as_view(),
        name="api-project-documents-import",
    ),
    path(
        "projects/<id:project_id>/imports/",
        imports.ProjectImportJobsView.as_view(),
        name="api-project-imports",
    ),
    path("imports/<id:job_id>/", imports.ImportJobView.as_view(), name="api-import-job"),
    # A project moves whole
    path(
        "projects/<id:project_id>/backup/",
        backup.ProjectBackupView.as_view(),
        name="api-project-backup",
    ),
    path(
        "projects/<id:project_id>/restore/",
        backup.ProjectRestoreView.as_view(),
        name="api-project-restore",
    ),
    # Stories: the documents that report one event
    path(
        "projects/<id:project_id>/stories/",
        stories.ProjectStoriesView.as_view(),
        name="api-project-stories",
    ),
    path("stories/<id:story_id>/", stories.StoryDetailView.as_view(), name="api-story"),
    path(
        "stories/<id:story_id>/confirm/",
        stories.StoryConfirmView.as_view(),
        name="api-story-confirm",
    ),
    path("stories/<id:story_id>/move/", stories.StoryMoveView.as_view(), name="api-story-move"),
    path("stories/<id:story_id>/merge/", stories.StoryMergeView.as_view(), name="api-story-merge"),
    path("stories/<id:story_id>/split/", stories.StorySplitView.as_view(), name="api-story-split"),
    # Outlet matches: the same quote, claim or number in two articles of a story
    path(
        "stories/<id:story_id>/matches/",
        matches.StoryMatchesView.as_view(),
        name="api-story-matches",
    ),
    path(
        "stories/<id:story_id>/comparison/",
        matches.StoryComparisonView.as_view(),
        name="api-story-comparison",
    ),
    path("spans/<id:span_id>/matches/", matches.SpanMatchesView.as_view(), name="api-span-matches"),
    path("matches/<id:match_id>/", matches.MatchDetailView.as_view(), name="api-match"),
    path(
        "matches/<id:match_id>/confirm/",
        matches.MatchConfirmView.as_view(),
        name="api-match-confirm",
    ),
    path(
        "matches/<id:match_id>/dismiss/",
        matches.MatchDismissView.as_view(),
        name="api-match-dismiss",
    ),
    path(
        "matches/<id:match_id>/reopen/", matches.MatchReopenView.as_view(), name="api-match-reopen"
    ),
    path(
        "projects/<id:project_id>/matches/export/",
        matches.ProjectMatchesExportView.as_view(),
        name="api-project-matches-export",
    ),
    # Moderation
    path("spans/<id:span_id>/review/", moderation.SpanReviewView.as_view(), name="api-span-review"),
    path(
        "spans/<id:span_id>/verdict/review/",
        moderation.VerdictReviewView.as_view(),
        name="api-verdict-review",
    ),
    path(
        "projects/<id:project_id>/agreement/",
        moderation.ProjectAgreementView.as_view(),
        name="api-project-agreement",
    ),
    path(
        "documents/<id:document_id>/agreement/",
        moderation.DocumentAgreementView.as_view(),
        name="api-document-agreement",
    ),
]
