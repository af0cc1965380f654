"""The compact JSONL beside doccano's JSONL, on the shared bench's corpus, field by field.

    .venv/bin/python benchmarks/compact_vs_doccano.py --database fc_bench_doccano

Loads the corpus of ../shared/bench/workload.py as its import run had it (1,000 documents
imported and 10 made over HTTP, 100 spans each, 101,000 spans; each document's metadata
{"seq": i}, as doccano keeps the import line's extra field) into a scratch database, downloads
format=jsonl-compact&offset_unit=utf16 (doccano counts UTF-16 code units) from a gunicorn on
loopback, and writes doccano 1.8's JSONL of the same corpus in its layout:

    {"id": 1, "text": "...", "seq": 0, "label": [[start, end, "CLAIM"], ...], "Comments": []}

(pandas' to_json, records, one a line, no ASCII escaping, "/" escaped; example ids from 1).
Its size is checked against the payload the bench measured from doccano itself
(results/doccano-2026-12-02-import-1000x100.json: 7,301,311 bytes), so the comparison is with
doccano's own bytes. Prints both sizes, what each field takes in each, and the gzip sizes.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from datetime import UTC, datetime

import orjson
import psycopg
from _common import ROOT, fresh_database, gunicorn, insert_member, insert_project
from export_speed import download_body

BENCH = ROOT.parent / "shared" / "bench"
DOCCANO_PAYLOAD_BYTES = 7_301_311  # export_jsonl.payload_bytes of doccano's import run
TOKEN = "bench" + "0" * 35


def corpus() -> list[tuple[str, list[tuple[int, int, str]]]]:
    sys.path.insert(0, str(BENCH))
    from workload import build_corpus

    return build_corpus(1000, 100, 5000, 20240601) + build_corpus(10, 100, 5000, 20240602)


def load(url: str, documents: list) -> int:
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        project_id = insert_project(conn, name="Bench desk")
        user_id = insert_member(
            conn, project_id=project_id, username="bench", role="moderator", token=TOKEN
        )
        with conn.cursor().copy(
            "COPY annotations_document (id, project_id, title, outlet, author, source_url, "
            "external_id, text, text_length, metadata, created_at) FROM STDIN"
        ) as copy:
            for i, (text, _spans) in enumerate(documents):
                metadata = json.dumps({"seq": i})
                copy.write_row(
                    (i + 1, project_id, "", "", "", "", "", text, len(text), metadata, now)
                )
        conn.execute("SELECT setval('annotations_document_id_seq', %s)", (len(documents),))
        span_id = 0
        with conn.cursor().copy(
            'COPY annotations_span (id, document_id, label, start, "end", text, prefix, '
            "suffix, speaker, note, author_id, review_status, version, created_at, updated_at, "
            "review_reason) FROM STDIN"
        ) as copy:
            for i, (text, spans) in enumerate(documents):
                for start, end, label in spans:
                    span_id += 1
                    copy.write_row(
                        (span_id, i + 1, label, start, end, text[start:end],
                         text[max(0, start - 32):start], text[end:end + 32], "", "", user_id,
                         "approved", 1, now, now, "")
                    )  # fmt: skip
        conn.execute("SELECT setval('annotations_span_id_seq', %s)", (span_id,))
        conn.execute("ANALYZE")
    return project_id


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def doccano_jsonl(documents: list) -> bytes:
    lines = []
    for i, (text, spans) in enumerate(documents):
        label = ",".join(
            f'[{utf16(text, start)},{utf16(text, end)},"{name}"]' for start, end, name in spans
        )
        quoted = json.dumps(text, ensure_ascii=False).replace("/", "\\/")
        lines.append(
            f'{{"id":{i + 1},"text":{quoted},"seq":{i},"label":[{label}],"Comments":[]}}\n'
        )
    return "".join(lines).encode()


def field_bytes(data: bytes, *, escaped_slash: bool = False) -> dict[str, int]:
    """Bytes each top-level field takes (its key, value and comma), summed over the lines."""
    sums: dict[str, int] = {"braces and line ends": 0}
    for line in data.splitlines():
        sums["braces and line ends"] += 2  # the braces, the line end, less the last comma
        for key, value in orjson.loads(line).items():
            written = orjson.dumps(value)
            if escaped_slash:
                written = written.replace(b"/", b"\\/")
            sums[key] = sums.get(key, 0) + len(key) + 3 + len(written) + 1
    return sums


def gzip_size(data: bytes, level: int) -> int:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return len(compressor.compress(data) + compressor.flush())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="fc_bench_doccano")
    parser.add_argument("--db-host", default="127.0.0.1")
    args = parser.parse_args()
    documents = corpus()
    theirs = doccano_jsonl(documents)
    if len(theirs) != DOCCANO_PAYLOAD_BYTES:
        raise SystemExit(f"doccano's layout gives {len(theirs):,} bytes, not the bench's own")
    url = fresh_database(host=args.db_host, name=args.database)
    project_id = load(url, documents)
    with gunicorn(url, args=["--workers", "1"]) as (base, _process):
        path = f"/api/v1/projects/{project_id}/export/?format=jsonl-compact&offset_unit=utf16"
        ours = download_body(base, path, TOKEN)
    for line, their_line in zip(ours.splitlines(), theirs.splitlines(), strict=True):
        mine, other = orjson.loads(line), orjson.loads(their_line)
        assert (mine["text"], mine["label"]) == (other["text"], other["label"])
    print(
        f"{len(documents):,} documents, {sum(len(s) for _, s in documents):,} spans; texts and "
        f"labels identical. doccano {len(theirs):,} bytes (the bench measured "
        f"{DOCCANO_PAYLOAD_BYTES:,}), jsonl-compact {len(ours):,} bytes: "
        f"{len(ours) - len(theirs):+,} ({len(ours) / len(theirs) - 1:+.2%})"
    )
    mine, other = field_bytes(ours), field_bytes(theirs, escaped_slash=True)
    for key in sorted(set(mine) | set(other), key=lambda k: -(mine.get(k, 0) + other.get(k, 0))):
        print(
            f"  {key:22} doccano {other.get(key, 0):>10,}  ours {mine.get(key, 0):>10,}  "
            f"{mine.get(key, 0) - other.get(key, 0):+,}"
        )
    print(
        f"gzip: ours at level 1 (what the API sends) {gzip_size(ours, 1):,} bytes, at level 6 "
        f"{gzip_size(ours, 6):,}; doccano's at level 6 {gzip_size(theirs, 6):,} (its zip: "
        "1,338,993)"
    )


if __name__ == "__main__":
    main()
