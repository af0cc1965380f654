"""A quote's speaker as a person: one name across the article, never a date or a fragment."""

from __future__ import annotations

from annotations.suggest import suggest_quotes
from annotations.suggest.people import canonical_speakers, is_name_like, names_in, speaker_name

KATZ = (
    "Spokeswoman Rita Katz said: “The group has lost its last commander in the valley.”\n\n"
    "Officials met on Easter Sunday to discuss the attack.\n\n"
    "“It is a propaganda move and nothing more,” Katz added.\n\n"
    "“They will try again,” she said."
)


def test_spokeswoman_rita_katz_and_a_later_katz_added_give_the_speaker_rita_katz():
    quotes = canonical_speakers(KATZ, suggest_quotes(KATZ))
    assert [c.speaker for c in quotes] == ["Rita Katz", "Rita Katz", "Rita Katz"]
    # the words that attribute each quote stay where they are in the text
    assert [KATZ[c.speaker_start : c.speaker_end] for c in quotes] == [
        "Spokeswoman Rita Katz",
        "Katz",
        "she",
    ]


def test_a_pronoun_is_never_resolved_to_a_date_or_a_possessive_fragment():
    text = (
        "Mr Modi’s Hindu nationalist party won again on Easter Sunday.\n\n“We are ready,” she said."
    )
    quotes = suggest_quotes(text)
    assert all(c.speaker not in ("Easter Sunday", "Modi’s Hindu") for c in quotes)


def test_an_occupation_before_a_name_goes_and_an_office_stays():
    assert speaker_name("Spokeswoman Rita Katz") == "Rita Katz"
    assert speaker_name("Strzok attorney Aitan Goelman") == "Aitan Goelman"
    assert speaker_name("Rita Katz, director of the SITE Intel Group") == "Rita Katz"
    assert speaker_name("Mayor Ana Ruiz") == "Mayor Ana Ruiz"
    assert speaker_name("U.S. Sen. Chuck Schumer (D-N.Y.)") == "Sen. Chuck Schumer"


def test_a_phrase_that_describes_a_speaker_stays_as_written():
    for phrase in ("a senior police official", "Indian authorities", "Police in Kashmir"):
        assert speaker_name(phrase) == phrase


def test_two_people_of_one_surname_leave_the_surname_alone():
    text = (
        "Donald Trump and Ivanka Trump spoke in Ohio.\n\n"
        "“We will win this state,” said Ms. Kerr.\n\n“It is close,” Trump said."
    )
    quotes = canonical_speakers(text, suggest_quotes(text))
    assert quotes[-1].speaker == "Trump"


def test_names_in_an_article_are_people_and_organisations_only():
    text = (
        "Spokeswoman Rita Katz of the SITE Intel Group said the attack on Easter Sunday was "
        "planned. Mr Modi’s Hindu nationalist party denied it. Katz said India-controlled "
        "Kashmir is calm. Prime Minister Narendra Modi visited Sri Lanka; in Sri Lanka he met "
        "Amit Shah."
    )
    names = names_in(text)
    assert "Rita Katz" in names and "Amit Shah" in names
    assert not {"Easter Sunday", "Modi’s Hindu", "Spokeswoman Rita Katz", "Sri Lanka"} & set(names)
    assert not any("India-controlled" in n for n in names)


def test_dates_events_and_possessives_are_not_name_like():
    assert not is_name_like("Easter Sunday")
    assert not is_name_like("Modi’s Hindu")
    assert not is_name_like("Friday’s")
    assert is_name_like("Rita Katz") and is_name_like("Islamic State")
