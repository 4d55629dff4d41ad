"""Image operations on bytes and files: OCR words, PHI words, masking, DICOM re-identification.

The CLI, the local server and the Lambdas call these; they choose the OCR engine,
detector, policy and vault and pass them in. ``policy`` None means the shipped default;
``threshold`` None means the policy's own.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from phimask.detect.base import Detector
from phimask.errors import InputError
from phimask.files import write_atomic
from phimask.image.boxes import PhiWord, find_phi_words
from phimask.image.errors import ImageTooLarge
from phimask.image.ocr import OcrEngine, Word, ocr_engine
from phimask.image.raster import Raster, decode_raster, encode_raster, sniff_format

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image
    from pydicom.dataset import Dataset

    from phimask.image.dicom_header import HeaderReport
    from phimask.image.dicom_pixels import PixelInfo
    from phimask.policy import Policy
    from phimask.vault.base import Vault

MAX_OCR_FRAMES = 256  # multi-frame DICOM: every distinct frame is read; more than this fails the file
HeaderMode = Literal["deidentify", "keep"]
HEADER_MODES = ("deidentify", "keep")
EXTENSIONS = {"png": (".png",), "jpeg": (".jpg", ".jpeg", ".jpe"), "tiff": (".tif", ".tiff"),
              "dicom": (".dcm", ".dicom")}


@dataclass
class Loaded:
    """A decoded image: a raster (PNG, JPEG, TIFF) or a DICOM dataset and its frames."""

    format: str
    raster: Raster | None = None
    dataset: Dataset | None = None
    known: list[tuple[str, str]] = field(default_factory=list)
    info: PixelInfo | None = None
    pixels: np.ndarray | None = None


Region = tuple[int | None, tuple[int, int, int, int], str]  # frame (None: all), box, PHI type


@dataclass
class MaskResult:
    """A masked image and what was done to it (counts and names only, no PHI). ``types``
    counts the boxed words per PHI type (empty when the boxes were given); ``regions`` and
    ``known`` (the boxes filled, and the input's header values) are for a second pass over
    the output, never reported."""

    data: bytes
    format: str
    boxes: int
    header: HeaderReport | None = None
    message_hash: str | None = None
    transfer_syntax: str | None = None
    types: Counter[str] = field(default_factory=Counter)
    regions: list[Region] = field(default_factory=list, repr=False, compare=False)
    known: list[tuple[str, str]] = field(default_factory=list, repr=False, compare=False)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format, "boxes": self.boxes}
        if self.header is not None:
            out["headerActions"] = dict(sorted(self.header.actions.items()))
            out["privateRemoved"] = self.header.private_removed
        if self.message_hash:
            out["messageHash"] = self.message_hash
        if self.transfer_syntax:
            out["transferSyntax"] = self.transfer_syntax
        return out


def load(data: bytes) -> Loaded:
    """Sniff and decode an image (clear errors for unsupported, corrupt or huge input)."""
    image_format = sniff_format(data[:132])
    if image_format != "dicom":
        return Loaded(image_format, raster=decode_raster(data, image_format))
    from phimask.image.dicom_header import known_values
    from phimask.image.dicom_pixels import decode_frames, pixel_info, read_dicom

    dataset = read_dicom(data, lazy=True)
    header = read_dicom(data, stop_before_pixels=True)
    info = pixel_info(dataset)
    pixels = decode_frames(dataset, info) if info else None
    return Loaded("dicom", dataset=dataset, known=known_values(header), info=info, pixels=pixels)


def _ocr_targets(image: Loaded, indexed: bool = False) -> list[tuple[int | None, Image]]:
    """``(frame, view)`` to OCR; frame ``None`` means "applies to every frame" (DICOM),
    unless ``indexed``: then the DICOM frame read."""
    if image.raster is not None:
        from phimask.image.raster import ocr_view

        return [(i, ocr_view(frame)) for i, frame in enumerate(image.raster.frames)]
    if image.pixels is None or image.info is None:
        return []
    from phimask.image.dicom_pixels import ocr_view as dicom_view

    seen: set[str] = set()
    views: list[tuple[int | None, Image]] = []
    for index in range(image.info.frames):  # every distinct frame: PHI burned into one is PHI
        frame = image.pixels[index]
        digest = hashlib.blake2b(frame.tobytes(), digest_size=16).hexdigest()
        if digest in seen:
            continue
        if len(seen) == MAX_OCR_FRAMES:
            raise ImageTooLarge(f"more than {MAX_OCR_FRAMES} distinct frames to read: split the series "
                                "(a frame left unread could hold PHI, so the file is not masked)")
        seen.add(digest)
        views.append((index if indexed else None, dicom_view(frame, image.info.photometric)))
    return views


def read_words(image: Loaded, engine: OcrEngine | None = None,
               indexed: bool = False) -> list[tuple[int | None, list[Word]]]:
    """OCR words of every target frame (see ``_ocr_targets`` for ``indexed``)."""
    engine = engine or ocr_engine()
    return [(frame, engine.read(view)) for frame, view in _ocr_targets(image, indexed)]


def find_boxes(image: Loaded, threshold: float | None = None, detector: Detector | None = None,
               engine: OcrEngine | None = None, policy: Policy | None = None,
               ) -> list[tuple[int | None, list[PhiWord]]]:
    """PHI words of every target frame, under ``policy``."""
    return [(frame, find_phi_words(words, threshold, detector, image.known, policy))
            for frame, words in read_words(image, engine)]


def _with_frame(frame: int | None, pages: int, word: dict[str, Any]) -> dict[str, Any]:
    return {**word, "frame": frame} if frame is not None and pages > 1 else word


def image_text(data: bytes, engine: OcrEngine | None = None) -> list[dict[str, Any]]:
    """OCR words of an image as dicts (``frame`` added for multi-page TIFF)."""
    found = read_words(load(data), engine)
    return [_with_frame(frame, len(found), w.to_dict()) for frame, words in found for w in words]


def image_phi(data: bytes, threshold: float | None = None, detector: Detector | None = None,
              engine: OcrEngine | None = None, policy: Policy | None = None) -> list[dict[str, Any]]:
    """PHI words of an image as dicts, with type and score, under ``policy``."""
    found = find_boxes(load(data), threshold, detector, engine, policy)
    return [_with_frame(frame, len(found), w.to_dict()) for frame, words in found for w in words]


Boxes = Sequence[tuple[int | None, Sequence[Word]]]


def redact_loaded(image: Loaded, boxes: Boxes) -> tuple[bytes | None, str | None]:
    """Fill ``boxes``; the encoded raster (or ``None`` for DICOM, whose dataset is updated in
    place) and the DICOM transfer syntax now used."""
    from phimask.image.redact import fill_array, fill_frame

    if image.raster is not None:
        frames = list(image.raster.frames)
        for frame, words in boxes:
            targets = range(len(frames)) if frame is None else [frame]
            for index in targets:
                if words:
                    frames[index] = fill_frame(frames[index], words)
        raster = Raster(image.raster.format, frames, image.raster.save_options)
        return encode_raster(raster), None
    words = [w for _, found in boxes for w in found]
    if not words or image.pixels is None or image.info is None or image.dataset is None:
        return None, None
    from phimask.image.dicom_pixels import fill_value, store_pixels

    filled = fill_array(image.pixels, words, fill_value(image.pixels, image.info.photometric))
    return None, store_pixels(image.dataset, image.info, filled)


def mask_image(data: bytes, *, threshold: float | None = None, detector: Detector | None = None,
               engine: OcrEngine | None = None, header: HeaderMode = "deidentify", vault: Vault | None = None,
               scope: str | None = None, boxes: Boxes | None = None,
               policy: Policy | None = None) -> MaskResult:
    """Redact the PHI words of an image (found under ``policy``); ``boxes`` given
    (``(frame or None for all, words)``): those, without OCR. DICOM headers are
    de-identified unless ``header="keep"``; with a ``vault``, reversibly."""
    if header not in HEADER_MODES:
        raise InputError(f"dicom header mode must be one of: {', '.join(HEADER_MODES)}")
    image = load(data)
    types: Counter[str] = Counter()
    if boxes is None:
        found = find_boxes(image, threshold, detector, engine, policy)
        boxes = [(frame, [p.word for p in words]) for frame, words in found]
        types.update(p.type for _, words in found for p in words)
        regions = [(frame, _box(p.word), p.type) for frame, words in found for p in words]
    else:
        regions = [(frame, _box(w), "OTHER") for frame, words in boxes for w in words]
    count = sum(len(b) for _, b in boxes)
    known = list(image.known)
    encoded, syntax = redact_loaded(image, boxes)
    if encoded is not None:
        return MaskResult(encoded, image.format, count, types=types, regions=regions, known=known)
    assert image.dataset is not None
    report, hashed = None, None
    if header == "deidentify":
        report, hashed = _deidentify_header(image, vault, scope, pixels_cleaned=image.pixels is not None)
    return MaskResult(_write_dicom(image.dataset), "dicom", count, report, hashed, syntax, types, regions,
                      known)


def _box(word: Word) -> tuple[int, int, int, int]:
    return word.left, word.top, word.width, word.height


def _deidentify_header(image: Loaded, vault: Vault | None, scope: str | None, *,
                       pixels_cleaned: bool) -> tuple[HeaderReport, str | None]:
    from phimask.image.dicom_header import Pseudonyms, deidentify_header
    from phimask.image.dicom_vault import store_header

    assert image.dataset is not None
    dataset = image.dataset
    if scope is None and "StudyInstanceUID" in dataset:
        scope = f"dicom-study:{dataset.StudyInstanceUID}"
    if vault is None or scope is None:
        scope = scope or f"dicom-instance:{secrets.token_hex(16)}"
    salt = vault.scope_salt(scope) if vault is not None else secrets.token_bytes(32)
    report = deidentify_header(dataset, Pseudonyms(salt), pixels_cleaned=pixels_cleaned)
    hashed = store_header(dataset, report, vault, scope) if vault is not None else None
    return report, hashed


def _write_dicom(dataset: Dataset) -> bytes:
    import io

    buffer = io.BytesIO()
    dataset.save_as(buffer)
    return buffer.getvalue()


def reidentify_dicom(data: bytes, vault: Vault, caller: str = "local") -> bytes:
    """The DICOM with its original header back (pixels as they are); audited."""
    from phimask.image.dicom_pixels import read_dicom
    from phimask.image.dicom_vault import reidentify_header

    if sniff_format(data[:132]) != "dicom":
        raise InputError("only DICOM files can be re-identified")
    dataset = read_dicom(data, lazy=True)
    read_dicom(data, stop_before_pixels=True)
    reidentify_header(dataset, vault, caller)
    return _write_dicom(dataset)


def check_output(path: Path, image_format: str) -> None:
    """Refuse an output name whose extension says another format."""
    suffix = path.suffix.lower()
    known = {s for values in EXTENSIONS.values() for s in values}
    if suffix in known and suffix not in EXTENSIONS[image_format]:
        raise InputError(f"the output must keep the input's format ({image_format}): "
                         f"use {' or '.join(EXTENSIONS[image_format])}")


def mask_file(source: Path, target: Path, *, verify: Callable[[MaskResult], None] | None = None,
              **options: Any) -> MaskResult:
    """:func:`mask_image` from file to file (atomic; the source is never overwritten).
    ``verify`` sees the result before it is written and may raise to write nothing."""
    if source.resolve() == target.resolve():
        raise InputError("OUT must differ from IN: the original is never overwritten")
    data = read_input(source)
    check_output(target, sniff_format(data[:132]))
    result = mask_image(data, **options)
    if verify is not None:
        verify(result)
    write_atomic(target, result.data)
    return result


def read_input(path: Path) -> bytes:
    """The bytes of an input file (clear errors for missing files and directories)."""
    from phimask.image.raster import MAX_BYTES

    if not path.is_file():
        raise InputError("the input file does not exist (or is not a file)")
    if path.stat().st_size > MAX_BYTES:
        raise ImageTooLarge(f"the input file is larger than {MAX_BYTES} bytes")
    return path.read_bytes()
