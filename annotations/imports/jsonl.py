"""This app's JSONL export read back: its `spans` (label, start, end, text, speaker and note are
read; the rest is the exporting desk's and starts again here) beside doccano's `label`."""

from __future__ import annotations

from typing import Any

from annotations.imports.given import GivenSpan, LineRefused, as_int, as_optional_str, as_str

KEYS = ("spans",)


def spans(line: dict[str, Any]) -> list[GivenSpan]:
    entries = line["spans"]
    if not isinstance(entries, list):
        raise LineRefused("`spans` must be a list of objects.")
    found = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise LineRefused(f"`spans` entry {position} must be an object.")
        what = f"`spans` entry {position}"
        found.append(
            GivenSpan(
                label=as_str(entry.get("label"), f"{what}'s label"),
                start=as_int(entry.get("start"), f"{what}'s start"),
                end=as_int(entry.get("end"), f"{what}'s end"),
                text=as_optional_str(entry.get("text"), f"{what}'s text"),
                speaker=as_str(entry.get("speaker"), f"{what}'s speaker"),
                note=as_str(entry.get("note"), f"{what}'s note"),
            )
        )
    return found
