"""What a moderator sees before deciding: a verdict's rationale and evidence links on the review
page, agreement between the people who review (an account that cannot log in, like the seed
examples' "annotation-guide", is not one of them), and the verdict chart in the scale's order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from annotations import reports, services
from annotations.models import Rating
from annotations.seeding import GUIDE_USERNAME, seeds_load
from tests.factories import make_span

pytestmark = pytest.mark.django_db


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def mona(client, moderator):
    client.force_login(_staff(moderator))
    return client


def _review_page(client, document) -> str:
    response = client.get(f"/admin/annotations/document/{document.pk}/review/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_page_shows_the_verdicts_rationale_and_evidence_links(
    mona, document, reviewer, claim
):
    services.verdict_set(
        span=claim,
        actor=reviewer,
        rating="mostly_true",
        rationale="The police count was 253 on 23 April; later 258.",
        evidence_links=["https://example.org/police-count", "https://example.org/hospital"],
    )
    page = _review_page(mona, document)
    row = page.split(f'id="span-{claim.pk}"')[1].split("</tr>")[0]
    assert "The police count was 253 on 23 April; later 258." in row
    links = re.findall(r'<a href="(https://example\.org/[^"]+)"', row)
    assert links == ["https://example.org/police-count", "https://example.org/hospital"]
    assert "No evidence links" not in row


def test_the_review_page_says_so_when_a_verdict_has_no_evidence(mona, document, reviewer, claim):
    services.verdict_set(span=claim, actor=reviewer, rating="false")
    row = _review_page(mona, document).split(f'id="span-{claim.pk}"')[1].split("</tr>")[0]
    assert "No evidence links: check the sources before approving." in row
    assert "No rationale given." in row


@pytest.fixture
def seeded(desk, moderator):
    """The seed articles with the guide's example spans, in a project the moderator moderates
    and a reviewer annotates."""
    report = seeds_load()
    services.membership_set(project=report.project, user=moderator, role="moderator")
    return report.project


def test_the_guides_examples_are_not_a_reviewers_work_in_agreement_or_disagreements(
    mona, seeded, reviewer
):
    services.membership_set(project=seeded, user=reviewer, role="reviewer")
    document = seeded.documents.get(title__startswith="Isis claims")
    guide_spans = list(document.spans.filter(author__username=GUIDE_USERNAME))
    assert guide_spans, "the seeds have example spans by the guide"
    # rita tags exactly the words of the guide's first example, and one thing it did not.
    first = guide_spans[0]
    make_span(document, reviewer, first.text, label=first.label)

    figures = reports.document_agreement(document)
    assert figures["annotators"] == ["rita"]
    project_figures = reports.project_agreement(seeded)
    assert project_figures["documents_compared"] == 0

    page = _review_page(mona, document)
    assert "Agreement between 1 reviewer: rita" in page
    assert "annotation-guide: did not tag it" not in page
    assert "rita: did not tag it" not in page
    assert 'class="row-disagree"' not in page
    assert page.count("an account that cannot log in: not compared") == len(guide_spans)

    dashboard = reports.dashboard(seeded)
    assert GUIDE_USERNAME not in dashboard["throughput"]["by_author"]
    assert dashboard["agreement"]["documents_compared"] == 0


def test_an_active_account_without_a_usable_password_is_not_a_reviewer_either(
    seeded, reviewer, second_reviewer
):
    document = seeded.documents.get(title__startswith="Isis claims")
    for user in (reviewer, second_reviewer):
        services.membership_set(project=seeded, user=user, role="reviewer")
    phrase = document.spans.filter(author__username=GUIDE_USERNAME).first().text
    make_span(document, reviewer, phrase)
    make_span(document, second_reviewer, phrase)
    assert reports.document_agreement(document)["annotators"] == ["ravi", "rita"]

    second_reviewer.set_unusable_password()  # a token-only account: nobody logs in as it
    second_reviewer.save(update_fields=["password"])
    assert reports.document_agreement(document)["annotators"] == ["rita"]


def test_two_reviewers_who_disagree_are_still_shown_disagreeing_beside_the_guide(
    mona, seeded, reviewer, second_reviewer
):
    document = seeded.documents.get(title__startswith="Isis claims")
    for user in (reviewer, second_reviewer):
        services.membership_set(project=seeded, user=user, role="reviewer")
    phrase = document.spans.filter(author__username=GUIDE_USERNAME).first().text
    mine = make_span(document, reviewer, phrase, label="CLAIM")
    make_span(document, second_reviewer, phrase, label="OPINION")
    page = _review_page(mona, document)
    assert "Agreement between 2 reviewers: ravi, rita" in page
    assert f'id="span-{mine.pk}" class="row-disagree"' in page
    assert "ravi: tagged it OPINION" in page
    assert "annotation-guide: did not tag it" not in page


def test_the_verdict_chart_runs_from_true_to_false_on_one_diverging_scale(
    mona, desk, document, reviewer, claim
):
    services.verdict_set(span=claim, actor=reviewer, rating="mixed")
    page = mona.get(f"/admin/annotations/project/{desk.pk}/dashboard/").content.decode()
    chart = page.split('id="chart-verdicts"')[1].split("</svg>")[0]
    bars = re.findall(r'<rect class="bar (v-[a-z-]+)"', chart)
    assert bars == [f"v-{r.replace('_', '-')}" for r in Rating.values]
    labels = re.findall(r'text-anchor="end">([^<]+)</text>', chart)
    assert labels == [Rating(r).label for r in Rating.values]
    assert labels[0] == "True" and labels[4] == "False"
    # The stylesheet gives each step a colour, darkest blue for true, darkest red for false.
    css = (Path(settings.BASE_DIR) / "static/annotations/moderation.css").read_text()
    fills = dict(re.findall(r"rect\.(v-[a-z-]+) \{ fill: (#[0-9a-f]{6});", css))
    assert set(fills) == set(bars)
    assert (fills["v-true"], fills["v-false"]) == ("#2166ac", "#b2182b")
