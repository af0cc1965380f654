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
    check_storable,
    check_storable_json,
    span_snapshot,
    verdict_snapshot,
)
from annotations.services.documents import document_import
from annotations.services.factchecks import FactCheckImportReport, fact_checks_import
from annotations.services.imports import ImportReport, LineError, document_import_jsonl
from annotations.services.learning import retrain_if_due, suggester_retrain, suggester_train
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
    ProposalResult,
    story_confirm,
    story_merge,
    story_move,
    story_proposals_enqueue,
    story_proposals_fan_out,
    story_proposals_sweep,
    story_propose,
    story_rename,
    story_signatures_rebuild,
    story_split,
)
from annotations.services.suggestions import (
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
)
from annotations.services.verdicts import rating_delete, rating_set, verdict_delete, verdict_set

__all__ = [
    "MAX_EVIDENCE_LINKS",
    "MAX_URL_LENGTH",
    "UNSET",
    "FactCheckImportReport",
    "ImportReport",
    "LineError",
    "MatchResult",
    "ProposalResult",
    "check_storable",
    "check_storable_json",
    "checked_claims_embed",
    "claim_check_confirm",
    "claim_check_dismiss",
    "claim_checks_enqueue",
    "claim_checks_fan_out",
    "claim_checks_match",
    "claim_checks_sweep",
    "desk_claim_create",
    "desk_claim_update",
    "document_import",
    "document_import_jsonl",
    "fact_checks_import",
    "membership_assign",
    "membership_remove",
    "membership_set",
    "mention_move",
    "normalize_text",
    "project_get_or_create",
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
    "user_get_or_create",
    "verdict_delete",
    "verdict_review",
    "verdict_review_bulk",
    "verdict_set",
    "verdict_snapshot",
]
