"""URL converters. Ids are bounded so an absurd number in a URL is a 404, not a database
overflow (PostgreSQL bigint ends at 19 digits)."""

import re

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"
    pattern = re.compile(regex, re.ASCII)

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
