"""What decides which suggestions a desk sees and what their scores mean: the project's display
threshold (set by moderators, else where the desk starts accepting most), the desk's own
calibration of scores once it has decided enough, and the reliability curve on the dashboard."""

from __future__ import annotations

import json
import random

import pytest

from annotations import reports, selectors, services
from annotations.errors import NotAllowed, ValidationError
from annotations.models import AuditEvent, Suggestion
from annotations.services import learning
from tests.factories import make_document

pytestmark = pytest.mark.django_db


def _decided(document, reviewer, decisions: list[tuple[float, bool]], label: str = "CLAIM"):
    """Decided suggestions as a desk leaves them: a score and accepted or rejected."""
    rows = []
    for i, (score, accepted) in enumerate(decisions):
        rows.append(
            Suggestion(
                document=document,
                label=label,
                start=i,
                end=i + 1,
                text=document.text[i : i + 1],
                score=score,
                reason="test",
                suggester="claim-rules",
                suggester_version="1.0",
                status="accepted" if accepted else "rejected",
                decided_by=reviewer,
            )
        )
    Suggestion.objects.bulk_create(rows)


def _desk_that_accepts_above(threshold: float, n: int, seed: int = 0) -> list[tuple[float, bool]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = rng.random()
        out.append((round(s, 3), rng.random() < (0.85 if s >= threshold else 0.15)))
    return out


@pytest.fixture
def long_document(desk, reviewer):
    return make_document(desk, actor=reviewer, text="x" * 600)


def test_display_threshold_is_the_default_until_the_desk_has_decided_enough(desk):
    assert selectors.suggestion_display_threshold(desk) == {
        "value": 0.5,
        "source": "default",
        "decisions": 0,
    }


def test_display_threshold_follows_where_the_desk_starts_accepting_most(
    desk, reviewer, long_document
):
    _decided(long_document, reviewer, _desk_that_accepts_above(0.7, 300))
    found = selectors.suggestion_display_threshold(desk)
    assert found["source"] == "decisions" and found["decisions"] == 300
    assert 0.6 <= found["value"] <= 0.75


def test_a_moderator_sets_the_display_threshold_and_it_is_recorded(desk, moderator, reviewer):
    services.project_suggestion_threshold_set(project=desk, threshold=0.8, actor=moderator)
    assert selectors.suggestion_display_threshold(desk)["value"] == 0.8
    assert AuditEvent.objects.filter(action="suggestion-threshold", object_id=desk.pk).exists()
    with pytest.raises(NotAllowed):
        services.project_suggestion_threshold_set(project=desk, threshold=0.3, actor=reviewer)
    with pytest.raises(ValidationError):
        services.project_suggestion_threshold_set(project=desk, threshold=1.5, actor=moderator)
    services.project_suggestion_threshold_set(project=desk, threshold=None, actor=moderator)
    assert selectors.suggestion_display_threshold(desk)["source"] == "default"


def test_the_workspace_page_carries_the_threshold_and_the_articles_people(client, desk, reviewer):
    text = (
        "Spokeswoman Rita Katz said the attack on Easter Sunday was planned. "
        "Mr Modi’s Hindu nationalist party denied it."
    )
    document = make_document(desk, actor=reviewer, text=text)
    client.force_login(reviewer)
    html = client.get(f"/documents/{document.pk}/").content.decode()
    start = html.index('<script id="workspace-data" type="application/json">')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert data["suggestion_threshold"]["value"] == 0.5
    assert "Rita Katz" in data["people"]
    assert not {"Easter Sunday", "Modi’s Hindu", "Spokeswoman Rita Katz"} & set(data["people"])


def test_a_desks_own_calibration_starts_after_enough_decisions_and_keeps_the_raw_score(
    desk, reviewer, long_document
):
    assert learning.desk_calibration(project_id=desk.pk, label="CLAIM").kind == "identity"
    # This desk accepts only a third of what the rules score 0.9.
    rng = random.Random(1)
    _decided(long_document, reviewer, [(0.9, rng.random() < 0.33) for _ in range(150)])
    fit = learning.desk_calibration(project_id=desk.pk, label="CLAIM")
    assert fit.kind == "platt" and 0.2 < fit(0.9) < 0.45

    article = make_document(
        desk, actor=reviewer, text="Officials said 99 people died in the floods in 2031."
    )
    services.suggestion_run_execute(run_id=article.suggestion_runs.get().pk)
    claim = article.suggestions.get(label="CLAIM")
    assert claim.raw_score is not None and claim.raw_score > claim.score
    assert claim.score == pytest.approx(fit(claim.raw_score), abs=0.001)
    assert "calibrated to this desk's 150 decisions" in claim.reason


def test_dashboard_shows_the_reliability_of_scores_and_takes_the_threshold(
    client, desk, moderator, reviewer, long_document
):
    from tests.test_moderation_admin import staff

    _decided(long_document, reviewer, _desk_that_accepts_above(0.6, 200))
    table = reports.suggestion_reliability(desk)
    assert table["decisions"] == 200 and 0 <= table["ece"] <= 1
    assert sum(b["count"] for b in table["bins"]) == 200
    client.force_login(staff(moderator))
    url = f"/admin/annotations/project/{desk.pk}/dashboard/"
    page = client.get(url).content.decode()
    assert "<title>Suggestion scores against the share the desk accepted</title>" in page
    assert "Expected calibration error" in page
    answer = client.post(url, {"suggestion_threshold": "0.75"})
    assert answer.status_code == 302
    desk.refresh_from_db()
    assert desk.suggestion_threshold == 0.75
