"""Agreement figures on a small example worked out by hand: two reviewers, known overlap, known
alpha. The same example runs through the pure module, the database and the API.

The verdict alpha is over the reviewers' ratings of desk claims (one unit a desk claim): ravi's
claim over 22-30 is a mention of the same desk claim as rita's over 20-30, as he would choose it
from the proposals when tagging it."""

from __future__ import annotations

import pytest

from annotations import agreement, services
from annotations.agreement import RatingRow, SpanRow
from annotations.models import RATING_VALUES
from tests.factories import make_document

# Two reviewers, rita (A) and ravi (B), on one document. (label, start, end, rating)
RITA = [
    ("CLAIM", 0, 10, "true"),
    ("CLAIM", 20, 30, "false"),
    ("CLAIM", 40, 50, "mixed"),
    ("CLAIM", 60, 70, "unverifiable"),
    ("QUOTE", 100, 110, None),
    ("OPINION", 120, 130, None),
]
RAVI = [
    ("CLAIM", 0, 10, "true"),  # exact match
    ("CLAIM", 22, 30, "mostly_false"),  # overlaps rita's 20-30, not exact
    ("CLAIM", 40, 50, "mixed"),  # exact
    ("CLAIM", 60, 70, "false"),  # exact; rita said unverifiable
    ("CLAIM", 90, 95, None),  # ravi alone
    ("QUOTE", 100, 110, None),  # exact
]
# Span F1, by hand:
#   CLAIM: rita 4, ravi 5. Exact matches 3 -> F1 = 2*3/9 = 0.6667. Overlap matches 4 (20-30 and
#          22-30 share 8 characters) -> F1 = 2*4/9 = 0.8889.
#   QUOTE: 1 and 1, one exact match -> 1.0 both ways.
#   OPINION: rita 1, ravi 0 -> 0.0 both ways.
#   All labels pooled: exact 4 of 12 spans -> 8/12 = 0.6667; overlap 5 -> 10/12 = 0.8333.
#
# Verdict alpha (ordinal, RATING_VALUES: true 5, mostly_false 2, false 1, mixed 3), by hand.
#   Units rated by both: u1 (5, 5), u2 (1, 2), u3 (3, 3). u4 is (unverifiable, 1): unverifiable
#   has no place on the scale, so u4 keeps one value and pairs with nothing (1 left out).
#   Coincidences: o(5,5)=2, o(1,2)=o(2,1)=1, o(3,3)=2; n1=1, n2=1, n3=2, n4=0, n5=2; n=6.
#   Ordinal distance d(c,k) = (n_c + ... + n_k - (n_c + n_k)/2)^2:
#     d(1,2)=(2-1)^2=1     d(1,3)=(4-1.5)^2=6.25  d(1,5)=(6-1.5)^2=20.25
#     d(2,3)=(3-1.5)^2=2.25 d(2,5)=(5-1.5)^2=12.25 d(3,5)=(4-2)^2=4
#   Observed: sum o*d = o(1,2)d + o(2,1)d = 2.
#   Expected: sum over c!=k of n_c*n_k*d / (n-1)
#     = 2 * (1*1 + 2*6.25 + 2*20.25 + 2*2.25 + 2*12.25 + 4*4) / 5 = 2 * 99 / 5 = 39.6.
#   alpha = 1 - 2 / 39.6 = 1 - 5/99 = 94/99 = 0.9495.
ALPHA = 94 / 99


def _rows():
    rows = []
    for author, spans in (("rita", RITA), ("ravi", RAVI)):
        for label, start, end, _rating in spans:
            rows.append(SpanRow(len(rows) + 1, 1, author, label, start, end))
    return rows


# The desk claim each rated claim is a mention of: ravi's 22-30 is rita's 20-30's.
DESK_CLAIM_AT = {0: 1, 20: 2, 22: 2, 40: 3, 60: 4}


def _ratings():
    return [
        RatingRow(DESK_CLAIM_AT[start], author, rating)
        for author, spans in (("rita", RITA), ("ravi", RAVI))
        for label, start, _end, rating in spans
        if rating
    ]


def test_span_f1_per_label_matches_the_hand_computed_example():
    figures = agreement.document_span_agreement(_rows()).as_dict()
    labels = figures["labels"]
    assert figures["pairs"] == 1
    assert (labels["CLAIM"]["f1_exact"], labels["CLAIM"]["f1_overlap"]) == (0.6667, 0.8889)
    assert (labels["QUOTE"]["f1_exact"], labels["QUOTE"]["f1_overlap"]) == (1.0, 1.0)
    assert (labels["OPINION"]["f1_exact"], labels["OPINION"]["f1_overlap"]) == (0.0, 0.0)
    assert (figures["all_labels"]["f1_exact"], figures["all_labels"]["f1_overlap"]) == (
        0.6667,
        0.8333,
    )


def test_verdict_alpha_ordinal_matches_the_hand_computed_example():
    result = agreement.verdict_agreement(_ratings(), RATING_VALUES)
    assert result.alpha == pytest.approx(ALPHA)
    assert (result.units, result.ratings, result.unverifiable) == (3, 6, 1)


def test_a_long_span_matches_only_one_short_span_when_counting_overlaps():
    counts = agreement.match_counts([(0, 100)], [(0, 10), (50, 60)])
    assert (counts.overlap, counts.exact, counts.total) == (1, 0, 3)


def test_alpha_is_undefined_without_variation_and_says_so():
    rows = [RatingRow(1, "a", "true"), RatingRow(1, "b", "true")]
    result = agreement.verdict_agreement(rows, RATING_VALUES)
    assert result.alpha is None
    assert "undefined" in result.note


def test_span_matches_name_who_disagrees_and_how():
    rows = _rows()
    matches = agreement.span_matches(rows)
    by_key = {(r.author, r.start, r.label): r.id for r in rows}
    assert matches[by_key[("rita", 0, "CLAIM")]]["agreed"] is True
    partial = matches[by_key[("rita", 20, "CLAIM")]]
    assert [(m.kind, m.author) for m in partial["matches"]] == [("overlap", "ravi")]
    assert matches[by_key[("rita", 120, "OPINION")]]["missing"] == ["ravi"]
    assert matches[by_key[("ravi", 90, "CLAIM")]]["alone"] is True


# --- the same example through the database and the API --------------------------------------


@pytest.fixture
def annotated(desk, reviewer, second_reviewer):
    text = "".join(chr(ord("a") + i % 26) for i in range(140))
    document = make_document(desk, actor=reviewer, text=text, title="Example")
    desk_claims = {}
    for user, spans in ((reviewer, RITA), (second_reviewer, RAVI)):
        for label, start, end, rating in spans:
            unit = DESK_CLAIM_AT.get(start)
            span = services.span_create(
                document=document,
                actor=user,
                label=label,
                start=start,
                end=end,
                text=text[start:end],
                desk_claim=desk_claims.get(unit),
            )
            if unit is not None:
                desk_claims.setdefault(unit, span.desk_claim)
            if rating:
                services.rating_set(desk_claim=span.desk_claim, actor=user, rating=rating)
    return document


@pytest.mark.django_db
def test_document_agreement_api_serves_the_hand_computed_figures(api, reviewer, annotated):
    body = api(reviewer).get(f"/api/v1/documents/{annotated.pk}/agreement/").json()
    assert body["annotators"] == ["ravi", "rita"]
    assert body["spans"]["labels"]["CLAIM"]["f1_overlap"] == 0.8889
    assert body["verdicts"]["alpha_ordinal"] == round(ALPHA, 4)
    assert body["verdicts"]["unverifiable_left_out"] == 1


@pytest.mark.django_db
def test_project_agreement_pools_documents_with_two_or_more_reviewers(
    api, reviewer, desk, annotated
):
    # A second document with one reviewer only: nothing to compare, so it is left out.
    solo = make_document(desk, actor=reviewer, text="Only rita read this.", title="Solo")
    services.span_create(document=solo, actor=reviewer, label="CLAIM", start=0, end=4, text="Only")
    body = api(reviewer).get(f"/api/v1/projects/{desk.pk}/agreement/").json()
    assert body["documents_compared"] == 1
    assert [d["title"] for d in body["per_document"]] == ["Example"]
    assert body["spans"]["all_labels"]["f1_exact"] == 0.6667
    assert body["verdicts"]["alpha_ordinal"] == round(ALPHA, 4)


@pytest.mark.django_db
def test_deleted_spans_do_not_count_towards_agreement(api, reviewer, annotated):
    extra = annotated.spans.get(author__username="ravi", start=90)
    services.span_delete(span=extra, actor=extra.author)
    body = api(reviewer).get(f"/api/v1/documents/{annotated.pk}/agreement/").json()
    # CLAIM now 4 and 4 with 3 exact: 6/8.
    assert body["spans"]["labels"]["CLAIM"]["f1_exact"] == 0.75


@pytest.mark.django_db
def test_agreement_of_another_project_is_404(api, outsider, annotated, desk):
    assert api(outsider).get(f"/api/v1/documents/{annotated.pk}/agreement/").status_code == 404
    assert api(outsider).get(f"/api/v1/projects/{desk.pk}/agreement/").status_code == 404


@pytest.mark.django_db
def test_dashboard_figures_count_documents_spans_verdicts_and_weekly_throughput(
    desk, reviewer, second_reviewer, moderator, annotated
):
    from annotations import reports

    make_document(desk, actor=reviewer, text="Nobody has read this yet.", title="Fresh")
    reviewed = make_document(desk, actor=reviewer, text="All checked here.", title="Done")
    span = services.span_create(
        document=reviewed, actor=reviewer, label="CLAIM", start=0, end=3, text="All"
    )
    services.span_review(span=span, actor=moderator, status="approved")

    data = reports.dashboard(desk)
    assert data["documents"]["by_state"] == {
        "not annotated": 1,
        "awaiting review": 1,  # the example, all pending
        "reviewed": 1,
    }
    assert data["spans_by_outlet"] == {"(no outlet)": {"CLAIM": 10, "QUOTE": 2, "OPINION": 1}}
    assert data["spans_by_status"] == {"pending": 12, "approved": 1, "rejected": 0}
    ratings = data["ratings_by_rating"]
    assert (ratings["true"], ratings["false"], ratings["unverifiable"]) == (2, 2, 1)
    # The desk's verdicts, one a desk claim, made from each claim's first rating (rita's).
    verdicts = data["verdicts_by_rating"]
    assert (verdicts["true"], verdicts["false"], verdicts["unverifiable"]) == (1, 1, 1)
    weekly = data["throughput"]["by_author"]
    assert (sum(weekly["rita"]), sum(weekly["ravi"])) == (7, 6)
    assert weekly["rita"][-1] == 7  # all made this week, the last point of the line
