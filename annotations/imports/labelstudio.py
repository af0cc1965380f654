"""Label Studio's exports read back: a task of its JSON export (`data` with the text, and
`annotations` whose `result` holds `labels` regions and per-region `textarea` results), or a
record of its JSON_MIN export (the data's fields flattened, each control's values under its
name: `label` as [{"start", "end", "text", "labels"}], `speaker` and `note` per region).

A task becomes a line as this app's JSONL export writes it (`text`, `meta`, `spans`), then goes
through the same check. The spans of every annotation that was not cancelled are read (one
span a label a region; the same label and range from two annotators is one span); predictions
are not spans and are left out. Speakers and notes are the per-region text areas named
`speaker` and `note` (annotations.export.labelstudio's labelling config). Label Studio counts
code points; a task whose data says `offset_unit` counts that unit.
"""

from __future__ import annotations

from typing import Any

from annotations.domain.document import DESCRIPTION_FIELDS
from annotations.imports.given import LineRefused, as_int, as_str

# What Label Studio adds to a JSON_MIN record besides the task's data and the controls' values.
_MIN_KEYS = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"}
)
# The data fields this app's export writes that are not the document's fields.
_DATA_KEYS = frozenset({"text", "document_id", "document_url", "offset_unit", "metadata"})
SPEAKER, NOTE = "speaker", "note"


def is_task(obj: dict[str, Any]) -> bool:
    """A Label Studio task (JSON) or record (JSON_MIN), not a line of another layout."""
    if "text" not in obj:
        return isinstance(obj.get("data"), dict)
    return any(_is_regions(value) for value in obj.values())


def _is_regions(value: Any) -> bool:
    if isinstance(value, dict):
        value = [value]
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "labels" in v for v in value)
    )


def as_line(obj: dict[str, Any]) -> dict[str, Any]:
    """The task as a line of this app's JSONL layout; LineRefused when it cannot be one."""
    if "text" in obj:
        return _min_record(obj)
    data = obj["data"]
    if not isinstance(data.get("text"), str):
        raise LineRefused("The task's `data` has no `text` (a string).")
    regions: dict[tuple[str, int, int], dict[str, Any]] = {}
    annotations = obj.get("annotations", obj.get("completions", []))
    if not isinstance(annotations, list):
        raise LineRefused("The task's `annotations` must be a list.")
    for n, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise LineRefused(f"Annotation {n} of the task must be an object.")
        if annotation.get("was_cancelled"):
            continue
        _read_results(annotation.get("result", []), regions, f"annotation {n}")
    return _line(data["text"], data, list(regions.values()), data.get("offset_unit"))


def _read_results(
    results: Any, regions: dict[tuple[str, int, int], dict[str, Any]], what: str
) -> None:
    if not isinstance(results, list):
        raise LineRefused(f"The `result` of {what} must be a list.")
    by_id: dict[Any, list[dict[str, Any]]] = {}
    extras: list[tuple[str, dict[str, Any]]] = []
    for n, result in enumerate(results, start=1):
        where = f"result {n} of {what}"
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            raise LineRefused(f"{where} must be an object with a `value`.")
        kind, value = result.get("type"), result["value"]
        if kind == "labels":
            for span in _spans_of(value, where):
                key = (span["label"].upper(), span["start"], span["end"])
                regions.setdefault(key, span)
                by_id.setdefault(result.get("id"), []).append(regions[key])
        elif kind == "textarea" and str(result.get("from_name", "")).lower() in (SPEAKER, NOTE):
            extras.append((str(result.get("from_name")).lower(), result))
    for name, result in extras:
        text = _textarea_text(result["value"].get("text"))
        spans = by_id.get(result.get("id")) or [
            span
            for span in regions.values()
            if (span["start"], span["end"])
            == (result["value"].get("start"), result["value"].get("end"))
        ]
        for span in spans:
            span[name] = span[name] or text


def _spans_of(value: dict[str, Any], where: str) -> list[dict[str, Any]]:
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        raise LineRefused(f"{where} has no `labels`.")
    start = as_int(value.get("start"), f"{where}'s start")
    end = as_int(value.get("end"), f"{where}'s end")
    text = value.get("text")
    return [
        {
            "label": as_str(label, f"{where}'s label"),
            "start": start,
            "end": end,
            "text": text if isinstance(text, str) else None,
            SPEAKER: "",
            NOTE: "",
        }
        for label in labels
    ]


def _textarea_text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def _min_record(obj: dict[str, Any]) -> dict[str, Any]:
    regions: dict[tuple[str, int, int], dict[str, Any]] = {}
    controls = set()
    for name, value in obj.items():
        if _is_regions(value):
            controls.add(name)
            for n, region in enumerate(value if isinstance(value, list) else [value], 1):
                for span in _spans_of(region, f"`{name}` entry {n}"):
                    regions.setdefault((span["label"].upper(), span["start"], span["end"]), span)
    for name in (SPEAKER, NOTE):
        value = obj.get(name)
        if not isinstance(value, list | dict):
            continue  # a plain string is the document's field of that name, not a region's
        controls.add(name)
        for entry in value if isinstance(value, list) else [value]:
            if not isinstance(entry, dict):
                continue
            text = _textarea_text(entry.get("text"))
            for span in regions.values():
                if (span["start"], span["end"]) == (entry.get("start"), entry.get("end")):
                    span[name] = span[name] or text
    data = {k: v for k, v in obj.items() if k not in controls and k not in _MIN_KEYS}
    return _line(obj["text"], data, list(regions.values()), obj.get("offset_unit"))


def _line(
    text: Any, data: dict[str, Any], spans: list[dict[str, Any]], unit: Any
) -> dict[str, Any]:
    meta: dict[str, Any] = {name: data[name] for name in DESCRIPTION_FIELDS if name in data}
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {
            k: v for k, v in data.items() if k not in _DATA_KEYS and k not in DESCRIPTION_FIELDS
        }
    meta["metadata"] = metadata
    line: dict[str, Any] = {"text": text, "meta": meta, "spans": spans}
    if unit is not None:
        line["offset_unit"] = unit
    return line
