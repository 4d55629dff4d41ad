"""A detector that applies a policy: per-type thresholds, deny-list hits, allow-list drops."""

from __future__ import annotations

from phimask.detect.base import Detector
from phimask.entities import Entity, EntityType
from phimask.policy.lists import covering
from phimask.policy.model import Policy


class PolicyDetector:
    """Wraps ``base``. Entities scoring under their type's threshold are dropped; deny-list
    occurrences become entities of their type (score 1.0); entities lying inside an
    allow-list occurrence are dropped, unless a deny entry found them."""

    def __init__(self, base: Detector, policy: Policy) -> None:
        self.base = base
        self.policy = policy
        self.name = base.name

    def __repr__(self) -> str:
        return f"PolicyDetector({self.base.name!r}, policy={self.policy.name!r})"

    def detect(self, text: str) -> list[Entity]:
        policy = self.policy
        found = [e for e in self.base.detect(text) if e.score >= policy.threshold_for(e.type)]
        if policy.allow and found:
            allowed = policy.allow.spans(text, near=[(e.begin, e.end) for e in found])
            if allowed:
                covered = covering(allowed)
                found = [e for e in found if not covered(e.begin, e.end)]
        if policy.deny:
            for begin, end, entry in policy.deny.matches(text):
                found.append(Entity(begin, end, EntityType(entry.type or "OTHER"), 1.0, text[begin:end]))
        return found
