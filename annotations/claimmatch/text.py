"""Text as claim matching reads it: social-media noise removed, words for the lexical index.

A claim reaches the matcher from a tweet, an article sentence or a fact-check's title. Tweets
carry what no verified claim says: links, "pic.twitter.com/..." image links, a signature tail
"— Name (@handle) Month D, YYYY", hashtags and handles written in CamelCase. ``clean`` keeps what
carries meaning (the author's name, a hashtag's words) and drops the rest.
"""

from __future__ import annotations

import html
import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\b\w+\.\w{2,3}/\S+", re.I)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
# "— Donald J. Trump (@realDonaldTrump) January 25, 2014": the tweet's signature when it is
# embedded. The name is kept (a fact-check often names who said it); handle and date go.
_SIGNATURE = re.compile(
    r"\s*[—–-]{1,2}\s*(?P<name>[^—–\n]{0,80}?)\s*\(@\w+\)\s*" + _MONTH + r"\s+\d{1,2},\s+\d{4}\s*$"
)
_TAG = re.compile(r"(?<![\w@#])([#@])(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")
_SPACES = re.compile(r"\s+")


def split_camel(word: str) -> str:
    """ "AustralianFires" -> "Australian Fires", "realDonaldTrump" -> "real Donald Trump"."""
    return _CAMEL.sub(" ", word.replace("_", " "))


def clean(text: str) -> str:
    """The text without links, signature tail or tag marks; hashtags and handles as words."""
    text = html.unescape(unicodedata.normalize("NFC", text))
    signature = _SIGNATURE.search(text)
    if signature:
        text = text[: signature.start()] + " — " + signature.group("name")
    text = _URL.sub(" ", text)
    text = _TAG.sub(lambda m: split_camel(m.group(2)), text)
    return _SPACES.sub(" ", text).strip(" —–-")


# Function words and the words every fact-check title uses ("Did ... Say ...?") carry nothing
# for ranking: a short list, because BM25's idf already discounts common words.
_STOPWORDS = """
    a an and are as at be been but by can could did do does for from had has have he her his how
    i if in into is it its me my no not of on or our she so than that the their them they this to
    too us was we were what when where which who why will with would you your
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _stem(word: str) -> str:
    # A light plural/possessive stripper: enough for "bombings"/"bombing", "claims"/"claim";
    # a full stemmer conflates too much on short claims (policy/police).
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lowercased, lightly stemmed words without stopwords: the lexical index's terms."""
    out = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word not in STOPWORDS:
            out.append(_stem(word))
    return out
