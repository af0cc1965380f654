"""Calibrated scores: a fit on held-out outcomes makes a score mean the share that is right."""

from __future__ import annotations

import random

from annotations.suggest.calibration import (
    Calibration,
    acceptance_threshold,
    isotonic,
    platt,
    reliability,
)


def _overconfident(n: int, seed: int) -> tuple[list[float], list[bool]]:
    """Scores of a suggester that is right far less often than it says (right with p = s**3)."""
    rng = random.Random(seed)
    scores = [rng.random() for _ in range(n)]
    return scores, [rng.random() < s**3 for s in scores]


def test_on_a_heldout_sample_the_reliability_bins_are_within_a_tenth_of_their_scores():
    fit_scores, fit_outcomes = _overconfident(4000, seed=1)
    held_scores, held_outcomes = _overconfident(4000, seed=2)
    before = reliability(held_scores, held_outcomes)
    assert before.ece > 0.15  # the raw scores say far more than they are worth
    for fit in (isotonic(fit_scores, fit_outcomes), platt(fit_scores, fit_outcomes)):
        after = reliability([fit(s) for s in held_scores], held_outcomes)
        assert after.ece < 0.05
        for b in after.bins:
            if b.count >= 50:
                assert abs(b.rate - b.mean_score) <= 0.1, (fit.kind, b)


def test_a_calibration_is_monotone_and_survives_a_round_trip_through_json():
    scores, outcomes = _overconfident(500, seed=3)
    fit = isotonic(scores, outcomes)
    values = [fit(i / 100) for i in range(101)]
    assert values == sorted(values)
    assert Calibration.from_dict(fit.to_dict())(0.7) == fit(0.7)
    assert Calibration.from_dict(None)(0.3) == 0.3


def test_platt_on_a_few_decisions_never_says_zero_or_one():
    fit = platt([0.9, 0.8, 0.85], [True, True, True])
    assert 0.5 < fit(0.9) < 0.95


def test_the_display_threshold_is_where_the_desk_starts_accepting_most():
    rng = random.Random(4)
    decisions = []
    for _ in range(400):
        s = rng.random()
        decisions.append((s, rng.random() < (0.9 if s >= 0.6 else 0.2)))
    threshold, n = acceptance_threshold(decisions)
    assert n == 400 and 0.5 <= threshold <= 0.6
    assert acceptance_threshold(decisions[:10]) == (0.5, 10)  # too few: the default


def test_a_learned_models_scores_on_heldout_sentences_are_within_a_tenth_of_their_share_right():
    from annotations.suggest import learned

    rng = random.Random(5)
    facts = [
        "The ministry said {n} people died in the floods in {y}.",
        "Exports rose by {n} percent in {y}, the statistics office reported.",
        "The court fined the company {n} million dollars in {y}.",
    ]
    talk = [
        "I want to thank {name} for being here tonight.",
        "We will see what the future brings for {name}.",
        "Let me say how much I admire {name} and the team.",
    ]
    names = ["Anna", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo"]

    def sample(n: int, offset: int):
        sentences, labels, groups = [], [], []
        for i in range(n):
            fact = rng.random() < 0.5
            template = rng.choice(facts if fact else talk)
            sentences.append(
                template.format(
                    n=rng.randint(2, 900), y=rng.randint(1950, 2030), name=rng.choice(names)
                )
            )
            # the gold is noisy: four in five facts are check-worthy, one in five of the rest
            labels.append(rng.random() < (0.8 if fact else 0.2))
            groups.append(offset + i // 20)  # documents of twenty sentences
        return sentences, labels, groups

    x, y, g = sample(600, 0)
    model = learned.train(x, y, label="CLAIM", groups=g, features="tfidf", c=1.0)
    hx, hy, _ = sample(600, 1000)
    table = reliability(model.predict_proba(hx), hy)
    for b in table.bins:
        if b.count >= 40:
            assert abs(b.rate - b.mean_score) <= 0.1, b
    assert table.ece < 0.08
