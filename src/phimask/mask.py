"""Masking operators: turn detected entities into safe text, keeping the layout."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from enum import StrEnum

from phimask.entities import Entity, replace_spans


class MaskStyle(StrEnum):
    """How a PHI span is shown after masking."""

    TYPE = "type"  # "NAME" — as the original AWS solution did
    CHAR = "char"  # "###########" — one '#' per character, whitespace kept
    NUMBERED = "numbered"  # "NAME1", "NAME2"... same value -> same label in a document
    REDACT = "redact"  # removed
    SURROGATE = "surrogate"  # "Camron Astudillo" — realistic values of the same type and shape


def normalize_value(value: str) -> str:
    """Case- and spacing-insensitive form used to recognise the same value twice."""
    return " ".join(value.casefold().replace(",", " ").split())


def _char_mask(entity: Entity) -> str:
    return "".join(c if c.isspace() else "#" for c in entity.text)


def _numbered_labeller() -> Callable[[Entity], str]:
    labels: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}

    def label(entity: Entity) -> str:
        key = (entity.type.value, normalize_value(entity.text))
        if key not in labels:
            counters[entity.type.value] = counters.get(entity.type.value, 0) + 1
            labels[key] = f"{entity.type.value}{counters[entity.type.value]}"
        return labels[key]

    return label


def surrogate_replacements(text: str, entities: list[Entity],
                           salt: bytes | None) -> list[tuple[int, int, str]]:
    """``(begin, end, surrogate)`` for ``entities`` (sorted), keyed by ``salt`` (random if None)."""
    from phimask.surrogates import SurrogateEngine

    engine = SurrogateEngine(salt if salt is not None else secrets.token_bytes(32))
    news = engine.render([(e.type, text[e.begin:e.end]) for e in entities])
    return [(e.begin, e.end, new) for e, new in zip(entities, news, strict=True)]


def renderer(style: MaskStyle) -> Callable[[Entity], str]:
    """The replacement of one entity in a non-surrogate ``style``; a numbered renderer
    numbers the values it sees in order, so use one per document."""
    if style is MaskStyle.TYPE:
        return lambda e: e.type.value
    if style is MaskStyle.CHAR:
        return _char_mask
    if style is MaskStyle.NUMBERED:
        return _numbered_labeller()
    if style is MaskStyle.REDACT:
        return lambda e: ""
    raise ValueError(f"no plain renderer for style {style}")


def mask_text(text: str, entities: Iterable[Entity], style: MaskStyle = MaskStyle.TYPE, *,
              salt: bytes | None = None) -> str:
    """Mask already-merged, non-overlapping ``entities`` in ``text``. ``salt`` (a scope's
    secret salt) keys the surrogate style: the same value gets the same surrogate in every
    text masked with it; without one, a random salt links this text to nothing."""
    ordered = sorted(entities, key=lambda e: e.begin)
    if style is MaskStyle.SURROGATE:
        return replace_spans(text, surrogate_replacements(text, ordered, salt))
    render = renderer(style)  # numbered labels follow reading order
    return replace_spans(text, [(e.begin, e.end, render(e)) for e in ordered])
