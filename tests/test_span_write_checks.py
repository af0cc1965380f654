"""The database refuses a span past its document's text, or a mention of another project's desk
claim, on every way a span is written: one INSERT, an INSERT of many rows, the import's COPY,
an UPDATE. On PostgreSQL an INSERT's checks run once a statement, over all its new rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations.domain import span as span_domain
from annotations.imports import copy_writer
from annotations.models import AuditEvent, Span
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


def _new_span(text: str, start: int, end: int, label: str = "OPINION"):
    return span_domain.NewSpan(
        label=label, start=start, end=end, text=text[start:end], prefix="", suffix=""
    )


def _row(document, author, start: int, end: int, **fields) -> Span:
    text = (document.text + "x" * end)[start:end]  # the right length, past the end too
    return Span(
        document=document, author=author, label="OPINION", start=start, end=end, text=text,
        **fields,
    )  # fmt: skip


def test_database_is_postgresql_so_the_statement_trigger_is_what_is_tested():
    assert connection.vendor == "postgresql"


def test_a_copy_of_many_spans_with_one_past_the_end_is_refused_whole(desk, reviewer, document):
    length = document.text_length
    good = [_new_span(document.text, i, i + 5) for i in range(length - 5)]
    good.append(_new_span(document.text, length - 7, length))  # ends exactly at the end: fine
    past = span_domain.NewSpan(
        label="OPINION",
        start=length - 3,
        end=length + 2,
        text=document.text[-3:] + "xx",
        prefix="",
        suffix="",
    )
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        copy_writer.write_spans(
            project_id=desk.pk,
            actor=reviewer,
            spans=[(document.pk, [*good, past])],
            now=timezone.now(),
        )
    assert "span_end_within_text" in str(exc.value)
    assert f"past the end of document {document.pk}" in str(exc.value)
    assert not document.spans.exists()
    assert not AuditEvent.objects.filter(object_type="span").exists()


def test_a_copy_of_spans_within_their_texts_is_written(desk, reviewer, document):
    other = make_document(desk, actor=reviewer, text="Short one.")
    length = document.text_length
    copy_writer.write_spans(
        project_id=desk.pk,
        actor=reviewer,
        spans=[
            (document.pk, [_new_span(document.text, length - 7, length)]),
            (other.pk, [_new_span(other.text, 0, other.text_length)]),
        ],
        now=timezone.now(),
    )
    assert Span.objects.filter(document__in=[document, other]).count() == 2


def test_a_span_fitting_one_document_is_refused_in_a_shorter_one_in_the_same_copy(
    desk, reviewer, document
):
    short = make_document(desk, actor=reviewer, text="Short one.")
    fits_long = _new_span(document.text, 20, 30)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        copy_writer.write_spans(
            project_id=desk.pk,
            actor=reviewer,
            spans=[(document.pk, [fits_long]), (short.pk, [fits_long])],
            now=timezone.now(),
        )
    assert f"past the end of document {short.pk}" in str(exc.value)


def test_an_insert_of_many_rows_with_one_past_the_end_is_refused(document, reviewer):
    end = document.text_length
    rows = [_row(document, reviewer, i, i + 4) for i in range(50)]
    rows.append(_row(document, reviewer, end - 2, end + 1))
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Span.objects.bulk_create(rows)
    assert "span_end_within_text" in str(exc.value)
    assert not document.spans.exists()


def test_one_span_saved_past_the_end_is_refused(document, reviewer):
    end = document.text_length
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        _row(document, reviewer, end - 2, end + 1).save()
    assert "span_end_within_text" in str(exc.value)


def test_moving_a_span_past_the_end_is_refused(document, reviewer):
    span = make_span(document, reviewer, "pure propaganda", label="OPINION")
    end = document.text_length
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Span.objects.filter(pk=span.pk).update(start=end - 3, end=end + 1, text="x" * 4)
    assert "span_end_within_text" in str(exc.value)


def test_moving_a_span_to_a_shorter_document_it_overruns_is_refused(desk, document, reviewer):
    span = make_span(document, reviewer, "The bombers killed", label="OPINION")
    short = make_document(desk, actor=reviewer, text="Short one.")
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Span.objects.filter(pk=span.pk).update(document=short)
    assert "span_end_within_text" in str(exc.value)


def test_an_insert_of_many_rows_naming_another_projects_desk_claim_is_refused(
    document, reviewer, claim, other_desk, outsider
):
    elsewhere = make_document(other_desk, actor=outsider, text="Somewhere else entirely.")
    foreign = make_span(elsewhere, outsider, "Somewhere else")
    rows = [_row(document, reviewer, i, i + 4) for i in range(20)]
    rows.append(
        Span(
            document=document, author=reviewer, label="CLAIM", start=0, end=6, text="Police",
            desk_claim=foreign.desk_claim,
        )
    )  # fmt: skip
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Span.objects.bulk_create(rows)
    assert "span_desk_claim_same_project" in str(exc.value)
    assert list(document.spans.all()) == [claim]
