"""The one check of an imported line's spans: the rules span_create applies
(annotations.domain.span), after carrying each offset from the unit the line counts to code
points (annotations.domain.offsets) and from the text as given to the text as stored, and no
label and range twice on one line. A refused span refuses its line, in words that name the
span as the line gives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.domain import offsets as units
from annotations.domain import span as rules
from annotations.domain.text import normalize_text
from annotations.imports.given import GivenSpan, LineRefused
from annotations.imports.lines import GivenLine


@dataclass(slots=True)
class CheckedLine:
    text: str  # as stored
    document: dict[str, Any]
    spans: list[rules.NewSpan]
    warnings: list[str] = field(default_factory=list)
    existing: int | None = None  # the project's document the spans go to, when named


class _Split(ValueError):
    pass


class Offsets:
    """Carries offsets into the given text through the normalisation to the stored text."""

    def __init__(self, given: str, stored: str) -> None:
        self.given, self.stored = given, stored
        self.identity = given == stored

    def __call__(self, index: int) -> int:
        """`index` in the stored text; _Split if normalisation merged the characters around it."""
        if self.identity:
            return index
        head = normalize_text(self.given[:index])
        if head + normalize_text(self.given[index:]) != self.stored:
            raise _Split(index)
        return len(head)


def check_line(line: GivenLine) -> CheckedLine:
    """Every span of the line checked before anything is written. (A hundred thousand spans a
    line are allowed: messages are only built for a refusal.)"""
    offsets = Offsets(line.given_text, line.text)
    unit = line.offset_unit
    convert = None
    if unit != units.CODEPOINT:
        convert = units.converter(line.given_text, unit)
    seen: set[tuple[str, int, int]] = set()
    checked = []
    for position, given in enumerate(line.spans, start=1):
        if unit != units.CODEPOINT:
            given = _in_codepoints(given, position, line.given_text, unit, convert)
        span = _check(given, position, offsets)
        key = (span.label, span.start, span.end)
        if key in seen:
            raise LineRefused(
                f"{_what(position, given)}: the same label and range appear twice on this line."
            )
        seen.add(key)
        checked.append(span)
    return CheckedLine(
        text=line.text,
        document=line.document,
        spans=checked,
        warnings=line.warnings,
        existing=line.existing,
    )


def _in_codepoints(
    given: GivenSpan, position: int, text: str, unit: str, convert: units.Converter | None
) -> GivenSpan:
    """The span with its offsets in code points of the text as given."""
    length = len(text) if convert is None else convert.length
    if not 0 <= given.start < given.end <= length:
        raise LineRefused(
            f"{_what(position, given)}: offsets must satisfy 0 <= start < end <= {length} "
            f"(the length of the text in {units.UNIT_WORDS[unit]}, as the line's offset_unit "
            f"{unit} says)."
        )
    if convert is None:
        return given
    try:
        start, end = convert.to_codepoint(given.start), convert.to_codepoint(given.end)
    except units.InsideCharacter as exc:
        which = "start" if exc.args[0] == given.start else "end"
        raise LineRefused(
            f"{_what(position, given)}: {which} {exc.args[0]} falls between the two UTF-16 "
            "code units of one character (an emoji or another character outside the Basic "
            "Multilingual Plane)."
        ) from None
    return GivenSpan(given.label, start, end, given.text, given.speaker, given.note)


def _what(position: int, span: GivenSpan) -> str:
    return f"Span {position} ({span.label} {span.start}:{span.end})"


def _check(given: GivenSpan, position: int, offsets: Offsets) -> rules.NewSpan:
    label = given.label.upper()
    stored = offsets.stored
    start, end = given.start, given.end
    try:
        if not offsets.identity:
            # The offsets must index the text as given before they can be carried.
            rules.check_label(label)
            rules.check_offsets(start, end, len(offsets.given))
            start, end = offsets(start), offsets(end)
        exact = stored[start:end]
        quote = given.text
        if quote is None or (quote != exact and normalize_text(quote) == exact):
            quote = exact  # none given, or given as the text was before its normalisation
        return rules.check_span(
            stored,
            label=label,
            start=start,
            end=end,
            quote=quote,
            speaker=given.speaker,
            note=given.note,
        )
    except rules.SpanInvalid as exc:
        reason = _reason(exc, given, len(offsets.given), stored[start:end])
    except _Split as exc:
        which = "start" if exc.args[0] == given.start else "end"
        reason = (
            f"{which} {exc.args[0]} falls inside characters that normalisation (NFC, CRLF to "
            "LF) merges into one, so it has no place in the stored text; give offsets that do "
            "not split a line break or a letter from its accent."
        )
    raise LineRefused(f"{_what(position, given)}: {reason}")


def _reason(exc: rules.SpanInvalid, given: GivenSpan, length: int, exact: str) -> str:
    if exc.rule == "label":
        return f"unknown label; use one of {', '.join(rules.LABELS)}."
    if exc.rule == "offsets":
        return (
            f"offsets must satisfy 0 <= start < end <= {length} "
            "(the length of the text in code points)."
        )
    if exc.rule == "text":
        return (
            f"its text {given.text!r:.60} differs from the document's {exact!r:.60} at those "
            "offsets (offsets count Unicode code points unless the line's `offset_unit` or the "
            "import's offset_unit says otherwise)."
        )
    if exc.rule == "speaker":
        return "only a QUOTE has a speaker."
    return f"{exc.field} {exc.reason}"  # storable
