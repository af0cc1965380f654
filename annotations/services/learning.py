"""Per-project learned suggesters: what a run suggests, training from a desk's own decisions,
and when to retrain.

The rules serve until a project has a model for a label; from then on the model suggests that
label (QUOTE always comes from the rules). Model files live under settings.SUGGESTER_MODEL_DIR.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q

from annotations.errors import ValidationError
from annotations.models import Document, Label, Project, Span, SuggesterModel, Suggestion
from annotations.suggest import (
    Candidate,
    learned,
    learned_quotes,
    suggest_claims,
    suggest_opinions,
    suggest_quotes,
)
from annotations.suggest.sentences import sentence_spans

log = logging.getLogger(__name__)

LEARNABLE = (Label.CLAIM, Label.OPINION, Label.QUOTE)
RULES = {Label.CLAIM: suggest_claims, Label.OPINION: suggest_opinions, Label.QUOTE: suggest_quotes}
MIN_SENTENCES = 20
MIN_PER_CLASS = 5
# A QUOTE model learns from whole articles: the rules' quoted regions the desk kept or not.
MIN_QUOTE_DOCUMENTS = 5
MIN_QUOTES = 10
SPEAKER_REACH = 400  # how far from a quote its speaker's name is looked for
HELDOUT_SHARE = 0.2

_loaded: dict[str, learned.SentenceModel | learned_quotes.QuoteModel] = {}


def _model_path(row: SuggesterModel) -> Path:
    return Path(settings.SUGGESTER_MODEL_DIR) / row.path


def _load(row: SuggesterModel) -> learned.SentenceModel | learned_quotes.QuoteModel | None:
    """The model file for the row, cached per process. None (rules serve) if it is missing."""
    path = _model_path(row)
    model = _loaded.get(str(path))
    if model is None:
        try:
            model = (learned_quotes if row.label == Label.QUOTE else learned).load(path)
        except (OSError, ValueError) as exc:
            log.warning("Suggester model %s unusable, rules serve instead: %s", path, exc)
            return None
        _loaded[str(path)] = model
    return model


def candidates_for(document: Document) -> list[Candidate]:
    """What a suggestion run proposes for this document."""
    text = document.text
    out: list[Candidate] = []
    active = {
        m.label: m
        for m in SuggesterModel.objects.filter(project_id=document.project_id, is_active=True)
    }
    for label in LEARNABLE:
        row = active.get(label)
        model = _load(row) if row is not None else None
        if model is None:
            out.extend(RULES[label](text))
            continue
        for c in model.suggest(text):
            # The project's own model version names the suggestion, so a retrain is a new version.
            out.append(
                replace(
                    c,
                    reason=f"{c.reason}; model v{row.version} of this project",
                    version=row.suggester_version,
                )
            )
    out.sort(key=lambda c: (c.start, c.end, c.label))
    return out


# --- training data from the desk -------------------------------------------------------------


def decision_count(*, project_id: int, label: str) -> int:
    """How many times the desk said yes or no about `label`: its live spans and its decided
    suggestions. Retraining waits for enough new ones."""
    spans = Span.objects.filter(
        document__project_id=project_id, label=label, deleted_at__isnull=True
    ).count()
    decided = (
        Suggestion.objects.filter(document__project_id=project_id, label=label)
        .exclude(status=Suggestion.Status.OPEN)
        .count()
    )
    return spans + decided


def training_sentences(*, project: Project, label: str) -> tuple[list[str], list[bool]]:
    """One yes/no per sentence of the documents where the desk worked on `label`.

    Yes: a live span of the label (not rejected by a moderator) overlaps the sentence.
    No: every other sentence of those documents; a rejected suggestion is an explicit no.
    Documents nobody labelled for `label` are left out: silence there is not a no."""
    spans = Span.objects.filter(
        document__project=project, label=label, deleted_at__isnull=True
    ).exclude(review_status="rejected")
    rejected = Suggestion.objects.filter(
        document__project=project, label=label, status=Suggestion.Status.REJECTED
    )
    positives: dict[int, list[tuple[int, int]]] = {}
    for doc_id, start, end in spans.values_list("document_id", "start", "end"):
        positives.setdefault(doc_id, []).append((start, end))
    worked_on = set(positives) | set(rejected.values_list("document_id", flat=True))
    sentences: list[str] = []
    labels: list[bool] = []
    for document in Document.objects.filter(pk__in=worked_on).only("id", "text").iterator():
        ranges = positives.get(document.pk, [])
        for s, e in sentence_spans(document.text):
            sentences.append(document.text[s:e])
            labels.append(any(start < e and end > s for start, end in ranges))
    return sentences, labels


# --- training ---------------------------------------------------------------------------------


def _split(n: int, labels: Sequence[bool]) -> tuple[list[int], list[int]]:
    """A stratified held-out split, the same for the same data."""
    rng = random.Random(n)  # noqa: S311 - a reproducible split, not a secret
    train, held = [], []
    for value in (True, False):
        idx = [i for i in range(n) if labels[i] == value]
        rng.shuffle(idx)
        cut = max(1, round(len(idx) * HELDOUT_SHARE))
        held += idx[:cut]
        train += idx[cut:]
    return sorted(train), sorted(held)


def suggester_train(
    *,
    project: Project,
    label: str,
    sentences: Sequence[str] | None = None,
    labels: Sequence[bool] | None = None,
    source: str = "project",
) -> SuggesterModel:
    """Train a new version of the project's `label` model, keep its held-out score beside it
    and make it the active one. Without sentences, they come from the desk's own decisions
    (QUOTE always does: it learns from whole articles the desk annotated)."""
    if label not in LEARNABLE:
        raise ValidationError(
            f"Unknown label {label!r}; choose one of {', '.join(LEARNABLE)}.", field="label"
        )
    decisions = decision_count(project_id=project.pk, label=label)
    if label == Label.QUOTE:
        model, heldout, units, positives = _train_quotes(project)
    else:
        model, heldout, units, positives = _train_sentences(project, label, sentences, labels)
    with transaction.atomic():
        # Serialise trainings of one project so versions do not collide.
        Project.objects.select_for_update().filter(pk=project.pk).values("pk").first()
        latest = project.suggester_models.filter(label=label).aggregate(v=Max("version"))["v"]
        version = (latest or 0) + 1
        relative = f"project-{project.pk}/{label.lower()}-v{version}.joblib"
        path = Path(settings.SUGGESTER_MODEL_DIR) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        project.suggester_models.filter(label=label, is_active=True).update(is_active=False)
        row = SuggesterModel.objects.create(
            project=project,
            label=label,
            version=version,
            path=relative,
            source=source[:500],
            sentences=units,
            positives=positives,
            decisions=decisions,
            heldout=heldout,
            threshold=model.threshold,
        )
    return row


def _train_sentences(project, label, sentences, labels):
    if sentences is None:
        sentences, labels = training_sentences(project=project, label=label)
    assert labels is not None
    yes = sum(map(bool, labels))
    if len(sentences) < MIN_SENTENCES or min(yes, len(labels) - yes) < MIN_PER_CLASS:
        raise ValidationError(
            f"Not enough examples to learn {label}: {len(sentences)} sentences, {yes} yes; "
            f"needs {MIN_SENTENCES} with at least {MIN_PER_CLASS} of each.",
            field="label",
        )
    train_idx, held_idx = _split(len(sentences), labels)
    model = learned.train(
        [sentences[i] for i in train_idx], [labels[i] for i in train_idx], label=label
    )
    score = model.evaluate([sentences[i] for i in held_idx], [labels[i] for i in held_idx])
    heldout = {
        "sentences": len(held_idx),
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "macro_f1": round(score.macro_f1, 4),
    }
    return model, heldout, len(sentences), yes


# --- QUOTE: whole articles, quotes and their speakers ------------------------------------------


def _speaker_range(text: str, speaker: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the article names the quote's speaker: the mention nearest the quote."""
    if not speaker:
        return None
    best, found = None, text.find(speaker)
    while found >= 0:
        distance = start - (found + len(speaker)) if found < start else found - end
        if 0 <= distance <= SPEAKER_REACH and (best is None or distance < best[0]):
            best = (distance, found)
        found = text.find(speaker, found + 1)
    return None if best is None else (best[1], best[1] + len(speaker))


def quote_training_examples(*, project: Project) -> list[learned_quotes.Example]:
    """(text, quote ranges, speaker ranges) for each article where the desk worked on quotes:
    its live QUOTE spans (not rejected by a moderator) are the quotes; every other quoted
    region in it is a no, as are rejected QUOTE suggestions."""
    spans = (
        Span.objects.filter(document__project=project, label=Label.QUOTE, deleted_at__isnull=True)
        .exclude(review_status="rejected")
        .values_list("document_id", "start", "end", "speaker")
    )
    quotes: dict[int, list[tuple[int, int, str]]] = {}
    for doc_id, start, end, speaker in spans:
        quotes.setdefault(doc_id, []).append((start, end, speaker))
    rejected = Suggestion.objects.filter(
        document__project=project, label=Label.QUOTE, status=Suggestion.Status.REJECTED
    ).values_list("document_id", flat=True)
    worked_on = set(quotes) | set(rejected)
    examples = []
    for document in Document.objects.filter(pk__in=worked_on).only("id", "text").order_by("pk"):
        found = sorted(quotes.get(document.pk, []))
        examples.append(
            (
                document.text,
                [(s, e) for s, e, _ in found],
                [_speaker_range(document.text, sp, s, e) for s, e, sp in found],
            )
        )
    return examples


def _train_quotes(project: Project):
    examples = quote_training_examples(project=project)
    count = sum(len(q) for _, q, _ in examples)
    if len(examples) < MIN_QUOTE_DOCUMENTS or count < MIN_QUOTES:
        raise ValidationError(
            f"Not enough examples to learn QUOTE: {len(examples)} articles with {count} quotes; "
            f"needs {MIN_QUOTE_DOCUMENTS} articles with at least {MIN_QUOTES} quotes.",
            field="label",
        )
    order = list(range(len(examples)))
    random.Random(len(examples)).shuffle(order)  # noqa: S311 - a reproducible split
    cut = max(1, round(len(examples) * HELDOUT_SHARE))
    held = [examples[i] for i in order[:cut]]
    model = learned_quotes.train([examples[i] for i in order[cut:]])
    return model, _quote_heldout(model, held), len(examples), count


def _quote_heldout(model, examples) -> dict:
    """Quote precision, recall and F1 by overlap, and speaker accuracy on found quotes."""
    suggested = found_by = gold_n = found = judged = right = 0
    for text, quotes, speakers in examples:
        candidates = model.suggest(text)
        suggested += len(candidates)
        found_by += sum(any(c.start < e and c.end > s for s, e in quotes) for c in candidates)
        for (s, e), speaker in zip(quotes, speakers, strict=True):
            gold_n += 1
            hit = next((c for c in candidates if c.start < e and c.end > s), None)
            if hit is None:
                continue
            found += 1
            if speaker is not None:
                judged += 1
                right += bool(
                    hit.speaker_start is not None
                    and hit.speaker_start < speaker[1]
                    and hit.speaker_end > speaker[0]
                )
    precision = found_by / suggested if suggested else 0.0
    recall = found / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(examples),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "speaker_accuracy": round(right / judged, 4) if judged else None,
    }


def retrain_if_due(*, project_id: int) -> list[str]:
    """Enqueue a retrain (after commit) for each label with enough new decisions since the
    last model. Returns the labels it enqueued."""
    due = []
    for label in LEARNABLE:
        last = (
            SuggesterModel.objects.filter(project_id=project_id, label=label)
            .filter(Q(source="project") | Q(is_active=True))
            .aggregate(d=Max("decisions"))["d"]
            or 0
        )
        if (
            decision_count(project_id=project_id, label=label) - last
            >= settings.RETRAIN_AFTER_DECISIONS
        ):
            due.append(label)
    for label in due:
        transaction.on_commit(lambda label=label: _enqueue_retrain(project_id, label))
    return due


def _enqueue_retrain(project_id: int, label: str) -> None:
    from annotations.tasks import retrain_suggester

    try:
        retrain_suggester.enqueue(project_id, label)
    except Exception as exc:  # the decision is saved; the next decision asks again
        log.warning("Could not enqueue retraining %s for project %s: %s", label, project_id, exc)
