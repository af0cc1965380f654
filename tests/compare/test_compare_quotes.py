"""The quote matcher on hand-made pairs: what makes two quotations one, and what differs."""

from __future__ import annotations

from annotations.compare import QuoteMatch, compare_documents
from annotations.suggest.people import People


def quotes(a: str, b: str) -> list[QuoteMatch]:
    return compare_documents([("a", a), ("b", b)], kinds=["quote"])  # type: ignore[return-value]


def test_a_quote_split_by_he_said_matches_the_whole_quote():
    a = (
        '"We will not raise taxes on working families," he said. '
        '"Not this year, and not next year either."\n'
    )
    b = (
        "The governor was firm. “We will not raise taxes on working families. Not this year, "
        "and not next year either,” Governor Jane Doe told reporters.\n"
    )
    [m] = quotes(a, b)
    assert m.wording == "identical"
    assert m.differences == []
    # The split side runs from the first quoted part to the last and names both parts.
    assert m.a.text.startswith("We will not raise") and m.a.text.endswith("next year either.")
    assert len(m.a.segments) == 2
    assert "he said" not in " ".join(
        m.a.text[s - m.a.start : e - m.a.start] for s, e in m.a.segments
    )


def test_typography_case_and_spacing_alone_leave_the_wording_identical():
    a = "She said: “It’s a propaganda-driven outfit — taking pride in its failed project.”\n"
    b = 'She said: "it\'s a propaganda–driven  outfit -- taking pride in its FAILED project."\n'
    [m] = quotes(a, b)
    assert m.wording == "identical"
    assert m.differences == []


def test_changed_words_are_listed_as_pairs_with_their_offsets():
    a = "Katz said: “To jihadists in these regions, these are gestures for the Isil ‘caliphate’.”\n"
    b = "“To militants in these regions, these are gestures for the IS ‘caliphate’,” said Katz.\n"
    [m] = quotes(a, b)
    assert m.wording == "differs"
    assert [(d.a, d.b) for d in m.differences] == [("jihadists", "militants"), ("Isil", "IS")]
    for d in m.differences:
        assert a[d.a_start : d.a_end] == d.a and b[d.b_start : d.b_end] == d.b
    assert m.substantive


def test_form_differences_are_not_substantive():
    a = "“The F.B.I. will finish the review into the matter,” he said.\n"
    b = "“The FBI will finish the review in to the matter,” he said.\n"
    [m] = quotes(a, b)
    assert m.wording == "differs"
    assert {d.kind for d in m.differences} == {"form"}
    assert not m.substantive


def test_quotes_sharing_only_a_few_common_words_do_not_match():
    a = "“We are going to win this fight for the people of Ohio,” Ryan said.\n"
    b = "“We are going to look at every option on the table,” the mayor said.\n"
    assert quotes(a, b) == []


def test_one_person_named_four_ways_is_one_speaker():
    people = People(["Spokeswoman Rita Katz", "Katz", "Ms. Katz"])
    for name in ("Spokeswoman Rita Katz", "Rita Katz", "Katz", "Ms. Katz"):
        assert people.canonical(name) == "Rita Katz"
    assert people.same("Spokeswoman Rita Katz", "Katz") is True
    assert people.same("she", "Katz") is None  # an unresolved pronoun is nobody in particular


def test_a_plugged_in_similarity_lets_paraphrases_without_shared_words_meet():
    a = "The congressman quit his seat abruptly on Friday afternoon.\n"
    b = "Lawmaker resigns position, ending tenure before weekend.\n"

    def lexical_only(xs, ys):
        return [[0.0 for _ in ys] for _ in xs]

    def embedding(xs, ys):
        return [[0.9 for _ in ys] for _ in xs]

    docs = [("a", a), ("b", b)]
    assert compare_documents(docs, kinds=["claim"], similarity=lexical_only) == []
    [m] = compare_documents(docs, kinds=["claim"], similarity=embedding)
    assert m.a.text.startswith("The congressman") and m.b.text.startswith("Lawmaker")
