"""Offsets in the unit a tool counts: the one conversion module, checked against Python's own
UTF-16 encoder and the `regex` package's grapheme clusters on random text."""

from __future__ import annotations

import random

import pytest
import regex

from annotations.domain import offsets

POOL = [*"ab c\r\n.", "\u0301", "\u0307", "\u200d", "😀", "👨", "👩", "🇮", "🇳", "\u094d", "क",
        "ष", "ᄀ", "ᅡ", "ᆨ", "가", "\u0e33", "\u0600", "\ufe0f", "🏽", "東", "ש", "\u200f", "q"]  # fmt: skip


def clusters(text: str) -> list[str]:
    return regex.findall(r"\X", text, regex.DOTALL)


@pytest.mark.parametrize("seed", range(4))
def test_grapheme_and_utf16_offsets_agree_with_the_reference_on_random_text(seed):
    rng = random.Random(seed)
    for _ in range(1500):
        text = "".join(rng.choice(POOL) for _ in range(rng.randint(1, 14)))
        graphemes = offsets.converter(text, offsets.GRAPHEME)
        bounds = [0]
        for cluster in clusters(text):
            bounds.append(bounds[-1] + len(cluster))
        assert offsets.length(text, offsets.GRAPHEME) == len(bounds) - 1
        for index, bound in enumerate(bounds):
            back = bound if graphemes is None else graphemes.to_codepoint(index)
            assert back == bound
            if graphemes is not None:
                assert graphemes.to_unit(bound) == graphemes.to_unit(bound, end=True) == index
        utf16 = offsets.converter(text, offsets.UTF16)
        for i in range(len(text) + 1):
            units = len(text[:i].encode("utf-16-le")) // 2
            assert (i if utf16 is None else utf16.to_unit(i)) == units
            assert (units if utf16 is None else utf16.to_codepoint(units)) == i


def test_a_span_inside_a_cluster_widens_to_whole_clusters():
    text = "a 🇮🇳 b"  # the flag is one cluster of two code points
    graphemes = offsets.converter(text, offsets.GRAPHEME)
    assert graphemes.to_unit(3) == 2  # inside the flag: its start
    assert graphemes.to_unit(3, end=True) == 3  # its end


def test_a_utf16_offset_between_the_halves_of_an_emoji_is_refused():
    utf16 = offsets.converter("x😀y", offsets.UTF16)
    assert utf16.to_codepoint(3) == 2
    with pytest.raises(offsets.InsideCharacter):
        utf16.to_codepoint(2)


def test_plain_text_needs_no_conversion_in_any_unit():
    for unit in offsets.UNITS:
        assert offsets.converter("Plain ASCII, and café or 東京 too.", unit) is None


def test_an_unknown_unit_names_the_allowed_ones():
    with pytest.raises(offsets.UnknownUnit, match="use one of codepoint, utf16, grapheme"):
        offsets.check_unit("bytes")
