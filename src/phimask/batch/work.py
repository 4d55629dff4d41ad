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
from phimask.report import second_pass_summary
from phimask.vault.base import Vault

log = logging.getLogger(__name__)
OPERATIONS = ("mask", "deidentify", "surrogate")
KINDS = {".txt": "text", ".json": "fhir", ".png": "image", ".jpg": "image", ".jpeg": "image",
         ".tif": "image", ".tiff": "image", ".dcm": "dicom", ".dicom": "dicom"}
CONTENT_TYPES = {"text": "text/plain; charset=utf-8", "fhir": "application/fhir+json",
                 "image": "application/octet-stream", "dicom": "application/dicom"}


@dataclass(frozen=True, slots=True)
class Options:
    """What to run. ``policy`` is a policy reference (name or path), resolved in each
    worker; ``threshold`` None means the policy's."""

    operation: str
    scope: str | None
    threshold: float | None
    policy: str | None = None
    second_pass: bool = True  # images: OCR the redacted output again (the proof of removal)


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
    operations: dict[str, str] = field(default_factory=dict)
    second_pass: str | None = None  # clean, residual, not run, failed
    residual: list[dict[str, Any]] = field(default_factory=list)  # by offset or box, never by value

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "kind": self.kind, "status": self.status}
        if self.entities:
            out["entities"] = dict(sorted(self.entities.items()))
        if self.operations:
            out["operations"] = dict(sorted(self.operations.items()))
        if self.second_pass is not None:
            out["secondPass"] = second_pass_summary(self.second_pass, self.residual)
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
        from phimask.pipeline import effective_policy
        from phimask.policy import resolve_policy

        self.options = options
        self.policy = effective_policy(resolve_policy(options.policy), options.threshold)
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
        from phimask.deid import deidentify_document
        from phimask.pipeline import mask_document
        from phimask.report import text_report
        from phimask.textio import MAX_TEXT_BYTES, decode_text

        if len(data) <= MAX_TEXT_BYTES and not data.strip():
            return Outcome(key, "text", "ok", data, second_pass="clean")  # an empty file holds no PHI
        text = decode_text(data, "the file")
        options, policy = self.options, self.policy
        if options.operation == "mask":
            salt = self.vault.scope_salt(options.scope) if options.scope else None
            entities, applied = mask_document(text, "type", None, self.detector, policy, salt=salt)
        else:
            style = "surrogate" if options.operation == "surrogate" else "token"
            entities, applied = deidentify_document(text, self.vault, options.scope, detector=self.detector,
                                                    style=style, policy=policy)
        report = text_report(key, entities, applied, policy, self.detector)
        return Outcome(key, "text", "ok", applied.text.encode("utf-8"), report.entities, applied.message_hash,
                       operations=report.operations, second_pass=report.second_pass,
                       residual=[r.to_dict() for r in report.residual])

    def _fhir(self, key: str, data: bytes) -> Outcome:
        from phimask.fhir import process
        from phimask.fhir.jsontext import pretty

        options = self.options
        vault = self.vault if options.operation != "mask" or options.scope else None
        result = process(data, options.operation, vault=vault, scope=options.scope,
                         detector=self.detector, policy=self.policy)
        return Outcome(key, "fhir", "ok", pretty(result.resource).encode("utf-8"), result.counts,
                       result.message_hash)

    def _image(self, key: str, kind: str, data: bytes) -> Outcome:
        if kind not in {"image", "dicom"} or not images_available():
            message = "not a .txt, .json, image or DICOM file" if kind == "other" else \
                "image redaction (phimask.image) is not available in this build"
            return Outcome(key, kind, "unsupported", error=("Unsupported", message))
        from phimask.image.proof import image_operations, second_pass
        from phimask.image.service import mask_image

        options, policy = self.options, self.policy
        reversible = options.operation != "mask"
        result = mask_image(data, detector=self.detector, policy=policy,
                            vault=self.vault if reversible else None, scope=options.scope)
        outcome = Outcome(key, kind, "ok", result.data, Counter(result.types), result.message_hash,
                          operations=image_operations(result), second_pass="not run")
        if options.second_pass:
            verdict, residual = second_pass(result.data, policy=policy, detector=self.detector,
                                            threshold=None, engine=None, known=result.known,
                                            regions=result.regions)
            if verdict == "failed":  # fail closed: the output could not be checked
                error = ("SecondPassFailed", "the redacted output could not be read again to check it")
                return Outcome(key, kind, "failed", error=error)
            outcome.second_pass, outcome.residual = verdict, [r.to_dict() for r in residual]
        return outcome

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
