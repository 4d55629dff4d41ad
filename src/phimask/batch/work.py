"""One batch file: classify it, run the operation on its bytes, return the output bytes and
a summary without any PHI (counts per entity type, error codes). Runs in worker processes:
each keeps its own detector and vault connection."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from phimask.detect.base import Detector
from phimask.errors import PhimaskError
from phimask.vault.base import Vault

log = logging.getLogger(__name__)
OPERATIONS = ("mask", "deidentify", "surrogate")
KINDS = {".txt": "text", ".json": "fhir", ".png": "image", ".jpg": "image", ".jpeg": "image",
         ".tif": "image", ".tiff": "image", ".dcm": "dicom", ".dicom": "dicom"}
CONTENT_TYPES = {"text": "text/plain; charset=utf-8", "fhir": "application/fhir+json",
                 "image": "application/octet-stream", "dicom": "application/dicom"}


@dataclass(frozen=True, slots=True)
class Options:
    operation: str
    scope: str | None
    threshold: float


@dataclass(slots=True)
class Outcome:
    """What happened to one file. ``output`` is None unless ``status`` is ok."""

    key: str
    kind: str
    status: str  # ok, failed, skipped, unsupported
    output: bytes | None = None
    entities: Counter[str] = field(default_factory=Counter)
    message_hash: str | None = None
    error: tuple[str, str] | None = None  # (code, message): phimask messages never quote input

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "kind": self.kind, "status": self.status}
        if self.entities:
            out["entities"] = dict(sorted(self.entities.items()))
        if self.message_hash:
            out["messageHash"] = self.message_hash
        if self.error:
            out["error"] = {"code": self.error[0], "message": self.error[1]}
        return out


def kind_of(key: str) -> str:
    return KINDS.get(PurePosixPath(key).suffix.lower(), "other")


@cache
def images_available() -> bool:
    """Whether image redaction (phimask.image) is installed and usable in this build."""
    try:
        from phimask.image.service import mask_image  # noqa: F401
    except ImportError:
        return False
    return True


class Worker:
    """The per-process state: detector and (for reversible operations) the local vault."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._vault: Vault | None = None

    @property
    def detector(self) -> Detector:
        from phimask.pipeline import default_detector

        return default_detector()

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            from phimask.vault.sqlite import SQLiteVault

            self._vault = SQLiteVault.open()
        return self._vault

    def run(self, key: str, kind: str, data: bytes) -> Outcome:
        """Process one file; failures become an outcome with a PHI-free error."""
        try:
            if kind == "text":
                return self._text(key, data)
            if kind == "fhir":
                return self._fhir(key, data)
            return self._image(key, kind, data)
        except PhimaskError as exc:
            return Outcome(key, kind, "failed", error=(exc.code, str(exc)))
        except Exception as exc:  # never echo a foreign message: it may quote input
            log.error("batch file failed: kind=%s type=%s", kind, type(exc).__name__)
            error = ("ProcessingFailed", f"unexpected {type(exc).__name__}")
            return Outcome(key, kind, "failed", error=error)

    def _text(self, key: str, data: bytes) -> Outcome:
        from phimask.aws.payloads import PrecomputedDetector
        from phimask.deid import deidentify, detect_spans
        from phimask.mask import MaskStyle, mask_text
        from phimask.textio import MAX_TEXT_BYTES, decode_text

        if len(data) <= MAX_TEXT_BYTES and not data.strip():
            return Outcome(key, "text", "ok", data)  # an empty file holds no PHI
        text = decode_text(data, "the file")
        options = self.options
        entities = detect_spans(text, options.threshold, self.detector)
        counts = Counter(e.type.value for e in entities)
        if options.operation == "mask":
            masked = mask_text(text, entities, MaskStyle.TYPE)
            return Outcome(key, "text", "ok", masked.encode("utf-8"), counts)
        style = "surrogate" if options.operation == "surrogate" else "token"
        result = deidentify(text, self.vault, options.scope, detector=PrecomputedDetector(entities),
                            threshold=options.threshold, style=style)
        output = result.deidentified_text.encode("utf-8")
        return Outcome(key, "text", "ok", output, counts, result.message_hash)

    def _fhir(self, key: str, data: bytes) -> Outcome:
        from phimask.fhir import process
        from phimask.fhir.jsontext import pretty

        options = self.options
        vault = self.vault if options.operation != "mask" or options.scope else None
        result = process(data, options.operation, vault=vault, scope=options.scope,
                         detector=self.detector, threshold=options.threshold)
        return Outcome(key, "fhir", "ok", pretty(result.resource).encode("utf-8"), result.counts,
                       result.message_hash)

    def _image(self, key: str, kind: str, data: bytes) -> Outcome:
        if kind not in {"image", "dicom"} or not images_available():
            message = "not a .txt, .json, image or DICOM file" if kind == "other" else \
                "image redaction (phimask.image) is not available in this build"
            return Outcome(key, kind, "unsupported", error=("Unsupported", message))
        from phimask.image.service import mask_image

        options = self.options
        reversible = options.operation != "mask"
        result = mask_image(data, threshold=options.threshold, detector=self.detector,
                            vault=self.vault if reversible else None, scope=options.scope)
        boxes = Counter({"boxes": result.boxes}) if result.boxes else Counter()
        return Outcome(key, kind, "ok", result.data, boxes, result.message_hash)

    def close(self) -> None:
        if self._vault is not None:
            close = getattr(self._vault, "close", None)
            if close is not None:
                close()
            self._vault = None


_WORKER: Worker | None = None


def init_worker(options: Options) -> None:
    """Process-pool initializer: one Worker per process."""
    global _WORKER
    _WORKER = Worker(options)


def run_in_worker(key: str, kind: str, data: bytes) -> Outcome:
    assert _WORKER is not None, "init_worker was not called"
    return _WORKER.run(key, kind, data)
