from __future__ import annotations

from annotations.suggest.datasets import (
    Article,
    load_checkworthiness,
    load_subjectivity,
    parse_brat,
)
from annotations.suggest.scoring import gold_direct_quotes, paired_quote_mask, score_sentences


def test_checkworthiness_tsv_reads_csv_quoted_fields(tmp_path):
    p = tmp_path / "cw.tsv"
    p.write_text(
        'Sentence_id\tText\tclass_label\n26\t"You know, I saw a movie - ""Crocodile Dundee."""\tNo\n80\tWe use 50 percent.\tYes\n',
        encoding="utf-8",
    )
    rows = load_checkworthiness(p)
    assert [(r.id, r.text, r.label) for r in rows] == [
        ("26", 'You know, I saw a movie - "Crocodile Dundee."', False),
        ("80", "We use 50 percent.", True),
    ]


def test_subjectivity_tsv_keeps_quotation_marks_as_text(tmp_path):
    p = tmp_path / "subj.tsv"
    p.write_text(
        'sentence_id\tsentence\tlabel\tsolved_conflict\nab\t"Quoted" start and "end"\tSUBJ\tFalse\ncd\tPlain.\tOBJ\tTrue\n',
        encoding="utf-8",
    )
    rows = load_subjectivity(p)
    assert [(r.text, r.label) for r in rows] == [
        ('"Quoted" start and "end"', True),
        ("Plain.", False),
    ]


def test_brat_attributions_with_discontinuous_content():
    ann = "T1\tSource 0 3\tBob\nT2\tCue 4 8\tsaid\nT3\tContent 10 20;25 30\tx\nT4\tAttribution 4 8\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    (att,) = parse_brat(ann)
    assert att.content == [(10, 20), (25, 30)] and att.source == [(0, 3)] and att.cue == [(4, 8)]


def test_gold_quotes_are_contents_at_least_half_inside_paired_marks():
    text = "Bob said “we will win this race” today. Bob said we will win.\n''Two apostrophes,'' Al said."
    direct = (text.index("we will win this"), text.index("” today"))
    indirect = (text.index("we will win."), text.index("we will win.") + 11)
    nyt = (text.index("Two"), text.index(",''"))
    from annotations.suggest.datasets import Attribution

    art = Article("x", text, [Attribution([direct]), Attribution([indirect]), Attribution([nyt])])
    gold = gold_direct_quotes(art)
    assert [g.content[0] for g in gold] == [direct, nyt]
    assert len(paired_quote_mask(text)) == len(text)


def test_sentence_scores_count_the_positive_class_and_macro_f1():
    s = score_sentences([True, True, False, False], [True, False, True, False])
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5 and s.macro_f1 == 0.5
