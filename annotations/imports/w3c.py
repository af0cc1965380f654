"""W3C Web Annotations as this app's W3C export writes them, under `annotations` beside the
text: each needs a TextPositionSelector (its offsets) and a `tagging` body (its label); its
TextQuoteSelector's `exact` is checked, an `identifying` body is its speaker and a `commenting`
body its note."""

from __future__ import annotations

from typing import Any

from annotations.imports.given import (
    GivenSpan,
    LineRefused,
    as_int,
    as_list,
    as_optional_str,
    as_str,
)

KEYS = ("annotations",)


def spans(line: dict[str, Any]) -> list[GivenSpan]:
    annotations = line["annotations"]
    if not isinstance(annotations, list):
        raise LineRefused("`annotations` must be a list of W3C Web Annotations.")
    return [_span(annotation, f"annotation {n}") for n, annotation in enumerate(annotations, 1)]


def _span(annotation: Any, what: str) -> GivenSpan:
    if not isinstance(annotation, dict) or not isinstance(annotation.get("target"), dict):
        raise LineRefused(f"{what} must be an object with a `target`.")
    bodies: dict[str, Any] = {}
    for body in as_list(annotation.get("body")):
        if isinstance(body, dict) and body.get("type") == "TextualBody":
            bodies.setdefault(as_str(body.get("purpose"), f"{what}'s purpose"), body.get("value"))
    if "tagging" not in bodies:
        raise LineRefused(f"{what} has no TextualBody with purpose `tagging` (its label).")
    selectors: dict[str, dict] = {}
    for selector in as_list(annotation["target"].get("selector")):
        if isinstance(selector, dict):
            selectors.setdefault(str(selector.get("type")), selector)
    position = selectors.get("TextPositionSelector")
    if position is None:
        raise LineRefused(f"{what} has no TextPositionSelector.")
    quote = selectors.get("TextQuoteSelector", {})
    return GivenSpan(
        label=as_str(bodies["tagging"], f"{what}'s label"),
        start=as_int(position.get("start"), f"{what}'s start"),
        end=as_int(position.get("end"), f"{what}'s end"),
        text=as_optional_str(quote.get("exact"), f"{what}'s exact quote"),
        speaker=as_str(bodies.get("identifying"), f"{what}'s speaker"),
        note=as_str(bodies.get("commenting"), f"{what}'s note"),
    )
