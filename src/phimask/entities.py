"""PHI entities in the Comprehend Medical DetectPHI shape, and span arithmetic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

CATEGORY = "PROTECTED_HEALTH_INFORMATION"


class EntityType(StrEnum):
    """The DetectPHI types, plus OTHER for identifiers that fit none."""

    NAME = "NAME"
    AGE = "AGE"
    DATE = "DATE"
    PHONE_OR_FAX = "PHONE_OR_FAX"
    EMAIL = "EMAIL"
    ID = "ID"
    URL = "URL"
    ADDRESS = "ADDRESS"
    PROFESSION = "PROFESSION"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class Entity:
    """One PHI span: ``text[begin:end]`` (Python str indices) of ``type``."""

    begin: int
    end: int
    type: EntityType
    score: float
    text: str
    traits: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0 <= self.begin < self.end:
            raise ValueError("entity offsets must satisfy 0 <= begin < end")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError("entity score must lie in [0, 1]")

    def to_dict(self, entity_id: int) -> dict[str, Any]:
        """Serialise in the DetectPHI response shape."""
        return {
            "Id": entity_id,
            "BeginOffset": self.begin,
            "EndOffset": self.end,
            "Score": round(self.score, 4),
            "Text": self.text,
            "Category": CATEGORY,
            "Type": self.type.value,
            "Traits": [{"Name": t, "Score": round(self.score, 4)} for t in self.traits],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        """Read one DetectPHI entity (as returned by Comprehend Medical or phimask)."""
        return cls(
            begin=int(data["BeginOffset"]),
            end=int(data["EndOffset"]),
            type=EntityType(data["Type"]) if data["Type"] in EntityType.__members__
            else EntityType.OTHER,
            score=float(data.get("Score", 1.0)),
            text=str(data.get("Text", "")),
            traits=tuple(str(t["Name"]) for t in data.get("Traits", ()) if "Name" in t),
        )


def entities_to_response(entities: Iterable[Entity]) -> dict[str, Any]:
    """``{"Entities": [...]}`` with Ids numbered in offset order."""
    ordered = sorted(entities, key=lambda e: (e.begin, e.end))
    return {"Entities": [e.to_dict(i) for i, e in enumerate(ordered)]}


def _joinable(gap: str) -> bool:
    return gap == "" or (gap.isspace() and "\n" not in gap)


def merge_entities(entities: Iterable[Entity], text: str) -> list[Entity]:
    """Merge overlapping entities, and touching ones or ones of the same type that only
    a space separates on one line. The merged span keeps the type of its strongest part
    (highest score, then longest) and the highest score. Sorted by offset."""
    merged: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.begin, -e.end)):
        if merged:
            last = merged[-1]
            gap = text[last.end:entity.begin] if entity.begin > last.end else ""
            overlaps = entity.begin <= last.end
            same_type_neighbour = entity.type == last.type and _joinable(gap)
            if overlaps or same_type_neighbour:
                end = max(last.end, entity.end)
                strongest = max(last, entity, key=lambda e: (e.score, e.end - e.begin))
                merged[-1] = replace(
                    last,
                    end=end,
                    type=strongest.type,
                    score=max(last.score, entity.score),
                    text=text[last.begin:end],
                    traits=tuple(sorted(set(last.traits) | set(entity.traits))),
                )
                continue
        merged.append(entity)
    return merged


def replace_spans(text: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """Replace non-overlapping ``(begin, end, new)`` spans, right to left by offset."""
    pieces: list[str] = []
    cursor = len(text)
    for begin, end, new in sorted(replacements, key=lambda r: r[0], reverse=True):
        if end > cursor:
            raise ValueError("replacement spans overlap")
        pieces.append(text[end:cursor])
        pieces.append(new)
        cursor = begin
    pieces.append(text[:cursor])
    return "".join(reversed(pieces))
