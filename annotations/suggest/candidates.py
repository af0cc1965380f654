"""The one value every suggester returns: a candidate span over the text it was given."""

from __future__ import annotations

from dataclasses import asdict, dataclass

LABELS = ("CLAIM", "QUOTE", "OPINION")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suggested span.

    ``start``/``end`` are Python code-point offsets into the text given to the suggester, end
    exclusive, and ``text`` is always ``text[start:end]`` of that text.

    For a QUOTE, ``speaker`` is who is quoted as the article names them (a pronoun is resolved to
    the last named person before it), and ``speaker_start``/``speaker_end`` are where the words
    that attribute the quote stand in the text: the name, or the pronoun itself when a pronoun
    attributes it (the convention of attribution corpora such as PolNeAR). ``None`` when no
    speaker was found.
    """

    label: str
    start: int
    end: int
    text: str
    score: float
    reason: str
    suggester: str
    version: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    # The suggester's own score when ``score`` has been calibrated to a desk's decisions.
    raw_score: float | None = None

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad range {self.start}..{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError("text does not match the range")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside [0, 1]")
        if (self.speaker_start is None) != (self.speaker_end is None):
            raise ValueError("speaker_start and speaker_end go together")

    def to_dict(self) -> dict:
        return asdict(self)


def make(
    text: str,
    label: str,
    start: int,
    end: int,
    *,
    score: float,
    reason: str,
    suggester: str,
    version: str,
    speaker: str | None = None,
    speaker_start: int | None = None,
    speaker_end: int | None = None,
) -> Candidate:
    """Build a Candidate whose ``text`` is cut from ``text`` itself, so it can never disagree."""
    return Candidate(
        label=label,
        start=start,
        end=end,
        text=text[start:end],
        score=round(min(1.0, max(0.0, score)), 3),
        reason=reason,
        suggester=suggester,
        version=version,
        speaker=speaker,
        speaker_start=speaker_start,
        speaker_end=speaker_end,
    )
