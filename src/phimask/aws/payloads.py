"""Request validation and the payloads passed between text states.

Messages name the field and the problem, never the value. Between states, entities travel
as compact ``[begin, end, type, score]`` spans so that a 64 KB note stays far below the
256 KB Step Functions payload limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from phimask.detect.base import DEFAULT_THRESHOLD, KnownEntities, check_threshold
from phimask.entities import Entity, EntityType
from phimask.errors import InputError
from phimask.pipeline import parse_style

if TYPE_CHECKING:
    from phimask.policy import Policy

MAX_API_TEXT_BYTES = 64 * 1024
OPERATIONS = ("identify", "mask", "deidentify")
_FIELDS = {
    "identify": frozenset({"text", "threshold", "policy"}),
    "mask": frozenset({"text", "threshold", "style", "policy"}),
    "deidentify": frozenset({"text", "threshold", "scope", "style", "policy"}),
}
DEID_STYLES = ("token", "surrogate")
MAX_SCOPE = 128


def json_object(body: Any, what: str = "request body") -> dict[str, Any]:
    """``body`` as a dict: a JSON object given as a string, bytes or already parsed."""
    if isinstance(body, Mapping):
        return dict(body)
    if isinstance(body, str | bytes):
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            raise InputError(f"{what} is not valid JSON") from None
        if isinstance(value, dict):
            return value
    raise InputError(f"{what} must be a JSON object")


def check_fields(data: Mapping[str, Any], allowed: frozenset[str], required: Sequence[str],
                 what: str = "request body") -> None:
    """Reject unknown fields (without echoing them) and missing required ones."""
    if set(data) - allowed:
        raise InputError(f"{what} has unexpected fields; allowed: {', '.join(sorted(allowed))}")
    for name in required:
        if name not in data:
            raise InputError(f"{what} is missing the field: {name}")


def text_field(data: Mapping[str, Any], name: str = "text", max_bytes: int = MAX_API_TEXT_BYTES) -> str:
    """A non-empty UTF-8 string of at most ``max_bytes`` bytes."""
    value = data.get(name)
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise InputError(f"{name} is not valid UTF-8 (it contains an unpaired surrogate)") from None
    if size > max_bytes:
        raise InputError(f"{name} is larger than the {max_bytes // 1024} KB limit of this route; "
                         "use POST /batch for larger documents")
    if "\x00" in value:
        raise InputError(f"{name} contains NUL characters; expected text")
    if not value.strip():
        raise InputError(f"{name} is empty")
    return value


def threshold_field(data: Mapping[str, Any], default: float) -> float:
    """A JSON number in [0, 1] (strings and booleans are refused)."""
    value = data.get("threshold", default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("threshold must be a number between 0 and 1")
    return check_threshold(value)


def threshold_param(value: object, default: float) -> float:
    """A query-string threshold: parsed as a number, never compared as a string."""
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise InputError("threshold must be a number between 0 and 1")
    try:
        return check_threshold(float(value))
    except ValueError:
        raise InputError("threshold must be a number between 0 and 1") from None


@dataclass(frozen=True, slots=True)
class TextRequest:
    """A validated text request; ``style`` is used by mask and deidentify, ``scope`` by
    deidentify; ``policy`` names a policy (``threshold`` None: the policy's)."""

    operation: str
    text: str
    threshold: float | None
    style: str = "type"
    scope: str | None = None
    policy: str | None = None

    def resolved_policy(self) -> Policy:
        from phimask.pipeline import request_policy

        return request_policy(self.policy, self.threshold)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, data: Any) -> TextRequest:
        """Read a request that an earlier state validated (validated again: it is cheap)."""
        if not isinstance(data, Mapping):
            raise InputError("request must be an object")
        operation = data.get("operation")
        fields = _FIELDS.get(operation, frozenset()) if isinstance(operation, str) else frozenset()
        body = {k: data[k] for k in fields if data.get(k) is not None}
        return parse_text_request({"operation": operation, "body": body}, DEFAULT_THRESHOLD)


def parse_text_request(event: Mapping[str, Any], default_threshold: float,
                       default_policy: str | None = None) -> TextRequest:
    """Validate ``{"operation", "body"}`` as the API passes it (body: JSON text or object);
    ``default_policy`` applies when the body names none."""
    operation = event.get("operation")
    if operation not in OPERATIONS:
        raise InputError(f"operation must be one of: {', '.join(OPERATIONS)}")
    data = json_object(event.get("body"))
    check_fields(data, _FIELDS[operation], ["text"])
    text = text_field(data)
    policy = policy_field(data) or default_policy
    threshold = threshold_field(data, default_threshold) if "threshold" in data or policy is None else None
    style = data.get("style", "token" if operation == "deidentify" else "type")
    if not isinstance(style, str):
        raise InputError("style must be a string")
    if operation == "deidentify":
        if style not in DEID_STYLES:
            raise InputError(f"style must be one of: {', '.join(DEID_STYLES)}")
    else:
        parse_style(style)
    scope = data.get("scope")
    if scope is not None and (not isinstance(scope, str) or not scope.strip()
                              or len(scope) > MAX_SCOPE or not scope.isprintable()):
        raise InputError(f"scope must be a printable string of 1 to {MAX_SCOPE} characters")
    return TextRequest(operation, text, threshold, style, scope, policy)


def policy_field(data: Mapping[str, Any]) -> str | None:
    """The optional ``policy`` field: the name of a shipped or installed policy (never a
    path: an API caller must not make the service read files)."""
    from phimask.policy.load import named_policy

    name = data.get("policy")
    if name is None:
        return None
    if not isinstance(name, str):
        raise InputError("policy must be a policy name")
    named_policy(name)  # bad or unknown names fail here, as a 400
    return name


def encode_spans(entities: Sequence[Entity]) -> list[list[Any]]:
    return [[e.begin, e.end, e.type.value, round(e.score, 4)] for e in entities]


def decode_spans(text: str, spans: Any) -> list[Entity]:
    """Entities from ``encode_spans`` output, checked against ``text``."""
    if not isinstance(spans, list):
        raise InputError("spans must be a list")
    entities: list[Entity] = []
    for span in spans:
        try:
            begin, end, kind, score = span
            entity = Entity(int(begin), int(end), EntityType(kind), float(score), text[int(begin):int(end)])
        except (TypeError, ValueError):
            raise InputError("spans must be [begin, end, type, score] lists") from None
        if entity.end > len(text):
            raise InputError("a span lies outside the text")
        entities.append(entity)
    return entities


class PrecomputedDetector(KnownEntities):
    """A Detector that returns entities found by an earlier state (no second detection)."""
