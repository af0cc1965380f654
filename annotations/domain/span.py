"""A span: its fields and where each one appears, the rules of a valid span over a document's
text, the context kept around it, the snapshot kept in history, and its origin.

FIELDS is the one list of a span's fields. Everything else that lists them derives from it: the
API's serializer and the workspace's presenter (API_FIELDS), the history and moderation's reads
(HISTORY_FIELDS, HISTORY_SOURCES), the exports' rows, JSONL objects and CSV columns
(EXPORT_FIELDS, EXPORT_SOURCES, CSV), the checked span and the import's written columns
(NewSpan). A new field of a span is added to the model, here, and in a migration.

Offsets are Unicode code points of the document's stored (normalised) text, end exclusive:
`text[start:end]` is the span's text. The checks raise SpanInvalid; the span service turns it
into a ValidationError, the import into its refusal of the line.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from enum import Flag, auto
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from annotations.domain.text import unstorable

PREFIX_SUFFIX_LENGTH = 32
LABELS = ("CLAIM", "QUOTE", "OPINION")
QUOTE = "QUOTE"
PENDING = "pending"


class In(Flag):
    """Where a field appears."""

    API = auto()  # the API's span object, which the workspace page embeds too
    EXPORT = auto()  # the export's span rows (every format reads them; JSONL lists them all)
    CSV = auto()  # a column of the CSV export
    HISTORY = auto()  # the snapshot kept in history before and after each change
    NEW = auto()  # a new span's own values: what check_span gives and the import writes


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True, slots=True)
class SpanField:
    name: str
    where: In
    # What it is read from: the model's attribute, or a path through its relations
    # ("author__username", as the ORM writes it); the name itself when empty.
    source: str = ""
    # What is shown from what is stored (the origin from the suggestion id).
    derive: Callable[[Any], Any] | None = None
    # A new span's value (of `source`) when none is given.
    default: Any = REQUIRED
    # Its CSV column, when that is not its name.
    column: str = ""

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", self.name)

    @property
    def path(self) -> str:
        """`source` as an attribute path ("author.username")."""
        return self.source.replace("__", ".")


def origin(suggestion_id: int | None) -> str:
    """How the span came to be: "manual", or "suggestion:<id>" of the suggestion accepted."""
    return "manual" if suggestion_id is None else f"suggestion:{suggestion_id}"


def _is_deleted(deleted_at: object) -> bool:
    return deleted_at is not None


_SHOWN = In.API | In.EXPORT | In.CSV
_OWN = _SHOWN | In.HISTORY | In.NEW

FIELDS: tuple[SpanField, ...] = (
    SpanField("id", _SHOWN, column="span_id"),
    SpanField("document", In.API, source="document_id"),
    SpanField("label", _OWN),
    SpanField("start", _OWN),
    SpanField("end", _OWN),
    SpanField("text", _OWN),
    SpanField("prefix", _SHOWN | In.NEW),
    SpanField("suffix", _SHOWN | In.NEW),
    SpanField("speaker", _OWN, default=""),  # only a QUOTE has one
    SpanField("note", _OWN, default=""),
    # The desk claim a CLAIM is a mention of (None for other labels). Not a NEW value: the
    # service or the import's writer decides it (joins a same-words CLAIM or makes one). Not in
    # the snapshot either: a move is its own history event (services.spans.mention_move).
    SpanField("desk_claim", _SHOWN, source="desk_claim_id", default=None, column="desk_claim_id"),
    SpanField("author", _SHOWN, source="author__username"),
    SpanField("origin", _SHOWN, source="suggestion_id", derive=origin, default=None),
    SpanField("review_status", _OWN, default=PENDING),
    SpanField("review_reason", In.API | In.HISTORY | In.NEW, default=""),
    SpanField("reviewed_at", In.EXPORT),
    SpanField("deleted", In.HISTORY, source="deleted_at", derive=_is_deleted, default=None),
    SpanField("version", In.API | In.HISTORY | In.NEW, default=1),
    # Its desk claim's verdict, its own object (each reader builds it): shown on every mention.
    SpanField("verdict", In.API, default=None),
    SpanField("created_at", _SHOWN),
    SpanField("updated_at", _SHOWN),
)


def fields_in(where: In) -> tuple[SpanField, ...]:
    return tuple(field for field in FIELDS if where in field.where)


API = fields_in(In.API)
API_FIELDS = tuple(field.name for field in API)
EXPORT = fields_in(In.EXPORT)
EXPORT_FIELDS = tuple(field.name for field in EXPORT)
EXPORT_SOURCES = tuple(field.source for field in EXPORT)
CSV = fields_in(In.CSV)
HISTORY = fields_in(In.HISTORY)
HISTORY_FIELDS = tuple(field.name for field in HISTORY)
HISTORY_SOURCES = tuple(field.source for field in HISTORY)
NEW = fields_in(In.NEW)
NEW_FIELDS = tuple(field.name for field in NEW)


def _new_defaults() -> list[Any]:
    """The defaults of a new span's trailing fields (those after the last one a maker gives)."""
    given = [i for i, field in enumerate(NEW) if field.default is REQUIRED]
    defaults = [field.default for field in NEW[given[-1] + 1 :]]
    if len(given) + len(defaults) != len(NEW):
        raise TypeError("A new span's fields with a default must come after those without.")
    return defaults


if TYPE_CHECKING:

    class NewSpan(tuple[Any, ...]):
        def __new__(cls, *args: Any, **kwargs: Any) -> NewSpan: ...
        def __getattr__(self, name: str) -> Any: ...
        def _asdict(self) -> dict[str, Any]: ...

else:
    # A span after every check, not stored yet: its own values (NEW_FIELDS) in order.
    NewSpan = namedtuple("NewSpan", NEW_FIELDS, defaults=_new_defaults())
    # What history reads of a span that a new one does not carry takes its default (a new
    # span is not deleted), so the snapshot reads a NewSpan as it reads a stored span.
    for _field in HISTORY:
        if _field.source not in NEW_FIELDS:
            setattr(NewSpan, _field.source, _field.default)


class SpanInvalid(ValueError):
    """A span breaks a rule. `errors` gives the reason per field (`field` and `reason` are the
    first); `rule` names the rule broken: label, offsets, text, speaker or storable."""

    def __init__(self, rule: str, errors: dict[str, str]) -> None:
        self.rule, self.errors = rule, errors
        self.field, self.reason = next(iter(errors.items()))
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))


_LABELS = frozenset(LABELS)


def check_label(label: str) -> None:
    if label not in _LABELS:
        raise SpanInvalid(
            "label", {"label": f"Unknown label {label!r}; choose one of {', '.join(LABELS)}."}
        )


def check_offsets(start: int, end: int, length: int) -> None:
    """0 <= start < end <= length, the length of the text in code points."""
    if 0 <= start < end <= length:
        return
    errors = {}
    if start < 0:
        errors["start"] = "Must be 0 or more."
    if end <= start:
        errors["end"] = "Must be greater than start (a span covers at least one character)."
    elif end > length:
        errors["end"] = (
            f"Is past the end of the document, which has {length} characters "
            "(offsets count Unicode code points)."
        )
    raise SpanInvalid("offsets", errors)


def check_anchor(text: str | TextWindow, start: int, end: int, quote: str) -> None:
    """The offsets index the stored `text` and `quote` is exactly what they cover."""
    check_offsets(start, end, len(text))
    actual = text[start:end]
    if quote != actual:
        raise SpanInvalid(
            "text",
            {
                "text": f"Does not match the document at {start}:{end}, which reads {actual!r} "
                "(offsets count Unicode code points of the NFC-normalised text)."
            },
        )


def check_storable(value: str, field: str) -> None:
    if value and (reason := unstorable(value)):
        raise SpanInvalid("storable", {field: reason})


def check_speaker(label: str, speaker: str) -> None:
    """`speaker` as it is stored (stripped)."""
    check_storable(speaker, "speaker")
    if speaker and label != QUOTE:
        raise SpanInvalid("speaker", {"speaker": "Only a QUOTE has a speaker."})


class TextWindow:
    """The part of a document's text that the rules of a span at start:end read (the span and
    its context, window_of), standing in for the whole text: its length is the whole text's,
    and it is sliced with the whole text's offsets. A 400,000-character article need not be
    read from the database to check five characters of it."""

    __slots__ = ("_length", "_offset", "_part")

    def __init__(self, part: str, *, offset: int, length: int) -> None:
        self._part, self._offset, self._length = part, offset, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, where: slice) -> str:
        first, last, _ = where.indices(self._length)
        if last <= first:
            return ""
        if first < self._offset or last > self._offset + len(self._part):
            raise IndexError(f"{first}:{last} is outside the window read of the text.")
        return self._part[first - self._offset : last - self._offset]


def window_of(start: int, end: int) -> tuple[int, int]:
    """Where the part of the text that check_span reads for a span at start:end begins, and
    how long it is (a TextWindow; code points, from 0)."""
    first = max(0, start - PREFIX_SUFFIX_LENGTH)
    return first, max(0, end + PREFIX_SUFFIX_LENGTH - first)


def context(text: str | TextWindow, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix kept with a span, to re-anchor it and for TextQuoteSelector."""
    return text[max(0, start - PREFIX_SUFFIX_LENGTH) : start], text[
        end : end + PREFIX_SUFFIX_LENGTH
    ]


def check_span(
    text: str | TextWindow,
    *,
    label: str,
    start: int,
    end: int,
    quote: str,
    speaker: str = "",
    note: str = "",
) -> NewSpan:
    """Every rule of a new span over a document's stored `text` (or the TextWindow of it that
    the rules read), in the order they are reported; the span as it is stored (the speaker
    stripped, its context taken)."""
    check_label(label)
    check_anchor(text, start, end, quote)
    speaker = speaker.strip()
    if speaker:
        check_speaker(label, speaker)
    if note:
        check_storable(note, "note")
    prefix, suffix = context(text, start, end)
    return NewSpan(
        label=label,
        start=start,
        end=end,
        text=quote,
        prefix=prefix,
        suffix=suffix,
        speaker=speaker,
        note=note,
    )


_read_history = attrgetter(*HISTORY_SOURCES)
_HISTORY_DERIVED = tuple((field.name, field.derive) for field in HISTORY if field.derive)


def snapshot(span: object) -> dict[str, Any]:
    """What history keeps of a span before and after each change, read from a model instance
    or from a NewSpan (as the import writes it: pending, version 1, not deleted)."""
    values = dict(zip(HISTORY_FIELDS, _read_history(span), strict=True))
    for name, derive in _HISTORY_DERIVED:
        values[name] = derive(values[name])
    return values


def _new_snapshot_parts() -> tuple[tuple[tuple[str, int], ...], dict[str, Any]]:
    """Where snapshot() finds each history field in a NewSpan: its position among the new
    span's own values, or the value every new span has (its default, derived)."""
    positions, fixed = [], {}
    for field in HISTORY:
        if field.source in NEW_FIELDS:
            positions.append((field.name, NEW_FIELDS.index(field.source)))
        else:
            fixed[field.name] = field.derive(field.default) if field.derive else field.default
    return tuple(positions), fixed


_NEW_POSITIONS, _NEW_FIXED = _new_snapshot_parts()


def new_snapshot(span: NewSpan) -> dict[str, Any]:
    """snapshot(span) of a NewSpan, read by position: the import's history record of each of
    its spans (a hundred thousand a file) at a third of the cost. Equal to snapshot(span)."""
    values = {name: span[position] for name, position in _NEW_POSITIONS}
    values.update(_NEW_FIXED)
    return values
