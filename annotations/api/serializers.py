"""Input validation and output shapes. Limits are declared here so the OpenAPI schema states
them; the services check the domain rules (offsets, labels, permissions). The objects' field
lists come from annotations.domain, which the workspace's presenters read too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from annotations.domain import bounds, web_address
from annotations.domain import claim as claim_domain
from annotations.domain import document as document_domain
from annotations.domain import span as span_domain
from annotations.domain import suggestion as suggestion_domain
from annotations.domain import verdict as verdict_domain
from annotations.models import (
    MAX_DOCUMENT_LENGTH,
    ClaimRating,
    DeskClaim,
    Document,
    Label,
    Project,
    Rating,
    Span,
    Suggestion,
    SuggestionRun,
    Verdict,
)
from annotations.presenters import span_verdict, spans_data
from annotations.services import MAX_EVIDENCE_LINKS

MAX_OFFSET = MAX_DOCUMENT_LENGTH
MAX_NOTE_LENGTH = 10_000
MAX_RATIONALE_LENGTH = 20_000
MAX_VERSION = 2**31 - 1


def _json_type_error(field: serializers.Field, value: Any) -> str | None:
    """Why a JSON value is not of the type the schema states for the field (DRF on its own
    reads `false` as 0, `5` as "5" and "true" as true), or None."""
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, serializers.IntegerField):
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return None if whole and not isinstance(value, bool) else "Must be a whole number."
    if isinstance(field, serializers.FloatField):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number else "Must be a number."
    if isinstance(field, serializers.CharField):
        if not isinstance(value, str):
            return "Must be a string."
        # DRF trims before it measures: a blank string of any length would pass.
        too_long = field.max_length is not None and len(value) > field.max_length
        return (
            f"Ensure this field has no more than {field.max_length} characters."
            if too_long
            else None
        )
    if isinstance(field, serializers.DateField):
        return None if isinstance(value, str) else "Must be a string."
    if isinstance(field, serializers.ChoiceField):
        texts = all(isinstance(choice, str) for choice in field.choices)
        return None if not texts or isinstance(value, str) else "Must be a string."
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "Must be a list."
        return next(filter(None, (_json_type_error(field.child, item) for item in value)), None)
    return None


@extend_schema_field(
    {"type": "string", "maxLength": web_address.MAX_LENGTH, "pattern": web_address.WEB_ADDRESS}
)
class WebAddressField(serializers.CharField):
    """An address as annotations.domain.web_address takes it, in and out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=web_address.MAX_LENGTH, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value and not self.plain_check(value):
            raise serializers.ValidationError(web_address.REASON)
        return value

    @staticmethod
    def plain_check(value: str) -> bool:
        """What this field checks beyond a CharField's (the plain reader of api.inputs)."""
        return web_address.is_web_address(value)


class OptionalWebAddressField(WebAddressField):
    """A web address, or "" for none (the schema says so with a second, empty option)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_blank=True, **kwargs)


class JSONInputSerializer(serializers.Serializer):
    """A JSON request body: each value must be of the JSON type the schema states, before
    DRF's lenient conversions run."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {
                name: [reason]
                for name, field in self.fields.items()
                if not field.read_only
                and name in data
                and (reason := _json_type_error(field, data[name])) is not None
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "name", "description", "role", "created_at"]

    def get_role(self, project: Project) -> str | None:
        from annotations.policy import role_in

        return role_in(self.context["request"].user, project)


class MetadataField(serializers.DictField):
    """A document's metadata, within the one bound every way in shares (domain.bounds)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            "Any JSON object, at most "
            f"{bounds.MAX_METADATA_DEPTH} levels deep and {bounds.MAX_METADATA_BYTES:,} bytes.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict:
        value = super().to_internal_value(data)
        try:
            bounds.check_metadata(value)
        except bounds.Unbounded as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value

    @staticmethod
    def plain_check(value: dict) -> bool:
        """Whether an object with string keys is read as it is (the plain reader of
        api.inputs): the bound is all this field checks of it."""
        try:
            bounds.check_metadata(value)
        except bounds.Unbounded:
            return False
        return True


class SurrogatesRefused(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of a lone surrogate, in DRF's words, found by encoding the text (C speed)
    instead of DRF's Python loop over every character: ~1 ms of a 5,000-character article's
    create, 40 ms of a 400,000-character one's."""

    def __call__(self, value: Any) -> None:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # UTF-8 encodes every code point but a surrogate
            raise serializers.ValidationError(
                self.message.format(code_point=ord(text[exc.start])), code=self.code
            ) from None


class LongTextField(serializers.CharField):
    """A CharField for an article's text: the same checks, the surrogate one made cheap."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            SurrogatesRefused() if type(v) is ProhibitSurrogateCharactersValidator else v
            for v in self.validators
        ]

    @staticmethod
    def plain_check(value: str) -> bool:
        """Nothing beyond a CharField's checks (its surrogate check is one of its validators)."""
        return True


class DocumentCreateSerializer(JSONInputSerializer):
    title = serializers.CharField(max_length=500)
    text = LongTextField(max_length=MAX_DOCUMENT_LENGTH, trim_whitespace=False)
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    author = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    source_url = OptionalWebAddressField(required=False, default="")
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    metadata = MetadataField(required=False, default=dict)


class DocumentUpdateSerializer(JSONInputSerializer):
    """A correction of what describes an article. Its text never changes."""

    version = serializers.IntegerField(
        min_value=1, max_value=MAX_VERSION, help_text="The version you read; a stale one gets 409."
    )
    title = serializers.CharField(max_length=500, required=False)
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_url = OptionalWebAddressField(required=False)
    published_on = serializers.DateField(required=False, allow_null=True)

    TEXT_REFUSED = (
        "A document's text never changes (spans point into it). Correct its title, outlet, "
        "author, source_url or published_on here; import an edited article as a new document."
    )

    def to_internal_value(self, data: Any) -> dict:
        # Said even when other fields are wrong too: it is the one thing that cannot be fixed.
        refused = (
            {"text": [self.TEXT_REFUSED]} if isinstance(data, Mapping) and "text" in data else {}
        )
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            raise serializers.ValidationError({**refused, **detail}) from None
        if refused:
            raise serializers.ValidationError(refused)
        return value


class DocumentListSerializer(serializers.ModelSerializer):
    source_url = OptionalWebAddressField(read_only=True)
    span_count = serializers.IntegerField(read_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    quote_count = serializers.IntegerField(read_only=True)
    opinion_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Document
        fields = list(document_domain.LIST_FIELDS)


class VerdictSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Verdict
        fields = list(verdict_domain.API_FIELDS)


class SpanSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    origin = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()

    class Meta:
        model = Span
        fields = list(span_domain.API_FIELDS)

    def get_origin(self, span: Span) -> str:
        return span_domain.origin(span.suggestion_id)

    def get_verdict(self, span: Span) -> dict | None:
        verdict = span_verdict(span)
        return VerdictSerializer(verdict).data if verdict is not None else None


class DocumentDetailSerializer(serializers.ModelSerializer):
    source_url = OptionalWebAddressField(read_only=True)
    spans = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [*document_domain.API_FIELDS, "spans"]

    @extend_schema_field(SpanSerializer(many=True))
    def get_spans(self, document: Document) -> list[dict]:
        # The presenter's reading of SpanSerializer's fields, as rows: DRF's per-field
        # machinery cost 12 ms of a 50-span document's 30 and 0.7 s at 2,000 spans.
        return spans_data(self.context["spans"])


class SpanCreateSerializer(JSONInputSerializer):
    # A field named `label` shadows Field.label (its display name) in the DRF stubs.
    label = serializers.ChoiceField(choices=Label.choices)  # type: ignore[assignment]
    desk_claim = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="For a CLAIM: the desk claim (of the document's project) it is a mention of. "
        "Without one it joins the desk claim of a CLAIM on the same words, else a new one.",
    )
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET)
    # Exactly the characters the offsets cover: never trimmed, so the server can compare.
    text = serializers.CharField(max_length=MAX_DOCUMENT_LENGTH, trim_whitespace=False)
    speaker = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(
        max_length=MAX_NOTE_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
    )


class SpanUpdateSerializer(JSONInputSerializer):
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_VERSION, help_text="The version you read; a stale one gets 409."
    )
    label = serializers.ChoiceField(choices=Label.choices, required=False)  # type: ignore[assignment]
    start = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, required=False)
    end = serializers.IntegerField(min_value=1, max_value=MAX_OFFSET, required=False)
    text = serializers.CharField(
        max_length=MAX_DOCUMENT_LENGTH, trim_whitespace=False, required=False
    )
    speaker = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(
        max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )


class VerdictWriteSerializer(JSONInputSerializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    rationale = serializers.CharField(
        max_length=MAX_RATIONALE_LENGTH, required=False, allow_blank=True, default=""
    )
    evidence_links = serializers.ListField(
        child=WebAddressField(),
        max_length=MAX_EVIDENCE_LINKS,
        required=False,
        default=list,
    )
    review_url = OptionalWebAddressField(
        required=False,
        help_text="The desk's published fact-check article on the claim (ClaimReview's url). "
        "Left out, it stays as it was; changing it does not reopen an approved verdict.",
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required when the claim already has a verdict: the version you read.",
    )


class HistoryEntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    at = serializers.DateTimeField(source="created_at")
    before = serializers.JSONField()
    after = serializers.JSONField()


class VerdictDetailSerializer(VerdictSerializer):
    history = serializers.SerializerMethodField()

    class Meta(VerdictSerializer.Meta):
        fields = [*VerdictSerializer.Meta.fields, "history"]

    def get_history(self, verdict: Verdict) -> list[dict]:
        return list(HistoryEntrySerializer(self.context["history"], many=True).data)


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suggestion
        fields = list(suggestion_domain.API_FIELDS)


class SuggestionRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionRun
        fields = list(suggestion_domain.RUN_API_FIELDS)


class AcceptAboveSerializer(JSONInputSerializer):
    min_score = serializers.FloatField(min_value=0.0, max_value=1.0)


class AcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    spans = SpanSerializer(many=True)


# --- desk claims, their mentions, ratings and verdict -------------------------------------------


class DeskClaimSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    mention_count = serializers.IntegerField(read_only=True, help_text="Live mentions.")
    rating_count = serializers.IntegerField(read_only=True)
    verdict = serializers.SerializerMethodField()

    class Meta:
        model = DeskClaim
        fields = [*claim_domain.API_FIELDS, "mention_count", "rating_count", "verdict"]

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_verdict(self, desk_claim: DeskClaim) -> dict | None:
        verdict = getattr(desk_claim, "verdict", None)
        return VerdictSerializer(verdict).data if verdict is not None else None


class MentionDocumentSerializer(serializers.ModelSerializer):
    source_url = OptionalWebAddressField(read_only=True)

    class Meta:
        model = Document
        fields = ["id", "title", "outlet", "published_on", "source_url", "created_at"]


class MentionSerializer(serializers.ModelSerializer):
    """A CLAIM span as a mention of its desk claim, with its article."""

    span = serializers.IntegerField(source="pk", read_only=True)
    document = MentionDocumentSerializer(read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Span
        fields = ["span", "document", "start", "end", "text", "author", "review_status"]


class RatingSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = ClaimRating
        fields = list(claim_domain.RATING_API_FIELDS)


class DeskClaimDetailSerializer(DeskClaimSerializer):
    """A desk claim with its mentions (earliest article first), every reviewer's rating, its
    verdict with the verdict's history, and the history of its wording."""

    mentions = serializers.SerializerMethodField()
    ratings = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(DeskClaimSerializer.Meta):
        fields = [*DeskClaimSerializer.Meta.fields, "mentions", "ratings", "history"]

    @extend_schema_field(MentionSerializer(many=True))
    def get_mentions(self, desk_claim: DeskClaim) -> list[dict]:
        return list(MentionSerializer(self.context["mentions"], many=True).data)

    @extend_schema_field(RatingSerializer(many=True))
    def get_ratings(self, desk_claim: DeskClaim) -> list[dict]:
        return list(RatingSerializer(self.context["ratings"], many=True).data)

    @extend_schema_field(VerdictDetailSerializer(allow_null=True))
    def get_verdict(self, desk_claim: DeskClaim) -> dict | None:
        verdict = getattr(desk_claim, "verdict", None)
        if verdict is None:
            return None
        return VerdictDetailSerializer(
            verdict, context={"history": self.context["verdict_history"]}
        ).data

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, desk_claim: DeskClaim) -> list[dict]:
        return list(HistoryEntrySerializer(self.context["history"], many=True).data)


class DeskClaimCreateSerializer(JSONInputSerializer):
    wording = serializers.CharField(max_length=claim_domain.MAX_WORDING_LENGTH)


class DeskClaimUpdateSerializer(JSONInputSerializer):
    wording = serializers.CharField(max_length=claim_domain.MAX_WORDING_LENGTH)
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_VERSION, help_text="The version you read; a stale one gets 409."
    )


class RatingWriteSerializer(VerdictWriteSerializer):
    review_url = None  # type: ignore[assignment]  # a rating is not published
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required when you already rated the claim: the version you read.",
    )


class MentionMoveSerializer(JSONInputSerializer):
    desk_claim = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        help_text="The desk claim (of the span's project) to move the mention to; null for a "
        "new desk claim worded as the span's text.",
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        allow_null=True,
        default=None,
        help_text="The span's version you read; if it changed since, 409.",
    )


class ProposalRequestSerializer(JSONInputSerializer):
    text = serializers.CharField(max_length=MAX_DOCUMENT_LENGTH, trim_whitespace=False)
    exclude = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=50,
        required=False,
        default=list,
        help_text="Desk claims to leave out (the one the span is already a mention of).",
    )


class ProposalSerializer(serializers.Serializer):
    desk_claim = DeskClaimSerializer()
    score = serializers.FloatField(help_text="0 to 1: how near its wording is to the text.")
    reason = serializers.CharField(help_text="Why it is proposed, in words.")
    found_in = serializers.CharField(
        help_text='"same story" or "same article" when it is mentioned there, else "".'
    )


class ProposalsSerializer(serializers.Serializer):
    proposals = ProposalSerializer(many=True)
    new_wording = serializers.CharField(help_text="The wording a new desk claim would take.")
