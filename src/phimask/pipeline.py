"""In-process pipeline: the same steps as the text state machine (identify -> operation),
under a policy (the shipped default unless one is given)."""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from phimask.detect.base import DEFAULT_THRESHOLD, Detector, KnownEntities, identify
from phimask.entities import Entity
from phimask.errors import InputError
from phimask.mask import MaskStyle

if TYPE_CHECKING:
    from phimask.policy import Policy
    from phimask.policy.apply import Applied


DETECTOR_ENV = "PHIMASK_DETECTOR"
DETECTOR_CHOICES = ("embedded", "embedded+tagger")
TAGGER_MIN_SCORE = 0.99  # the tagger's NAME/ADDRESS entities it is this sure of (docs/detector.md)


@cache
def default_detector() -> Detector:
    """The local detector, built once per process: the embedded rules, or — with
    $PHIMASK_DETECTOR=embedded+tagger (``phimask --detector``) — their union with the
    learned tagger's NAME and ADDRESS entities (needs the ``tagger`` extra)."""
    from phimask.detect.embedded import EmbeddedDetector

    choice = os.environ.get(DETECTOR_ENV, "").strip() or "embedded"
    if choice not in DETECTOR_CHOICES:
        raise InputError(f"{DETECTOR_ENV} must be one of: {', '.join(DETECTOR_CHOICES)}")
    if choice == "embedded":
        return EmbeddedDetector()
    from phimask.detect.ensemble import EnsembleDetector, Member
    from phimask.detect.tagger import TaggerDetector
    from phimask.entities import EntityType

    tagger = TaggerDetector(types=(EntityType.NAME, EntityType.ADDRESS))
    tagger.load()
    return EnsembleDetector([Member(EmbeddedDetector()), Member(tagger, default=TAGGER_MIN_SCORE)])


def parse_style(style: str) -> MaskStyle:
    try:
        return MaskStyle(style)
    except ValueError:
        allowed = ", ".join(s.value for s in MaskStyle)
        raise InputError(f"style must be one of: {allowed}") from None


def effective_policy(policy: Policy | None = None, threshold: float | None = None) -> Policy:
    """``policy`` (default: the shipped one) with ``threshold``, when given, as its default."""
    from phimask.policy import resolve_policy

    chosen = policy if policy is not None else resolve_policy(None)
    return chosen if threshold is None or threshold == chosen.threshold else chosen.with_threshold(threshold)


def request_policy(name: str | None, threshold: float | None) -> Policy:
    """The policy an API request names (the shipped default when none; never a path), with
    its ``threshold`` when given."""
    from phimask.policy.load import named_policy

    return effective_policy(named_policy(name) if name else None, threshold)


def find_phi(text: str, threshold: float | None = None, detector: Detector | None = None,
             policy: Policy | None = None) -> list[Entity]:
    """Identify PHI entities (merged, sorted by offset) under ``policy``: its thresholds,
    allow-list and deny-list. Entities already found (``KnownEntities``) are taken as
    they are."""
    if not text.strip():
        raise InputError("text is empty")
    if isinstance(detector, KnownEntities):
        return identify(text, detector, DEFAULT_THRESHOLD if threshold is None else threshold)
    chosen = effective_policy(policy, threshold)
    return identify(text, chosen.detector(detector or default_detector()), chosen.min_threshold)


def mask_document(text: str, style: str = "type", threshold: float | None = None,
                  detector: Detector | None = None, policy: Policy | None = None,
                  salt: bytes | None = None) -> tuple[list[Entity], Applied]:
    """Find and mask PHI: the entities found and the result (see ``apply_policy``). ``salt``
    keys surrogates (a scope's salt; default random)."""
    from phimask.policy.apply import apply_policy

    mask_style = parse_style(style).value  # refused before any detection
    chosen = effective_policy(policy, threshold)
    entities = find_phi(text, threshold, detector, chosen)
    return entities, apply_policy(text, entities, chosen, mask_style, salt=salt)


def mask(text: str, style: str = "type", threshold: float | None = None, detector: Detector | None = None,
         policy: Policy | None = None) -> str:
    """Mask every PHI entity of ``text`` in ``style`` (or the policy's operation per type)."""
    return mask_document(text, style, threshold, detector, policy)[1].text
