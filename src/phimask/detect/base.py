"""The Detector port and the identify step shared by every operation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from phimask.entities import Entity, merge_entities
from phimask.errors import InputError

DEFAULT_THRESHOLD = 0.5


class Detector(Protocol):
    """Finds PHI in text. Returned entities may overlap; scores lie in [0, 1]."""

    name: str

    def detect(self, text: str) -> list[Entity]: ...


class KnownEntities:
    """A Detector that returns entities found earlier (by a previous step or from a file's
    structure): no second detection, and no policy is applied to them again."""

    name = "precomputed"

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = list(entities)

    def detect(self, text: str) -> list[Entity]:
        return list(self.entities)


def check_threshold(threshold: float) -> float:
    """Validate a score threshold (raises InputError outside [0, 1])."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise InputError("threshold must be a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0 or value != value:
        raise InputError("threshold must be a number between 0 and 1")
    return value


def identify(text: str, detector: Detector, threshold: float = DEFAULT_THRESHOLD) -> list[Entity]:
    """Entities scoring at least ``threshold``, merged and sorted by offset."""
    threshold = check_threshold(threshold)
    kept = [e for e in detector.detect(text) if e.score >= threshold]
    return merge_entities(kept, text)
