"""Every write path. Views, the API, the admin, commands and tasks call these and nothing else.

Each service validates (raising annotations.errors), writes inside a transaction, bumps the
version of what it edits and records who did what in AuditEvent. One module per concern;
`grep -r "def span_"` shows everything that can happen to a span.
"""

from annotations.domain.span import context as span_context
from annotations.domain.text import normalize_text
from annotations.services.checking import (
    MatchResult,
    checked_claims_embed,
    claim_check_confirm,
    claim_check_dismiss,
    claim_checks_enqueue,
    claim_checks_fan_out,
    claim_checks_match,
    claim_checks_sweep,
)
from annotations.services.claims import desk_claim_create, desk_claim_update
from annotations.services.common import (
    MAX_EVIDENCE_LINKS,
    MAX_URL_LENGTH,
    UNSET,
    check_metadata,
    check_storable,
    span_snapshot,
    verdict_snapshot,
)
from annotations.services.documents import (
    document_delete,
    document_import,
    document_restore,
    document_update,
)
from annotations.services.factchecks import FactCheckImportReport, fact_checks_import
from annotations.services.import_jobs import (
    JobHeld,
    import_job_create,
    import_job_fail,
    import_job_run,
    import_job_wait,
    import_jobs_sweep,
)
from annotations.services.imports import ImportReport, LineError, document_import_jsonl
from annotations.services.learning import retrain_if_due, suggester_retrain, suggester_train
from annotations.services.matches import (
    match_confirm,
    match_dismiss,
    match_reopen,
    story_comparison_enqueue,
    story_comparison_fail,
    story_comparison_request,
    story_comparison_run,
    story_comparisons_sweep,
)
from annotations.services.moderation import (
    membership_assign,
    membership_remove,
    span_review,
    span_review_bulk,
    verdict_review,
    verdict_review_bulk,
)
from annotations.services.people import membership_set, project_get_or_create, user_get_or_create
from annotations.services.spans import (
    mention_move,
    span_create,
    span_delete,
    span_restore,
    span_update,
)
from annotations.services.stories import (
    story_confirm,
    story_merge,
    story_move,
    story_rename,
    story_split,
)
from annotations.services.story_proposals import (
    ProposalResult,
    story_proposals_enqueue,
    story_proposals_fan_out,
    story_proposals_sweep,
    story_propose,
    story_signatures_rebuild,
)
from annotations.services.suggestions import (
    project_suggestion_threshold_set,
    suggestion_accept,
    suggestion_reject,
    suggestion_run_enqueue,
    suggestion_run_execute,
    suggestion_run_fail,
    suggestion_run_request,
    suggestion_runs_enqueue,
    suggestion_runs_fan_out,
    suggestion_runs_request,
    suggestion_runs_sweep,
    suggestions_accept_above,
    suggestions_reopen,
)
from annotations.services.verdicts import rating_delete, rating_set, verdict_delete, verdict_set

__all__ = [
    "MAX_EVIDENCE_LINKS",
    "MAX_URL_LENGTH",
    "UNSET",
    "FactCheckImportReport",
    "ImportReport",
    "JobHeld",
    "LineError",
    "MatchResult",
    "ProposalResult",
    "check_metadata",
    "check_storable",
    "checked_claims_embed",
    "claim_check_confirm",
    "claim_check_dismiss",
    "claim_checks_enqueue",
    "claim_checks_fan_out",
    "claim_checks_match",
    "claim_checks_sweep",
    "desk_claim_create",
    "desk_claim_update",
    "document_delete",
    "document_import",
    "document_import_jsonl",
    "document_restore",
    "document_update",
    "fact_checks_import",
    "import_job_create",
    "import_job_fail",
    "import_job_run",
    "import_job_wait",
    "import_jobs_sweep",
    "match_confirm",
    "match_dismiss",
    "match_reopen",
    "membership_assign",
    "membership_remove",
    "membership_set",
    "mention_move",
    "normalize_text",
    "project_get_or_create",
    "project_suggestion_threshold_set",
    "rating_delete",
    "rating_set",
    "retrain_if_due",
    "span_context",
    "span_create",
    "span_delete",
    "span_restore",
    "span_review",
    "span_review_bulk",
    "span_snapshot",
    "span_update",
    "story_comparison_enqueue",
    "story_comparison_fail",
    "story_comparison_request",
    "story_comparison_run",
    "story_comparisons_sweep",
    "story_confirm",
    "story_merge",
    "story_move",
    "story_proposals_enqueue",
    "story_proposals_fan_out",
    "story_proposals_sweep",
    "story_propose",
    "story_rename",
    "story_signatures_rebuild",
    "story_split",
    "suggester_retrain",
    "suggester_train",
    "suggestion_accept",
    "suggestion_reject",
    "suggestion_run_enqueue",
    "suggestion_run_execute",
    "suggestion_run_fail",
    "suggestion_run_request",
    "suggestion_runs_enqueue",
    "suggestion_runs_fan_out",
    "suggestion_runs_request",
    "suggestion_runs_sweep",
    "suggestions_accept_above",
    "suggestions_reopen",
    "user_get_or_create",
    "verdict_delete",
    "verdict_review",
    "verdict_review_bulk",
    "verdict_set",
    "verdict_snapshot",
]
