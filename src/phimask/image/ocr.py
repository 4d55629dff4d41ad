"""The OCR port: words with pixel boxes, and the engine factory.

A word is ``{"text", "left", "top", "width", "height", "confidence"}`` in pixels of the
image as stored (confidence 0-100), the shape of DESIGN.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from phimask.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

ENGINES = ("tesseract", "rekognition")


@dataclass(frozen=True, slots=True)
class Word:
    """One OCR word and its box."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float = 100.0

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "left": self.left, "top": self.top, "width": self.width,
                "height": self.height, "confidence": round(self.confidence, 2)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Word:
        """Read a word dict; raises InputError on a missing or non-numeric field."""
        try:
            return cls(str(data["text"]), int(data["left"]), int(data["top"]), int(data["width"]),
                       int(data["height"]), float(data.get("confidence", 100.0)))
        except (KeyError, TypeError, ValueError):
            raise InputError("words must be {text, left, top, width, height} objects with numbers") from None


class OcrEngine(Protocol):
    """Reads the words of an 8-bit image (mode ``L`` or ``RGB``).

    Fail closed: an engine that cannot read the image raises a PhimaskError (OcrFailed,
    OcrUnavailable) and never returns an empty list, which would mean "no PHI here"."""

    name: str

    def read(self, image: Image) -> list[Word]: ...


def overlap(a: Word, b: Word) -> float:
    """Intersection area over the smaller box's area (0 when either is empty)."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    smaller = min(a.width * a.height, b.width * b.height)
    return width * height / smaller if width > 0 and height > 0 and smaller > 0 else 0.0


def median_height(words: Sequence[Word]) -> int:
    return sorted(w.height for w in words)[len(words) // 2]


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into text lines, top to bottom, each left to right. A word joins a line
    when its vertical centre lies within half a text height of the line's (median) centre."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top + w.height / 2, w.left)):
        centre = word.top + word.height / 2
        for line in reversed(lines[-4:]):
            middle = sorted(w.top + w.height / 2 for w in line)[len(line) // 2]
            if abs(centre - middle) <= 0.5 * min(word.height, median_height(line)):
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def reading_order(words: Iterable[Word]) -> list[Word]:
    """Words line by line, left to right."""
    return [w for line in group_lines(words) for w in line]


def ocr_engine(name: str | None = None, **options: Any) -> OcrEngine:
    """``tesseract`` (embedded, the default offline) or ``rekognition`` (AWS); ``name``
    defaults to ``$PHIMASK_OCR`` then ``tesseract``."""
    chosen = (name or os.environ.get("PHIMASK_OCR") or "tesseract").strip().lower()
    if chosen == "tesseract":
        from phimask.image.tesseract import TesseractOcr

        return TesseractOcr(**options)
    if chosen == "rekognition":
        from phimask.image.rekognition import RekognitionOcr

        return RekognitionOcr(**options)
    raise InputError(f"OCR engine must be one of: {', '.join(ENGINES)}")
