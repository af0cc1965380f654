"""The two seed articles: two outlets' reports of one event, the first test of everything."""

from __future__ import annotations

from annotations.suggest import suggest_spans
from annotations.suggest.quotes import suggest_quotes

# (words in the quotation, words the speaker must contain) for every attributed quotation
EXPECTED = {
    "000_0518e4dda0034b30.txt": [
        ("pure propaganda", "Police in India-administrated Kashmir"),
        ("militancy is over in Kashmir", "Indian authorities"),
        ("Sofi was one of the last-known flag-bearers", "a senior police official"),
        ("It has no relevance in Kashmir", "a senior police official"),
        ("The establishment of a ‘province’", "Rita Katz"),
        ("The world may roll its eyes", "Rita Katz"),
    ],
    "001_fdfc81645854e446.txt": [
        ("The establishment of a ‘province’", "Rita Katz"),
        ("The world may roll its eyes", "Rita Katz"),
    ],
}
SCARE_QUOTES = ("province", "Wilayah of Hind", "caliphate")


def test_every_attributed_quotation_in_the_seeds_is_suggested_with_its_speaker(seeds):
    for name, expected in EXPECTED.items():
        text = seeds[name]
        cands = suggest_quotes(text)
        for words, speaker in expected:
            hits = [c for c in cands if c.text.startswith(words)]
            assert len(hits) == 1, (name, words, [c.text[:30] for c in cands])
            assert hits[0].speaker is not None and speaker in hits[0].speaker, (
                name,
                words,
                hits[0].speaker,
            )


def test_no_scare_quote_in_the_seeds_is_suggested_as_a_quote(seeds):
    for name, text in seeds.items():
        for c in suggest_quotes(text):
            assert c.text.strip(".,") not in SCARE_QUOTES, (name, c.text)


def test_seed_quotes_exclude_the_marks_and_stay_inside_one_paragraph(seeds):
    for text in seeds.values():
        for c in suggest_quotes(text):
            assert c.text[0] not in '“”"' and c.text[-1] not in '“”"'
            assert "\n" not in c.text


def test_seed_suggestions_cover_all_three_labels(seeds):
    text = seeds["001_fdfc81645854e446.txt"]
    labels = {c.label for c in suggest_spans(text)}
    assert labels == {"CLAIM", "QUOTE", "OPINION"}
    claims = [c.text for c in suggest_spans(text) if c.label == "CLAIM"]
    assert any("at least 253 people" in t for t in claims)
    opinions = [c.text for c in suggest_spans(text) if c.label == "OPINION"]
    assert any("designed to bolster" in t for t in opinions)
