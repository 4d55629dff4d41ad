"""Proof-of-removal reports: one JSON object per document, never a PHI value.

A report says what was found (counts per type), what was done to it (the operation per
type), under which policy (name and SHA-256 of its canonical form), by which detector and
phimask version, and what a second pass over the *output* still found: for text, spans by
offset in the output; for images, boxes in pixels. ``write_reports`` writes a list of them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phimask import __version__
from phimask.detect.base import Detector
from phimask.entities import Entity
from phimask.files import write_atomic

if TYPE_CHECKING:
    from phimask.policy import Policy
    from phimask.policy.apply import Applied


@dataclass(frozen=True, slots=True)
class Residual:
    """Something the second pass still found in the output: where, what type, how sure."""

    type: str
    score: float
    begin: int | None = None  # text: offsets in the output
    end: int | None = None
    box: tuple[int, int, int, int] | None = None  # images: left, top, width, height in pixels
    frame: int | None = None  # multi-frame DICOM

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "score": round(self.score, 4)}
        if self.begin is not None and self.end is not None:
            out["beginOffset"], out["endOffset"] = self.begin, self.end
        if self.box is not None:
            out["box"] = dict(zip(("left", "top", "width", "height"), self.box, strict=True))
        if self.frame is not None:
            out["frame"] = self.frame
        return out


@dataclass(slots=True)
class DocumentReport:
    """The report of one document. ``document`` is the name the user gave (a path or key),
    or ``-`` for standard input; ``status`` is ok or failed (with a PHI-free ``error``)."""

    document: str
    kind: str  # text, image, dicom, fhir
    policy_name: str
    policy_sha256: str
    detector: str
    threshold: float
    entities: Counter[str] = field(default_factory=Counter)
    operations: dict[str, str] = field(default_factory=dict)
    second_pass: str = "not run"  # "clean", "residual", "not run", "failed"
    residual: list[Residual] = field(default_factory=list)
    status: str = "ok"
    error: tuple[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"boxes": 7, "dicomTags": 12}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document": self.document, "kind": self.kind, "status": self.status,
            "phimaskVersion": __version__,
            "policy": {"name": self.policy_name, "sha256": self.policy_sha256},
            "detector": self.detector, "threshold": self.threshold,
            "entities": dict(sorted(self.entities.items())),
            "operations": dict(sorted(self.operations.items())),
            "secondPass": second_pass_summary(self.second_pass, [r.to_dict() for r in self.residual]),
        }
        out.update(self.extra)
        if self.error is not None:
            out["error"] = {"code": self.error[0], "message": self.error[1]}
        return out


def second_pass_summary(result: str, residual: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``secondPass`` object of a report: result, count, and what was left (no value)."""
    return {"result": result, "residualCount": len(residual), "residual": residual}


def write_text_report(path: Path, document: str, entities: Sequence[Entity], applied: Applied,
                      policy: Policy) -> None:
    """``--report FILE`` of a text command: the report of one text, checked by the default
    detector."""
    from phimask.pipeline import default_detector

    write_reports(path, [text_report(document, entities, applied, policy, default_detector())])


def write_reports(path: Path, reports: list[DocumentReport]) -> None:
    """Write ``reports`` as ``{"documents": [...]}`` (UTF-8 JSON, atomically)."""
    body = {"phimaskVersion": __version__, "documents": [r.to_dict() for r in reports]}
    write_atomic(path, json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8") + b"\n")


def residual_text(output: str, replaced: Sequence[tuple[int, int]], policy: Policy, detector: Detector,
                  kept_types: set[str]) -> list[Residual]:
    """Second pass over masked text: PHI the detector still finds outside the replacements
    (and outside types the policy keeps on purpose), by offset in the output."""
    from phimask.pipeline import find_phi

    if not output.strip():
        return []
    found = find_phi(output, None, detector, policy)
    return [Residual(e.type.value, e.score, e.begin, e.end) for e in found
            if e.type.value not in kept_types and not any(b < e.end and e.begin < end for b, end in replaced)]


def text_report(document: str, entities: Sequence[Entity], applied: Applied, policy: Policy,
                detector: Detector, *, second_pass: bool = True) -> DocumentReport:
    """The report of one masked or de-identified text, with a second detection pass."""
    report = DocumentReport(document, "text", policy.name, policy.sha256, detector.name, policy.threshold,
                            Counter(e.type.value for e in entities), dict(applied.operations))
    if second_pass:
        kept = {kind.value for kind, rule in policy.rules.items() if rule.operation == "keep"}
        report.residual = residual_text(applied.text, applied.replaced, policy, detector, kept)
        report.second_pass = "residual" if report.residual else "clean"
    if applied.message_hash:
        report.extra["messageHash"] = applied.message_hash
    return report
