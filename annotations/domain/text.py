"""A document's text: the one normalisation it gets and what a database can store."""

from __future__ import annotations

import unicodedata


def normalize_text(text: str) -> str:
    """The one normalisation a document's text gets: line ends to \\n, then Unicode NFC."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def unstorable(value: str) -> str | None:
    """Why PostgreSQL cannot store `value` (a NUL character, a lone surrogate), or None."""
    if "\x00" in value:
        return "contains a NUL character (\\x00), which cannot be stored."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (invalid Unicode), which cannot be stored."
    return None
