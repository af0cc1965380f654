"""Exports: one module a format, groups (a document and its spans) in, bytes out, streaming.

Each format module has MEDIA_TYPE, EXTENSION and render(groups, context) -> Iterator[bytes],
and may say OFFSET_UNITS (the units it can write; every unit when it does not say),
WITH_SUGGESTIONS (its groups carry the documents' open suggestions), NARROW_ROWS (its span
rows hold rows.NARROW_COLUMNS only), ROW_COLUMNS (its span rows hold these of
rows.SPAN_COLUMNS only, in that order, rows.NARROW_COLUMNS first) and PLAIN_ROWS (its span
rows are the driver's tuples, read by index, not rows.SpanRow: wrapping each row costs about
a microsecond). They are pure: no queries, no settings; the selector feeds them and the API
streams them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

from annotations.domain.offsets import UNITS
from annotations.export import (
    claimreview,
    conll,
    csvfile,
    jsonl,
    jsonl_compact,
    labelstudio,
    spacy_docbin,
    w3c,
    xlsx,
)
from annotations.export.rows import (
    NARROW_COLUMNS,
    OFFSET_UNIT,
    OFFSET_UNIT_TEXT,
    DocumentRow,
    ExportContext,
    ExportMismatch,
    Group,
    Publisher,
    SpanRow,
    VerdictRow,
    check_span,
    offset_unit_text,
)

FORMATS = {
    "jsonl": jsonl,
    "jsonl-compact": jsonl_compact,
    "w3c": w3c,
    "claimreview": claimreview,
    "conll": conll,
    "csv": csvfile,
    "xlsx": xlsx,
    "labelstudio": labelstudio,
    "spacy": spacy_docbin,
}


def offset_units(module: ModuleType) -> tuple[str, ...]:
    """The offset units a format can write."""
    return getattr(module, "OFFSET_UNITS", UNITS)


def with_suggestions(module: ModuleType) -> bool:
    return getattr(module, "WITH_SUGGESTIONS", False)


def narrow_rows(module: ModuleType) -> bool:
    """Whether the format reads only NARROW_COLUMNS of each span (annotations.export.rows)."""
    return getattr(module, "NARROW_ROWS", False)


def span_columns(module: ModuleType) -> tuple[str, ...] | None:
    """The columns of SPAN_COLUMNS the format's span rows hold (its ROW_COLUMNS), None for all."""
    return getattr(module, "ROW_COLUMNS", None)


def plain_rows(module: ModuleType) -> bool:
    """Whether the format reads its span rows by index (plain tuples, not SpanRow)."""
    return getattr(module, "PLAIN_ROWS", False)


CHUNK_BYTES = 64 * 1024


def buffered(pieces: Iterable[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Join small pieces into chunks of about `size` bytes: fewer writes to the socket."""
    buffer: list[bytes] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield b"".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield b"".join(buffer)


GZIP_CHUNK_BYTES = 256 * 1024


def gzipped(chunks: Iterable[bytes], level: int = 1) -> Iterator[bytes]:
    """The chunks as one gzip stream, a compressed piece for about every GZIP_CHUNK_BYTES (the
    client sees bytes as the export goes). Level 1: JSON shrinks five- to sevenfold at a
    fraction of the CPU of the default 6, which would halve the export's rate.

    Each piece is compressed in a thread of its own while the next one is written: zlib lets
    go of Python's lock while it compresses, so on a second core the compression costs the
    export almost no time (it took a third of a gzip export's CPU, done in turn). One thread
    takes the pieces in order, so the compressor is never used by two at once."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-gzip") as pool:
        pending = None  # the previous piece's compression, running while this one is made
        for chunk in buffered(chunks, GZIP_CHUNK_BYTES):
            compressing = pool.submit(compressor.compress, chunk)
            if pending is not None and (piece := pending.result()):
                yield piece
            pending = compressing
        if pending is not None and (piece := pending.result()):
            yield piece
    yield compressor.flush()


def stream(module: ModuleType, groups: Iterator[Group], context: ExportContext) -> Iterator[bytes]:
    """The format's bytes in chunks. However it ends (done, a mismatch, the client gone), the
    groups generator is closed here, so its cursors and transaction end with the stream."""
    try:
        yield from buffered(module.render(groups, context))
    finally:
        close = getattr(groups, "close", None)
        if close is not None:
            close()


__all__ = [
    "CHUNK_BYTES",
    "FORMATS",
    "GZIP_CHUNK_BYTES",
    "NARROW_COLUMNS",
    "OFFSET_UNIT",
    "OFFSET_UNIT_TEXT",
    "DocumentRow",
    "ExportContext",
    "ExportMismatch",
    "Group",
    "Publisher",
    "SpanRow",
    "VerdictRow",
    "buffered",
    "check_span",
    "gzipped",
    "narrow_rows",
    "offset_unit_text",
    "offset_units",
    "plain_rows",
    "span_columns",
    "stream",
    "with_suggestions",
]
