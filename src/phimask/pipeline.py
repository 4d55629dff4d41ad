"""In-process pipeline: the same steps as the text state machine (identify -> operation)."""

from __future__ import annotations

from functools import cache

from phimask.detect.base import DEFAULT_THRESHOLD, Detector, identify
from phimask.entities import Entity
from phimask.errors import InputError
from phimask.mask import MaskStyle, mask_text


@cache
def default_detector() -> Detector:
    """The embedded detector, built once per process."""
    from phimask.detect.embedded import EmbeddedDetector

    return EmbeddedDetector()


def parse_style(style: str) -> MaskStyle:
    try:
        return MaskStyle(style)
    except ValueError:
        allowed = ", ".join(s.value for s in MaskStyle)
        raise InputError(f"style must be one of: {allowed}") from None


def find_phi(text: str, threshold: float = DEFAULT_THRESHOLD,
             detector: Detector | None = None) -> list[Entity]:
    """Identify PHI entities (merged, sorted by offset)."""
    if not text.strip():
        raise InputError("text is empty")
    return identify(text, detector or default_detector(), threshold)


def mask(text: str, style: str = "type", threshold: float = DEFAULT_THRESHOLD,
         detector: Detector | None = None) -> str:
    """Mask every PHI entity of ``text`` in ``style``."""
    chosen = parse_style(style)
    return mask_text(text, find_phi(text, threshold, detector), chosen)
