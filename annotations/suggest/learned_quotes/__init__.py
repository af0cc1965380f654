"""Learned QUOTE stage on top of the rules (scikit-learn, no Django).

Two small classifiers, both trained from labeled quotations:

1. a filter: the rules propose every quoted region, including those they drop themselves (one
   word, titles, unattributed scare quotes, fragments of reported speech ...); a logistic
   regression over cheap features (length, how and whether the rules found a speaker, the words
   around the marks, the speech verb, position in the paragraph, punctuation and capitals inside,
   the rules' own decision) keeps the ones that are quotations;
2. a speaker ranker: for each kept quotation, the rules' speaker and the other names, pronouns and
   noun phrases near it (the sentence, the one before and the one after) are scored by a second
   logistic regression (side, distance, "X said" / "said X" / "according to X", capitals,
   pronoun, head word ...) and the best one is the speaker. A pronoun is resolved to the last
   named person before it, as the rules do.

The trainer takes what a project's reviewers produce: (text, quote spans, speaker spans) triples,
a speaker span being ``(start, end)``, several such ranges, or None. ``polnear_examples`` turns
PolNeAR articles into that form (the direct quotes only, as the benchmark counts them).

    model = train(examples)
    model, heldout = train_with_heldout(examples)  # and its score on articles it never saw
    model.save("quote.joblib")
    model = load("quote.joblib")
    model.suggest(article_text)  # -> list[Candidate]
"""

from .features import Example, Span
from .model import FORMAT, NAME, VERSION, QuoteModel, load
from .training import polnear_examples, prepare_all, train, train_prepared, train_with_heldout

__all__ = [
    "FORMAT",
    "NAME",
    "VERSION",
    "Example",
    "QuoteModel",
    "Span",
    "load",
    "polnear_examples",
    "prepare_all",
    "train",
    "train_prepared",
    "train_with_heldout",
]
