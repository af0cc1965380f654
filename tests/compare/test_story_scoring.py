"""The story scorer on hand-made articles: three outlets' reports of one ferry disaster against
two reports of other events. Pure: no database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from annotations.compare import stories
from tests import story_texts as t


def _sign(text: str, outlet: str, days: int | None = 0) -> stories.Signature:
    when = None if days is None else t.FERRY_DAY + timedelta(days=days)
    return stories.signature(text, title=text.split("\n")[0], outlet=outlet, published_on=when)


@pytest.fixture
def signed() -> dict[str, stories.Signature]:
    return {
        "courier": _sign(t.FERRY_COURIER, "Courier"),
        "herald": _sign(t.FERRY_HERALD, "Herald"),
        "gazette": _sign(t.FERRY_GAZETTE, "Gazette", 1),
        "budget": _sign(t.BUDGET_COURIER, "Courier", 3),
        "election": _sign(t.ELECTION_HERALD, "Herald", 1),
    }


@pytest.fixture
def rarity(signed) -> stories.Rarity:
    return stories.Rarity.of(signed.values())


def test_a_signature_holds_the_names_places_and_figures_of_the_article():
    sig = _sign(t.FERRY_COURIER, "Courier")
    assert {"goma", "bukavu", "kivu", "mbeki", "kasongo"} <= set(sig.names)
    assert sig.names["mbeki"] == "Joseph Mbeki"  # the name without its rank
    assert {"goma", "kivu"} <= sig.places
    assert sig.numbers == {"48": "at least 48", "212": "212 passengers", "131": "131 survivors"}
    # Sentence-initial common words, weekdays and small counts are not what an event is.
    assert not {"at", "the", "saturday", "rescue", "three"} & set(sig.names)


def test_a_signature_survives_its_json():
    sig = _sign(t.FERRY_HERALD, "Herald")
    assert stories.Signature.from_json(sig.to_json()) == sig


def test_reports_of_the_same_event_score_above_the_threshold_and_others_far_below(signed, rarity):
    same = [("courier", "herald"), ("courier", "gazette"), ("herald", "gazette")]
    for a, b in same:
        assert stories.score(signed[a], signed[b], rarity).score >= stories.THRESHOLD + 0.2
    for a in ("courier", "herald", "gazette"):
        for b in ("budget", "election"):
            assert stories.score(signed[a], signed[b], rarity).score < stories.THRESHOLD / 2


def test_the_reason_names_what_two_reports_share_and_how_far_apart_they_are(signed, rarity):
    reason = stories.score(signed["courier"], signed["gazette"], rarity).reason
    assert reason.startswith("similar text (")
    assert "names: MV Amani, Bukavu, Joseph Mbeki, Amani Kasongo" in reason
    assert "places: Goma, Lake Kivu" in reason
    assert "numbers: 131 survivors, 212 passengers, at least 48" in reason
    assert reason.endswith("1 day apart")


def test_publication_dates_far_apart_count_against_a_pair(rarity):
    near = stories.score(_sign(t.FERRY_COURIER, "A"), _sign(t.FERRY_HERALD, "B", 1), rarity)
    far = stories.score(_sign(t.FERRY_COURIER, "A"), _sign(t.FERRY_HERALD, "B", 60), rarity)
    unknown = stories.score(_sign(t.FERRY_COURIER, "A"), _sign(t.FERRY_HERALD, "B", None), rarity)
    assert far.score < unknown.score < near.score
    assert "60 days apart" in far.reason and "apart" not in unknown.reason


def test_a_name_every_article_of_the_project_has_weighs_little():
    a = stories.signature("Aides said Kasongo spoke about roads in Goma.", title="Roads")
    b = stories.signature("Aides said Kasongo spoke about schools in Bukavu.", title="Schools")
    common = stories.Rarity(df={"n:kasongo": 100}, n=100)
    rare = stories.Rarity(df={"n:kasongo": 2}, n=100)
    assert stories.score(a, b, common).parts["names"] < stories.score(a, b, rare).parts["names"]


def _candidate(name: str, story: str | None, signed) -> stories.Candidate:
    return stories.Candidate(name, story, signed[name])


def test_propose_pairs_with_the_best_article_in_no_story(signed, rarity):
    candidates = [_candidate(n, None, signed) for n in ("herald", "budget", "election")]
    proposal = stories.propose(signed["courier"], candidates, rarity)
    assert (proposal.action, proposal.document) == ("pair", "herald")
    assert proposal.score >= stories.THRESHOLD and "Joseph Mbeki" in proposal.reason


def test_propose_joins_the_story_its_articles_are_in(signed, rarity):
    candidates = [
        _candidate("courier", "ferry", signed),
        _candidate("herald", "ferry", signed),
        _candidate("budget", "council", signed),
    ]
    proposal = stories.propose(signed["gazette"], candidates, rarity)
    assert (proposal.action, proposal.story) == ("join", "ferry")
    assert "best of 2 articles" in proposal.reason


def test_propose_leaves_an_article_about_another_event_alone(signed, rarity):
    candidates = [_candidate(n, "ferry", signed) for n in ("courier", "herald", "gazette")]
    assert stories.propose(signed["election"], candidates, rarity).action == "alone"
    assert stories.propose(signed["election"], [], rarity).action == "alone"


def test_a_long_story_is_joined_only_by_an_article_like_most_of_it(signed, rarity):
    """One similar member does not pull an article into a story of unrelated ones (the chain
    that would make a season of coverage one story)."""
    candidates = [
        _candidate("courier", "mixed", signed),
        _candidate("budget", "mixed", signed),
        _candidate("election", "mixed", signed),
    ]
    pair = stories.score(signed["herald"], signed["courier"], rarity).score
    proposal = stories.propose(signed["herald"], candidates, rarity, threshold=pair - 0.01)
    assert proposal.action == "alone"


def test_the_shortlist_ranks_articles_by_the_rare_keys_they_share(signed, rarity):
    keys = stories.lookup_keys(signed["courier"], rarity)
    assert "n:mbeki" in keys and "#:212" in keys
    postings = [(k, name) for name, sig in signed.items() if name != "courier" for k in keys
                if k in sig.index_keys()]  # fmt: skip
    chosen = stories.shortlist(postings, rarity)
    assert set(chosen) == {"herald", "gazette"}
