"""The error answers every operation can give, stated once in the OpenAPI document.

The views declare what they answer when all goes well (and any error with a body of its own,
like an import's report); this postprocessing hook adds what the API layer answers for every
view alike, from what the operation is: 400 where there is input to refuse, 401 and 403 where a
login is needed, 404 where the path names an object, 409 where a write can meet a newer version
or a duplicate, 413 where there is a body to be too large and 415 for a body of a type the
operation does not read, 429 where the view is throttled, 503
anywhere (the database lost). The bodies are those of the API's exception handler
(annotations.api.errors) and of the JSON answers for API clients outside DRF."""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings

UNSAFE_METHODS = {"post", "put", "patch", "delete"}

DETAIL_PROPERTY: dict[str, Any] = {"type": "string", "description": "The reason, in words."}
DETAIL: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": DETAIL_PROPERTY},
    "required": ["detail"],
}

ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    "ValidationError": {
        "type": "object",
        "description": "Each refused field with its reasons (`non_field_errors` for the request "
        "as a whole, `detail` when the body could not be read at all). A field of a list or an "
        "object has its reasons by position or key.",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
    "ErrorDetail": DETAIL,
    "Conflict": {
        **DETAIL,
        "properties": {
            "detail": DETAIL_PROPERTY,
            "current": {
                "type": "object",
                "description": "The object as it is now, when a stale version was sent.",
            },
        },
    },
}

ERRORS = {
    "400": ("ValidationError", "The input is not valid: each refused field with its reasons."),
    "401": ("ErrorDetail", "No credentials, or credentials that are not valid."),
    "403": ("ErrorDetail", "Your role in the project does not allow this."),
    "404": ("ErrorDetail", "No such object among those you may see."),
    "409": ("Conflict", "Refused: the object changed since you read it, or would duplicate one."),
    "413": ("ErrorDetail", "The body is larger than the limit it names."),
    "415": ("ErrorDetail", "The body's Content-Type is not one the operation reads."),
    "429": ("ErrorDetail", "Too many requests: try again after the Retry-After seconds."),
    "503": ("ErrorDetail", "The database is not answering: try again after Retry-After seconds."),
}


def _error_response(code: str) -> dict[str, Any]:
    component, description = ERRORS[code]
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _views_by_operation(generator) -> dict[tuple[str, str], Any]:
    views = {}
    for path, _regex, method, view in generator.endpoints or []:
        views[(path, method.lower())] = getattr(view, "cls", None)
    return views


def _error_codes(path: str, method: str, operation: dict, view_class) -> list[str]:
    parameters = operation.get("parameters", [])
    takes_input = "requestBody" in operation or any(p["in"] == "query" for p in parameters)
    needs_login = any(requirement for requirement in operation.get("security", [{}]))
    codes = []
    if takes_input:
        codes.append("400")
    if needs_login:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if needs_login and method in UNSAFE_METHODS:
        codes.append("409")
    if "requestBody" in operation:
        codes += ["413", "415"]
    throttles = getattr(view_class, "throttle_classes", api_settings.DEFAULT_THROTTLE_CLASSES)
    if throttles:
        codes.append("429")
    codes.append("503")
    return codes


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the shared error answers to every operation."""
    views = _views_by_operation(generator)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in ERROR_COMPONENTS.items():
        schemas.setdefault(name, schema)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation, views.get((path, method))):
                declared = responses.get(code)
                if declared is None or "content" not in declared:
                    responses[code] = {
                        **_error_response(code),
                        **({"description": declared["description"]} if declared else {}),
                    }
                    continue
                # The view's own body for this code (an import's report), or the API's.
                ours = _error_response(code)["content"]["application/json"]["schema"]
                for media in declared["content"].values():
                    if "schema" in media and media["schema"] != ours:
                        media["schema"] = {"anyOf": [media["schema"], ours]}
            operation["responses"] = dict(sorted(responses.items()))
    return result
