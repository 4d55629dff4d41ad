"""The ensemble detector: the union of several detectors, each with per-type thresholds.

Typical use is embedded + Comprehend Medical: each member keeps only the entities it is
sure enough of for their type (e.g. Comprehend's PROFESSION only above 0.8); the union
then goes through the usual identify step (threshold, merge).

Fail closed: by default every member is required, so if any member fails (e.g. Comprehend
throttled, unreachable or answering garbage) ``detect`` raises and the document fails; it
never falls back silently to the other members' entities. A member may be marked
``Member(detector, required=False)``: then, and only then, its DetectorFailed errors (a
service failure, not a bug) are logged by code and the union goes on without it. At least
one member must stay required, and any other exception always propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from phimask.detect.base import Detector, check_threshold
from phimask.entities import Entity, EntityType
from phimask.errors import DetectorFailed, InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Member:
    """One detector of an ensemble and the minimum score it needs per entity type.

    ``required=False`` (explicit opt-in) lets the ensemble go on without this member when it
    raises DetectorFailed; by default its failure fails the whole detection."""

    detector: Detector
    thresholds: Mapping[EntityType, float] = field(default_factory=dict)
    default: float = 0.0
    required: bool = True

    def keeps(self, entity: Entity) -> bool:
        return entity.score >= self.thresholds.get(entity.type, self.default)


def parse_thresholds(spec: str) -> dict[EntityType, float]:
    """``"PROFESSION=0.8, ADDRESS=0.6"`` -> ``{PROFESSION: 0.8, ADDRESS: 0.6}``.

    Unknown types or bad numbers raise InputError: configuration fails loudly."""
    result: dict[EntityType, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip().upper()
        if not sep or name not in EntityType.__members__:
            allowed = ", ".join(t.value for t in EntityType)
            raise InputError(f"per-type thresholds must look like TYPE=0.8 with TYPE one of: {allowed}")
        try:
            result[EntityType(name)] = check_threshold(float(value))
        except ValueError:
            raise InputError(f"threshold for {name} must be a number between 0 and 1") from None
    return result


class EnsembleDetector:
    """Union of its members' entities; a span found twice keeps its best score."""

    def __init__(self, members: Sequence[Member | Detector]) -> None:
        if not members:
            raise ValueError("an ensemble needs at least one detector")
        self.members = [m if isinstance(m, Member) else Member(m) for m in members]
        if not any(m.required for m in self.members):
            raise ValueError("an ensemble needs at least one required detector")
        self.name = "ensemble(" + "+".join(m.detector.name for m in self.members) + ")"

    def detect(self, text: str) -> list[Entity]:
        """The union; a required member's failure propagates (fail closed)."""
        best: dict[tuple[int, int, EntityType], Entity] = {}
        for member in self.members:
            try:
                found = member.detector.detect(text)
            except DetectorFailed as exc:
                if member.required:
                    raise
                log.warning("ensemble: optional detector %s skipped (code=%s)",
                            member.detector.name, exc.code)
                continue
            for entity in found:
                if not member.keeps(entity):
                    continue
                key = (entity.begin, entity.end, entity.type)
                if key not in best or best[key].score < entity.score:
                    best[key] = entity
        return sorted(best.values(), key=lambda e: (e.begin, e.end))
