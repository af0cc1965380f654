"""Outlet matches through the services: the comparison job of a story (asked for when an article
joins it, safe to run twice, never proposing again what a reviewer dismissed) and the
reviewer's decisions (a confirmed claim match joins both sides in one desk claim)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations import presenters, selectors, services
from annotations.errors import NotAllowed
from annotations.models import (
    AuditEvent,
    Label,
    OutletMatch,
    Role,
    SentenceVectors,
    Span,
    StoryComparison,
)
from annotations.services import matches as matching
from tests import seed_story as seeds
from tests.factories import UserFactory, make_document, make_span

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lexical(settings):
    """Words only: fast and the same on every machine. One test below plugs in the encoder."""
    settings.COMPARE_WITH_ENCODER = False


@pytest.fixture
def enqueued(monkeypatch):
    """The stories whose comparison was handed to the queue (nothing is sent)."""
    sent: list[int] = []
    monkeypatch.setattr(
        matching, "story_comparison_enqueue", lambda *, story_id, **_: sent.append(story_id) or True
    )
    return sent


@pytest.fixture
def seeded(db):
    return seeds.seed_story(members=(("rita", Role.REVIEWER), ("ravi", Role.REVIEWER)))


def _user(name):
    return UserFactory(username=name)


def test_the_seed_story_comparison_finds_the_katz_quote_with_its_differing_words(seeded):
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    assert quote.details["speaker"]["canonical"] == "Rita Katz"
    assert quote.details["wording"] == "differs"
    pairs = {(d["a"], d["b"]) for d in quote.details["differences"]}
    assert pairs == {("jihadists", "militants"), ("Isil", "IS")}
    for d in quote.details["differences"]:
        assert seeded.first.text[d["a_start"] : d["a_end"]] == d["a"]
        assert seeded.second.text[d["b_start"] : d["b_end"]] == d["b"]
    assert quote.document_a_id == seeded.first.pk
    assert seeded.first.text[quote.a_start : quote.a_end] == quote.a_text


def test_the_seed_story_comparison_flags_the_toll_and_the_loaded_name_of_kashmir(seeded):
    toll = seeded.match("number", seeds.FIRST_TOLL, seeds.SECOND_TOLL)
    assert toll.details["relation"] == "compatible"
    values = toll.details["value"]
    assert (values["a"]["qualifier"], values["a"]["value"]) == ("more than", 250)
    assert (values["b"]["qualifier"], values["b"]["value"]) == ("at least", 253)
    loaded = seeded.match("loaded", "occupied Kashmir", "India-administered Kashmir")
    assert loaded.details["term"] == "occupied Kashmir"
    assert loaded.document_a_id == seeded.second.pk  # a: the loaded side
    state = StoryComparison.objects.get(story=seeded.story)
    assert state.status == "done" and state.counts["found"] >= 4
    assert state.comparer_version == matching.comparer_version()


def test_running_the_comparison_twice_changes_nothing(seeded):
    before = dict(OutletMatch.objects.values_list("pk", "updated_at"))
    result = services.story_comparison_request(story=seeded.story)
    assert result.status == "queued"
    again = services.story_comparison_run(story_id=seeded.story.pk)
    assert again is not None and not again.skipped
    assert (again.counts["new"], again.counts["updated"], again.counts["removed"]) == (0, 0, 0)
    assert dict(OutletMatch.objects.values_list("pk", "updated_at")) == before
    # Asked once, run once: a second job for the same request finds it done.
    assert services.story_comparison_run(story_id=seeded.story.pk).skipped


def test_while_articles_keep_joining_a_story_only_the_last_requests_job_compares_it(seeded):
    asked_first = services.story_comparison_request(story=seeded.story).requested_at
    asked_last = services.story_comparison_request(story=seeded.story).requested_at  # joined
    assert asked_last > asked_first
    # The first article's job: the last one's comes after it, and the story was compared lately.
    early = services.story_comparison_run(story_id=seeded.story.pk, requested_at=asked_first)
    assert early is not None and early.skipped
    assert StoryComparison.objects.get(story=seeded.story).status == "queued"
    last = services.story_comparison_run(story_id=seeded.story.pk, requested_at=asked_last)
    assert last is not None and not last.skipped
    assert StoryComparison.objects.get(story=seeded.story).status == "done"


def test_a_story_not_compared_for_a_minute_is_compared_even_while_articles_keep_joining(seeded):
    StoryComparison.objects.filter(story=seeded.story).update(
        started_at=timezone.now() - timedelta(minutes=2)
    )
    asked_first = services.story_comparison_request(story=seeded.story).requested_at
    services.story_comparison_request(story=seeded.story)
    early = services.story_comparison_run(story_id=seeded.story.pk, requested_at=asked_first)
    assert early is not None and not early.skipped


def test_a_dismissed_match_is_never_proposed_again_even_where_its_words_moved_a_little(seeded):
    rita = seeded.project.members.get(username="rita")
    toll = seeded.match("number", seeds.FIRST_TOLL, seeds.SECOND_TOLL)
    services.match_dismiss(match=toll, actor=rita)
    # As if an older comparer had cut the side a word wider: the same words, other offsets.
    OutletMatch.objects.filter(pk=toll.pk).update(
        a_start=toll.a_start - 5, a_text=seeded.first.text[toll.a_start - 5 : toll.a_end]
    )
    services.story_comparison_request(story=seeded.story)
    services.story_comparison_run(story_id=seeded.story.pk)
    numbers = OutletMatch.objects.filter(project=seeded.project, kind="number")
    assert [m.status for m in numbers if "250" in m.a_text + m.b_text] == ["dismissed"]
    event = AuditEvent.objects.get(object_type="outletmatch", object_id=toll.pk)
    assert (event.action, event.actor, event.after["status"]) == ("dismiss", rita, "dismissed")


def test_a_rerun_removes_open_matches_no_longer_found_and_keeps_decided_ones(seeded):
    rita = seeded.project.members.get(username="rita")
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    services.match_confirm(match=quote, actor=rita)
    stale = OutletMatch.objects.create(
        project=seeded.project,
        kind="claim",
        document_a=seeded.first,
        a_start=0,
        a_end=4,
        a_text=seeded.first.text[:4],
        document_b=seeded.second,
        b_start=0,
        b_end=7,
        b_text=seeded.second.text[:7],
        score=0.5,
        reason="an older comparer's",
        comparer_version="0",
    )
    services.story_comparison_request(story=seeded.story)
    result = services.story_comparison_run(story_id=seeded.story.pk)
    assert result.counts["removed"] == 1
    assert not OutletMatch.objects.filter(pk=stale.pk).exists()
    assert OutletMatch.objects.get(pk=quote.pk).status == "confirmed"


def test_an_article_joining_a_story_asks_for_its_comparison_after_the_commit(
    desk, reviewer, enqueued, django_capture_on_commit_callbacks
):
    from tests import story_texts as t

    first = make_document(desk, actor=reviewer, text=t.FERRY_COURIER, title="Courier's")
    second = make_document(desk, actor=reviewer, text=t.FERRY_HERALD, title="Herald's")
    with django_capture_on_commit_callbacks(execute=True):
        services.story_propose(document_id=first.pk)
    assert enqueued == []  # alone: no story yet
    with django_capture_on_commit_callbacks(execute=True):
        services.story_propose(document_id=second.pk)
    second.refresh_from_db()
    assert enqueued == [second.story_id]
    assert StoryComparison.objects.get(story_id=second.story_id).status == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        services.story_propose(document_id=second.pk)  # the same decision again: not asked
    assert enqueued == [second.story_id]
    # A reviewer's move into another story asks for that story's.
    with django_capture_on_commit_callbacks(execute=True):
        target = services.story_move(document=first, actor=reviewer, to=None, title="Apart")
    assert enqueued[-1] == target.pk


def test_a_run_killed_half_way_leaves_nothing_and_the_next_one_runs(seeded, monkeypatch):
    OutletMatch.objects.all().delete()
    services.story_comparison_request(story=seeded.story)

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(matching, "_write", killed)
    with pytest.raises(SystemExit):
        services.story_comparison_run(story_id=seeded.story.pk)
    assert OutletMatch.objects.count() == 0
    assert StoryComparison.objects.get(story=seeded.story).status == "running"
    monkeypatch.undo()
    # The task delivered again (acks_late) runs, though the state still says running.
    result = services.story_comparison_run(story_id=seeded.story.pk)
    assert not result.skipped and result.counts["new"] > 0


def test_the_sweep_asks_again_for_lost_comparisons_and_for_stories_never_compared(seeded, enqueued):
    services.story_comparison_request(story=seeded.story)
    StoryComparison.objects.filter(story=seeded.story).update(
        requested_at=timezone.now() - timedelta(hours=1), status="queued"
    )
    assert services.story_comparisons_sweep() == [seeded.story.pk]
    StoryComparison.objects.all().delete()
    assert services.story_comparisons_sweep() == [seeded.story.pk]
    assert StoryComparison.objects.get(story=seeded.story).status == "queued"


def test_a_failed_comparison_says_why(seeded, monkeypatch):
    from annotations import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("no more memory")

    services.story_comparison_request(story=seeded.story)
    monkeypatch.setattr(matching, "compare_documents", broken)
    assert tasks.compare_story.apply(args=[seeded.story.pk]).get() is None
    state = StoryComparison.objects.get(story=seeded.story)
    assert (state.status, state.error) == ("failed", "RuntimeError: no more memory")


# --- decisions --------------------------------------------------------------------------------


def test_confirming_the_toll_claims_joins_their_desk_claims_so_one_verdict_shows_on_both(seeded):
    rita = seeded.project.members.get(username="rita")
    guide_first = seeded.first.spans.get(label=Label.CLAIM, text=seeds.FIRST_CLAIM)
    guide_second = seeded.second.spans.get(label=Label.CLAIM, text=seeds.SECOND_CLAIM)
    assert guide_first.desk_claim_id != guide_second.desk_claim_id
    services.verdict_set(actor=rita, span=guide_first, rating="mostly_true", rationale="SITE")
    claim = seeded.match("claim", "Sri Lanka bombers", "Sri Lanka that killed")
    confirmed = services.match_confirm(match=claim, actor=rita)
    assert (confirmed.status, confirmed.decided_by) == ("confirmed", rita)
    assert (confirmed.span_a_id, confirmed.span_b_id) == (guide_first.pk, guide_second.pk)
    guide_second.refresh_from_db()
    assert guide_second.desk_claim_id == guide_first.desk_claim_id
    shown = presenters.span_data(selectors.document_spans(seeded.second).get(pk=guide_second.pk))
    assert shown["verdict"]["rating"] == "mostly_true"
    # No span was made: both sides had one.
    assert Span.objects.filter(author=rita).count() == 0


def test_a_side_that_has_no_claim_yet_gets_one_and_the_verdict_follows(seeded):
    rita = seeded.project.members.get(username="rita")
    ravi = seeded.project.members.get(username="ravi")
    match = seeded.match("claim", seeds.WILAYAH_A, seeds.WILAYAH_B)
    # Ravi tagged the second article's sentence and gave its desk claim a verdict.
    theirs = services.span_create(
        document=seeded.second,
        actor=ravi,
        label=Label.CLAIM,
        start=match.b_start,
        end=match.b_end,
        text=match.b_text,
    )
    services.verdict_set(actor=ravi, span=theirs, rating="true")
    services.match_confirm(match=match, actor=rita)
    made = seeded.first.spans.get(author=rita, label=Label.CLAIM)
    assert (made.start, made.end, made.text) == (match.a_start, match.a_end, match.a_text)
    assert made.desk_claim_id == theirs.desk_claim_id  # the side with the verdict leads
    match.refresh_from_db()
    assert (match.span_a_id, match.span_b_id) == (made.pk, theirs.pk)


def test_outsiders_cannot_decide_matches_or_ask_for_a_comparison(seeded, outsider):
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    with pytest.raises(NotAllowed):
        services.match_confirm(match=quote, actor=outsider)
    with pytest.raises(NotAllowed):
        services.match_dismiss(match=quote, actor=outsider)
    with pytest.raises(NotAllowed):
        services.story_comparison_request(story=seeded.story, actor=outsider)
    assert OutletMatch.objects.get(pk=quote.pk).status == "open"


def test_reopening_a_match_undecides_it(seeded):
    rita = seeded.project.members.get(username="rita")
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    services.match_dismiss(match=quote, actor=rita)
    reopened = services.match_reopen(match=quote, actor=rita)
    assert (reopened.status, reopened.decided_by, reopened.decided_at) == ("open", None, None)
    actions = list(
        AuditEvent.objects.filter(object_type="outletmatch", object_id=quote.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["dismiss", "reopen"]


# --- reads ------------------------------------------------------------------------------------


def test_a_spans_matches_are_those_one_side_of_which_is_its_words(seeded):
    guide_first = seeded.first.spans.get(label=Label.CLAIM, text=seeds.FIRST_CLAIM)
    found = selectors.span_matches(guide_first)
    kinds = [m.kind for m in found]
    assert "claim" in kinds and "number" in kinds  # the sentence, and the toll inside it
    assert all(m.status != "dismissed" for m in found)
    quote_span = make_span(
        seeded.first,
        seeded.project.members.get(username="rita"),
        "to jihadists in these vulnerable regions",
        label=Label.QUOTE,
    )
    assert [m.kind for m in selectors.span_matches(quote_span)][:1] == ["quote"]


def test_a_story_shows_only_matches_between_its_own_articles(seeded):
    rita = seeded.project.members.get(username="rita")
    count = selectors.story_matches(seeded.story).count()
    assert count > 0
    services.story_move(document=seeded.second, actor=rita, to=None, title="Apart")
    assert selectors.story_matches(seeded.story).count() == 0


# --- the sentence encoder ---------------------------------------------------------------------


def test_with_the_encoder_each_articles_sentence_vectors_are_kept_and_not_encoded_again(
    seeded, settings
):
    from annotations import embeddings

    if not embeddings.available():
        pytest.skip(embeddings.why_unavailable())
    settings.COMPARE_WITH_ENCODER = True
    services.story_comparison_request(story=seeded.story)
    first = services.story_comparison_run(story_id=seeded.story.pk)
    assert first.counts["encoded"] > 0
    assert SentenceVectors.objects.filter(document__story=seeded.story).count() == 2
    services.story_comparison_request(story=seeded.story)
    again = services.story_comparison_run(story_id=seeded.story.pk)
    assert again.counts["encoded"] == 0
    assert StoryComparison.objects.get(story=seeded.story).comparer_version.endswith(
        embeddings.MODEL_NAME
    )
    # The quote and the toll come out the same with it.
    seeded.match("quote", seeds.KATZ, seeds.KATZ)
    seeded.match("number", seeds.FIRST_TOLL, seeds.SECOND_TOLL)
