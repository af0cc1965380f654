"""doccano's sequence-labelling layout: {"text": ..., "label": [[start, end, "CLAIM"], ...]}
(or "labels"); the label's case does not matter."""

from __future__ import annotations

from typing import Any

from annotations.imports.given import GivenSpan, LineRefused, as_int, as_str

KEYS = ("label", "labels")


def spans(line: dict[str, Any]) -> list[GivenSpan]:
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
