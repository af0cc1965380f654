"""What the app accepts at its edges, defined once: how large a request body may be, how deep
a JSON value may nest, and what a document's metadata may be.

Pure Python (the settings import it for DATA_UPLOAD_MAX_MEMORY_SIZE). Whatever passes these
bounds can be stored by PostgreSQL and written back out by every export: orjson, which the
exports use, refuses to write a value nested deeper than 254 levels, and jsonb refuses NUL
characters and lone surrogates.
"""

from __future__ import annotations

import json
from typing import Any

from annotations.domain.text import unstorable

MAX_DOCUMENT_LENGTH = 2_000_000  # code points; a long report is ~100k

# The longest way a client may write one character: JSON's \ud83d\ude00 for an astral
# character (what Python's json.dumps sends by default) and a form's %F0%9F%98%80 are both 12
# bytes. A document of MAX_DOCUMENT_LENGTH such characters must still fit in one body, with
# room for its other fields and its metadata.
LONGEST_CHARACTER_BYTES = 12
MAX_BODY_BYTES = MAX_DOCUMENT_LENGTH * LONGEST_CHARACTER_BYTES + 1024 * 1024

# A JSON request body: deep enough for any request the API takes (a ClaimReview @graph, a
# document with its metadata), far from the depth where a parser or an export gives up.
MAX_JSON_DEPTH = 64
# A document's metadata: a JSON object of at most this depth (the object itself is level 1) and
# this many bytes as compact UTF-8 JSON. It is listed with every document, so it stays small.
MAX_METADATA_DEPTH = 20
MAX_METADATA_BYTES = 100_000


def body_limit_words(limit: int = MAX_BODY_BYTES) -> str:
    """The body limit as people read it: "25,048,576 bytes (23.9 MiB)"."""
    return f"{limit:,} bytes ({limit / (1024 * 1024):.1f} MiB)"


class Unbounded(ValueError):
    """A JSON value outside the bounds; `path` names where ("metadata.source.name", "" for the
    value itself) and the message says why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


# A place in a value: (its key or index, the place of its parent), None above the root.
_Place = tuple[str | int, "_Place"] | None


def _path(root: str, place: _Place) -> str:
    keys: list[str | int] = []
    while place is not None:
        key, place = place
        keys.append(key)
    path = root
    for key in reversed(keys):
        if isinstance(key, int):
            path += f"[{key}]"
        else:
            name = key if len(key) <= 40 else key[:39] + "…"
            # A refused name is shown escaped, never with the character that was refused.
            name = name.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")
            path = f"{path}.{name}" if path else name
    return path if len(path) <= 160 else f"{path[:80]}…{path[-60:]}"


def check_json(
    value: Any, *, max_depth: int = MAX_JSON_DEPTH, path: str = "", strings: bool = True
) -> None:
    """Raise Unbounded if `value` nests deeper than `max_depth` levels (an object or array
    opens a level) or (unless `strings` is false) holds a string, a key too, that PostgreSQL
    cannot store. Walked without recursion, so a hostile value cannot exhaust the stack; a path
    is spelled out only for the value refused."""
    stack: list[tuple[Any, _Place, int]] = [(value, None, 0)]
    while stack:
        item, place, depth = stack.pop()
        if isinstance(item, str):
            if strings and (reason := unstorable(item)):
                raise Unbounded(_path(path, place), reason)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise Unbounded(_path(path, place), f"nested deeper than {max_depth} levels.")
            if isinstance(item, list):
                stack.extend((child, (i, place), depth + 1) for i, child in enumerate(item))
                continue
            for key, child in item.items():
                if strings and isinstance(key, str) and (reason := unstorable(key)):
                    raise Unbounded(_path(path, (key, place)), f"its name {reason}")
                stack.append((child, (key, place), depth + 1))


def check_metadata(value: Any) -> None:
    """Raise Unbounded (its path starting at "metadata") unless `value` is metadata a document
    may keep: a JSON object, storable, at most MAX_METADATA_DEPTH deep and MAX_METADATA_BYTES
    long. The API, the import's line reader, the upload page and the services all ask here."""
    if not isinstance(value, dict):
        raise Unbounded("metadata", f"must be a JSON object, not {type(value).__name__}.")
    check_json(value, max_depth=MAX_METADATA_DEPTH, path="metadata")
    try:
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    except (TypeError, ValueError) as exc:
        raise Unbounded("metadata", f"is not JSON ({exc}).") from None
    if size > MAX_METADATA_BYTES:
        raise Unbounded(
            "metadata", f"is {size:,} bytes as JSON; the limit is {MAX_METADATA_BYTES:,}."
        )


def exportable_metadata(value: Any) -> Any:
    """A stored document's metadata as the exports and backups write it: as stored, unless it
    was stored before the bound and nests deeper (a writer that cannot write it would stop the
    whole export for everyone): then whole, as JSON text under "metadata_json"."""
    try:
        check_json(value, max_depth=MAX_METADATA_DEPTH)
    except Unbounded:
        try:
            return {"metadata_json": json.dumps(value, ensure_ascii=False)}
        except RecursionError:
            return {"metadata_json": None, "metadata_refused": "nested too deep to write."}
    return value
