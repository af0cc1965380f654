"""Worker time of what follows a new article: its story proposed and its claims matched
against what the desk already checked, in a project of 10,000 documents and 100,000 desk
claims.

    python benchmarks/already_checked_speed.py [--data ../shared/data] [--desk-claims 100000]
        [--documents 10000] [--checked 1.0] [--new 7] [--database fc_checked_bench]
        [--encode-all]

Builds the project in a scratch PostgreSQL database (dropped and created again) with
benchmarks/desk_claims_speed.py's builder (documents, every sentence a CLAIM that is a mention
of its own desk claim, written with COPY), signs every document for the story job, and gives
--checked of the desk claims an approved verdict (all of them by default: the most the
matching job can face). Each of those has its sentence embedding stored, as a worker leaves it:
the real ones of the collection's verified claims (cached by claim_match_quality.py) and random
unit vectors for the recombined wordings by default, since a cosine product takes the same time
whatever the values (claim_match_quality.py measures what the real ones find), or all real with
--encode-all (an hour of CPU at 100,000).

Then imports --new articles of about 5,000 characters, one at a time: sentences of the
collection's verified claims, some reworded (so that there is something to find), among others.
For each it runs the suggestion run (which makes the CLAIM suggestions; timed apart, it is the
job every import already had), then times the two jobs the issue counts: the story proposal
(services.story_propose) and the claim matching (services.claim_checks_match: its spans and
CLAIM suggestions against every checked desk claim). The first article's matching builds the
worker's index (timed apart: a worker process pays it once); a verdict set between articles is
taken into the index by appending. Prints the medians of wall and CPU time.

The proposals shown on tagging a CLAIM (under 200 ms) are timed by desk_claims_speed.py.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, fresh_database  # noqa: E402
from desk_claims_speed import _collection, build, reworded, wordings_for  # noqa: E402

TARGET_CHARS = 5000


def give_verdicts(project_id: int, user_id: int, share: float) -> int:
    """An approved verdict on `share` of the project's desk claims, in one statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO annotations_verdict (desk_claim_id, rating, rationale, evidence_links,
                author_id, review_status, reviewed_by_id, reviewed_at, review_reason, version,
                created_at, updated_at)
            SELECT id, 'false', '', '[]', %s, 'approved', %s, now(), '', 1, now(), now()
            FROM annotations_deskclaim WHERE project_id = %s AND random() < %s
            """,
            [user_id, user_id, project_id, share],
        )
        return cursor.rowcount


def store_vectors(project_id: int, *, encode: bool, known: dict[str, object]) -> float:
    """Every checked desk claim's vector in DeskClaimVector, as the workers leave them: the
    real one for a wording in `known` (the collection's claims, encoded once and cached by
    claim_match_quality.py), else encoded (--encode-all) or a random unit vector."""
    import numpy as np
    from django.db import connection

    from annotations import embeddings

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.version, d.wording FROM annotations_deskclaim d "
            "JOIN annotations_verdict v ON v.desk_claim_id = d.id WHERE d.project_id = %s",
            [project_id],
        )
        rows = cursor.fetchall()
        rng = np.random.default_rng(0)
        with cursor.cursor.copy(
            "COPY annotations_deskclaimvector (desk_claim_id, version, model, vector) FROM STDIN"
        ) as copy:
            for start in range(0, len(rows), 4096):
                chunk = rows[start : start + 4096]
                if encode:
                    vectors = embeddings.encode([wording for _, _, wording in chunk])
                else:
                    vectors = rng.standard_normal((len(chunk), embeddings.DIMENSION))
                    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(
                        np.float32
                    )
                    for row, (_, _, wording) in enumerate(chunk):
                        if wording in known:
                            vectors[row] = known[wording]
                for (pk, version, _), vector in zip(chunk, vectors, strict=True):
                    copy.write_row((pk, version, embeddings.MODEL_NAME, vector.tobytes()))
        cursor.execute("ANALYZE annotations_deskclaimvector; ANALYZE annotations_verdict")
    return time.perf_counter() - started


def article(base: list[str], rng: random.Random) -> str:
    """About 5,000 characters: sentences of verified claims, a third of them reworded."""
    sentences, size = [], 0
    while size < TARGET_CHARS:
        sentence = rng.choice(base)
        if rng.random() < 0.33:
            sentence = reworded(sentence, rng)
        sentence = " ".join(sentence.split()).rstrip(".") + "."
        sentences.append(sentence)
        size += len(sentence) + 1
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)[:TARGET_CHARS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--desk-claims", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--checked", type=float, default=1.0, help="share with a verdict")
    parser.add_argument("--new", type=int, default=7, help="new articles timed")
    parser.add_argument("--database", default="fc_checked_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--encode-all", action="store_true", help="real vectors (slow)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    base, _ = _collection(Path(args.data))
    wordings = wordings_for(base, args.desk_claims, rng)
    url = fresh_database(host=args.db_host, name=args.database)
    os.environ.update(django_env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotations import embeddings, services
    from annotations.models import Document, Label, Project
    from annotations.services import checked_index, checking

    # Each job is timed on its own here: the suggestion run's own request for a matching job
    # (run in-process without a broker) is left out.
    checking.claim_checks_enqueue = lambda **_: True  # type: ignore[assignment]

    t0 = time.perf_counter()
    project_id, user_id = build(
        desk_claims=args.desk_claims, documents=args.documents, wordings=wordings
    )
    project = Project.objects.get(pk=project_id)
    user = get_user_model().objects.get(pk=user_id)
    checked = give_verdicts(project_id, user_id, args.checked)
    built = time.perf_counter()
    signed = services.story_signatures_rebuild(project=project)
    with connection.cursor() as cursor:
        for table in ("storykey", "storyvocabulary", "storysignature", "document", "deskclaim"):
            cursor.execute(f"VACUUM ANALYZE annotations_{table}")
    signing = time.perf_counter() - built
    vectors = 0.0
    if embeddings.available():
        from claim_match_quality import cached_vectors

        from annotations.claimmatch.dataset import load_claims

        collection = [c.text for c in load_claims(args.data)]
        known = dict(
            zip(
                [" ".join(t.split()) for t in collection],
                cached_vectors(collection, "claims"),
                strict=True,
            )
        )
        vectors = store_vectors(project_id, encode=args.encode_all, known=known)
    print(
        f"project: {Document.objects.filter(project=project).count():,} documents, "
        f"{args.desk_claims:,} desk claims of which {checked:,} with an approved verdict; "
        f"built in {built - t0:.0f} s, {signed:,} signed for stories in {signing:.0f} s"
        + (
            f", their vectors stored in {vectors:.0f} s "
            f"({'encoded' if args.encode_all else 'random unit vectors'})"
            if vectors
            else "; no embedding extra: matching by words alone"
        )
    )
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}")

    def timed(work):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    rows = []
    for i in range(args.new + 1):
        text = article(base, rng)
        document = Document.objects.create(
            project=project, title=f"New article {i}", outlet="Newcomer", text=text,
            text_length=len(text),
        )  # fmt: skip
        run = services.suggestion_run_request(document=document, enqueue=False)
        _, run_wall, _ = timed(lambda run=run: services.suggestion_run_execute(run_id=run.pk))
        claims = document.suggestions.filter(label=Label.CLAIM).count()
        _, story_wall, story_cpu = timed(
            lambda d=document: services.story_propose(document_id=d.pk)
        )
        result, match_wall, match_cpu = timed(
            lambda d=document: services.claim_checks_match(document_id=d.pk)
        )
        if i == 0:
            print(
                f"first article: its matching built the worker's index, {match_wall / 1000:.1f} s "
                f"wall ({checked_index.describe(project_id)}); not counted below"
            )
        else:
            rows.append((run_wall, story_wall, story_cpu, match_wall, match_cpu, claims, result))
        if i == args.new // 2:
            # A verdict set meanwhile: the next job appends it to the index.
            fresh = services.desk_claim_create(
                project=project, actor=user, wording=rng.choice(base)[:500]
            )
            services.rating_set(desk_claim=fresh, actor=user, rating="false")

    def median(k: int) -> float:
        return statistics.median(r[k] for r in rows)

    print(
        f"{len(rows)} new articles of about {TARGET_CHARS:,} characters, "
        f"{median(5):.0f} CLAIM suggestions each (median); "
        f"matches shown: {statistics.median(r[6].counts['created'] for r in rows):.0f} (median)"
    )
    print(f"  suggestion run (the CLAIMs; every import has it)  median {median(0):7.0f} ms wall")
    print(
        f"  story proposal                  median {median(1):7.0f} ms wall {median(2):7.0f} ms CPU"
    )
    print(
        f"  claim matching                  median {median(3):7.0f} ms wall {median(4):7.0f} ms CPU"
    )
    totals = sorted(r[1] + r[3] for r in rows)
    print(
        f"  story + matching (worker time)  median {statistics.median(totals):7.0f} ms wall, "
        f"worst {totals[-1]:.0f} ms; target under 2,000 ms"
    )
    print(f"  index after: {checked_index.describe(project_id)}")
    checked_index.forget(project_id)
    _, cold, _ = timed(lambda: checked_index.project_index(project_id))
    _, warm, _ = timed(lambda: checked_index.project_index(project_id))
    print(
        f"  a worker process's first job builds the index: {cold / 1000:.1f} s; "
        f"a later one checks it is current: {warm:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
