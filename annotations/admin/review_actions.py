"""The review decisions a moderator takes on a span or a verdict, as data.

One row a decision. The list's bulk actions, the check of a single decision and the buttons
of the review page and change pages are generated from this table, so a new decision is one
row here. The history's action names ("approve") come from the moderation service's
REVIEW_ACTIONS, the one place that names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from annotations.models import ReviewStatus
from annotations.services.moderation import MAX_REASON_LENGTH, REVIEW_ACTIONS

if TYPE_CHECKING:
    from annotations.admin.moderated import ReviewedAdmin


@dataclass(frozen=True)
class ReviewAction:
    status: str  # the review status the decision sets
    bulk_label: str  # in the list's action menu
    button: str  # on one object's page; "{kind}" is "span" or "verdict"
    css: str = "button"
    needs_reason: bool = False  # the author is told why; the service refuses it without one
    reason_label: str = ""  # the reason field's accessible name; "{kind}" and "{pk}" filled in

    @property
    def name(self) -> str:
        """What the history calls it: "approve", "reject", "reopen"."""
        return REVIEW_ACTIONS[ReviewStatus(self.status)]

    @property
    def admin_action(self) -> str:
        """The list's action name, as its menu posts it: "approve_selected"."""
        return f"{self.name}_selected"

    def offered_for(self, current_status: str) -> bool:
        """Approving what is approved or reopening what is pending would change nothing; a
        rejection is offered again, since its reason may change."""
        return self.needs_reason or current_status != self.status


REVIEW = (
    ReviewAction(ReviewStatus.APPROVED, "Approve selected", "Approve {kind}", css="button approve"),
    ReviewAction(
        ReviewStatus.REJECTED,
        "Reject selected (asks for a reason)",
        "Reject {kind}",
        css="button reject",
        needs_reason=True,
        reason_label="Reason for rejecting {kind} {pk}",
    ),
    ReviewAction(ReviewStatus.PENDING, "Reopen selected as pending", "Reopen"),
)
BY_STATUS = {action.status: action for action in REVIEW}

AdminAction = Callable[["ReviewedAdmin", HttpRequest, QuerySet], HttpResponse | None]


def bulk_actions() -> list[AdminAction]:
    """The list's actions, one a decision, in the form Django's admin takes in `actions`: a
    callable named after the action, with its description and the permission it needs."""
    return [_bulk_action(review) for review in REVIEW]


def _bulk_action(review: ReviewAction) -> AdminAction:
    def action(
        model_admin: ReviewedAdmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        return model_admin.review_selected(request, queryset, review)

    action.__name__ = action.__qualname__ = review.admin_action
    return admin.action(action, description=review.bulk_label, permissions=["moderate"])


@dataclass(frozen=True)
class ReviewButton:
    url: str
    status: str
    text: str
    css: str
    reason_label: str
    reason_max: int = MAX_REASON_LENGTH


def review_buttons(obj: Model) -> list[ReviewButton]:
    """The decisions offered for one span or verdict, each a form posting to its review URL."""
    opts = obj._meta
    kind = opts.model_name or ""
    url = reverse(f"admin:{opts.app_label}_{kind}_review", args=[obj.pk])
    current = str(getattr(obj, "review_status", ""))
    return [
        ReviewButton(
            url=url,
            status=review.status,
            text=review.button.format(kind=kind),
            css=review.css,
            reason_label=review.reason_label.format(kind=kind, pk=obj.pk),
        )
        for review in REVIEW
        if review.offered_for(current)
    ]
