"""The one definition of a span (annotations.domain.span): its field lists agree with the model,
its rules refuse what span_create and the import refuse, and it needs no Django."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotations.domain import span
from annotations.models import Label, ReviewStatus, Span


def test_the_domain_and_the_import_pipeline_need_no_django():
    code = (
        "import sys; sys.modules['django'] = None; "
        "import annotations.domain.span, annotations.imports as i; "
        'print(len(i.parse_line(\'{"text": "Police said 253 died.", '
        '"label": [[12, 15, \\"claim\\"]]}\').spans))'
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


def test_labels_and_the_pending_status_are_the_models():
    assert tuple(Label.values) == span.LABELS
    assert span.QUOTE == Label.QUOTE
    assert span.PENDING == ReviewStatus.PENDING


def test_every_stored_field_is_a_model_field_with_the_same_default():
    model_fields = {field.attname: field for field in Span._meta.concrete_fields}
    for field in span.NEW:
        assert field.name in model_fields, field.name
        if field.default is not span.REQUIRED:
            assert model_fields[field.name].get_default() == field.default, field.name
    for source in span.HISTORY_SOURCES:
        assert source in model_fields, source


def test_the_derived_lists_keep_the_order_of_the_fields():
    assert span.API_FIELDS[:3] == ("id", "document", "label")
    assert span.HISTORY_FIELDS == (
        "label",
        "start",
        "end",
        "text",
        "speaker",
        "note",
        "review_status",
        "review_reason",
        "deleted",
        "version",
    )
    assert "reviewed_at" in span.EXPORT_FIELDS and "reviewed_at" not in span.API_FIELDS


def test_check_span_gives_the_span_as_stored_with_its_context():
    text = "Police said 253 people died in the attack on Tuesday."
    new = span.check_span(
        text, label="QUOTE", start=12, end=27, quote="253 people died", speaker="  Police "
    )
    assert new.speaker == "Police" and new.note == ""
    assert (new.prefix, new.suffix) == ("Police said ", " in the attack on Tuesday.")
    assert (new.review_status, new.review_reason, new.version) == ("pending", "", 1)


def test_a_new_spans_snapshot_is_pending_version_one_and_not_deleted():
    new = span.check_span("abc", label="CLAIM", start=0, end=2, quote="ab")
    assert span.snapshot(new) == {
        "label": "CLAIM",
        "start": 0,
        "end": 2,
        "text": "ab",
        "speaker": "",
        "note": "",
        "review_status": "pending",
        "review_reason": "",
        "deleted": False,
        "version": 1,
    }


def test_the_imports_snapshot_of_a_new_span_is_its_snapshot():
    text = 'He said "a\\b\tc" today.'
    for new in (
        span.check_span(text, label="CLAIM", start=0, end=2, quote="He"),
        span.check_span(text, label="QUOTE", start=8, end=14, quote='"a\\b\tc', speaker=" He "),
        span.check_span(text, label="OPINION", start=16, end=21, quote="today", note="a\nb"),
    ):
        assert span.new_snapshot(new) == span.snapshot(new)


@pytest.mark.parametrize(
    ("given", "rule", "errors"),
    [
        ({"label": "RUMOUR"}, "label", {"label": "Unknown label 'RUMOUR'; choose one of CLAIM, QUOTE, OPINION."}),
        ({"start": -2, "end": -3}, "offsets", {"start": "Must be 0 or more.", "end": "Must be greater than start (a span covers at least one character)."}),
        ({"end": 9}, "offsets", {"end": "Is past the end of the document, which has 3 characters (offsets count Unicode code points)."}),
        ({"quote": "bc"}, "text", {"text": "Does not match the document at 0:2, which reads 'ab' (offsets count Unicode code points of the NFC-normalised text)."}),
        ({"speaker": "X"}, "speaker", {"speaker": "Only a QUOTE has a speaker."}),
        ({"note": "a\x00"}, "storable", {"note": "contains a NUL character (\\x00), which cannot be stored."}),
    ],
)  # fmt: skip
def test_each_rule_names_its_field_and_reason(given, rule, errors):
    values = {"label": "CLAIM", "start": 0, "end": 2, "quote": "ab"} | given
    with pytest.raises(span.SpanInvalid) as refused:
        span.check_span("abc", **values)
    assert (refused.value.rule, refused.value.errors) == (rule, errors)
    assert (refused.value.field, refused.value.reason) == next(iter(errors.items()))


def test_origin_is_manual_or_the_suggestion_accepted():
    assert span.origin(None) == "manual"
    assert span.origin(12) == "suggestion:12"
