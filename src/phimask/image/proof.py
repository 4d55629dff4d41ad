"""Proof of removal for images: a second OCR pass over the redacted output, and the report.

The second pass reads the *output* with the same OCR engine and runs the same detection
(same policy, detector, header values) over it. PHI words still found are listed by box
(pixels of the output; frame for multi-frame images), type and score, never by text. When
the output cannot be read again the result is "failed" and the caller fails the document:
an output nobody could check is never passed on as clean.

Where a filled box reads as nothing (a DICOM box in the background's value), the page text
gets the type's name there, as masked text would ("Name: NAME"), so that a label does not
read as the value of the label before it ("Name: MRN:"). Whatever OCR reads inside a box is
checked like any other word: the pixels are verified, not the boxes trusted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from phimask.errors import OcrFailed, PhimaskError
from phimask.image.ocr import Word, overlap
from phimask.report import DocumentReport, Residual

if TYPE_CHECKING:
    from phimask.detect.base import Detector
    from phimask.image.ocr import OcrEngine
    from phimask.image.service import MaskResult, Region
    from phimask.policy import Policy

SecondPass = tuple[str, list[Residual]]
FAILED_CODE = OcrFailed.code
FAILED_MESSAGE = "the second OCR pass over the redacted output failed; the output was not written"


def second_pass(redacted: bytes, *, policy: Policy | None, detector: Detector | None, threshold: float | None,
                engine: OcrEngine | None, known: Sequence[tuple[str, str]] = (),
                regions: Sequence[Region] = ()) -> SecondPass:
    """OCR ``redacted`` again and detect PHI under ``policy``: ``("clean", [])``,
    ``("residual", boxes still found)`` or ``("failed", [])`` when it could not be read.
    ``known``: the input's header values (PHI that may be burned in); ``regions``: the boxes
    the first pass filled (``MaskResult.regions``)."""
    from phimask.image.boxes import find_phi_words
    from phimask.image.service import load, read_words

    residual: list[Residual] = []
    try:
        image = load(redacted)
        values = list(dict.fromkeys([*known, *image.known]))
        pages = read_words(image, engine, indexed=True)
        frames = image.info.frames if image.info is not None else 1
        if image.raster is not None:
            frames = len(image.raster.frames)
        for frame, words in pages:
            blanks = _placeholders(words, [r for r in regions if r[0] is None or r[0] == frame])
            for hit in find_phi_words([*words, *blanks], threshold, detector, values, policy):
                if hit.word in blanks:
                    continue
                box = (hit.word.left, hit.word.top, hit.word.width, hit.word.height)
                residual.append(Residual(hit.type, hit.score, box=box, frame=frame if frames > 1 else None))
    except PhimaskError:
        return "failed", []
    return ("residual" if residual else "clean"), residual


def _placeholders(words: Sequence[Word], regions: Sequence[Region]) -> list[Word]:
    """A word named after the type for every filled box no OCR word overlaps."""
    blanks = [Word(kind, *box) for _, box, kind in regions]
    return [b for b in blanks if not any(overlap(b, w) > 0 for w in words)]


def image_operations(result: MaskResult) -> dict[str, str]:
    """What was done to a masked image: pixels boxed; for DICOM, the header kept or de-identified."""
    operations = {"pixels": "redact-box"}
    if result.format == "dicom":
        operations["dicomHeader"] = "keep" if result.header is None else "deidentify"
    return operations


def image_report(document: str, kind: str, result: MaskResult, policy: Policy, detector_name: str,
                 threshold: float, second: SecondPass | None = None) -> DocumentReport:
    """The report of one masked image or DICOM file: PHI words per type found by the first
    pass, the operations (pixels boxed; DICOM header de-identified or kept), the box count
    and the second pass (``None``: not run). A failed second pass fails the document."""
    report = DocumentReport(document, kind, policy.name, policy.sha256, detector_name, threshold,
                            Counter(result.types), image_operations(result))
    report.extra["boxes"] = result.boxes
    report.extra["format"] = result.format
    if result.header is not None:
        report.extra["headerActions"] = dict(sorted(result.header.actions.items()))
        report.extra["privateRemoved"] = result.header.private_removed
    if result.message_hash:
        report.extra["messageHash"] = result.message_hash
    if result.transfer_syntax:
        report.extra["transferSyntax"] = result.transfer_syntax
    if second is not None:
        report.second_pass, report.residual = second[0], list(second[1])
        if second[0] == "failed":
            report.status, report.error = "failed", (FAILED_CODE, FAILED_MESSAGE)
    return report
