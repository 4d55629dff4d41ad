"""A policy: what to do with each entity type, thresholds, allow/deny lists, default scope."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from phimask.detect.base import DEFAULT_THRESHOLD, Detector
from phimask.entities import EntityType
from phimask.policy.lists import ListEntry, PhraseList, clinical_allow_entries, phrase_list

MASK_STYLES = ("type", "char", "numbered", "redact")
REVERSIBLE = ("token", "surrogate", "dateshift")  # stored in the vault when there is one
SAFE_HARBOR = ("age_90_plus", "year_only", "zip3")
OPERATIONS = ("mask", "keep", *REVERSIBLE, *SAFE_HARBOR)
ONLY_FOR = {"dateshift": "DATE", "year_only": "DATE", "age_90_plus": "AGE", "zip3": "ADDRESS"}


@dataclass(frozen=True, slots=True)
class TypeRule:
    """What happens to one entity type. ``operation`` None: the command's own style."""

    operation: str | None = None
    style: str | None = None  # with operation "mask"
    threshold: float | None = None

    def label(self) -> str | None:
        """How the report names this operation, e.g. ``mask:char`` or ``year_only``."""
        if self.operation == "mask":
            return f"mask:{self.style or 'type'}"
        return self.operation


@dataclass(frozen=True)
class Policy:
    """A validated policy (see docs/policy.md). Build one with ``phimask.policy.load_policy``."""

    name: str
    source: dict[str, Any]  # the validated document, for the hash and ``policy show``
    threshold: float = DEFAULT_THRESHOLD
    scope: str | None = None
    clinical_allow_list: bool = True
    rules: dict[EntityType, TypeRule] = field(default_factory=dict)
    allow_entries: tuple[ListEntry, ...] = ()
    deny_entries: tuple[ListEntry, ...] = ()

    def rule(self, kind: EntityType) -> TypeRule:
        return self.rules.get(kind, TypeRule())

    def threshold_for(self, kind: EntityType) -> float:
        own = self.rule(kind).threshold
        return self.threshold if own is None else own

    @property
    def min_threshold(self) -> float:
        """The lowest threshold of any type: what the detector step must let through."""
        return min([self.threshold, *(r.threshold for r in self.rules.values() if r.threshold is not None)])

    @property
    def has_operations(self) -> bool:
        """Whether any type has an operation of its own (else the command's style applies)."""
        return any(r.operation is not None for r in self.rules.values())

    @cached_property
    def allow(self) -> PhraseList:
        builtin = clinical_allow_entries() if self.clinical_allow_list else ()
        return phrase_list((*builtin, *self.allow_entries))

    @cached_property
    def deny(self) -> PhraseList:
        return phrase_list(self.deny_entries)

    @cached_property
    def sha256(self) -> str:
        """Hash of the canonical policy (and of the shipped allow-list when it is on)."""
        digest = hashlib.sha256(json.dumps(self.source, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        if self.clinical_allow_list:
            for entry in clinical_allow_entries():
                digest.update(f"\n{entry.kind}:{entry.value}".encode())
        return digest.hexdigest()

    def with_threshold(self, threshold: float) -> Policy:
        """This policy with another default threshold (the command line's ``--threshold``)."""
        return replace(self, threshold=threshold, source={**self.source, "threshold": threshold})

    def without_allow_list(self) -> Policy:
        """This policy with the shipped clinical allow-list off (for measuring its effect)."""
        return replace(self, clinical_allow_list=False, source={**self.source, "clinicalAllowList": False})

    def operations(self, fallback: str) -> dict[str, str]:
        """The operation per entity type, as reports show it; ``fallback`` for unlisted types."""
        return {kind.value: self.rule(kind).label() or fallback for kind in EntityType}

    def detector(self, base: Detector) -> Detector:
        """``base`` wrapped so that it applies this policy's thresholds and lists."""
        from phimask.policy.detector import PolicyDetector

        return PolicyDetector(base, self)
