"""Desk claims over the API: list and make them, read one with its mentions, ratings and
verdict, edit its wording, rate it, set and review its verdict, move a mention, and the
proposals for a CLAIM being tagged.

Thin like the rest: a serializer validates, a service writes (policy inside it), a selector
reads. Desk claims outside the user's projects answer 404; one named in a body, 400.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, proposals, selectors, services
from annotations.api import serializers as s
from annotations.api.filters import ID_SCHEMA, MAX_ID, search_text
from annotations.api.inputs import valid_input, version_parameter, version_query
from annotations.api.lookups import (
    desk_claim_for,
    desk_claim_named,
    document_for,
    project_for,
    span_for,
)
from annotations.api.moderation import ReviewSerializer
from annotations.api.pagination import NewestFirst
from annotations.domain import claim as claim_domain
from annotations.errors import ValidationError
from annotations.models import DeskClaim, Verdict


def desk_claim_detail(desk_claim: DeskClaim) -> dict:
    """The desk claim as GET /desk-claims/{id}/ answers, in a fixed number of queries."""
    verdict = getattr(desk_claim, "verdict", None)
    context = {
        "mentions": selectors.desk_claim_mentions(desk_claim),
        "ratings": selectors.desk_claim_ratings(desk_claim),
        "history": selectors.object_history(object_type="deskclaim", object_id=desk_claim.pk),
        "verdict_history": []
        if verdict is None
        else selectors.object_history(object_type="verdict", object_id=verdict.pk),
    }
    serializer = s.DeskClaimDetailSerializer(desk_claim, context=context)
    data = dict(serializer.data)
    data["mention_count"] = len(data["mentions"])
    data["rating_count"] = len(data["ratings"])
    return data


def _fresh(desk_claim: DeskClaim) -> DeskClaim:
    """Read again after a write, with its verdict."""
    return DeskClaim.objects.select_related("verdict__author").get(pk=desk_claim.pk)


class ProjectDeskClaimsView(APIView):
    pagination_class = NewestFirst

    @extend_schema(
        summary="The project's desk claims, newest first",
        parameters=[
            OpenApiParameter(
                "mentions",
                str,
                enum=["some", "none"],
                description="`some`: with live mentions; `none`: those with no mentions left.",
            ),
            OpenApiParameter(
                "q", {"type": "string", "maxLength": 200}, description="Words of the wording."
            ),
        ],
        responses=s.DeskClaimSerializer(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        mentions = request.query_params.get("mentions", "")
        if mentions not in ("", "some", "none"):
            raise ValidationError("Choose some or none.", field="mentions")
        claims = selectors.project_desk_claims(
            request.user,
            project=project,
            mentions=mentions,
            search=search_text(request.query_params),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(claims, request, view=self)
        return paginator.get_paginated_response(s.DeskClaimSerializer(page, many=True).data)

    @extend_schema(
        summary="Make a desk claim (with no mentions yet)",
        request=s.DeskClaimCreateSerializer,
        responses={201: s.DeskClaimDetailSerializer},
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        data = valid_input(s.DeskClaimCreateSerializer, request)
        desk_claim = services.desk_claim_create(
            project=project, actor=policy.actor_of(request), **data
        )
        return Response(desk_claim_detail(_fresh(desk_claim)), status=status.HTTP_201_CREATED)


class DeskClaimDetailView(APIView):
    @extend_schema(
        summary="A desk claim: wording, mentions, ratings, verdict",
        responses=s.DeskClaimDetailSerializer,
    )
    def get(self, request: Request, desk_claim_id: int) -> Response:
        return Response(desk_claim_detail(desk_claim_for(request, desk_claim_id)))

    @extend_schema(
        summary="Edit a desk claim's wording (versioned)",
        request=s.DeskClaimUpdateSerializer,
        responses=s.DeskClaimDetailSerializer,
    )
    def patch(self, request: Request, desk_claim_id: int) -> Response:
        desk_claim = desk_claim_for(request, desk_claim_id)
        data = valid_input(s.DeskClaimUpdateSerializer, request)
        desk_claim = services.desk_claim_update(
            desk_claim=desk_claim, actor=policy.actor_of(request), **data
        )
        return Response(desk_claim_detail(_fresh(desk_claim)))


class DeskClaimRatingsView(APIView):
    @extend_schema(summary="Every reviewer's rating", responses=s.RatingSerializer(many=True))
    def get(self, request: Request, desk_claim_id: int) -> Response:
        desk_claim = desk_claim_for(request, desk_claim_id)
        return Response(
            s.RatingSerializer(selectors.desk_claim_ratings(desk_claim), many=True).data
        )

    @extend_schema(
        summary="Set my rating (any member; the first rating also makes the verdict)",
        request=s.RatingWriteSerializer,
        responses=s.RatingSerializer,
    )
    def put(self, request: Request, desk_claim_id: int) -> Response:
        desk_claim = desk_claim_for(request, desk_claim_id)
        data = valid_input(s.RatingWriteSerializer, request)
        rating = services.rating_set(desk_claim=desk_claim, actor=policy.actor_of(request), **data)
        return Response(s.RatingSerializer(rating).data)

    @extend_schema(
        summary="Withdraw my rating",
        parameters=[version_parameter("Refused (409) when stale.")],
        responses={204: None},
    )
    def delete(self, request: Request, desk_claim_id: int) -> Response:
        desk_claim = desk_claim_for(request, desk_claim_id)
        services.rating_delete(
            desk_claim=desk_claim,
            actor=policy.actor_of(request),
            version=version_query(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def verdict_detail(verdict: Verdict) -> dict:
    history = selectors.object_history(object_type="verdict", object_id=verdict.pk)
    return s.VerdictDetailSerializer(verdict, context={"history": history}).data


def _verdict_of(desk_claim: DeskClaim) -> Verdict:
    verdict = Verdict.objects.select_related("author").filter(desk_claim=desk_claim).first()
    if verdict is None:
        raise Http404("This claim has no verdict yet.")
    return verdict


class DeskClaimVerdictView(APIView):
    @extend_schema(
        summary="The desk's verdict, with its history", responses=s.VerdictDetailSerializer
    )
    def get(self, request: Request, desk_claim_id: int) -> Response:
        return Response(verdict_detail(_verdict_of(desk_claim_for(request, desk_claim_id))))

    @extend_schema(
        summary="Set the desk's verdict (any member; changing it needs the version)",
        request=s.VerdictWriteSerializer,
        responses=s.VerdictDetailSerializer,
    )
    def put(self, request: Request, desk_claim_id: int) -> Response:
        desk_claim = desk_claim_for(request, desk_claim_id)
        data = valid_input(s.VerdictWriteSerializer, request)
        verdict = services.verdict_set(
            desk_claim=desk_claim, actor=policy.actor_of(request), **data
        )
        return Response(verdict_detail(verdict))

    @extend_schema(
        summary="Remove the desk's verdict (its history stays)",
        parameters=[version_parameter("Refused (409) when stale.")],
        responses={204: None},
    )
    def delete(self, request: Request, desk_claim_id: int) -> Response:
        desk_claim = desk_claim_for(request, desk_claim_id)
        services.verdict_delete(
            desk_claim=desk_claim,
            actor=policy.actor_of(request),
            version=version_query(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeskClaimVerdictReviewView(APIView):
    """Approve, reject (with a reason) or reopen the desk's verdict. Moderators only."""

    @extend_schema(request=ReviewSerializer, responses=s.VerdictSerializer)
    def post(self, request: Request, desk_claim_id: int) -> Response:
        verdict = _verdict_of(desk_claim_for(request, desk_claim_id))
        data = valid_input(ReviewSerializer, request)
        verdict = services.verdict_review(verdict=verdict, actor=policy.actor_of(request), **data)
        return Response(s.VerdictSerializer(verdict).data)


class SpanDeskClaimView(APIView):
    @extend_schema(
        summary="Move a mention to another desk claim (or to a new one)",
        request=s.MentionMoveSerializer,
        responses=s.SpanSerializer,
    )
    def put(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        data = valid_input(s.MentionMoveSerializer, request)
        target = desk_claim_named(request, data["desk_claim"], field="desk_claim")
        span = services.mention_move(
            span=span, actor=policy.actor_of(request), desk_claim=target, version=data["version"]
        )
        span = selectors.document_spans(span.document).get(pk=span.pk)
        return Response(s.SpanSerializer(span).data)


def _proposals(document, text: str, exclude: list[int]) -> dict:
    found = proposals.desk_claim_proposals(document, text, exclude=exclude)
    return s.ProposalsSerializer(
        {
            "proposals": [
                {
                    "desk_claim": p.desk_claim,
                    "score": p.score,
                    "reason": p.reason,
                    "found_in": p.found_in,
                }
                for p in found
            ],
            "new_wording": claim_domain.wording_of(text),
        }
    ).data


MAX_EXCLUDED = 50
OFFSET_SCHEMA = {"type": "integer", "minimum": 0, "maximum": s.MAX_OFFSET}


def _offset(request: Request, name: str) -> int:
    raw = request.query_params.get(name, "")
    if not raw.isascii() or not raw.isdigit() or int(raw) > s.MAX_OFFSET:
        raise ValidationError(f"Give a whole number from 0 to {s.MAX_OFFSET}.", field=name)
    return int(raw)


def _ids(request: Request, name: str) -> list[int]:
    raw = request.query_params.getlist(name)
    if any(not x.isascii() or not x.isdigit() or not 1 <= int(x) <= MAX_ID for x in raw):
        raise ValidationError("Give ids.", field=name)
    return [int(x) for x in raw]


class DocumentDeskClaimProposalsView(APIView):
    @extend_schema(
        summary="Desk claims a CLAIM over start:end may be a mention of, best first",
        parameters=[
            OpenApiParameter("start", OFFSET_SCHEMA, required=True, description="Code points."),
            OpenApiParameter(
                "end", OFFSET_SCHEMA, required=True, description="Code points, exclusive."
            ),
            OpenApiParameter(
                "exclude",
                {"type": "array", "items": ID_SCHEMA, "maxItems": MAX_EXCLUDED},
                style="form",
                explode=True,
                description="Desk claims to leave out (repeated).",
            ),
        ],
        responses=s.ProposalsSerializer,
    )
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        start, end = _offset(request, "start"), _offset(request, "end")
        if not 0 <= start < end <= document.text_length:
            raise ValidationError(
                f"Give 0 <= start < end <= {document.text_length} (code points).", field="end"
            )
        exclude = _ids(request, "exclude")
        if len(exclude) > MAX_EXCLUDED:
            raise ValidationError(f"At most {MAX_EXCLUDED}.", field="exclude")
        return Response(_proposals(document, document.text[start:end], exclude))

    @extend_schema(
        summary="Desk claims a CLAIM with this text may be a mention of, best first",
        request=s.ProposalRequestSerializer,
        responses=s.ProposalsSerializer,
    )
    def post(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        data = valid_input(s.ProposalRequestSerializer, request)
        return Response(_proposals(document, data["text"], data["exclude"]))
