"""Per-project learned suggesters: what a run suggests, training from a desk's own decisions,
and when to retrain.

The rules serve until a project has a model for a label; from then on the model suggests that
label. Model files live under settings.SUGGESTER_MODEL_DIR.

scikit-learn (and scipy, numpy and joblib with it) is imported only inside the functions that
load or train a model: they run on the worker and in management commands. A web process
imports this module to note decisions and enqueue a retrain, and starts without them, most of
its start-up time and memory otherwise (tests/test_web_process_imports.py holds it to that).

When to retrain: a decision notes its (project, label) on the transaction; once it commits, one
check per noted label compares the desk's decisions with those the last model learned from. A
due label gets one retrain, RETRAIN_DELAY seconds later, marked pending in the broker's Redis
so that the decisions of the meantime do not schedule more; the retrain checks again before
training (another run may have trained on these decisions already).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Func, Max, Q, QuerySet, Subquery, Value

from annotations.errors import ValidationError
from annotations.models import Document, Label, Project, Span, SuggesterModel, Suggestion
from annotations.suggest import Candidate, suggest_claims, suggest_opinions, suggest_quotes
from annotations.suggest.calibration import IDENTITY, Calibration, platt
from annotations.suggest.people import canonical_speakers
from annotations.suggest.sentences import sentence_spans

if TYPE_CHECKING:
    from redis import Redis

    from annotations.suggest.learned import SentenceModel
    from annotations.suggest.learned_quotes import Example, QuoteModel

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
# A retrain starts this long after the decision that made it due: the decisions of that minute
# (a reviewer accepting one suggestion after another) are in it and schedule no other.
RETRAIN_DELAY = 60

_loaded: dict[str, SentenceModel | QuoteModel] = {}


def _model_path(row: SuggesterModel) -> Path:
    return Path(settings.SUGGESTER_MODEL_DIR) / row.path


def _load(row: SuggesterModel) -> SentenceModel | QuoteModel | None:
    """The model file for the row, cached per process. None (rules serve) if it is missing."""
    from annotations.suggest import learned, learned_quotes  # scikit-learn: see the docstring

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


# A desk's own calibration of a label's scores needs this many decided suggestions of it, with at
# least MIN_EACH_OUTCOME accepted and as many rejected; until then scores are the suggesters' own
# (a learned model's calibrated on held-out data when it was trained).
MIN_CALIBRATION_DECISIONS = 100
MIN_EACH_OUTCOME = 10
CALIBRATION_WINDOW = 2000  # the latest decisions: a desk's habits change


def desk_calibration(*, project_id: int, label: str) -> Calibration:
    """How the desk's decisions map a suggester's score of `label` to the share it accepts:
    Platt scaling fitted on its latest decided suggestions (their raw scores), or the identity
    before it has decided MIN_CALIBRATION_DECISIONS."""
    decided = (
        Suggestion.objects.filter(document__project_id=project_id, label=label)
        .exclude(status=Suggestion.Status.OPEN)
        .order_by("-decided_at", "-id")
        .values_list("score", "raw_score", "status")[:CALIBRATION_WINDOW]
    )
    rows = [(raw if raw is not None else score, status) for score, raw, status in decided]
    accepted = sum(1 for _, status in rows if status == Suggestion.Status.ACCEPTED)
    if len(rows) < MIN_CALIBRATION_DECISIONS or min(accepted, len(rows) - accepted) < (
        MIN_EACH_OUTCOME
    ):
        return IDENTITY
    return platt([s for s, _ in rows], [status == Suggestion.Status.ACCEPTED for _, status in rows])


def _calibrated(candidates: list[Candidate], project_id: int) -> list[Candidate]:
    fits = {
        label: desk_calibration(project_id=project_id, label=label)
        for label in {c.label for c in candidates}
    }
    out = []
    for c in candidates:
        fit = fits[c.label]
        if fit is IDENTITY:
            out.append(c)
            continue
        score = round(fit(c.score), 3)
        out.append(
            replace(
                c,
                score=score,
                raw_score=c.score,
                reason=f"{c.reason}; score {c.score:.2f} calibrated to this desk's "
                f"{fit.fitted_on} decisions",
            )
        )
    return out


def candidates_for(document: Document) -> list[Candidate]:
    """What a suggestion run proposes for this document, scored as the desk's decisions say."""
    text = document.text
    out: list[Candidate] = []
    active = {
        m.label: m
        for m in SuggesterModel.objects.filter(project_id=document.project_id, is_active=True)
    }
    for label in LEARNABLE:
        row = active.get(label)
        model = _load(row) if row is not None else None
        if row is None or model is None:
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
    # Whichever suggester found a quote, its speaker is one person across the article.
    return _calibrated(canonical_speakers(text, out), document.project_id)


# --- the desk's decisions: counted, and as training data ---------------------------------


# The models whose `decisions` say what the desk had taught when they were made: those trained on
# the desk's decisions, and one trained from labeled files once it is the active one.
LEARNED_FROM_DECISIONS = Q(source="project") | Q(is_active=True)


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(queryset.order_by().values(n=Func(Value(1), function="COUNT")))


def _decisions(project_id: int, label: str) -> tuple[int, int]:
    """How many times the desk said yes or no about `label` (its live spans and its decided
    suggestions), and how many of those the latest model trained on them had: one query."""
    spans = Span.objects.filter(
        document__project_id=project_id, label=label, deleted_at__isnull=True
    )
    decided = Suggestion.objects.filter(document__project_id=project_id, label=label).exclude(
        status=Suggestion.Status.OPEN
    )
    models = SuggesterModel.objects.filter(project_id=project_id, label=label).filter(
        LEARNED_FROM_DECISIONS
    )
    row = (
        Project.objects.filter(pk=project_id)
        .order_by()
        .values(
            spans=_count(spans),
            decided=_count(decided),
            learned=Subquery(models.order_by().values(m=Func("decisions", function="MAX"))),
        )
        .first()
    )
    if row is None:
        return 0, 0
    return row["spans"] + row["decided"], row["learned"] or 0


def decision_count(*, project_id: int, label: str) -> int:
    """How many times the desk said yes or no about `label`: its live spans and its decided
    suggestions. Retraining waits for enough new ones."""
    return _decisions(project_id, label)[0]


def retrain_due(*, project_id: int, label: str) -> bool:
    """Whether the desk made RETRAIN_AFTER_DECISIONS decisions about `label` since the model
    last trained on its decisions."""
    now, learned = _decisions(project_id, label)
    return now - learned >= settings.RETRAIN_AFTER_DECISIONS


def training_sentences(*, project: Project, label: str) -> tuple[list[str], list[bool], list[int]]:
    """One yes/no per sentence of the documents where the desk worked on `label`, and the
    document of each (validation holds out whole documents).

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
    documents: list[int] = []
    for document in Document.objects.filter(pk__in=worked_on).only("id", "text").iterator():
        ranges = positives.get(document.pk, [])
        for s, e in sentence_spans(document.text):
            sentences.append(document.text[s:e])
            labels.append(any(start < e and end > s for start, end in ranges))
            documents.append(document.pk)
    return sentences, labels, documents


# --- training ---------------------------------------------------------------------------------


def suggester_train(
    *,
    project: Project,
    label: str,
    sentences: Sequence[str] | None = None,
    labels: Sequence[bool] | None = None,
    groups: Sequence[int | str] | None = None,
    features: str | None = None,
    source: str = "project",
) -> SuggesterModel:
    """Train a new version of the project's `label` model, keep its held-out score beside it
    and make it the active one. Without sentences, they come from the desk's own decisions
    (QUOTE always does: it learns from whole articles the desk annotated). `groups` name the
    document (or debate) of each given sentence: validation holds out whole ones. `features`:
    settings.SUGGESTER_FEATURES when None."""
    row = _train(project, label, sentences, labels, source=source, groups=groups, features=features)
    assert row is not None
    return row


def suggester_retrain(*, project_id: int, label: str) -> SuggesterModel | None:
    """The retrain task's body: a new version of the `label` model if the desk's decisions
    still call for one. None when the project is gone or nothing new came in since the last
    model (another run trained on these decisions already): safe to run twice."""
    try:
        project = Project.objects.filter(pk=project_id).first()
        if project is None or not retrain_due(project_id=project_id, label=label):
            return None
        return _train(project, label, None, None, source="project", only_if_new=True)
    finally:
        # Decisions from now on may schedule the next retrain.
        _pending_clear(project_id, label)


def _train(
    project: Project,
    label: str,
    sentences: Sequence[str] | None,
    labels: Sequence[bool] | None,
    *,
    source: str,
    only_if_new: bool = False,
    groups: Sequence[int | str] | None = None,
    features: str | None = None,
) -> SuggesterModel | None:
    if label not in LEARNABLE:
        raise ValidationError(
            f"Unknown label {label!r}; choose one of {', '.join(LEARNABLE)}.", field="label"
        )
    decisions = decision_count(project_id=project.pk, label=label)
    model: SentenceModel | QuoteModel
    if label == Label.QUOTE:
        model, heldout, units, positives = _train_quotes(project)
    else:
        model, heldout, units, positives = _train_sentences(
            project, label, sentences, labels, groups, features
        )
    with transaction.atomic():
        # Serialise trainings of one project so versions do not collide.
        Project.objects.select_for_update().filter(pk=project.pk).values("pk").first()
        models = project.suggester_models.filter(label=label)
        if only_if_new and models.filter(LEARNED_FROM_DECISIONS, decisions__gte=decisions).exists():
            return None  # a run alongside this one trained on the same decisions and saved first
        version = (models.aggregate(v=Max("version"))["v"] or 0) + 1
        relative = f"project-{project.pk}/{label.lower()}-v{version}.joblib"
        path = Path(settings.SUGGESTER_MODEL_DIR) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        models.filter(is_active=True).update(is_active=False)
        return SuggesterModel.objects.create(
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


def _train_sentences(
    project: Project,
    label: str,
    sentences: Sequence[str] | None,
    labels: Sequence[bool] | None,
    groups: Sequence[int | str] | None = None,
    features: str | None = None,
) -> tuple[SentenceModel, dict, int, int]:
    from annotations.suggest import learned  # scikit-learn: see the docstring

    base = None
    if sentences is None:
        sentences, labels, groups = training_sentences(project=project, label=label)
        # A desk that started from a model trained on labeled files builds on it: measured
        # better on a desk's later items than starting again from its first decisions alone
        # (benchmarks/suggest_quality.py, "after 200 decisions").
        base = _file_model(project, label)
    assert labels is not None
    yes = sum(map(bool, labels))
    if len(sentences) < MIN_SENTENCES or min(yes, len(labels) - yes) < MIN_PER_CLASS:
        raise ValidationError(
            f"Not enough examples to learn {label}: {len(sentences)} sentences, {yes} yes; "
            f"needs {MIN_SENTENCES} with at least {MIN_PER_CLASS} of each.",
            field="label",
        )
    model, heldout = learned.train_with_heldout(
        sentences,
        labels,
        label=label,
        heldout=HELDOUT_SHARE,
        groups=groups,
        features=features or settings.SUGGESTER_FEATURES,
        base=base,
    )
    return model, heldout, len(sentences), yes


def _file_model(project: Project, label: str) -> SentenceModel | None:
    """The project's latest `label` model trained on labeled files, if it has one."""
    from annotations.suggest.learned import SentenceModel

    row = (
        project.suggester_models.filter(label=label)
        .exclude(source="project")
        .order_by("-version")
        .first()
    )
    model = _load(row) if row is not None else None
    return model if isinstance(model, SentenceModel) else None


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


def quote_training_examples(*, project: Project) -> list[Example]:
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
    examples: list[Example] = []
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


def _train_quotes(project: Project) -> tuple[QuoteModel, dict, int, int]:
    from annotations.suggest import learned_quotes  # scikit-learn: see the docstring

    examples = quote_training_examples(project=project)
    count = sum(len(q) for _, q, _ in examples)
    if len(examples) < MIN_QUOTE_DOCUMENTS or count < MIN_QUOTES:
        raise ValidationError(
            f"Not enough examples to learn QUOTE: {len(examples)} articles with {count} quotes; "
            f"needs {MIN_QUOTE_DOCUMENTS} articles with at least {MIN_QUOTES} quotes.",
            field="label",
        )
    model, heldout = learned_quotes.train_with_heldout(examples, heldout=HELDOUT_SHARE)
    return model, heldout, len(examples), count


# --- when to retrain ----------------------------------------------------------------------------


class _RetrainCheck:
    """The (project, label) pairs decided in one transaction, checked once it commits."""

    def __init__(self, project_id: int, label: str) -> None:
        self.noted = {(project_id, label)}

    def run(self) -> None:
        for project_id, label in sorted(self.noted):
            retrain_if_due(project_id=project_id, labels=[label])


def retrain_check_on_commit(*, project_id: int, label: str) -> None:
    """Note a decision about `label`. Whether a retrain is due is asked once per transaction
    and label, after the commit: not inside the decision's row locks, not once per suggestion
    when twenty are accepted together."""
    if label not in LEARNABLE:
        return
    # Django keeps (savepoint ids, callback, robust) for each callback of the transaction; one
    # registered inside a savepoint that rolls back is dropped with it, and so is this check.
    for _, callback, _ in transaction.get_connection().run_on_commit:
        if isinstance(getattr(callback, "__self__", None), _RetrainCheck):
            callback.__self__.noted.add((project_id, label))
            return
    # robust: a failed check is logged, it does not fail the request whose decision is saved.
    transaction.on_commit(_RetrainCheck(project_id, label).run, robust=True)


def retrain_if_due(*, project_id: int, labels: Iterable[str] = LEARNABLE) -> list[str]:
    """Schedule (after commit) a retrain of each of `labels` with enough new decisions since
    its last model and none already pending. Returns the labels it schedules."""
    due = [
        label
        for label in labels
        if not _pending(project_id, label) and retrain_due(project_id=project_id, label=label)
    ]
    for label in due:
        transaction.on_commit(partial(_schedule_retrain, project_id, label))
    return due


def _schedule_retrain(project_id: int, label: str) -> None:
    from annotations.tasks import retrain_suggester

    if not _pending_mark(project_id, label):
        return  # a decision committed alongside this one scheduled it
    try:
        retrain_suggester.enqueue(project_id, label, countdown=RETRAIN_DELAY)
    except Exception as exc:  # the decision is saved; the next decision asks again
        _pending_clear(project_id, label)
        log.warning("Could not enqueue retraining %s for project %s: %s", label, project_id, exc)


# The pending mark: a key in the broker's Redis, set (NX) when a retrain is scheduled and removed
# when it has run. It expires on its own in case the retrain is lost with its worker. Tasks that
# run in-process (no broker) retrain at once, before the next decision: they need no mark.
PENDING_FOR = RETRAIN_DELAY + settings.CELERY_TASK_TIME_LIMIT + 60
_redis_clients: dict[str, Redis] = {}


def _pending_key(project_id: int, label: str) -> str:
    return f"annotations:retrain-pending:{project_id}:{label}"


def _redis() -> Redis | None:
    conf = current_app.conf
    url = str(conf.broker_url or "")
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://")):
        return None
    client = _redis_clients.get(url)
    if client is None:
        from redis import Redis

        timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
        client = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        _redis_clients[url] = client
    return client


def _pending(project_id: int, label: str) -> bool:
    client = _redis()
    if client is None:
        return False
    try:
        return bool(client.exists(_pending_key(project_id, label)))
    except Exception as exc:
        # The broker is down, so an enqueue would fail too (after another timeout): the first
        # decision once it is back schedules the retrain.
        log.warning("Could not read the retrain mark, not scheduling now: %s", exc)
        return True


def _pending_mark(project_id: int, label: str) -> bool:
    """Mark the retrain pending; False if it already was."""
    client = _redis()
    if client is None:
        return True
    try:
        return bool(client.set(_pending_key(project_id, label), 1, nx=True, ex=PENDING_FOR))
    except Exception as exc:  # the task re-checks before training: a duplicate costs little
        log.warning("Could not mark the retrain pending: %s", exc)
        return True


def _pending_clear(project_id: int, label: str) -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.delete(_pending_key(project_id, label))
    except Exception as exc:  # it expires on its own
        log.warning("Could not clear the retrain mark: %s", exc)
