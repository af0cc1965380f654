"""Spans through the services: exact offsets on any text, every invariant refused with a reason."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from annotations import services
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import Span
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

MIXED_TEXT = (
    "Chief 👨🏻‍🚒 said: 消防员救了三个人。 Then Zoë — written Zoe\u0308 — "
    "read «שלום עולם» aloud and left."
)


def _span_on(document, actor, phrase, label="CLAIM", **kw):
    start = document.text.index(phrase)
    return services.span_create(
        document=document,
        actor=actor,
        label=label,
        start=start,
        end=start + len(phrase),
        text=phrase,
        **kw,
    )


@pytest.mark.parametrize(
    "phrase",
    ["消防员救了三个人。", "said", "Zoë", "שלום עולם", "👨🏻‍🚒", "Then Zoë — written Zoë"],
)
def test_span_offsets_count_code_points_after_emoji_cjk_combining_and_rtl(desk, reviewer, phrase):
    document = make_document(desk, actor=reviewer, text=MIXED_TEXT)
    span = _span_on(document, reviewer, phrase)
    span.refresh_from_db()
    assert document.text[span.start : span.end] == phrase == span.text
    assert span.prefix == document.text[max(0, span.start - 32) : span.start]
    assert span.suffix == document.text[span.end : span.end + 32]


def test_firefighter_emoji_is_seven_code_points_and_the_span_after_it_starts_right(desk, reviewer):
    document = make_document(desk, actor=reviewer, text="👨🏻‍🚒 rescued 3 people.")
    span = _span_on(document, reviewer, "rescued 3 people")
    # 👨 🏻 ZWJ 🚒 = 4 code points, then a space; UTF-16 would say 8.
    assert (span.start, span.end) == (5, 21)


def test_document_import_turns_nfd_into_nfc_and_crlf_into_lf(desk, reviewer):
    document = make_document(desk, actor=reviewer, text="Zoe\u0308 said\r\nyes.\rNo.")
    assert document.text == "Zoë said\nyes.\nNo."
    assert document.text_length == len("Zoë said\nyes.\nNo.")
    # A span sent in NFC over the stored text matches; the NFD spelling does not.
    span = _span_on(document, reviewer, "Zoë")
    assert (span.start, span.end) == (0, 3)
    with pytest.raises(ValidationError) as exc:
        services.span_create(
            document=document, actor=reviewer, label="CLAIM", start=0, end=4, text="Zoe\u0308"
        )
    assert "text" in exc.value.errors


def test_span_create_rejects_text_that_differs_from_document(document, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.span_create(
            document=document, actor=reviewer, label="CLAIM", start=0, end=6, text="Policy"
        )
    assert exc.value.errors["text"][0].startswith("Does not match the document at 0:6")
    assert "'Police'" in exc.value.errors["text"][0]
    assert not Span.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 3, "start"), (5, 5, "end"), (9, 3, "end"), (0, 10_000, "end")],
)
def test_span_create_refuses_impossible_ranges_naming_the_field(
    document, reviewer, start, end, field
):
    with pytest.raises(ValidationError) as exc:
        services.span_create(
            document=document, actor=reviewer, label="CLAIM", start=start, end=end, text="x"
        )
    assert field in exc.value.errors


def test_span_create_refuses_unknown_label(document, reviewer):
    with pytest.raises(ValidationError) as exc:
        _span_on(document, reviewer, "Police", label="RUMOUR")
    assert "Unknown label 'RUMOUR'" in exc.value.errors["label"][0]


def test_only_a_quote_has_a_speaker(document, reviewer):
    with pytest.raises(ValidationError) as exc:
        _span_on(document, reviewer, "Police", label="CLAIM", speaker="Someone")
    assert exc.value.errors["speaker"] == ["Only a QUOTE has a speaker."]
    quote = _span_on(document, reviewer, "pure propaganda", label="QUOTE", speaker=" Police ")
    assert quote.speaker == "Police"


def test_one_person_cannot_make_the_same_span_twice_but_two_people_can(
    document, reviewer, second_reviewer
):
    make_span(document, reviewer, "pure propaganda", label="QUOTE")
    with pytest.raises(ValidationError) as exc:
        make_span(document, reviewer, "pure propaganda", label="QUOTE")
    assert "already have a QUOTE span" in exc.value.errors["non_field_errors"][0]
    make_span(document, second_reviewer, "pure propaganda", label="QUOTE")
    make_span(document, reviewer, "pure propaganda", label="OPINION")
    assert document.spans.count() == 3


def test_spans_may_overlap_and_nest(document, reviewer):
    make_span(document, reviewer, "Police dismissed the claims as “pure propaganda”.")
    make_span(document, reviewer, "pure propaganda", label="QUOTE")
    make_span(document, reviewer, "dismissed the claims", label="OPINION")
    assert document.spans.count() == 3


def test_an_outsider_cannot_add_spans(document, outsider):
    with pytest.raises(NotAllowed):
        make_span(document, outsider, "Police")


def test_editing_with_a_stale_version_is_a_conflict_and_keeps_the_first_edit(
    claim, reviewer, moderator
):
    services.span_update(span=claim, actor=reviewer, version=1, note="first edit")
    with pytest.raises(Conflict) as exc:
        services.span_update(span=claim, actor=moderator, version=1, note="second edit")
    assert exc.value.current["note"] == "first edit"
    assert exc.value.current["version"] == 2
    claim.refresh_from_db()
    assert (claim.note, claim.version) == ("first edit", 2)


def test_a_reviewer_cannot_edit_another_reviewers_span_but_a_moderator_can(
    claim, second_reviewer, moderator
):
    with pytest.raises(NotAllowed):
        services.span_update(span=claim, actor=second_reviewer, version=1, note="mine now")
    span = services.span_update(span=claim, actor=moderator, version=1, note="checked")
    assert span.note == "checked"


def test_relabelling_a_quote_drops_its_speaker(document, reviewer):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police")
    span = services.span_update(span=quote, actor=reviewer, version=1, label="OPINION")
    assert (span.label, span.speaker) == ("OPINION", "")


def test_editing_an_approved_span_sends_it_back_to_pending(claim, reviewer, moderator):
    Span.objects.filter(pk=claim.pk).update(review_status="approved", reviewed_by=moderator)
    claim.refresh_from_db()
    span = services.span_update(span=claim, actor=reviewer, version=1, note="more context")
    assert span.review_status == "pending"
    assert span.reviewed_by is None


def test_an_edit_that_changes_nothing_keeps_the_version(claim, reviewer):
    span = services.span_update(span=claim, actor=reviewer, version=1, note="")
    assert span.version == 1


def test_moving_a_span_checks_the_new_text(claim, reviewer, document):
    with pytest.raises(ValidationError):
        services.span_update(span=claim, actor=reviewer, version=1, start=0, end=6, text="Xolice")
    start = document.text.index("253 people")
    span = services.span_update(
        span=claim, actor=reviewer, version=1, start=start, end=start + 10, text="253 people"
    )
    assert (span.text, span.prefix[-6:], span.suffix) == ("253 people", "least ", ".")


def test_delete_is_soft_and_restore_brings_the_span_back(claim, reviewer):
    services.span_delete(span=claim, actor=reviewer, version=1)
    claim.refresh_from_db()
    assert claim.deleted_at is not None
    # Deleted spans do not block making the same span again...
    again = make_span(claim.document, reviewer, claim.text)
    # ...and then restoring the old one would duplicate it.
    with pytest.raises(Conflict):
        services.span_restore(span=claim, actor=reviewer)
    services.span_delete(span=again, actor=reviewer)
    restored = services.span_restore(span=claim, actor=reviewer)
    assert restored.deleted_at is None


def test_every_span_write_is_recorded_with_who_and_what(claim, reviewer):
    services.span_update(span=claim, actor=reviewer, version=1, note="n")
    events = list(claim.document.project.audit_events.filter(object_type="span").order_by("id"))
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].actor == reviewer
    assert (events[1].before["note"], events[1].after["note"]) == ("", "n")


# --- the database itself refuses what the services refuse ---------------------------------


def _raw_span(document, author, **overrides):
    fields = dict(document=document, author=author, label="CLAIM", start=0, end=6, text="Police")
    fields.update(overrides)
    return Span(**fields)


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"start": -1, "end": 5, "text": "Police"[:6]}, "span_start_not_negative"),
        ({"start": 6, "end": 6, "text": ""}, "span_start_before_end"),
        ({"text": "Pol"}, "span_text_length_matches_range"),
        ({"label": "RUMOUR"}, "span_label_known"),
        ({"speaker": "x"}, "span_speaker_only_on_quote"),
        (
            {"start": 80, "end": 10_000, "text": "x" * 9_920},
            "span_end_within_text",
        ),
    ],
)
def test_database_refuses_invalid_spans_by_constraint_name(
    document, reviewer, overrides, constraint
):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        _raw_span(document, reviewer, **overrides).save()
    assert constraint in str(exc.value)


def test_database_refuses_two_identical_live_spans_by_one_person(document, reviewer):
    _raw_span(document, reviewer).save()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        _raw_span(document, reviewer).save()
    assert "span_unique_per_author" in str(exc.value)


def test_database_is_postgresql_so_a_silent_sqlite_fallback_cannot_pass():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
