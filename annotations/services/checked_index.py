"""The index a worker matches an article's claims against: the project's desk claims that have
a verdict (pending or approved: a rejected one is not the desk's word) and its fact-checks, as
one annotations.claimmatch.ClaimIndex. Workers only: it loads numpy, scipy and scikit-learn,
and the sentence encoder when the ``ml`` extra is installed.

How it is built and kept fresh (the speed target is a new article matched against 100,000
checked claims in well under two seconds of worker time, and building that index takes ~7 s):

- Each worker process keeps the index of the projects it last matched for (MAX_PROJECTS, least
  recently used out), so a job pays only for its queries.
- Every job first asks the database for a fingerprint of the checked set (counts and sums of
  ids and versions, latest changes: one row, computed where the rows are). The same as its
  index's: used as it is. Else it reads the (id, version) of each desk claim with a verdict and
  the (id, updated_at) of each fact-check (a few hundred milliseconds at 100,000) and compares
  them with what its index holds. A few
  changed (at most REBUILD_SHARE of the index, and at least REBUILD_MIN): the new or reworded
  ones are appended (ClaimIndex.extend, weighted by the statistics the index was built with)
  and the gone or reworded ones retired. More than that, or a process's first job: built again
  from the database.
- Sentence embeddings are stored in the database once computed (DeskClaimVector per wording
  version, FactCheck.vector), so no worker computes one twice and a rebuild only reads them.
  A job computes the few that are missing itself (at most INLINE_EMBED: a verdict set since,
  a reworded claim); more than that (a big import of fact-checks) and it matches by words
  alone while embed_checked_claims computes them, and rebuilds with meaning once they are in.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import F

from annotations import embeddings
from annotations.claimmatch import Claim, ClaimIndex
from annotations.claimmatch.text import clean
from annotations.models import (
    DeskClaim,
    DeskClaimVector,
    FactCheck,
    ReviewStatus,
)

log = logging.getLogger(__name__)

MAX_PROJECTS = 4
REBUILD_SHARE = 0.1
REBUILD_MIN = 2000
INLINE_EMBED = 200
EMBED_CHUNK = 256
DESK, FACT = "d", "f"

Key = tuple[str, int]  # ("d", desk claim id) or ("f", fact-check id)


def model_name() -> str:
    """The embedding model in use, or "" when the extra is not installed (words alone)."""
    return embeddings.MODEL_NAME if embeddings.available() else ""


@dataclass
class ProjectIndex:
    project_id: int
    model: str  # "" when it ranks by words alone
    index: ClaimIndex
    rows: dict[Key, int]  # live claims' positions in the index
    stamps: dict[Key, Any]  # what each live claim was when indexed (a version, a time)
    built_size: int
    fingerprint: tuple = ()
    changes: int = 0  # claims appended or retired since it was built
    awaiting_vectors: bool = False  # built by words because too many vectors were missing
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache: OrderedDict[int, ProjectIndex] = OrderedDict()
_cache_lock = threading.Lock()


def forget(project_id: int | None = None) -> None:
    """Drop a project's index (all of them with None): the next job builds it again."""
    with _cache_lock:
        if project_id is None:
            _cache.clear()
        else:
            _cache.pop(project_id, None)


# --- what the checked set is now ----------------------------------------------------------------

_LIVE_VERDICT = [ReviewStatus.PENDING, ReviewStatus.APPROVED]


def current_stamps(project_id: int) -> dict[Key, Any]:
    """Every checked claim of the project and what it is now: its wording's version, or the
    fact-check's last change."""
    stamps: dict[Key, Any] = {
        (DESK, pk): version
        for pk, version in DeskClaim.objects.filter(
            project_id=project_id, verdict__review_status__in=_LIVE_VERDICT
        ).values_list("pk", "version")
    }
    for pk, updated in FactCheck.objects.filter(project_id=project_id).values_list(
        "pk", "updated_at"
    ):
        stamps[(FACT, pk)] = updated
    return stamps


_FINGERPRINT = """
SELECT
    (SELECT row(count(*), sum(d.id), sum(d.version), max(d.updated_at))::text
     FROM annotations_deskclaim d JOIN annotations_verdict v ON v.desk_claim_id = d.id
     WHERE d.project_id = %(project)s AND v.review_status = ANY(%(live)s)),
    (SELECT row(count(*), sum(f.id), max(f.updated_at))::text
     FROM annotations_factcheck f WHERE f.project_id = %(project)s)
"""


def fingerprint(project_id: int) -> tuple:
    """What changes whenever the checked set or a claim in it does (one row from the database;
    empty on SQLite, where the stamps are always read)."""
    if connection.vendor != "postgresql":
        return ()
    with connection.cursor() as cursor:
        cursor.execute(
            _FINGERPRINT, {"project": project_id, "live": [s.value for s in _LIVE_VERDICT]}
        )
        return tuple(cursor.fetchone())


def _texts(keys: Iterable[Key]) -> dict[Key, str]:
    desk = [pk for kind, pk in keys if kind == DESK]
    fact = [pk for kind, pk in keys if kind == FACT]
    out: dict[Key, str] = {}
    for start in range(0, len(desk), 10_000):
        chunk = desk[start : start + 10_000]
        for pk, wording in DeskClaim.objects.filter(pk__in=chunk).values_list("pk", "wording"):
            out[(DESK, pk)] = wording
    for start in range(0, len(fact), 10_000):
        chunk = fact[start : start + 10_000]
        rows = FactCheck.objects.filter(pk__in=chunk).values_list("pk", "claim_reviewed")
        for pk, claim in rows:
            out[(FACT, pk)] = claim
    return out


# --- vectors: read, computed when missing, stored ---------------------------------------------


def _as_vector(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<f4")


def stored_vectors(keys: Sequence[Key], stamps: dict[Key, Any], model: str) -> dict[Key, Any]:
    """The stored vectors of these claims that were made by ``model`` from their current
    wording."""
    out: dict[Key, np.ndarray] = {}
    desk = [pk for kind, pk in keys if kind == DESK]
    fact = [pk for kind, pk in keys if kind == FACT]
    for start in range(0, len(desk), 10_000):
        desk_rows = DeskClaimVector.objects.filter(
            desk_claim_id__in=desk[start : start + 10_000], model=model
        ).values_list("desk_claim_id", "version", "vector")
        for pk, version, raw in desk_rows:
            if stamps.get((DESK, pk)) == version:
                out[(DESK, pk)] = _as_vector(raw)
    for start in range(0, len(fact), 10_000):
        fact_rows = FactCheck.objects.filter(
            pk__in=fact[start : start + 10_000], vector_model=model, vector__isnull=False
        ).values_list("pk", "vector")
        for pk, blob in fact_rows:
            if blob is not None:
                out[(FACT, pk)] = _as_vector(blob)
    return out


def compute_vectors(
    texts: dict[Key, str], stamps: dict[Key, Any], model: str
) -> dict[Key, np.ndarray]:
    """Encode the claims and store their vectors (each chunk in its own commit, so a job killed
    mid-way keeps what it computed)."""
    out: dict[Key, np.ndarray] = {}
    keys = list(texts)
    encoder = embeddings.get_encoder()
    for start in range(0, len(keys), EMBED_CHUNK):
        chunk = keys[start : start + EMBED_CHUNK]
        vectors = encoder.encode([texts[k] for k in chunk])
        desk_rows, fact_rows = [], []
        for key, vector in zip(chunk, vectors, strict=True):
            out[key] = vector
            blob = vector.astype("<f4").tobytes()
            if key[0] == DESK:
                desk_rows.append(
                    DeskClaimVector(
                        desk_claim_id=key[1], version=stamps[key], model=model, vector=blob
                    )
                )
            else:
                fact_rows.append(FactCheck(pk=key[1], vector=blob, vector_model=model))
        with transaction.atomic():
            DeskClaimVector.objects.bulk_create(
                desk_rows,
                update_conflicts=True,
                unique_fields=["desk_claim"],
                update_fields=["version", "model", "vector"],
            )
            if fact_rows:
                FactCheck.objects.bulk_update(fact_rows, ["vector", "vector_model"])
    return out


def missing_vector_count(project_id: int, model: str) -> int:
    """Checked claims of the project whose vector is not stored for their current wording."""
    desk = (
        DeskClaim.objects.filter(project_id=project_id, verdict__review_status__in=_LIVE_VERDICT)
        .exclude(match_vector__model=model, match_vector__version=F("version"))
        .count()
    )
    fact = (
        FactCheck.objects.filter(project_id=project_id)
        .exclude(vector_model=model, vector__isnull=False)
        .count()
    )
    return desk + fact


def embed_missing(project_id: int, *, limit: int | None = None) -> int:
    """Compute and store the vectors the project's checked claims lack (the task's body).
    Returns how many were computed."""
    model = model_name()
    if not model:
        return 0
    stamps = current_stamps(project_id)
    have = stored_vectors(list(stamps), stamps, model)
    missing = [k for k in stamps if k not in have][:limit]
    if not missing:
        return 0
    compute_vectors(_texts(missing), stamps, model)
    return len(missing)


# --- the index --------------------------------------------------------------------------------


def _claims(keys: Sequence[Key], texts: dict[Key, str]) -> list[Claim]:
    return [Claim(id=f"{kind}:{pk}", text=texts[(kind, pk)]) for kind, pk in keys]


def _vectors_for(
    keys: Sequence[Key], texts: dict[Key, str], stamps: dict[Key, Any], model: str
) -> np.ndarray | None:
    """The keys' vectors in order, computing the missing ones if few; None if too many are
    missing (the caller matches by words and asks for them to be computed)."""
    have = stored_vectors(keys, stamps, model)
    missing = {k: texts[k] for k in keys if k not in have}
    if len(missing) > INLINE_EMBED:
        return None
    if missing:
        have.update(compute_vectors(missing, stamps, model))
    if not keys:
        return np.zeros((0, embeddings.DIMENSION), dtype=np.float32)
    return np.vstack([have[k] for k in keys]).astype(np.float32)


def build(
    project_id: int, stamps: dict[Key, Any] | None = None, fingerprint_now: tuple = ()
) -> ProjectIndex:
    """The project's index from the database."""
    stamps = current_stamps(project_id) if stamps is None else stamps
    keys = sorted(stamps)
    texts = _texts(keys)
    keys = [k for k in keys if k in texts]  # gone between the two reads
    model = model_name()
    vectors = _vectors_for(keys, texts, stamps, model) if model else None
    awaiting = bool(model) and vectors is None
    if awaiting:
        _ask_for_vectors(project_id)
    index = ClaimIndex(_claims(keys, texts), vectors=vectors, fold_duplicates=False)
    return ProjectIndex(
        project_id=project_id,
        model=model if vectors is not None else "",
        index=index,
        rows={k: i for i, k in enumerate(keys)},
        stamps={k: stamps[k] for k in keys},
        built_size=len(keys),
        fingerprint=fingerprint_now,
        awaiting_vectors=awaiting,
    )


def _ask_for_vectors(project_id: int) -> None:
    from annotations.tasks import embed_checked_claims

    try:
        embed_checked_claims.enqueue(project_id)
    except Exception as exc:  # the broker is down: the next job asks again
        log.warning("Could not enqueue the embeddings of project %s: %s", project_id, exc)


def _refresh(cached: ProjectIndex, stamps: dict[Key, Any]) -> bool:
    """Bring the cached index up to date in place; False when a rebuild is due instead."""
    changed = [k for k, stamp in stamps.items() if cached.stamps.get(k, stamp) != stamp]
    added = [k for k in stamps if k not in cached.stamps] + changed
    gone = [k for k in cached.stamps if k not in stamps] + changed
    if not added and not gone:
        return True
    budget = max(REBUILD_MIN, int(REBUILD_SHARE * cached.built_size))
    if cached.changes + len(added) + len(gone) > budget or not cached.built_size:
        return False
    texts = _texts(added)
    added = [k for k in added if k in texts]
    vectors = None
    if cached.model:
        vectors = _vectors_for(added, texts, stamps, cached.model)
        if vectors is None:
            return False
    cached.index.retire([cached.rows.pop(k) for k in gone if k in cached.rows])
    for k in gone:
        cached.stamps.pop(k, None)
    first = len(cached.index)
    cached.index.extend(_claims(added, texts), vectors=vectors)
    for offset, k in enumerate(added):
        cached.rows[k] = first + offset
        cached.stamps[k] = stamps[k]
    cached.changes += len(added) + len(gone)
    return True


def project_index(project_id: int) -> ProjectIndex:
    """The project's index as the checked set is now (see the module's docstring)."""
    with _cache_lock:
        cached = _cache.get(project_id)
        if cached is not None:
            _cache.move_to_end(project_id)
    now = fingerprint(project_id)
    if cached is not None:
        with cached.lock:
            fresh = cached.model == model_name() and not (
                cached.awaiting_vectors
                and missing_vector_count(project_id, model_name()) <= INLINE_EMBED
            )
            if fresh and now and now == cached.fingerprint:
                return cached
            stamps = current_stamps(project_id)
            if fresh and _refresh(cached, stamps):
                cached.fingerprint = now
                return cached
    else:
        stamps = current_stamps(project_id)
    built = build(project_id, stamps, now)
    with _cache_lock:
        _cache[project_id] = built
        _cache.move_to_end(project_id)
        while len(_cache) > MAX_PROJECTS:
            _cache.popitem(last=False)
    return built


# --- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    key: Key
    score: float
    reason: str
    method: str


def match(
    project_id: int,
    texts: Sequence[str],
    *,
    exclude: Sequence[Iterable[Key]],
    limit: int,
    thresholds: dict[str, float],
) -> list[list[Found]]:
    """For each text, the checked claims it may repeat, best first: at most ``limit`` scoring at
    least the method's threshold, none of ``exclude`` (the text's own desk claims)."""
    if not texts:
        return []
    built = project_index(project_id)
    if built.index.live == 0:
        return [[] for _ in texts]
    method = "fused" if built.index.semantic else "lexical"
    threshold = thresholds[method]
    query_vectors = None
    if built.index.semantic:
        query_vectors = embeddings.get_encoder().encode([clean(t) for t in texts])
    out = []
    with built.lock:
        for i, text in enumerate(texts):
            own = set(exclude[i])
            found = []
            for m in built.index.match(
                text,
                limit=limit + len(own),
                method=method,
                query_vector=None if query_vectors is None else query_vectors[i],
                min_score=threshold,
            ):
                kind, pk = m.claim.id.split(":")
                key = (kind, int(pk))
                if key not in own:
                    found.append(Found(key, m.score, m.reason, method))
            out.append(found[:limit])
    return out


def describe(project_id: int) -> dict[str, Any]:
    """What a worker's index of the project holds (for logs and the benchmark)."""
    cached = _cache.get(project_id)
    if cached is None:
        return {}
    return {
        "claims": cached.index.live,
        "model": cached.model or "words",
        "changes": cached.changes,
        "awaiting_vectors": cached.awaiting_vectors,
    }


__all__ = [
    "Found",
    "ProjectIndex",
    "build",
    "current_stamps",
    "describe",
    "embed_missing",
    "forget",
    "match",
    "project_index",
]
