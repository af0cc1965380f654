"""Label Studio tasks (JSON), one task a document, for its text-span labelling (NER) template.

    [{"data": {"text": ..., "document_id": 7, "title": ..., "outlet": ..., ...},
      "annotations": [{"result": [...], "created_username": "rita", ...}, ...],
      "predictions": [{"model_version": "quotes 3", "score": 0.8, "result": [...]}]}, ...]

Each span's author has one annotation (their spans, as one Label Studio annotator's work);
each suggester version with open suggestions has one prediction. A span is a region: a
`labels` result (from_name `label`, its start, end, text and label) and, sharing the region's
id, per-region `textarea` results for its speaker (`speaker`) and note (`note`). The labelling
config that shows them is LABELING_CONFIG (README, "Label Studio"). Label Studio counts offsets
in code points, as we do; `data.offset_unit` says which unit the file counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from annotations.domain.offsets import CODEPOINT, Converter, converter
from annotations.export.rows import ExportContext, Group, SuggestionRow, check_span

MEDIA_TYPE = "application/json"
EXTENSION = "labelstudio.json"
WITH_SUGGESTIONS = True
LABEL, SPEAKER, NOTE, TEXT = "label", "speaker", "note", "text"
LABELING_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="CLAIM" background="#d97706"/>
    <Label value="QUOTE" background="#2563eb"/>
    <Label value="OPINION" background="#7c3aed"/>
  </Labels>
  <Text name="text" value="$text"/>
  <TextArea name="speaker" toName="text" perRegion="true" editable="true"
            visibleWhen="region-selected" whenLabelValue="QUOTE" placeholder="Speaker"/>
  <TextArea name="note" toName="text" perRegion="true" editable="true"
            visibleWhen="region-selected" placeholder="Note"/>
</View>
"""

_OPTIONS = orjson.OPT_UTC_Z


def region(
    region_id: str,
    *,
    label: str,
    start: int,
    end: int,
    text: str,
    speaker: str = "",
    note: str = "",
    origin: str = "manual",
    score: float | None = None,
) -> list[dict[str, Any]]:
    """The results of one region: its label, then its speaker and note when it has them."""
    common = {"id": region_id, "to_name": TEXT, "origin": origin}
    labels: dict[str, Any] = {
        **common,
        "from_name": LABEL,
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }
    if score is not None:
        labels["score"] = score
    results = [labels]
    for name, value in ((SPEAKER, speaker), (NOTE, note)):
        if value:
            results.append(
                {
                    **common,
                    "from_name": name,
                    "type": "textarea",
                    "value": {"start": start, "end": end, "text": [value]},
                }
            )
    return results


def _offsets(convert: Converter | None, start: int, end: int) -> tuple[int, int]:
    if convert is None:
        return start, end
    return convert.to_unit(start), convert.to_unit(end, end=True)


def _predictions(
    suggestions: list[SuggestionRow], convert: Converter | None
) -> list[dict[str, Any]]:
    by_model: dict[str, list[SuggestionRow]] = {}
    for suggestion in suggestions:
        model = f"{suggestion.suggester} {suggestion.suggester_version}"
        by_model.setdefault(model, []).append(suggestion)
    predictions = []
    for model, rows in by_model.items():
        result = []
        for row in rows:
            start, end = _offsets(convert, row.start, row.end)
            result += region(
                f"suggestion-{row.id}",
                label=row.label,
                start=start,
                end=end,
                text=row.text,
                speaker=row.speaker,
                origin="prediction",
                score=row.score,
            )
        predictions.append(
            {
                "model_version": model,
                "score": sum(row.score for row in rows) / len(rows),
                "result": result,
            }
        )
    return predictions


def task(group: Group, context: ExportContext) -> dict[str, Any]:
    document = group.document
    unit = context.offset_unit
    convert = None if unit == CODEPOINT else converter(document.text, unit)
    by_author: dict[str, list[dict[str, Any]]] = {}
    times: dict[str, list[Any]] = {}
    for span in group.spans:
        check_span(document, span)
        start, end = _offsets(convert, span.start, span.end)
        by_author.setdefault(span.author, []).extend(
            region(
                f"span-{span.id}",
                label=span.label,
                start=start,
                end=end,
                text=span.text,
                speaker=span.speaker,
                note=span.note,
            )
        )
        times.setdefault(span.author, []).extend((span.created_at, span.updated_at))
    annotations = [
        {
            "result": result,
            "created_username": author,
            "created_at": min(times[author]),
            "updated_at": max(times[author]),
            "was_cancelled": False,
            "ground_truth": False,
        }
        for author, result in by_author.items()
    ]
    return {
        "data": {
            TEXT: document.text,
            "document_id": document.id,
            "document_url": context.document_url(document.id),
            "title": document.title,
            "outlet": document.outlet,
            "author": document.author,
            "source_url": document.source_url,
            "published_on": document.published_on,
            "external_id": document.external_id,
            "metadata": document.metadata,
            "offset_unit": unit,
        },
        "annotations": annotations,
        "predictions": _predictions(group.suggestions, convert),
    }


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    # One JSON array, written in pieces so memory stays flat; a task a line for readability.
    separator = b"[\n"
    for group in groups:
        yield separator + orjson.dumps(task(group, context), option=_OPTIONS)
        separator = b",\n"
    yield b"]\n" if separator != b"[\n" else b"[]\n"
