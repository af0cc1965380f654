"""The moderators' two forms: one decision on one object, and one reason for a batch."""

from __future__ import annotations

from typing import Any

from django import forms

from annotations.admin.review_actions import BY_STATUS, REVIEW
from annotations.models import ReviewStatus
from annotations.services.moderation import MAX_REASON_LENGTH


class ReviewForm(forms.Form):
    """One decision on one span or verdict (the review buttons post this)."""

    status = forms.ChoiceField(choices=[(a.status, ReviewStatus(a.status).label) for a in REVIEW])
    reason = forms.CharField(required=False, max_length=MAX_REASON_LENGTH)
    version = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = BY_STATUS.get(data.get("status", ""))
        if decision and decision.needs_reason and not data.get("reason", "").strip():
            self.add_error("reason", "A rejection needs a reason the reviewer can act on.")
        return data


class BatchReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=MAX_REASON_LENGTH,
        help_text="Every selected item gets this reason; its author sees it in the workspace.",
    )
