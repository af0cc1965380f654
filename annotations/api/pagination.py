"""Cursor pages for the API's lists, newest first. A `page_size` that is not a whole number
from 1 to the maximum is refused (400) rather than quietly replaced by the default, and the
OpenAPI schema states those bounds."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

from annotations.errors import ValidationError


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                f"Give a whole number from 1 to {self.max_page_size}.",
                field=self.page_size_query_param,
            )
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["description"] = f"At most {self.max_page_size}."
        return parameters
