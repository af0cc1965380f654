"""A web address as this app takes it: for a document's source, a verdict's evidence links and
review, a ClaimReview's item.

WEB_ADDRESS is the one rule. The API checks it and states it as its schema's pattern (for what
it takes and what it gives back, so every stored address reads back as the schema says), the
services check it whatever the caller (the import, the admin), and the ClaimReview import keeps
only addresses that pass it. It is a strict subset of what Django's URLValidator (and so the
models) accept: whatever matches is stored.

An http(s) scheme, a host of ASCII labels (an IDN in its xn-- form), an optional port, then
anything but white space and control characters (C0, DEL, C1: no address holds one); the white
space is spelled out so that JavaScript's \\s and Python's agree on it.
"""

from __future__ import annotations

import re

MAX_LENGTH = 2000
_ADDRESS_CHARACTER = (
    r"[^\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
WEB_ADDRESS = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,40}[A-Za-z0-9])?\.){1,4}"
    rf"[A-Za-z]{{2,20}}(?::[0-9]{{1,4}})?(?:[/?#]{_ADDRESS_CHARACTER}*)?$"
)
_PATTERN = re.compile(WEB_ADDRESS)
REASON = "Give an http or https address."


def is_web_address(value: str) -> bool:
    return len(value) <= MAX_LENGTH and _PATTERN.fullmatch(value) is not None
