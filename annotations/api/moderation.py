"""Moderation over the API: review a span or a verdict, restore a deleted span, read agreement.

Thin like the rest: a serializer validates, a service decides (policy inside it), a selector
or the reports module reads. Objects outside the user's projects answer 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, reports, selectors, services
from annotations.api import serializers as s
from annotations.api.inputs import valid_input
from annotations.api.lookups import document_for, project_for, span_for
from annotations.models import ReviewStatus, Verdict
from annotations.services.moderation import MAX_REASON_LENGTH


class ReviewSerializer(s.JSONInputSerializer):
    status = serializers.ChoiceField(choices=ReviewStatus.choices)
    reason = serializers.CharField(
        max_length=MAX_REASON_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when rejecting: the author sees it next to their work.",
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=s.MAX_VERSION,
        required=False,
        allow_null=True,
        default=None,
        help_text="The version you looked at; if the item changed since, 409.",
    )


class SpanReviewView(APIView):
    """Approve, reject (with a reason) or reopen a span. Moderators of its project only."""

    @extend_schema(request=ReviewSerializer, responses=s.SpanSerializer)
    def post(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        data = valid_input(ReviewSerializer, request)
        span = services.span_review(span=span, actor=policy.actor_of(request), **data)
        span = selectors.document_spans(span.document).get(pk=span.pk)
        return Response(s.SpanSerializer(span).data)


class VerdictReviewView(APIView):
    """Approve, reject (with a reason) or reopen the verdict of the desk claim this span is a
    mention of (an alias of /desk-claims/{id}/verdict/review/)."""

    @extend_schema(request=ReviewSerializer, responses=s.VerdictSerializer)
    def post(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        verdict = get_object_or_404(
            Verdict, desk_claim__isnull=False, desk_claim_id=span.desk_claim_id
        )
        data = valid_input(ReviewSerializer, request)
        verdict = services.verdict_review(verdict=verdict, actor=policy.actor_of(request), **data)
        return Response(s.VerdictSerializer(verdict).data)


class DocumentAgreementView(APIView):
    """Span F1 per label and verdict alpha for one document (its annotators pairwise)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, document_id: int) -> Response:
        return Response(reports.document_agreement(document_for(request, document_id)))


class ProjectAgreementView(APIView):
    """The same pooled over the project's documents that two or more reviewers annotated."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, project_id: int) -> Response:
        return Response(reports.project_agreement(project_for(request, project_id)))
