"""Reading schema.org ClaimReview: fact-checks from a publisher's feed or a file of them.

The input is one of
- a JSON array of ClaimReview objects, or one ClaimReview object;
- a JSON-LD document with an ``@graph`` (a page's markup, other node types skipped);
- a DataFeed (``dataFeedElement``, each an item or a DataFeedItem wrapping one), the shape
  fact-check publishers offer their reviews in;
- an HTML page: its ``<script type="application/ld+json">`` blocks, each read as above.

Each ClaimReview gives the claim (claimReviewed), the rating (reviewRating: alternateName, and
ratingValue between worstRating and bestRating, 5 and 1 when not given, as schema.org says), the
fact-check's address (url, else @id or mainEntityOfPage), who published it (author, else
publisher) and when (datePublished), and of the claim (itemReviewed) who made it, where it first
appeared and when. An item that cannot be used is refused with its position and the reason;
the others are read. Pure: no Django.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from annotations.claimmatch.claims import same_claim_key
from annotations.domain import web_address
from annotations.domain.text import unstorable

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ITEMS = 100_000
MAX_CLAIM_LENGTH = 5000
MAX_NAME_LENGTH = 300
MAX_RATING_TEXT = 200
BYTE_ORDER_MARK = b"\xef\xbb\xbf"
_SCRIPT = re.compile(
    rb"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"\s+")

# A publisher's rating name -> the desk's scale (annotations.models.Rating), when it says it
# plainly. Publishers' own scales ("Four Pinocchios", "Pants on Fire") are common enough to list;
# anything else keeps its name and number only.
RATING_WORDS: dict[str, str] = {
    name: scale
    for scale, names in {
        "true": "true|correct|accurate|verified|confirmed",
        "mostly_true": "mostly true|mostly correct|mostly accurate|largely true|largely accurate|"
        "one pinocchio",
        "mixed": "half true|half-true|mixture|mixed|partly true|partly false|partially true|"
        "partially false|half right|two pinocchios",
        "mostly_false": "mostly false|largely false|mostly inaccurate|mostly incorrect|"
        "three pinocchios",
        "false": "false|incorrect|inaccurate|wrong|not true|untrue|fake|fabricated|baseless|"
        "pants on fire|pants on fire!|four pinocchios|hoax|scam|debunked",
        "misleading": "misleading|missing context|out of context|needs context|lacks context|"
        "distorts the facts|cherry picks|exaggerated|exaggerates|spin|satire",
        "unverifiable": "unverifiable|unproven|unsupported|unsubstantiated|no evidence|"
        "not verifiable|cannot be verified|research in progress|unclear",
    }.items()
    for name in names.split("|")
}


class FileRefused(ValueError):
    """The input as a whole cannot be read as ClaimReview."""


@dataclass(frozen=True, slots=True)
class Review:
    """One fact-check as read, every field checked and storable."""

    claim_reviewed: str
    claim_key: str
    url: str
    rating_text: str
    rating_value: float | None  # 0 worst .. 1 best
    rating: str  # the desk's scale, or ""
    publisher: str
    published_on: date | None
    claim_author: str
    claim_date: date | None
    source: str


@dataclass(frozen=True, slots=True)
class Refused:
    position: int  # the item's place among the file's ClaimReview items, from 1
    reason: str
    what: str = ""  # its url or claim, to find it by


@dataclass(slots=True)
class ReadFile:
    reviews: list[tuple[int, Review]] = field(default_factory=list)  # (position, review)
    refused: list[Refused] = field(default_factory=list)


def claim_key(claim: str) -> str:
    """The claim's part of a fact-check's natural key: its wording with case, punctuation and
    spacing set aside, hashed."""
    return hashlib.sha256(same_claim_key(claim).encode()).hexdigest()


def read_claim_reviews(data: bytes) -> ReadFile:
    """Every ClaimReview of the input, read or refused. FileRefused when the input is neither
    JSON nor a page with JSON-LD, or holds no ClaimReview at all."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"The file has {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    data = data.removeprefix(BYTE_ORDER_MARK)
    out = ReadFile()
    position = 0
    for item in _items(data, out):
        position += 1
        if position > MAX_ITEMS:
            raise FileRefused(f"More than {MAX_ITEMS:,} ClaimReview items; split the file.")
        if isinstance(item, _NotAReview):
            out.refused.append(Refused(position, item.reason, item.what))
            continue
        try:
            out.reviews.append((position, read_review(item)))
        except ReviewRefused as exc:
            out.refused.append(Refused(position, str(exc), _what(item)))
    if position == 0:
        raise FileRefused("No ClaimReview found (schema.org JSON-LD with @type ClaimReview).")
    return out


class ReviewRefused(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class _NotAReview:
    """An element of an array or feed that is not a ClaimReview: refused in its place."""

    reason: str
    what: str = ""


def _items(data: bytes, out: ReadFile) -> Iterator[dict[str, Any] | _NotAReview]:
    stripped = data.lstrip()
    if stripped[:1] in (b"[", b"{"):
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise FileRefused(f"The file is not valid JSON ({exc}).") from None
        yield from _walk(document, strict=True)
        return
    blocks = _SCRIPT.findall(data)
    if not blocks:
        raise FileRefused(
            "The file is neither JSON nor a page with JSON-LD "
            '(<script type="application/ld+json">).'
        )
    for number, block in enumerate(blocks, start=1):
        text = block.strip()
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            try:  # some pages escape their JSON-LD as HTML
                document = orjson.loads(html.unescape(text.decode("utf-8", "replace")))
            except orjson.JSONDecodeError as exc:
                yield _NotAReview(f"JSON-LD block {number} of the page is not valid JSON ({exc}).")
                continue
        yield from _walk(document, strict=False)


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type", ())
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return {str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names}


def _walk(node: Any, *, strict: bool) -> Iterator[dict[str, Any] | _NotAReview]:
    """ClaimReview nodes, in document order. ``strict``: an element of an array or a feed must
    be a review (refused in its place if not); in a page's @graph other nodes are skipped."""
    if isinstance(node, list):
        for element in node:
            if isinstance(element, dict | list):
                yield from _walk(element, strict=strict)
            elif strict:
                yield _NotAReview(f"An element of the list is not an object ({_kind(element)}).")
        return
    if not isinstance(node, dict):
        if strict:
            yield _NotAReview(f"Not a ClaimReview object ({_kind(node)}).")
        return
    types = _types(node)
    if "ClaimReview" in types:
        yield node
    elif "@graph" in node:
        yield from _walk(node["@graph"], strict=False)
    elif "DataFeed" in types or "dataFeedElement" in node:
        yield from _walk(node.get("dataFeedElement", []), strict=True)
    elif "DataFeedItem" in types or ("item" in node and not types):
        yield from _walk(node.get("item"), strict=True)
    elif strict:
        kind = ", ".join(sorted(types)) or "no @type"
        yield _NotAReview(f"Not a ClaimReview ({kind}).", _what(node))


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _what(node: dict[str, Any]) -> str:
    for key in ("url", "@id", "claimReviewed"):
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    return ""


# --- one review ---------------------------------------------------------------------------------


def read_review(node: dict[str, Any]) -> Review:
    """A ClaimReview object's fields, checked; ReviewRefused says why it cannot be used."""
    claim = _text(node.get("claimReviewed"))
    if not claim:
        raise ReviewRefused("It has no claimReviewed (the claim that was checked).")
    if len(claim) > MAX_CLAIM_LENGTH:
        raise ReviewRefused(
            f"Its claimReviewed has {len(claim):,} characters; the limit is {MAX_CLAIM_LENGTH:,}."
        )
    url = _address(node)
    if not url:
        raise ReviewRefused("It has no url: an http or https address of the fact-check.")
    rating_text, rating_value = _rating(node.get("reviewRating"))
    if not rating_text and rating_value is None:
        raise ReviewRefused(
            "It has no reviewRating (neither an alternateName nor a ratingValue on its scale)."
        )
    item = _first(node.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    review = Review(
        claim_reviewed=claim,
        claim_key=claim_key(claim),
        url=url,
        rating_text=rating_text[:MAX_RATING_TEXT],
        rating_value=rating_value,
        rating=desk_rating(rating_text),
        publisher=_name(node.get("author")) or _name(node.get("publisher")),
        published_on=_date(node.get("datePublished")),
        claim_author=_name(item.get("author")),
        claim_date=_date(item.get("datePublished")),
        source=_appearance(item),
    )
    for name in ("claim_reviewed", "rating_text", "publisher", "claim_author"):
        if reason := unstorable(getattr(review, name)):
            raise ReviewRefused(f"{name} {reason}")
    return review


def desk_rating(rating_text: str) -> str:
    words = _SPACES.sub(" ", rating_text.lower().strip(" .!")).replace("’", "'")
    return RATING_WORDS.get(words, "")


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    value = _first(value)
    if not isinstance(value, str):
        return ""
    return _SPACES.sub(" ", html.unescape(value)).strip()


def _http(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if web_address.is_web_address(value) else ""


def _address(node: dict[str, Any]) -> str:
    return _http(node.get("url")) or _http(node.get("@id")) or _http(node.get("mainEntityOfPage"))


def _name(value: Any) -> str:
    """A Person's or Organization's name (or a plain string); several joined."""
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values:
        if isinstance(v, dict):
            v = v.get("name") or v.get("alternateName") or ""
        if isinstance(v, str) and (text := _text(v)) and text not in names:
            names.append(text)
    return ", ".join(names)[:MAX_NAME_LENGTH]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _rating(value: Any) -> tuple[str, float | None]:
    """(its name, its value between worst 0 and best 1, or None when it has none on a scale)."""
    rating = _first(value)
    if not isinstance(rating, dict):
        return "", None
    name = _text(rating.get("alternateName")) or _text(rating.get("name"))
    given = _number(rating.get("ratingValue"))
    best = _number(rating.get("bestRating"))
    worst = _number(rating.get("worstRating"))
    best = 5.0 if best is None else best
    worst = 1.0 if worst is None else worst
    if given is None or best == worst:
        return name, None
    share = (given - worst) / (best - worst)
    # Publishers put -1 and the like for "not on the scale": nothing to place.
    return name, (round(share, 4) if 0.0 <= share <= 1.0 else None)


def _date(value: Any) -> date | None:
    value = _first(value)
    if not isinstance(value, str):
        return None
    found = _DATE.match(value)
    if found is None:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _appearance(item: dict[str, Any]) -> str:
    return _http(item.get("firstAppearance")) or _http(item.get("appearance"))
