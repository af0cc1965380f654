"""Where the desk's fact checks are published: the address of each ClaimReview's article, made
from a template such as ``https://desk.example.org/checks/{desk_claim_id}``, and the checks a
template passes. Pure: the settings, the project's fields and the export read it."""

from __future__ import annotations

from string import Formatter
from urllib.parse import urlsplit

from annotations.domain import web_address

# What a template may name. The desk claim's id is the one that tells reviews apart.
PLACEHOLDERS = ("desk_claim_id", "project_id")
MAX_URL_LENGTH = web_address.MAX_LENGTH


class TemplateInvalid(ValueError):
    """A review URL template that cannot make an http(s) address."""


def check_review_url_template(template: str) -> str:
    """The template, stripped, if it makes an http(s) address from PLACEHOLDERS alone; "" stays
    "" (no template). Raises TemplateInvalid saying what is wrong."""
    template = template.strip()
    if not template:
        return ""
    try:
        parsed = [
            (name, spec, conversion)
            for _, name, spec, conversion in Formatter().parse(template)
            if name is not None
        ]
    except ValueError as exc:  # an unmatched brace
        raise TemplateInvalid(f"The template is not well formed: {exc}.") from None
    unknown = sorted({name for name, _, _ in parsed if name not in PLACEHOLDERS})
    if unknown:
        raise TemplateInvalid(
            f"Unknown placeholder {{{unknown[0]}}}; a template may use "
            + " and ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            + "."
        )
    if any(spec or conversion for _, spec, conversion in parsed):
        raise TemplateInvalid("Write placeholders plainly, e.g. {desk_claim_id}.")
    address = review_url(template, desk_claim_id=1, project_id=1)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TemplateInvalid("The template must make an http or https address.")
    if len(address) > MAX_URL_LENGTH:
        raise TemplateInvalid(f"The template is longer than {MAX_URL_LENGTH} characters.")
    return template


def review_url(template: str, *, desk_claim_id: int, project_id: int) -> str:
    """The fact-check article's address of one desk claim, from a checked template."""
    return template.format(desk_claim_id=desk_claim_id, project_id=project_id)
