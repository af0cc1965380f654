"""What an import adds to a document the project already has (`on_existing=update`, and the
W3C import, whose annotations always go to existing documents).

A document's text never changes, so a line for an existing document must give the same text
(after normalisation): a different text is refused (an edited article is a new document, with
its own external id). Then nothing a reviewer did is lost or changed: the line's spans are
added, except one whose label and range the document already has (kept as it is, with its
review, verdict, speaker, note and author; a different speaker or note in the line is reported,
not applied) and one a reviewer deleted (not brought back; reported). Spans the document has
that the line lacks stay. The document's own fields (title, outlet ...) are kept as stored."""

from __future__ import annotations

from dataclasses import dataclass

from annotations.domain.span import NewSpan
from annotations.imports.given import LineRefused


@dataclass(frozen=True, slots=True)
class StoredSpan:
    label: str
    start: int
    end: int
    speaker: str
    note: str
    deleted: bool


def spans_to_add(
    *, stored_text: str, given_text: str, what: str, stored: list[StoredSpan], given: list[NewSpan]
) -> tuple[list[NewSpan], list[str]]:
    """The line's spans the document does not have yet, and what to report of the others."""
    if stored_text != given_text:
        raise LineRefused(
            f"{what} has a different text: a document's text never changes. Import the new "
            "version as a new document (another external_id)."
        )
    live = {(s.label, s.start, s.end): s for s in stored if not s.deleted}
    deleted = {(s.label, s.start, s.end) for s in stored if s.deleted}
    added: list[NewSpan] = []
    kept_differing = []
    not_restored = []
    for span in given:
        key = (span.label, span.start, span.end)
        if key in live:
            have = live[key]
            if (have.speaker, have.note) != (span.speaker, span.note):
                kept_differing.append(f"{span.label} {span.start}:{span.end}")
        elif key in deleted:
            not_restored.append(f"{span.label} {span.start}:{span.end}")
        else:
            added.append(span)
    warnings = []
    if kept_differing:
        warnings.append(
            f"{len(kept_differing)} span(s) already here with another speaker or note were "
            f"kept as they are ({', '.join(kept_differing[:5])})."
        )
    if not_restored:
        warnings.append(
            f"{len(not_restored)} span(s) deleted here were not brought back "
            f"({', '.join(not_restored[:5])})."
        )
    return added, warnings
