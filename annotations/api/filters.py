"""The span filters shared by the export, the span list and the document list: status, label,
reviewer (the span's author), since (changed at or after) and document."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from annotations.errors import ValidationError
from annotations.models import Label, ReviewStatus, Span
from annotations.search import MAX_QUERY_LENGTH
from annotations.services.common import check_storable

STATUS_ALL = "all"
STATUS_CHOICES = [*ReviewStatus.choices, (STATUS_ALL, "All")]
MAX_ID = 10**18 - 1  # what the URL converter accepts: 18 digits
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


class _IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(django_filters.Filter):
    field_class = _IdField


class _UtcDateTimeField(forms.DateTimeField):
    """PostgreSQL takes offsets up to 15:59 only: read any ISO 8601 time, compare it in UTC."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Is out of the range of dates.") from None


class UtcDateTimeFilter(django_filters.DateTimeFilter):
    field_class = _UtcDateTimeField


class SpanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    label = django_filters.ChoiceFilter(choices=Label.choices)
    reviewer = django_filters.CharFilter(field_name="author__username", max_length=150)
    since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    document = IdFilter(field_name="document_id")

    class Meta:
        model = Span
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Span], name: str, value: str) -> QuerySet[Span]:
        return queryset if value == STATUS_ALL else queryset.filter(review_status=value)


def filter_spans(spans: QuerySet[Span], params, *, default_status: str) -> QuerySet[Span]:
    """Apply the filters in `params` (a QueryDict); bad values are a 400 naming the field."""
    empty = [name for name in SpanFilter.base_filters if params.get(name, None) == ""]
    if empty:
        raise ValidationError(
            {name: ["Give a value or leave the parameter out."] for name in empty}
        )
    data = params.copy()
    if not data.get("status"):
        data["status"] = default_status
    filterset = SpanFilter(data, queryset=spans)
    if not filterset.is_valid():
        raise ValidationError({k: list(v) for k, v in filterset.errors.items()})
    return filterset.qs


def span_filters_given(params) -> bool:
    return any(name in params for name in SpanFilter.base_filters)


def filter_documents(documents: QuerySet, spans: QuerySet[Span], params) -> QuerySet:
    """Documents with at least one span passing the filters (only when a filter is given)."""
    if not span_filters_given(params):
        return documents
    matching = filter_spans(spans, params, default_status=STATUS_ALL)
    return documents.filter(Exists(matching.filter(document_id=OuterRef("pk"))))


def search_text(params) -> str:
    """The `q` parameter: refused (400) when longer than the schema says, or with a NUL in it
    (PostgreSQL text cannot hold one)."""
    search = params.get("q", "")
    if len(search) > MAX_QUERY_LENGTH:
        raise ValidationError(f"At most {MAX_QUERY_LENGTH} characters.", field="q")
    check_storable(search, field="q")
    return search


def filter_parameters(*, default_status: str) -> list[OpenApiParameter]:
    """The filters as OpenAPI parameters, with their limits."""
    return [
        OpenApiParameter(
            "status",
            str,
            enum=[value for value, _ in STATUS_CHOICES],
            default=default_status,
            description=f"The spans' review status; `all` for every live span. "
            f"Default here: `{default_status}`.",
        ),
        OpenApiParameter("label", str, enum=Label.values, description="Only spans of this label."),
        OpenApiParameter(
            "reviewer",
            {"type": "string", "minLength": 1, "maxLength": 150},
            description="Only spans made by this user (their username).",
        ),
        OpenApiParameter(
            "since",
            OpenApiTypes.DATETIME,
            description="Only spans created or changed at or after this time (ISO 8601).",
        ),
        OpenApiParameter(
            "document",
            ID_SCHEMA,
            description="Only this document's spans.",
        ),
    ]
