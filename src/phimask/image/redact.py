"""Filled boxes over PHI words, on Pillow frames or numpy pixel arrays."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from phimask.image.ocr import Word

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image

MIN_MARGIN, MAX_MARGIN = 2, 12


def margin(word: Word) -> int:
    """Pixels added around a word's box: a quarter of its height (OCR boxes often stop
    short of brackets and descenders)."""
    return max(MIN_MARGIN, min(MAX_MARGIN, round(0.25 * word.height)))


def regions(words: Iterable[Word], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """``(x0, y0, x1, y1)`` of every word box plus its margin, clipped to the image."""
    found = []
    for word in words:
        m = margin(word)
        x0, y0 = max(0, word.left - m), max(0, word.top - m)
        x1, y1 = min(width, word.right + m), min(height, word.bottom + m)
        if x1 > x0 and y1 > y0:
            found.append((x0, y0, x1, y1))
    return found


def fill_array(pixels: np.ndarray, words: Iterable[Word], value: Any) -> np.ndarray:
    """A copy of ``pixels`` shaped (frames, rows, columns[, samples]) with every box filled
    with ``value`` in every frame."""
    out = pixels.copy()
    for x0, y0, x1, y1 in regions(words, pixels.shape[2], pixels.shape[1]):
        out[:, y0:y1, x0:x1, ...] = value
    return out


def fill_frame(frame: Image, words: Iterable[Word]) -> Image:
    """A copy of a Pillow frame with every box filled black (opaque where there is alpha)."""
    from PIL import ImageDraw

    if frame.mode in ("P", "PA"):
        frame = frame.convert("RGBA" if "transparency" in frame.info or frame.mode == "PA" else "RGB")
    else:
        frame = frame.copy()
    black: Any = {"RGBA": (0, 0, 0, 255), "LA": (0, 255), "CMYK": (0, 0, 0, 255), "RGB": (0, 0, 0)}.get(
        frame.mode, 0)
    draw = ImageDraw.Draw(frame)
    for x0, y0, x1, y1 in regions(words, frame.width, frame.height):
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=black)
    return frame
