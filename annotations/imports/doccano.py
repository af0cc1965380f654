"""doccano's sequence-labelling layouts: {"text": ..., "label": [[start, end, "CLAIM"], ...]}
(or "labels"), and its relation-mode export {"text": ..., "entities": [{"label": "CLAIM",
"start_offset": 0, "end_offset": 6}, ...]}; the label's case does not matter.

A file exported from here, edited in doccano and exported again keeps our `spans` beside
doccano's edited `label`: label_over_spans reads it. doccano's `label` wins (it holds the
reviewer's edits); a span of `label` that `spans` still has (same range and label) keeps its
speaker, note and text from there; when the two disagree the line says so (a warning, not a
refusal)."""

from __future__ import annotations

from typing import Any

from annotations.imports import jsonl
from annotations.imports.given import GivenSpan, LineRefused, as_int, as_str

KEYS = ("label", "labels", "entities")


def spans(line: dict[str, Any]) -> list[GivenSpan]:
    if "entities" in line and "label" not in line and "labels" not in line:
        return _entities(line["entities"])
    key = "label" if "label" in line else "labels"
    entries = line[key]
    if not isinstance(entries, list):
        raise LineRefused(f"`{key}` must be a list of [start, end, LABEL].")
    found = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            raise LineRefused(f"`{key}` entry {position} must be [start, end, LABEL].")
        start, end, label = entry
        if type(start) is int and type(end) is int and type(label) is str:
            found.append(GivenSpan(label, start, end, None))  # the usual case: nothing to say
            continue
        found.append(
            GivenSpan(
                label=as_str(label, f"`{key}` entry {position}'s label"),
                start=as_int(start, f"`{key}` entry {position}'s start"),
                end=as_int(end, f"`{key}` entry {position}'s end"),
                text=None,
            )
        )
    return found


def _entities(entries: Any) -> list[GivenSpan]:
    if not isinstance(entries, list):
        raise LineRefused("`entities` must be a list of objects.")
    found = []
    for position, entry in enumerate(entries, start=1):
        what = f"`entities` entry {position}"
        if not isinstance(entry, dict):
            raise LineRefused(f"{what} must be an object.")
        found.append(
            GivenSpan(
                label=as_str(entry.get("label"), f"{what}'s label"),
                start=as_int(entry.get("start_offset"), f"{what}'s start_offset"),
                end=as_int(entry.get("end_offset"), f"{what}'s end_offset"),
                text=None,
            )
        )
    return found


def label_over_spans(line: dict[str, Any]) -> tuple[list[GivenSpan], list[str]]:
    """The spans of a line with both doccano's `label` and our `spans`, and what to say."""
    labelled = spans(line)
    leftover = {(s.label.upper(), s.start, s.end): s for s in jsonl.spans(line)}
    kept: list[GivenSpan] = []
    added: list[GivenSpan] = []
    for span in labelled:
        match = leftover.pop((span.label.upper(), span.start, span.end), None)
        if match is None:
            added.append(span)
            kept.append(span)
        else:
            kept.append(match)
    if not added and not leftover:
        return kept, []
    key = next(k for k in KEYS if k in line)
    changes = [
        *(f"+{s.label} {s.start}:{s.end}" for s in added[:5]),
        *(f"-{s.label} {s.start}:{s.end}" for s in list(leftover.values())[:5]),
    ]
    return kept, [
        f"`{key}` and `spans` disagree ({len(added)} in `{key}` only, {len(leftover)} in "
        f"`spans` only: {', '.join(changes)}); `{key}` was taken (an edit in doccano), with "
        "the speaker and note of each span `spans` still has."
    ]
