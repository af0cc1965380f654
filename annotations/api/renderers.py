"""The API's JSON renderer: DRF's, writing with orjson.

A 2,000-span document is about a megabyte of JSON; the standard library's encoder took a fifth
of its read. What DRF's encoder knows beyond JSON's types (decimals, lazy translations, times
that were not serialized first) goes through DRF's own encoder, so the answers say the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_fallback = JSONEncoder().default


class RenderedJSON(bytes):
    """An answer already written as JSON, as this renderer would write it: sent as it is."""


def _default(value: Any) -> Any:
    return _fallback(value)


class ORJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = renderer_context and self.get_indent(accepted_media_type or "", renderer_context)
        if isinstance(data, RenderedJSON):
            if not indent:
                return data
            data = orjson.loads(
                bytes(data)
            )  # the browsable API, or a client asking for indented JSON
        if indent:
            return super().render(data, accepted_media_type, renderer_context)
        # orjson writes times itself (as DRF does unless told otherwise, but "+00:00" for "Z"):
        # passing them through would change the answers, so they go to DRF's encoder.
        try:
            return orjson.dumps(
                data,
                default=_default,
                option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME,
            )
        except orjson.JSONEncodeError:
            # What orjson refuses and JSON allows (an integer beyond 64 bits in a document's
            # metadata): the standard library writes it.
            return super().render(data, accepted_media_type, renderer_context)
