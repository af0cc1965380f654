"""How fast tagging a CLAIM shows its proposed desk claims, in a project of 100,000 desk claims.

    python benchmarks/desk_claims_speed.py [--data ../shared/data] [--desk-claims 100000]
        [--documents 10000] [--queries 300] [--database fc_claims_bench]

Builds the project in a scratch PostgreSQL database (dropped and created again): documents,
each sentence of them a CLAIM span, every span a mention of its own desk claim, written with
COPY as the import does (the desk claims' search vectors filled by their trigger). The wordings
are the verified claims and their titles of --data's claim-retrieval-en collection, recombined
into as many distinct wordings as asked (else sentences of the seed articles, recombined).

Then times, for --queries texts (the collection's tweets when present, else reworded desk
claims, and new sentences), what a page waits for when a CLAIM is tagged:

- the proposals read (annotations.proposals.desk_claim_proposals), and
- the whole request, GET /api/v1/documents/{id}/desk-claim-proposals/?start=&end= for a
  sentence of a document (session, scoping, the read, the JSON), through Django's test client,

and prints the median and 95th percentile of each. The aim is under 200 ms.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, fresh_database  # noqa: E402

csv.field_size_limit(10_000_000)


def _collection(data: Path) -> tuple[list[str], list[str]]:
    """(claim wordings, query texts) from the claim-retrieval collection, or from the seeds."""
    folder = data / "claim-retrieval-en"
    claims_file = folder / "collection" / "verified_claims.docs.tsv"
    if claims_file.exists():
        with claims_file.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        wordings = [r["vclaim"].strip() for r in rows] + [r["title"].strip() for r in rows]
        queries: list[str] = []
        for split in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "collection"):
            for path in split.glob("*queries*.tsv"):
                with path.open(encoding="utf-8", newline="") as f:
                    reader = csv.reader(f, delimiter="\t")
                    next(reader, None)
                    queries += [row[1].strip() for row in reader if len(row) > 1]
        return [w for w in wordings if w], [q for q in queries if q]
    seeds = (ROOT / "seeds" / "articles").glob("*.txt")
    text = " ".join(p.read_text(encoding="utf-8") for p in seeds)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 5]
    return sentences, []


def wordings_for(base: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` distinct single-line wordings: the base ones, then halves of two joined."""
    out = [" ".join(w.split()) for w in base[:count]]
    seen = set(out)
    while len(out) < count:
        a, b = rng.choice(base).split(), rng.choice(base).split()
        wording = " ".join(a[: max(3, len(a) // 2)] + b[len(b) // 2 :])
        if wording not in seen:
            seen.add(wording)
            out.append(wording)
    return out


def reworded(wording: str, rng: random.Random) -> str:
    """A claim as another outlet might write it: a word or two dropped, the rest kept."""
    words = wording.split()
    for _ in range(min(2, len(words) // 4)):
        words.pop(rng.randrange(len(words)))
    return " ".join(words)


def build(*, desk_claims: int, documents: int, wordings: list[str]) -> tuple[int, int]:
    """The project and its rows, with COPY; returns (project id, user id)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations import services
    from annotations.domain.span import context
    from annotations.models import Project

    user = get_user_model().objects.create_user("bench-reviewer", password="bench")
    project = Project.objects.create(name="Desk claims benchmark")
    services.membership_set(project=project, user=user, role="reviewer")
    now = timezone.now().isoformat()
    per_document = max(1, desk_claims // documents)

    def field(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute("SELECT nextval(pg_get_serial_sequence('annotations_deskclaim', 'id'))")
        first_claim = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('annotations_deskclaim', 'id'), %s)",
            [first_claim + desk_claims],
        )
        with raw.copy(
            "COPY annotations_deskclaim (id, project_id, wording, created_by_id, version, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for i, wording in enumerate(wordings):
                row = (first_claim + i, project.pk, field(wording), user.pk, 1, now, now)
                copy.write("\t".join(map(str, row)) + "\n")
        docs, spans = io.StringIO(), io.StringIO()
        cursor.execute("SELECT nextval(pg_get_serial_sequence('annotations_document', 'id'))")
        first_doc = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('annotations_document', 'id'), %s)",
            [first_doc + documents],
        )
        for d in range(documents):
            chosen = wordings[d * per_document : (d + 1) * per_document]
            if not chosen:
                break
            text = " ".join(chosen)
            docs.write(
                f"{first_doc + d}\t{project.pk}\tDocument {d}\tOutlet {d % 20}\t\t\t\t"
                f"{field(text)}\t{len(text)}\t{{}}\t{now}\n"
            )
            start = 0
            for k, wording in enumerate(chosen):
                end = start + len(wording)
                prefix, suffix = context(text, start, end)
                spans.write(
                    f"{first_doc + d}\t{user.pk}\t{first_claim + d * per_document + k}\tCLAIM\t"
                    f"{start}\t{end}\t{field(wording)}\t{field(prefix)}\t{field(suffix)}\t"
                    f"\t\t\tpending\t1\t{now}\t{now}\n"
                )
                start = end + 1
        with raw.copy(
            "COPY annotations_document (id, project_id, title, outlet, author, source_url, "
            "external_id, text, text_length, metadata, created_at) FROM STDIN"
        ) as copy:
            copy.write(docs.getvalue())
        with raw.copy(
            'COPY annotations_span (document_id, author_id, desk_claim_id, label, start, "end", '
            "text, prefix, suffix, speaker, note, review_reason, review_status, version, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(spans.getvalue())
        cursor.execute("ANALYZE annotations_deskclaim; ANALYZE annotations_span")
    return project.pk, user.pk


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--desk-claims", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default="fc_claims_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    base, tweets = _collection(Path(args.data))
    wordings = wordings_for(base, args.desk_claims, rng)
    url = fresh_database(host=args.db_host, name=args.database)
    os.environ.update(django_env(url))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from annotations.models import DeskClaim, Document
    from annotations.proposals import desk_claim_proposals

    t0 = time.perf_counter()
    project_id, user_id = build(
        desk_claims=args.desk_claims, documents=args.documents, wordings=wordings
    )
    print(
        f"built {DeskClaim.objects.filter(project_id=project_id).count():,} desk claims in "
        f"{Document.objects.filter(project_id=project_id).count():,} documents "
        f"in {time.perf_counter() - t0:.1f} s (COPY)"
    )

    documents = list(Document.objects.filter(project_id=project_id).defer("text")[:2000])
    originals = rng.sample(wordings, args.queries // 2)
    ids = dict(
        DeskClaim.objects.filter(project_id=project_id, wording__in=originals).values_list(
            "wording", "id"
        )
    )
    expected = {reworded(w, rng): ids[w] for w in originals}
    texts = list(expected)
    pool = tweets or [rng.choice(base) for _ in range(args.queries)]
    texts += [rng.choice(pool) for _ in range(args.queries - len(texts))]
    rng.shuffle(texts)

    for text in texts[:20]:  # warm the caches, as a running site has them
        desk_claim_proposals(rng.choice(documents), text)
    times, found, first, listed = [], [], 0, 0
    for text in texts:
        document = rng.choice(documents)
        started = time.perf_counter()
        proposals = desk_claim_proposals(document, text)
        times.append(time.perf_counter() - started)
        found.append(len(proposals))
        if text in expected:
            ranked = [p.desk_claim.pk for p in proposals]
            first += ranked[:1] == [expected[text]]
            listed += expected[text] in ranked
    print(
        f"proposals read ({len(texts)} texts: {len(expected)} reworded desk claims, the rest "
        f"{'tweets of the collection' if tweets else 'sentences'}): {percentiles(times)}; "
        f"{statistics.mean(found):.1f} proposals on average"
    )
    print(
        f"a reworded desk claim proposes its own first for {first / len(expected):.0%} of them, "
        f"among the proposals for {listed / len(expected):.0%}"
    )

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    spans = []
    for document in rng.sample(documents, min(len(documents), args.queries)):
        span = document.spans.order_by("?").values_list("start", "end").first()
        spans.append((document.pk, span))
    for doc_id, (start, end) in spans[:20]:
        client.get(f"/api/v1/documents/{doc_id}/desk-claim-proposals/?start={start}&end={end}")
    times = []
    for doc_id, (start, end) in spans:
        started = time.perf_counter()
        response = client.get(
            f"/api/v1/documents/{doc_id}/desk-claim-proposals/?start={start}&end={end}"
        )
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    print(
        f"GET /documents/{{id}}/desk-claim-proposals/ for a tagged sentence "
        f"({len(spans)} requests): {percentiles(times)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
