"""Already checked: a new article's claims matched against the desk's verdicts and imported
fact-checks, by the job that runs after the import (and after the suggestion run), confirmed or
dismissed by a reviewer; the job safe twice and to kill; the worker's index kept fresh."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from django.conf import settings

from annotations import presenters, selectors, services
from annotations.errors import Conflict
from annotations.models import (
    AuditEvent,
    ClaimCheckMatch,
    ClaimCheckRun,
    DeskClaim,
    DeskClaimVector,
    Document,
    FactCheck,
    Span,
    Suggestion,
)
from annotations.services import checked_index, checking
from factcheck.celery import app as celery_app
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
MANIFEST = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
FIRST, SECOND = MANIFEST["documents"]
FIRST_TOLL = next(
    s["text"] for s in MANIFEST["example_spans"] if "more than 250" in s["text"]
)  # "some of the Sri Lanka bombers, who slaughtered more than 250 people ..."
SECOND_TOLL = next(s["text"] for s in MANIFEST["example_spans"] if "at least 253" in s["text"])
WORDING = "More than 250 people were killed in the Easter Sunday bombings in Sri Lanka"
STATUS = ClaimCheckMatch.Status


def seed_text(entry: dict) -> str:
    return (SEEDS / entry["file"]).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def fresh_index():
    # Each test's database is new; a worker's cached index of an old one is not.
    checked_index.forget()
    yield
    checked_index.forget()


@pytest.fixture
def in_process(django_capture_on_commit_callbacks):
    """Background work as local mode runs it: enqueued after the commit, run at once."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True

    def run(work):
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    yield run
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def checked_first(desk, reviewer, moderator):
    """The first seed article, its Sri Lanka toll claim a desk claim with an approved verdict."""
    first = make_document(
        desk, actor=reviewer, text=seed_text(FIRST), title=FIRST["title"],
        external_id=FIRST["external_id"],
    )  # fmt: skip
    span = make_span(first, reviewer, FIRST_TOLL)
    desk_claim = services.desk_claim_update(
        desk_claim=span.desk_claim, actor=reviewer, version=1, wording=WORDING
    )
    services.rating_set(desk_claim=desk_claim, actor=reviewer, rating="true")
    services.verdict_review(verdict=desk_claim.verdict, actor=moderator, status="approved")
    return DeskClaim.objects.select_related("verdict").get(pk=desk_claim.pk)


def import_second(desk, reviewer):
    return make_document(
        desk, actor=reviewer, text=seed_text(SECOND), title=SECOND["title"],
        outlet=SECOND["outlet"], external_id=SECOND["external_id"],
    )  # fmt: skip


def open_matches(document):
    return list(selectors.document_claim_checks(document, status="open"))


# --- the scenario ----------------------------------------------------------------------


def test_importing_the_second_seed_article_proposes_its_sri_lanka_claim_as_already_checked(
    desk, reviewer, second_reviewer, checked_first, in_process, api
):
    second = in_process(lambda: import_second(desk, second_reviewer))
    # The import committed, its suggestion run ran, then the matching job on its CLAIMs.
    start = second.text.index(SECOND_TOLL)
    [match] = [m for m in open_matches(second) if m.desk_claim_id == checked_first.pk]
    assert (match.start, match.end) == (start, start + len(SECOND_TOLL))
    assert match.span_id is None
    suggestion = Suggestion.objects.get(pk=match.suggestion_id)
    assert (suggestion.label, suggestion.status) == ("CLAIM", "open")
    assert match.score >= checking.SHOW_THRESHOLD["fused"]
    assert "shares" in match.reason and "lanka" in match.reason
    shown = presenters.claim_check_data(match, desk=desk.name)
    verdict = checked_first.verdict
    assert shown["checked"] == {
        "desk_claim": checked_first.pk,
        "fact_check": None,
        "claim": WORDING,
        "rating": "true",
        "rating_label": "True",
        "review_status": "approved",
        "by": "The desk",
        "on": verdict.reviewed_at.date().isoformat(),
        "url": None,
        "claim_author": "",
    }
    # The API says the same, and confirming makes the claim a mention of that desk claim.
    client = api(second_reviewer)
    listed = client.get(f"/api/v1/documents/{second.pk}/claim-checks/").json()
    assert shown in listed
    response = client.post(f"/api/v1/claim-checks/{match.pk}/confirm/")
    assert response.status_code == 200, response.content
    body = response.json()
    span = Span.objects.get(pk=body["span"]["id"])
    assert (span.start, span.end, span.author, span.suggestion_id) == (
        match.start,
        match.end,
        second_reviewer,
        suggestion.pk,
    )
    assert span.desk_claim_id == checked_first.pk
    assert body["span"]["verdict"]["rating"] == "true"
    assert body["claim_check"]["status"] == "confirmed"
    assert body["claim_check"]["span"] == span.pk
    mentions = {m.document_id for m in checked_first.mentions.filter(deleted_at__isnull=True)}
    assert mentions == {checked_first.mentions.first().document_id, second.pk}
    assert DeskClaim.objects.filter(mentions__isnull=True).count() == 0  # no stray desk claim


def test_an_imported_claim_span_is_matched_and_confirming_moves_the_mention(
    desk, reviewer, second_reviewer, checked_first, api
):
    text = seed_text(SECOND)
    start = text.index(SECOND_TOLL)
    line = {
        "text": text,
        "title": SECOND["title"],
        "label": [[start, start + len(SECOND_TOLL), "CLAIM"]],
    }
    report = services.document_import_jsonl(
        project=desk, actor=second_reviewer, lines=[orjson.dumps(line)]
    )
    assert report.committed
    second = Document.objects.get(title=SECOND["title"])
    result = services.claim_checks_match(document_id=second.pk)
    assert result.queries == 1  # its one CLAIM span; no suggestions before its run
    [match] = open_matches(second)
    span = Span.objects.get(document=second)
    own = span.desk_claim_id
    assert (match.span_id, match.desk_claim_id) == (span.pk, checked_first.pk)
    response = api(second_reviewer).get(f"/api/v1/spans/{span.pk}/claim-checks/")
    assert [m["id"] for m in response.json()] == [match.pk]
    match, shown_on = services.claim_check_confirm(match=match, actor=second_reviewer)
    span.refresh_from_db()
    assert span.desk_claim_id == checked_first.pk != own
    assert (match.status, match.decided_by, shown_on.pk) == (
        STATUS.CONFIRMED,
        second_reviewer,
        span.pk,
    )
    assert AuditEvent.objects.filter(object_type="span", object_id=span.pk, action="move").exists()
    assert AuditEvent.objects.filter(
        object_type="claimcheckmatch", object_id=match.pk, action="confirm"
    ).exists()
    # Confirmed again: nothing changes; a rerun of the job leaves the decision as it is.
    services.claim_check_confirm(match=match, actor=second_reviewer)
    services.claim_checks_match(document_id=second.pk)
    assert ClaimCheckMatch.objects.get().status == STATUS.CONFIRMED


# --- the job: safe twice, to kill, never re-proposing a dismissed pair ------------------------


@pytest.fixture
def second(desk, second_reviewer, checked_first):
    document = import_second(desk, second_reviewer)
    make_span(document, second_reviewer, SECOND_TOLL)
    return document


def test_the_job_is_safe_to_run_twice(second, checked_first):
    first_run = services.claim_checks_match(document_id=second.pk)
    rows = list(ClaimCheckMatch.objects.values_list("id", "start", "end", "desk_claim", "score"))
    assert first_run.counts["created"] == len(rows) >= 1
    again = services.claim_checks_match(document_id=second.pk)
    assert again.counts["created"] == again.counts["updated"] == again.counts["removed"] == 0
    assert (
        list(ClaimCheckMatch.objects.values_list("id", "start", "end", "desk_claim", "score"))
        == rows
    )
    run = ClaimCheckRun.objects.get(document=second)
    assert run.counts["queries"] == 1 and run.finished_at >= run.started_at


def test_a_job_killed_before_its_commit_leaves_nothing_and_the_next_one_does_it_all(
    second, monkeypatch
):
    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(ClaimCheckRun.objects, "update_or_create", killed)
    with pytest.raises(SystemExit):
        services.claim_checks_match(document_id=second.pk)
    assert not ClaimCheckMatch.objects.exists()
    monkeypatch.undo()
    services.claim_checks_match(document_id=second.pk)
    assert ClaimCheckMatch.objects.count() == 1


def test_a_dismissed_pair_is_never_proposed_again(second, second_reviewer, api):
    services.claim_checks_match(document_id=second.pk)
    match = ClaimCheckMatch.objects.get()
    response = api(second_reviewer).post(f"/api/v1/claim-checks/{match.pk}/dismiss/")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    services.claim_checks_match(document_id=second.pk)
    assert list(ClaimCheckMatch.objects.values_list("status", flat=True)) == ["dismissed"]
    assert open_matches(second) == []
    # Decided: confirming it now is a conflict, dismissing it again is nothing.
    assert api(second_reviewer).post(f"/api/v1/claim-checks/{match.pk}/confirm/").status_code == 409
    assert api(second_reviewer).post(f"/api/v1/claim-checks/{match.pk}/dismiss/").status_code == 200


def test_a_dismissal_survives_the_suggestion_being_replaced(desk, second_reviewer, checked_first):
    document = import_second(desk, second_reviewer)
    start = document.text.index(SECOND_TOLL)
    suggestion = Suggestion.objects.create(
        document=document, label="CLAIM", start=start, end=start + len(SECOND_TOLL),
        text=SECOND_TOLL, score=0.9, reason="a figure", suggester="claim-rules",
        suggester_version="1",
    )  # fmt: skip
    services.claim_checks_match(document_id=document.pk)
    match = ClaimCheckMatch.objects.get()
    assert match.suggestion_id == suggestion.pk
    services.claim_check_dismiss(match=match, actor=second_reviewer)
    suggestion.delete()  # a new suggester version replaces it
    Suggestion.objects.create(
        document=document, label="CLAIM", start=start, end=start + len(SECOND_TOLL),
        text=SECOND_TOLL, score=0.9, reason="a figure", suggester="claim-rules",
        suggester_version="2",
    )  # fmt: skip
    services.claim_checks_match(document_id=document.pk)
    assert list(ClaimCheckMatch.objects.values_list("status", flat=True)) == ["dismissed"]


def test_only_checked_claims_are_matched_and_stale_matches_go(
    desk, reviewer, moderator, second, checked_first
):
    services.claim_checks_match(document_id=second.pk)
    assert len(open_matches(second)) == 1
    # The moderator rejects the verdict: it is not the desk's word, the match is not shown,
    # and the next run removes it.
    services.verdict_review(
        verdict=checked_first.verdict, actor=moderator, status="rejected", reason="Wrong figure"
    )
    assert open_matches(second) == []
    result = services.claim_checks_match(document_id=second.pk)
    assert result.counts["removed"] == 1 and not ClaimCheckMatch.objects.exists()
    # A desk claim without a verdict is not "checked".
    other = make_document(desk, actor=reviewer, text=seed_text(FIRST), title="Copy")
    make_span(other, reviewer, FIRST_TOLL)
    services.claim_checks_match(document_id=second.pk)
    assert not ClaimCheckMatch.objects.exists()


def test_confirming_one_desk_claim_settles_the_claims_other_desk_claim_matches(
    desk, reviewer, second_reviewer, moderator, second, checked_first
):
    twin = services.desk_claim_create(
        project=desk,
        actor=reviewer,
        wording="At least 253 people died in the Sri Lanka Easter bombings",
    )
    services.rating_set(desk_claim=twin, actor=reviewer, rating="mostly_true")
    services.claim_checks_match(document_id=second.pk)
    matches = {m.desk_claim_id: m for m in open_matches(second)}
    assert set(matches) == {checked_first.pk, twin.pk}
    services.claim_check_confirm(match=matches[twin.pk], actor=second_reviewer)
    statuses = dict(ClaimCheckMatch.objects.values_list("desk_claim_id", "status"))
    assert statuses == {twin.pk: STATUS.CONFIRMED, checked_first.pk: STATUS.DISMISSED}


def test_every_reviewers_claim_on_the_same_words_moves_with_the_confirmed_one(
    desk, reviewer, second_reviewer, second, checked_first
):
    mine = Span.objects.get(document=second)
    theirs = make_span(second, reviewer, SECOND_TOLL)
    assert theirs.desk_claim_id == mine.desk_claim_id  # joined on the same words
    services.claim_checks_match(document_id=second.pk)
    match = ClaimCheckMatch.objects.get()
    services.claim_check_confirm(match=match, actor=second_reviewer)
    assert set(Span.objects.filter(document=second).values_list("desk_claim_id", flat=True)) == {
        checked_first.pk
    }


def test_a_confirm_for_a_claim_that_is_gone_is_a_conflict(second, second_reviewer):
    services.claim_checks_match(document_id=second.pk)
    match = ClaimCheckMatch.objects.get()
    span = Span.objects.get(document=second)
    services.span_delete(span=span, actor=second_reviewer)
    assert open_matches(second) == []
    with pytest.raises(Conflict):
        services.claim_check_confirm(match=match, actor=second_reviewer)


# --- fact-checks ------------------------------------------------------------------------------

TOLL_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checkers.example/sri-lanka-toll",
    "claimReviewed": "The Easter Sunday bombings in Sri Lanka killed at least 253 people",
    "author": {"@type": "Organization", "name": "Checkers Weekly"},
    "datePublished": "2019-04-26",
    "reviewRating": {"@type": "Rating", "alternateName": "Correct", "ratingValue": 5},
}


def test_a_claim_matches_an_imported_fact_check_and_confirming_records_it_as_evidence(
    desk, reviewer, second_reviewer, api
):
    services.fact_checks_import(project=desk, actor=reviewer, data=orjson.dumps([TOLL_REVIEW]))
    document = import_second(desk, second_reviewer)
    span = make_span(document, second_reviewer, SECOND_TOLL)
    services.claim_checks_match(document_id=document.pk)
    [match] = open_matches(document)
    fact_check = FactCheck.objects.get()
    assert match.fact_check_id == fact_check.pk
    shown = presenters.claim_check_data(match, desk=desk.name)["checked"]
    assert (shown["rating_label"], shown["rating"], shown["by"], shown["on"], shown["url"]) == (
        "Correct",
        "true",
        "Checkers Weekly",
        "2019-04-26",
        "https://checkers.example/sri-lanka-toll",
    )
    response = api(second_reviewer).post(f"/api/v1/claim-checks/{match.pk}/confirm/")
    assert response.status_code == 200, response.content
    span.refresh_from_db()
    assert list(span.desk_claim.fact_checks.all()) == [fact_check]
    event = AuditEvent.objects.get(action="fact_check_add")
    assert (event.object_type, event.object_id) == ("deskclaim", span.desk_claim_id)
    # The vector computed for it is stored: no worker computes it again.
    assert FactCheck.objects.filter(vector__isnull=False).count() == 1


# --- the worker's index ------------------------------------------------------------------------


def test_the_index_takes_new_and_removed_verdicts_without_a_rebuild(
    desk, reviewer, second, checked_first
):
    services.claim_checks_match(document_id=second.pk)
    assert checked_index.describe(desk.pk)["changes"] == 0
    built = checked_index._cache[desk.pk]
    assert DeskClaimVector.objects.filter(desk_claim=checked_first).exists()
    other = services.desk_claim_create(
        project=desk, actor=reviewer, wording="IS claimed the bombing in Sri Lanka that killed 253"
    )
    services.rating_set(desk_claim=other, actor=reviewer, rating="true")
    services.claim_checks_match(document_id=second.pk)
    assert checked_index._cache[desk.pk] is built  # appended to, not rebuilt
    assert checked_index.describe(desk.pk) | {"model": "?"} == {
        "claims": 2, "model": "?", "changes": 1, "awaiting_vectors": False,
    }  # fmt: skip
    assert {m.desk_claim_id for m in open_matches(second)} == {checked_first.pk, other.pk}
    services.verdict_delete(actor=reviewer, desk_claim=other)
    services.claim_checks_match(document_id=second.pk)
    assert checked_index.describe(desk.pk)["claims"] == 1
    assert {m.desk_claim_id for m in open_matches(second)} == {checked_first.pk}
    # A reworded desk claim is retired and appended again, its vector computed anew.
    services.desk_claim_update(
        desk_claim=checked_first, actor=reviewer, version=2, wording="Nobody died in Sri Lanka"
    )
    services.claim_checks_match(document_id=second.pk)
    assert DeskClaimVector.objects.get(desk_claim=checked_first).version == 3


def test_matching_by_words_alone_without_the_embedding_extra(second, checked_first, monkeypatch):
    monkeypatch.setattr(checked_index, "model_name", lambda: "")
    services.claim_checks_match(document_id=second.pk)
    [match] = open_matches(second)
    assert match.desk_claim_id == checked_first.pk
    assert "cosine" not in match.reason and "shares" in match.reason
    assert not DeskClaimVector.objects.exists()


def test_too_many_missing_vectors_match_by_words_and_ask_a_worker(
    second, checked_first, monkeypatch
):
    monkeypatch.setattr(checked_index, "INLINE_EMBED", 0)
    asked = []
    monkeypatch.setattr(checked_index, "_ask_for_vectors", asked.append)
    services.claim_checks_match(document_id=second.pk)
    assert asked == [checked_first.project_id]
    assert checked_index.describe(checked_first.project_id)["awaiting_vectors"] is True
    assert services.checked_claims_embed(project_id=checked_first.project_id) == 1
    monkeypatch.setattr(checked_index, "INLINE_EMBED", 200)
    services.claim_checks_match(document_id=second.pk)
    assert checked_index.describe(checked_first.project_id)["awaiting_vectors"] is False


# --- the sweep and the requests ---------------------------------------------------------------


def test_the_sweep_enqueues_documents_with_claims_tagged_since_their_last_match(
    second, reviewer, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    sent = []
    monkeypatch.setattr(
        checking, "claim_checks_enqueue", lambda document_ids: sent.append(document_ids)
    )
    later = timezone.now() + timedelta(minutes=5)
    assert second.pk in checking.claim_checks_sweep(now=later)  # never matched
    assert sent and second.pk in sent[-1]
    services.claim_checks_match(document_id=second.pk)
    assert second.pk not in checking.claim_checks_sweep(now=later)
    Span.objects.filter(document=second).update(created_at=timezone.now() + timedelta(minutes=1))
    assert second.pk in checking.claim_checks_sweep(now=later)
    assert second.pk not in checking.claim_checks_sweep(now=later + checking.SWEEP_WINDOW)


def test_the_fan_out_sends_only_documents_with_claims(desk, reviewer, second, monkeypatch):
    from annotations import tasks

    plain = make_document(desk, actor=reviewer, text="Nothing to check here.")
    sent = []
    monkeypatch.setattr(
        tasks.match_claim_checks,
        "enqueue",
        lambda document_id, queue=None: sent.append((document_id, queue)),
    )
    assert services.claim_checks_fan_out(document_ids=[plain.pk, second.pk]) == 1
    assert sent == [(second.pk, "bulk")]  # a batch's jobs wait on the bulk queue


def test_the_matches_are_scoped_to_the_projects_members(second, outsider, api):
    services.claim_checks_match(document_id=second.pk)
    match = ClaimCheckMatch.objects.get()
    client = api(outsider)
    assert client.get(f"/api/v1/documents/{second.pk}/claim-checks/").status_code == 404
    assert client.post(f"/api/v1/claim-checks/{match.pk}/confirm/").status_code == 404
    assert client.post(f"/api/v1/claim-checks/{match.pk}/dismiss/").status_code == 404
    assert api(None).get(f"/api/v1/documents/{second.pk}/claim-checks/").status_code in (401, 403)


def test_the_status_filter_is_checked(second, second_reviewer, api):
    services.claim_checks_match(document_id=second.pk)
    client = api(second_reviewer)
    base = f"/api/v1/documents/{second.pk}/claim-checks/"
    assert len(client.get(base + "?status=all").json()) == 1
    assert client.get(base + "?status=confirmed").json() == []
    assert client.get(base + "?status=nonsense").status_code == 400
