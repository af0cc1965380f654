"""Suggestion runs through the services: idempotent upserts, decisions kept, accept/reject."""

from __future__ import annotations

import pytest
from django.db.models import Count

from annotations import services
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import Span, Suggestion, SuggestionRun
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Police dismissed the claims as “pure propaganda” on Friday.\n\n"
    "“The establishment of a ‘province’ in a region where it has nothing resembling actual "
    "governance is absurd, but it should not be written off,” said Rita Katz, director of the "
    "SITE Intel Group.\n\n"
    "The bombing in Sri Lanka killed at least 253 people in April 2019."
)


@pytest.fixture
def article(desk, reviewer):
    return make_document(desk, actor=reviewer, text=ARTICLE, title="Katz on the province")


def _run(document):
    run = SuggestionRun.objects.create(document=document)
    return services.suggestion_run_execute(run_id=run.pk)


def _snapshot(document):
    return sorted(
        document.suggestions.values_list("pk", "label", "start", "end", "status", "speaker")
    )


def test_importing_a_document_queues_a_run_for_after_the_commit(
    desk, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        document = make_document(desk, actor=reviewer, text=ARTICLE)
    run = document.suggestion_runs.get()
    assert run.status == "queued"
    assert len(callbacks) == 1  # the enqueue waits for the commit


def test_a_run_suggests_the_attributed_quote_with_its_speaker_and_is_done_with_counts(article):
    run = _run(article)
    assert run.status == "done"
    assert run.started_at <= run.finished_at
    quote = article.suggestions.get(label="QUOTE", text__startswith="The establishment")
    assert quote.speaker == "Rita Katz"
    assert ARTICLE[quote.speaker_start : quote.speaker_end] == "Rita Katz"
    assert "said Rita Katz" in quote.reason
    assert run.counts["created"] == article.suggestions.count() > 1
    assert article.suggestions.filter(label="CLAIM", text__contains="at least 253").exists()


def test_running_the_same_document_twice_leaves_the_same_suggestions(article):
    _run(article)
    first = _snapshot(article)
    second_run = _run(article)
    assert _snapshot(article) == first
    assert second_run.counts["created"] == 0
    assert second_run.counts["updated"] == 0  # nothing changed, nothing written


def test_executing_one_run_twice_does_nothing_the_second_time(article):
    run = SuggestionRun.objects.create(document=article)
    services.suggestion_run_execute(run_id=run.pk)
    first = _snapshot(article)
    assert services.suggestion_run_execute(run_id=run.pk) is None
    assert _snapshot(article) == first
    run.refresh_from_db()
    assert run.attempts == 1


def test_a_rejected_suggestion_never_returns(article, reviewer):
    _run(article)
    quote = article.suggestions.get(label="QUOTE", text__startswith="The establishment")
    services.suggestion_reject(suggestion=quote, actor=reviewer)
    _run(article)
    _run(article)
    same_range = article.suggestions.filter(label="QUOTE", start=quote.start, end=quote.end)
    assert list(same_range.values_list("status", flat=True)) == ["rejected"]


def test_a_rerun_replaces_only_open_suggestions_and_keeps_decided_ones(article, reviewer):
    _run(article)
    claim = article.suggestions.filter(label="CLAIM").first()
    services.suggestion_accept(suggestion=claim, actor=reviewer)
    # A stale open suggestion an older run left, which the suggesters no longer produce:
    stale = Suggestion.objects.create(
        document=article,
        label="OPINION",
        start=0,
        end=6,
        text="Police",
        score=0.5,
        reason="old",
        suggester="opinion-rules",
        suggester_version="0.1",
    )
    run = _run(article)
    assert not Suggestion.objects.filter(pk=stale.pk).exists()
    assert run.counts["removed"] == 1
    claim.refresh_from_db()
    assert claim.status == "accepted"


def test_a_range_the_desk_already_tagged_is_not_suggested(desk, reviewer):
    document = make_document(desk, actor=reviewer, text=ARTICLE)
    span = make_span(
        document,
        reviewer,
        "The establishment of a ‘province’ in a region where it has nothing resembling actual governance is absurd, but it should not be written off",
        label="QUOTE",
        speaker="Rita Katz",
    )
    _run(document)
    assert not document.suggestions.filter(label="QUOTE", start=span.start, end=span.end).exists()


def test_accepting_a_quote_makes_a_span_that_remembers_the_suggestion_and_speaker(
    article, reviewer
):
    _run(article)
    quote = article.suggestions.get(label="QUOTE", text__startswith="The establishment")
    span = services.suggestion_accept(suggestion=quote, actor=reviewer)
    assert (span.label, span.text, span.speaker, span.author) == (
        "QUOTE",
        quote.text,
        "Rita Katz",
        reviewer,
    )
    assert span.suggestion == quote
    quote.refresh_from_db()
    assert (quote.status, quote.decided_by) == ("accepted", reviewer)
    with pytest.raises(Conflict, match="already accepted"):
        services.suggestion_accept(suggestion=quote, actor=reviewer)


def test_accept_all_above_a_score_accepts_only_those(article, reviewer):
    _run(article)
    scores = list(article.suggestions.values_list("score", flat=True))
    cut = sorted(scores)[len(scores) // 2]
    spans = services.suggestions_accept_above(document=article, actor=reviewer, min_score=cut)
    assert len(spans) == sum(1 for s in scores if s >= cut)
    assert not article.suggestions.filter(status="open", score__gte=cut).exists()
    assert article.suggestions.filter(status="open", score__lt=cut).count() == sum(
        1 for s in scores if s < cut
    )
    assert Span.objects.filter(suggestion__isnull=False).count() == len(spans)


def test_accept_above_refuses_a_score_outside_zero_to_one(article, reviewer):
    with pytest.raises(ValidationError):
        services.suggestions_accept_above(document=article, actor=reviewer, min_score=1.5)


def test_an_outsider_cannot_decide_suggestions(article, outsider):
    _run(article)
    with pytest.raises(NotAllowed):
        services.suggestion_reject(suggestion=article.suggestions.first(), actor=outsider)


def test_a_failed_run_keeps_the_reason(article):
    run = SuggestionRun.objects.create(document=article)
    services.suggestion_run_fail(run_id=run.pk, reason="The suggester crashed: boom")
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "The suggester crashed: boom")


def test_sweep_requeues_runs_the_broker_never_got_and_runs_whose_worker_died(article, settings):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    never = SuggestionRun.objects.create(document=article)
    SuggestionRun.objects.filter(pk=never.pk).update(created_at=now - timedelta(minutes=5))
    dead = SuggestionRun.objects.create(document=article, status="running")
    SuggestionRun.objects.filter(pk=dead.pk).update(started_at=now - timedelta(hours=1))
    fresh = SuggestionRun.objects.create(document=article)
    done = SuggestionRun.objects.create(document=article, status="done")
    swept = services.suggestion_runs_sweep(now=now)
    assert sorted(swept) == sorted([never.pk, dead.pk])
    assert fresh.pk not in swept and done.pk not in swept


def test_counts_by_label_on_the_seed_articles(db):
    """Both seed articles get suggestions of every label from the rules."""
    import io

    from django.core.management import call_command

    call_command("load_seeds", stdout=io.StringIO())
    for run in SuggestionRun.objects.all():
        services.suggestion_run_execute(run_id=run.pk)
    labels = dict(Suggestion.objects.values_list("label").annotate(n=Count("id")))
    assert set(labels) == {"CLAIM", "QUOTE", "OPINION"}


def test_asking_again_while_a_run_waits_reuses_it_instead_of_queueing_a_duplicate(
    article, reviewer
):
    waiting = article.suggestion_runs.get()  # the import's run, not yet picked up
    again = services.suggestion_run_request(document=article, actor=reviewer)
    assert again.pk == waiting.pk
    services.suggestion_run_execute(run_id=waiting.pk)
    fresh = services.suggestion_run_request(document=article, actor=reviewer)
    assert fresh.pk != waiting.pk and fresh.status == "queued"
