"""The API's JSON parser: DRF's, with the bounds of annotations.domain.bounds checked as the
body is read, so a hostile body is a 400 naming where it went wrong, never a RecursionError
(a 500 with a traceback) in the parser, a view or an export later.

The body's size is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads a JSON body through
request.body); the exception handler (api/errors.py) answers 413 for it.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from annotations.domain import bounds
from annotations.errors import NON_FIELD


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Python's decoder gives up near a thousand levels: far past our bound anyway.
            raise ValidationError(
                {
                    NON_FIELD: [
                        f"The JSON body is nested deeper than {bounds.MAX_JSON_DEPTH} levels."
                    ]
                }
            ) from None
        try:
            bounds.check_json(data, max_depth=bounds.MAX_JSON_DEPTH)
        except bounds.Unbounded as exc:
            raise ValidationError(refusal(exc)) from None
        return data


def refusal(exc: bounds.Unbounded) -> dict[str, list[str]]:
    """The 400's body: under the top-level field the problem is in, with its full path."""
    if not exc.path:
        return {NON_FIELD: [f"The JSON body is {exc.reason}"]}
    field = exc.path.split(".", 1)[0].split("[", 1)[0] or NON_FIELD
    return {field: [str(exc)]}
