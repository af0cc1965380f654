"""Held-out validation that holds out what unseen data differs in.

A random split of sentences puts sentences of one debate or one article on both sides: the model
meets the same speakers, topics and wording again and looks better than it will on a new
article. The folds here keep each unit whole:

- check-worthiness (ClaimBuster): ``debate_groups`` finds the debates from the ``Sentence_id``
  sequence (ids run through each debate in order; the moderators' lines left out of the set leave
  a gap of 20 ids or more between one debate's closing statements and the next one's opening),
  and ``latest_debates`` the last of them (the 2016 debates), the period a desk meets next;
- subjectivity: the ids are random UUIDs and the rows are shuffled, so articles cannot be read
  from them; ``topic_groups`` clusters the sentences by their content words (sentences of one
  article share names and topic words), a stand-in for the article;
- PolNeAR: ``outlet_of`` reads the outlet from the file name (``nyt_2016-03-01_...``).

Inside the product the unit is the document (``training_sentences`` gives each sentence its
document), so the same folds serve a desk's own decisions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEBATE_GAP = 20


def debate_groups(ids: Sequence[str | int], *, gap: int = DEBATE_GAP) -> list[int]:
    """A debate number for each sentence id (0 = the debate with the lowest ids); ids that are
    not numbers make each sentence its own group."""
    try:
        numbers = np.array([int(i) for i in ids])
    except ValueError:
        return list(range(len(ids)))
    order = np.argsort(numbers, kind="stable")
    jumps = np.diff(numbers[order]) >= gap
    debate_sorted = np.concatenate([[0], np.cumsum(jumps)])
    out = np.empty(len(numbers), dtype=int)
    out[order] = debate_sorted
    return out.tolist()


def latest_debates(groups: Sequence[int], share: float = 0.12) -> set[int]:
    """The highest-numbered debates holding about ``share`` of the sentences: the latest period
    (ClaimBuster numbers its sentences in the order of its debate files, 2016 last)."""
    counts = np.bincount(np.asarray(groups))
    chosen: set[int] = set()
    total = 0
    for g in range(len(counts) - 1, -1, -1):
        if total >= share * counts.sum():
            break
        chosen.add(g)
        total += counts[g]
    return chosen


def topic_groups(texts: Sequence[str], *, per_group: int = 10, seed: int = 0) -> list[int]:
    """Clusters of about ``per_group`` sentences sharing content words, as stand-ins for the
    articles they came from: k-means over the sentences' TF-IDF of words (English stop words
    left out) reduced to 100 latent dimensions (k-means on the raw sparse vectors puts most
    sentences in one cluster)."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    x = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(texts)
    dims = max(2, min(100, x.shape[1] - 1, len(texts) - 1))
    z = normalize(TruncatedSVD(dims, random_state=seed).fit_transform(x))
    k = max(2, len(texts) // per_group)
    labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(z)
    return [int(v) for v in labels]


def outlet_of(name: str) -> str:
    """The outlet of a PolNeAR article from its file name (``huff-post_2016-01-02_...``)."""
    return name.split("_", 1)[0]


def group_folds(
    y: Sequence[bool] | np.ndarray, groups: Sequence, folds: int, *, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/validation index pairs that keep each group whole, with the share of yes alike in
    each fold where the groups allow it."""
    from sklearn.model_selection import StratifiedGroupKFold

    units = np.asarray(groups)
    n = min(folds, len(np.unique(units)))
    if n < 2:
        raise ValueError("grouped validation needs at least two groups")
    answers = np.asarray(y, dtype=int)
    splitter = StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(answers)), answers, groups=units))
