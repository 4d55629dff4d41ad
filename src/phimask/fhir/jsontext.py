"""JSON text for FHIR resources: strict parsing (decimals kept exact), one canonical
serialization with the offset of every value and member, and pretty printing.

The canonical form (members in their original order, no whitespace, UTF-8, decimals as
written) is what the vault stores and hashes, so a resource re-indented or re-serialized by
another tool is still recognized as long as its members keep their order.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from phimask.errors import InputError

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Span:
    begin: int
    end: int


@dataclass(frozen=True, slots=True, repr=False)
class Layout:
    """``text``: the canonical JSON; ``values[path]``: where each value sits in it;
    ``members[path]``: where each object member (``"key":value``) sits."""

    text: str
    values: dict[Path, Span]
    members: dict[Path, Span]


def _reject_constant(name: str) -> Any:
    raise InputError(f"JSON holds {name}, which FHIR does not allow")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError("JSON object repeats a member name")
        result[key] = value
    return result


def parse(data: bytes | str) -> Any:
    """A JSON document; decimals as ``Decimal`` (FHIR keeps their precision)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise InputError("input is not valid UTF-8") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant,
                          object_pairs_hook=_unique)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError("input is not valid JSON") from None


def string_literal(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("a JSON string holds an unpaired surrogate") from None
    return json.dumps(value, ensure_ascii=False)


def escape(value: str) -> str:
    """``value`` as it appears between the quotes of a JSON string (escaping is per character)."""
    return string_literal(value)[1:-1]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return json.dumps(value)  # parsed without Decimal (an API body): the shortest repr
    raise InputError("JSON holds a value of an unsupported type")


def layout(document: Any) -> Layout:
    """The canonical serialization of ``document`` and the spans of its parts."""
    parts: list[str] = []
    values: dict[Path, Span] = {}
    members: dict[Path, Span] = {}
    position = 0

    def emit(piece: str) -> None:
        nonlocal position
        parts.append(piece)
        position += len(piece)

    def walk(value: Any, path: Path) -> None:
        start = position
        if isinstance(value, dict):
            emit("{")
            for index, (key, item) in enumerate(value.items()):
                if index:
                    emit(",")
                member_start = position
                emit(string_literal(key) + ":")
                walk(item, (*path, key))
                members[(*path, key)] = Span(member_start, position)
            emit("}")
        elif isinstance(value, list):
            emit("[")
            for index, item in enumerate(value):
                if index:
                    emit(",")
                walk(item, (*path, index))
            emit("]")
        else:
            emit(_scalar(value))
        values[path] = Span(start, position)

    walk(document, ())
    return Layout("".join(parts), values, members)


def canonical(document: Any) -> str:
    return layout(document).text


def pretty(document: Any, indent: int = 2) -> str:
    """Indented JSON (decimals as written), with a final newline."""
    def walk(value: Any, depth: int) -> str:
        pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
        if isinstance(value, dict) and value:
            items = [f"{inner}{string_literal(k)}: {walk(v, depth + 1)}" for k, v in value.items()]
            return "{\n" + ",\n".join(items) + f"\n{pad}}}"
        if isinstance(value, list) and value:
            return "[\n" + ",\n".join(f"{inner}{walk(v, depth + 1)}" for v in value) + f"\n{pad}]"
        if isinstance(value, dict):
            return "{}"
        if isinstance(value, list):
            return "[]"
        return _scalar(value)

    return walk(document, 0) + "\n"
