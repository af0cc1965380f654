"""Each named quote rule alone: a short text in, the words that name the speaker out."""

from __future__ import annotations

from annotations.suggest.quotes import after, attribution, before, carry, filters
from annotations.suggest.quotes.analysis import RuleQuote
from annotations.suggest.quotes.attribution import QuoteSite
from annotations.suggest.quotes.marks import quoted_regions
from annotations.suggest.quotes.speakers import Attribution, Names, Speaker, speaker_for
from annotations.suggest.sentences import sentence_spans


def named(text: str, found: Attribution | None) -> str | None:
    return None if found is None else text[found.start : found.end]


def words_after(text: str, i: int = 0) -> after.After:
    return after.After(text, quoted_regions(text)[i].close_at)


def words_before(text: str, i: int = -1, last: Speaker | None = None) -> before.Before:
    regions = quoted_regions(text)
    r = regions[i]
    earlier = tuple((q.open_at, q.close_at) for q in regions if q.close_at < r.open_at)
    return before.Before(text, 0, r.open_at, last, earlier)


def verb(w: before.Before, word: str) -> before.Verb:
    return next(v for v in w.walk.verbs if v.cue.group() == word)


def site(text: str, i: int = -1, last: Speaker | None = None) -> QuoteSite:
    regions = quoted_regions(text)
    i = i % len(regions)
    return QuoteSite(text, sentence_spans(text), regions[i], regions[max(0, i - 4) : i], last)


# --- the words after the quotation ----------------------------------------------------------------


def test_speech_verb_after_names_the_speaker_who_follows_the_verb():
    text = "“We will rebuild the bridge by June,” said Mayor Ana Ruiz on Monday."
    assert named(text, after.speech_verb_after(words_after(text))) == "Mayor Ana Ruiz"


def test_speech_verb_after_names_the_subject_before_the_verb():
    text = "“The budget is balanced,” the finance minister said."
    assert named(text, after.speech_verb_after(words_after(text))) == "the finance minister"


def test_speech_verb_after_finds_a_late_attribution_at_the_end_of_the_sentence():
    text = "“We are not finished” was the message of the night, Senator Lee said on Monday."
    found = after.speech_verb_after(words_after(text))
    assert named(text, found) == "Senator Lee"


def test_speech_verb_after_credits_the_outlet_the_words_are_reported_by():
    text = "“We need more money,” Welch said, according to Vermont Edition."
    found = after.speech_verb_after(words_after(text))
    assert named(text, found) == "Vermont Edition"
    assert "Welch said" in found.how


def test_speech_verb_after_ignores_a_new_sentence_that_reports_more():
    text = "“We will see.” He added that the vote would wait."
    assert after.speech_verb_after(words_after(text)) is None


def test_speech_verb_after_ignores_a_verb_that_introduces_the_next_quotation():
    text = "“It was a long campaign.” He adds, “In a campaign you learn.”"
    assert after.speech_verb_after(words_after(text)) is None


def test_according_to_after_names_the_source():
    text = "“The outfit has no relevance any more,” according to a senior police official."
    assert named(text, after.according_to_after(words_after(text))) == "a senior police official"


def test_according_to_after_gives_way_to_a_speech_verb_after_the_quotation():
    text = "“The outfit has no relevance,” according to Smith who said it twice."
    w = words_after(text)
    assert w.clause is not None
    assert after.according_to_after(w) is None


# --- the words before the quotation ---------------------------------------------------------------


def test_said_first_names_the_speaker_after_a_leading_verb():
    text = "Said Dorothy Poynter, who grew up with Ali, “He was always kind to us.”"
    assert named(text, before.said_first(words_before(text))) == "Dorothy Poynter"


def test_according_to_names_the_source_before_the_quotation():
    text = "According to a senior police official: “The outfit has no relevance any more.”"
    assert named(text, before.according_to(words_before(text))) == "a senior police official"


def test_subject_of_a_speech_verb_names_who_said_it():
    text = "Rita Katz said: “The group has lost its hold.”"
    assert named(text, before.subject_of_a_speech_verb(words_before(text))) == "Rita Katz"


def test_subject_of_the_participle_is_the_subject_of_the_sentence():
    text = "Trump went fully on the attack, saying “She is a disaster.”"
    assert named(text, before.subject_of_the_participle(words_before(text))) == "Trump"


def test_speaker_of_the_quote_before_continues_through_a_participle():
    text = "“We are ready,” said Skelly, explaining the plan: “Nothing is left to chance.”"
    skelly = text.index("Skelly")
    last = Speaker(skelly, skelly + len("Skelly"), "Skelly", "attributed by 'said Skelly'")
    found = before.speaker_of_the_quote_before(words_before(text, last=last))
    assert named(text, found) == "Skelly"
    assert found.name == "Skelly"


def test_colon_intro_names_the_subject_not_the_object_before_the_colon():
    text = "Sanders delivered a snappy retort: “Nobody believes that.”"
    assert named(text, before.colon_intro(words_before(text))) == "Sanders"


def test_colon_intro_reads_the_whole_line_when_an_abbreviation_broke_the_sentence():
    text = "Senator Chuck Schumer of N.Y.: “We have more questions than answers.”"
    w = before.Before(text, text.index(".:"), text.index("“"))
    assert named(text, before.colon_intro(w)) == "Senator Chuck Schumer of N.Y."


# --- where the subject of a speech verb before the quotation is -----------------------------------


def test_with_subject_names_the_subject_of_a_participle_after_with():
    text = "The meeting ended, with Trump reportedly yelling: “Get out of here.”"
    w = words_before(text)
    assert named(text, before.with_subject(w, verb(w, "yelling"))) == "Trump"


def test_appositive_with_party_names_the_politician_in_brackets():
    text = "After winning Ohio, Gov. John Kasich (R-OH), said “We will keep going.”"
    w = words_before(text)
    found = before.appositive_with_party(w, verb(w, "said"))
    assert named(text, found) == "Gov. John Kasich"


def test_name_before_appositive_names_the_person_not_the_job():
    text = "Brian Fallon, a spokesman for the Clinton campaign, said: “We are confident.”"
    w = words_before(text)
    assert named(text, before.name_before_appositive(w, verb(w, "said"))) == "Brian Fallon"


def test_phrase_before_appositive_names_the_phrase_when_no_name_leads():
    text = "The campaign's spokesman, a former aide, said: “We are confident.”"
    w = words_before(text)
    found = before.phrase_before_appositive(w, verb(w, "said"))
    assert named(text, found) == "The campaign's spokesman"


def test_relative_pronoun_stands_for_the_phrase_before_it():
    text = "The Associated Press report, which notes, “The fire began at night.”"
    w = words_before(text)
    found = before.relative_pronoun(w, verb(w, "notes"))
    assert named(text, found) == "which"
    assert found.name == "The Associated Press report"


def test_subject_of_the_clause_names_the_words_before_the_verb():
    text = "In Paris, the French president told reporters: “We stand together.”"
    w = words_before(text)
    found = before.subject_of_the_clause(w, verb(w, "told"))
    assert named(text, found) == "the French president"


def test_name_after_the_verb_names_the_speaker_between_two_quotations():
    text = "“It is irresponsible,” said Steve Bell, “and it is dangerous.”"
    w = words_before(text)
    assert named(text, before.name_after_the_verb(w, verb(w, "said"))) == "Steve Bell"


# --- the quotation's own attribution and the words around it --------------------------------------


def test_transcript_line_names_the_speaker_before_the_colon():
    text = '"PENCE: We will win this election in November."'
    found = attribution.transcript_line(site(text))
    assert named(text, found) == "PENCE"
    assert found.name == "Pence"


def test_named_after_reads_only_a_closed_quotation():
    assert named(
        "“Yes we can,” she said.", attribution.named_after(site("“Yes we can,” she said."))
    )
    assert attribution.named_after(site("She said: “Yes we can")) is None


def test_named_before_reads_the_quotation_sentence():
    text = "The mayor said on Monday: “We will rebuild the bridge.”"
    assert named(text, attribution.named_before(site(text))) == "The mayor"


def test_introduced_by_the_paragraph_before_reads_a_colon_at_its_end():
    text = "Cruz continued:\n\n“We will not back down from this fight.”"
    found = attribution.introduced_by_the_paragraph_before(site(text))
    assert named(text, found) == "Cruz"


def test_named_in_the_sentence_before_notes_where_it_stands():
    text = "Iowa State University's Dianne Bystrom agreed. “Mainstream Republicans are uneasy.”"
    found = attribution.named_in_the_sentence_before(site(text))
    assert named(text, found) == "Iowa State University's Dianne Bystrom"
    assert found.where == "the sentence before"


def test_signed_below_names_the_signature_under_the_quotation():
    text = "“The people have spoken and we will listen.”\n- Bernie Sanders"
    found = attribution.signed_below(site(text))
    assert named(text, found) == "Bernie Sanders"


# --- one resolve step for whatever rule matched ----------------------------------------------------


def test_a_pronoun_is_resolved_to_the_last_named_person():
    text = "Jane Doe presented the budget. “It is careful,” she said."
    she = text.index("she")
    speaker = speaker_for(Attribution(she, she + 3, "said"), text, Names(text), None)
    assert speaker.name == "Jane Doe"
    assert (speaker.mention_start, speaker.mention_end) == (she, she + 3)


def test_a_name_a_rule_already_knows_is_kept_and_where_it_stands_is_noted():
    text = "PENCE: We will win."
    found = Attribution(0, 5, "transcript line of 'PENCE'", name="Pence", where="the line")
    speaker = speaker_for(found, text, Names(text), None)
    assert (speaker.name, speaker.how) == ("Pence", "transcript line of 'PENCE' (the line)")


# --- speakers carried between quotations -----------------------------------------------------------


def test_carried_over_gives_a_following_quotation_the_last_speaker():
    text = "“We are ready,” Smith said.\n“And we will not stop until the work is done.”"
    smith = Speaker(text.index("Smith"), text.index("Smith") + 5, "Smith", "said")
    memory = carry.Memory(smith, 0)
    assert carry.carried_over(site(text), memory) is smith


def test_speaker_of_the_next_quote_is_given_to_a_quotation_without_one():
    text = "“We are going to win.” Then: “And we will win big,” Trump said."
    first, second = quoted_regions(text)
    trump = text.index("Trump")
    q = RuleQuote(first, *first.inner, None, "quotation marks; no speaker found", 0.65)
    nxt = RuleQuote(
        second,
        *second.inner,
        Speaker(trump, trump + 5, "Trump", "attributed by 'Trump said'"),
        "quotation marks; attributed by 'Trump said'",
        0.95,
    )
    found = carry.speaker_of_the_next_quote(text, q, nxt)
    assert found.speaker.name == "Trump"
    assert found.reason.endswith("speaker of the next quotation in the paragraph (Trump)")


def test_speaker_of_the_paragraph_run_into_is_given_to_the_paragraphs_before():
    text = "“We started early.\n\n“And we finished late,” Lee said."
    first, second = quoted_regions(text)
    lee = text.index("Lee")
    q = RuleQuote(first, *first.inner, None, "quotation marks; no speaker found", 0.55)
    nxt = RuleQuote(second, *second.inner, Speaker(lee, lee + 3, "Lee", "said"), "said", 0.9)
    found = carry.speaker_of_the_paragraph_run_into(text, q, nxt)
    assert found.speaker.name == "Lee"
    assert found.reason.endswith("speaker from the paragraph it runs into (Lee)")


# --- regions that are not quotations --------------------------------------------------------------


def test_one_word_is_dropped_unless_a_reply():
    assert filters.one_word(site("He called it “nonsense” twice."), None)
    text = "“No,” replied Jeff Zucker."
    s = site(text)
    speaker = speaker_for(attribution.named_after(s), text, Names(text), None)
    assert not filters.one_word(s, speaker)


def test_title_drops_words_in_title_case():
    assert filters.title(site("She watched “Fox News Sunday” at home."), None)


def test_headline_drops_a_few_words_in_single_marks_in_a_short_paragraph():
    assert filters.headline(site("Clinton blasts Trump over 'deportation force' idea"), None)


def test_nameish_drops_words_after_called():
    assert filters.nameish(site("The group called “Wilayah Kashmir” met."), None)


def test_ungoverned_drops_scare_quotes_but_not_words_a_verb_governs():
    assert filters.ungoverned(site("The “experts” were wrong again."), None)
    assert not filters.ungoverned(site("He dismissed the claims as “pure propaganda” today."), None)
