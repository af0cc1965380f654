"""A file as the lines the import reads (annotations.imports.lines), by its format:

- `jsonl`: the file's lines, read one at a time (never the whole file).
- `labelstudio`: Label Studio's JSON or JSON_MIN export, one JSON array: a task a line.
- `w3c`: a W3C Web Annotation document as this app's W3C export writes it (an
  AnnotationCollection with its page embedded), or an AnnotationPage, one Annotation or a list
  of them: the annotations grouped by the document they target, a document a line. A W3C
  annotation does not carry its document's text, so each target is looked up among the
  project's documents (`Documents`): first by `scope` or `source` when it is the address of a
  document's page here, then by `source` as an article's URL (several documents at one URL: the
  one whose text has every annotation's quote at its position). Annotations no document matches
  make a line that is refused, naming the address.

The two JSON formats are read whole (a JSON array cannot be read a task at a time without a
streaming parser), so their size is bounded by the upload's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from annotations.domain import bounds
from annotations.domain.offsets import CODEPOINT
from annotations.imports.given import as_list
from annotations.imports.lines import (
    BYTE_ORDER_MARK,
    EXISTING_KEY,
    UNMATCHED_KEY,
    iter_lines,
)

JSONL, LABELSTUDIO, W3C = "jsonl", "labelstudio", "w3c"
FILE_FORMATS = (JSONL, LABELSTUDIO, W3C)
_PAGE = re.compile(r"/documents/(\d+)/?(?:[#?].*)?$")


class FileRefused(ValueError):
    """The file as a whole cannot be read in the format given."""


@dataclass(frozen=True, slots=True)
class Documents:
    """The project's documents, as the W3C import looks them up: by id (None when the project
    has no such document) and by article URL; each gives (id, text)."""

    base_url: str  # this installation's address: only its document pages name a document
    by_id: Callable[[int], tuple[int, str] | None]
    by_url: Callable[[str], list[tuple[int, str]]]


def lines_of(
    stream: IO[bytes], fmt: str, *, documents: Documents | None = None
) -> Iterator[bytes | str]:
    if fmt == JSONL:
        return iter_lines(stream)
    if fmt not in FILE_FORMATS:
        raise FileRefused(f"Unknown format {fmt[:40]!r}; use one of {', '.join(FILE_FORMATS)}.")
    try:
        data = orjson.loads(stream.read().removeprefix(BYTE_ORDER_MARK))
    except orjson.JSONDecodeError as exc:
        raise FileRefused(f"The file is not one JSON document ({exc}).") from None
    # Its lines are written back out as JSON for the line reader, which orjson refuses past
    # 254 levels; no export of either format comes near the bound. Strings are the lines'.
    try:
        bounds.check_json(data, max_depth=bounds.MAX_JSON_DEPTH, strings=False)
    except bounds.Unbounded as exc:
        raise FileRefused(f"The file is {exc.reason[:-1]} (at {exc.path or 'its top'}).") from None
    if fmt == LABELSTUDIO:
        return _tasks(data)
    if documents is None:
        raise FileRefused("The W3C import needs the project's documents.")
    if not isinstance(data, dict | list):
        raise FileRefused("A W3C Web Annotation document is a JSON object or array.")
    return _w3c_lines(data, documents)


def _tasks(data: Any) -> Iterator[bytes]:
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FileRefused("A Label Studio export is a JSON array of tasks.")
    return (orjson.dumps(task) for task in data)


def annotations_of(data: Any) -> list[Any]:
    """The annotations of a W3C collection (its embedded pages), page, annotation or list."""
    found: list[Any] = []
    for node in as_list(data):
        if not isinstance(node, dict):
            found.append(node)
            continue
        kind = node.get("type")
        if kind == "AnnotationCollection":
            page = node.get("first")
            while isinstance(page, dict):
                found += as_list(page.get("items"))
                page = page.get("next")
        elif kind == "AnnotationPage":
            found += as_list(node.get("items"))
        else:
            found.append(node)
    return found


def _w3c_lines(data: Any, documents: Documents) -> Iterator[bytes]:
    groups: dict[tuple[str, Any], list[Any]] = {}
    texts: dict[int, str] = {}
    for annotation in annotations_of(data):
        target = _target(annotation)
        found = _document(target, annotation, documents)
        if found is None:
            address = (target.get("source") or target.get("scope")) if target else None
            groups.setdefault(("unmatched", str(address)), []).append(annotation)
        else:
            texts[found[0]] = found[1]
            groups.setdefault(("document", found[0]), []).append(annotation)
    for (kind, key), items in groups.items():
        if kind == "unmatched":
            yield orjson.dumps({UNMATCHED_KEY: key, "annotations": items})
        else:
            # TextPositionSelector counts code points, whatever the import's offset_unit says.
            yield orjson.dumps(
                {"text": texts[key], EXISTING_KEY: key, "annotations": items,
                 "offset_unit": CODEPOINT}
            )  # fmt: skip


def _target(annotation: Any) -> dict[str, Any] | None:
    if not isinstance(annotation, dict):
        return None
    for target in as_list(annotation.get("target")):
        if isinstance(target, dict):
            return target
    return None


def _document(
    target: dict[str, Any] | None, annotation: Any, documents: Documents
) -> tuple[int, str] | None:
    if target is None:
        return None
    addresses = [a for a in (target.get("scope"), target.get("source")) if isinstance(a, str)]
    for address in addresses:
        if address.startswith(documents.base_url + "/") and (page := _PAGE.search(address)):
            found = documents.by_id(int(page.group(1)))
            if found is not None:
                return found
    source = target.get("source")
    if not isinstance(source, str):
        return None
    candidates = documents.by_url(source)
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    quotes = [
        (s.get("start"), s.get("end"), s.get("exact"))
        for s in as_list(target.get("selector"))
        if isinstance(s, dict) and s.get("type") in ("TextPositionSelector", "TextQuoteSelector")
    ]
    positions = [q for q in quotes if isinstance(q[0], int)]
    exact = next((q[2] for q in quotes if isinstance(q[2], str)), None)
    for candidate in candidates:
        text = candidate[1]
        if exact is not None and all(text[s:e] == exact for s, e, _ in positions):
            return candidate
    return None
