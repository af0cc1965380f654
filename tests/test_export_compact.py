"""The compact JSONL export (doccano's layout alone) and gzip on the wire for every export."""

from __future__ import annotations

import gzip
import random
import threading

import orjson
import pytest

from annotations.export import GZIP_CHUNK_BYTES, gzipped
from annotations.models import Membership, Role
from tests.export_data import build_project
from tests.import_jobs import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(desk, reviewer):
    return build_project(desk, reviewer)


def _get(api, user, project, headers=None, **params):
    return api(user).get(f"/api/v1/projects/{project.pk}/export/", params, headers=headers or {})


def _lines(data: bytes) -> list[dict]:
    return [orjson.loads(line) for line in data.splitlines()]


def test_compact_jsonl_has_the_full_exports_lines_without_the_span_objects(
    api, desk, reviewer, exported
):
    full = _lines(b"".join(_get(api, reviewer, desk, format="jsonl").streaming_content))
    answer = _get(api, reviewer, desk, format="jsonl-compact")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/x-ndjson")
    data = b"".join(answer.streaming_content)
    compact = _lines(data)
    # The full export's lines without their span objects, and `meta` without the empty fields.
    for line in full:
        del line["spans"]
        line["meta"] = {k: v for k, v in line["meta"].items() if v not in ("", None, {})}
    assert full == compact
    assert all(set(line) == {"id", "text", "label", "meta", "offset_unit"} for line in compact)
    for line in compact:  # doccano's [start, end, label], each the text it names
        for start, end, label in line["label"]:
            assert label in ("CLAIM", "QUOTE", "OPINION")
            assert line["text"][start:end]
    assert sum(len(line["label"]) for line in compact) == 9
    assert len(data) < len(b"".join(_get(api, reviewer, desk).streaming_content)) / 2


def test_compact_jsonl_counts_utf16_for_doccano(api, desk, reviewer, exported):
    full = _lines(
        b"".join(_get(api, reviewer, desk, format="jsonl", offset_unit="utf16").streaming_content)
    )
    compact = _lines(
        b"".join(
            _get(api, reviewer, desk, format="jsonl-compact", offset_unit="utf16").streaming_content
        )
    )
    assert [line["label"] for line in compact] == [line["label"] for line in full]
    emoji = next(line for line in compact if line["meta"]["metadata"]["lang"] == "emoji")
    encoded = emoji["text"].encode("utf-16-le")
    for start, end, _label in emoji["label"]:
        assert encoded[start * 2 : end * 2].decode("utf-16-le")
    assert {line["offset_unit"] for line in compact} == {"utf16"}


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl-compact", "csv"])
def test_an_export_is_gzipped_for_a_client_that_accepts_it(api, desk, reviewer, exported, fmt):
    plain = _get(api, reviewer, desk, format=fmt)
    assert "Content-Encoding" not in plain
    packed = _get(api, reviewer, desk, {"Accept-Encoding": "br, gzip;q=0.8"}, format=fmt)
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    plain_body = b"".join(plain.streaming_content)
    assert gzip.decompress(b"".join(packed.streaming_content)) == plain_body


def _noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def test_a_gzip_stream_of_many_pieces_unpacks_to_the_chunks_in_order():
    chunks = [_noise(100_000, seed) for seed in range(40)]  # 4 MB that gzip cannot shrink much
    packed = list(gzipped(iter(chunks)))
    assert len(packed) > 10  # streamed as it goes, not in one piece at the end
    assert gzip.decompress(b"".join(packed)) == b"".join(chunks)


def test_a_gzip_stream_closed_early_stops_its_compressing_thread():
    chunks = (_noise(GZIP_CHUNK_BYTES, seed) for seed in range(10))
    stream = gzipped(chunks)
    next(stream)
    assert any(thread.name.startswith("export-gzip") for thread in threading.enumerate())
    stream.close()
    assert not any(thread.name.startswith("export-gzip") for thread in threading.enumerate())


def test_a_gzipped_w3c_export_is_the_collection(api, desk, reviewer, exported):
    packed = _get(api, reviewer, desk, {"Accept-Encoding": "gzip"}, format="w3c")
    collection = orjson.loads(gzip.decompress(b"".join(packed.streaming_content)))
    assert collection["type"] == "AnnotationCollection"
    assert len(collection["first"]["items"]) == 9


def test_gzip_refused_with_q_zero_is_not_sent(api, desk, reviewer, exported):
    answer = _get(api, reviewer, desk, {"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in answer
    assert _lines(b"".join(answer.streaming_content))


def test_a_compact_export_imported_again_exports_the_same_lines(
    api, desk, reviewer, other_desk, exported
):
    # A moderator there, to export its spans still pending review.
    Membership.objects.create(project=other_desk, user=reviewer, role=Role.MODERATOR)
    data = b"".join(
        _get(api, reviewer, desk, format="jsonl-compact", offset_unit="utf16").streaming_content
    )
    assert any(not line["meta"].get("author") for line in _lines(data))  # empty fields left out
    imported = run_import(
        api(reviewer),
        f"/api/v1/projects/{other_desk.pk}/documents/import/",
        data,
        content_type="application/x-ndjson",
    )
    assert imported.status == "done", imported.job
    again = b"".join(
        _get(
            api, reviewer, other_desk, format="jsonl-compact", offset_unit="utf16", status="all"
        ).streaming_content
    )

    def without_ids(lines: bytes) -> list[dict]:
        return sorted(
            ({**line, "id": None} for line in _lines(lines)), key=lambda line: line["text"]
        )

    assert without_ids(again) == without_ids(data)
