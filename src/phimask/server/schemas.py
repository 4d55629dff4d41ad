"""Request shapes the HTTP layer checks before the shared validators of ``phimask.aws``
(which do the field-level work, so errors are the ones the Lambdas return)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phimask.aws.payloads import check_fields, json_object
from phimask.errors import InputError
from phimask.server.errors import ApiError

MAX_BODY_BYTES = 256 * 1024  # the Step Functions payload limit; text fields stop at 64 KB
REIDENTIFY_FIELDS = frozenset({"deidentifiedText", "messageHash"})


def check_content_type(value: str | None) -> None:
    """POST bodies are JSON: no Content-Type (taken as JSON) or application/json in UTF-8."""
    if value is None:
        return
    media, *params = (part.strip().lower() for part in value.split(";"))
    charset = next((p.partition("=")[2].strip('"') for p in params if p.startswith("charset=")), "utf-8")
    if media != "application/json" or charset != "utf-8":
        raise ApiError(415, "UnsupportedMediaType", "send the body as application/json in UTF-8")


def body_text(body: bytes) -> str:
    """The body as text: strict UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("request body is not valid UTF-8") from None


def query_params(items: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The query string as a dict; a repeated parameter is refused (which one would count?)."""
    params: dict[str, str] = {}
    for name, value in items:
        if name in params:
            raise InputError("query string repeats a parameter")
        params[name] = value
    return params


def reidentify_body(body: bytes) -> dict[str, Any]:
    """``{deidentifiedText}`` or ``{messageHash}`` (or both), as the Reidentify Lambda checks it;
    ``phimask.deid.reidentify`` validates the values."""
    data = json_object(body_text(body))
    check_fields(data, REIDENTIFY_FIELDS, [])
    return data
