"""Amazon Rekognition DetectText as an OCR engine (boto3 client injectable for tests).

DetectText returns at most 100 words an image. When a reading hits that limit, the region
is split into 2 x 2 overlapping tiles, each read again (recursively, up to ``max_depth``);
boxes are mapped back to the page and duplicates from the overlaps are dropped (of two
overlapping readings the larger box wins, so a word cut at a tile edge gives way to its
whole reading in the neighbouring tile).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from phimask.image.errors import ImageTooLarge
from phimask.image.ocr import Word, overlap, reading_order

if TYPE_CHECKING:
    from PIL.Image import Image

WORD_LIMIT = 100
MAX_BYTES = 5 * 1024 * 1024  # DetectText's limit for image bytes
MIN_SIDE = 80  # DetectText's smallest image side


class RekognitionOcr:
    """OCR through Rekognition DetectText, tiled around the 100-word limit."""

    name = "rekognition"

    def __init__(self, client: Any = None, max_depth: int = 3, min_overlap: int = 48,
                 min_confidence: float = 0.0) -> None:
        if client is None:
            import boto3

            client = boto3.client("rekognition")
        self.client = client
        self.max_depth = max_depth
        self.min_overlap = min_overlap
        self.min_confidence = min_confidence
        self.calls = 0

    def read(self, image: Image) -> list[Word]:
        return reading_order(deduplicate(self._region(image, (0, 0, image.width, image.height), 0)))

    def _region(self, image: Image, box: tuple[int, int, int, int], depth: int) -> list[Word]:
        words = self._detect(image, box)
        if len(words) < WORD_LIMIT or depth >= self.max_depth:
            return words
        found: list[Word] = []
        for tile in tiles(box, max([self.min_overlap, *(3 * w.height for w in words)])):
            found.extend(self._region(image, tile, depth + 1))
        return found

    def _detect(self, image: Image, box: tuple[int, int, int, int]) -> list[Word]:
        left, top, right, bottom = box
        crop = image.crop(box)
        width, height = crop.size
        if width < MIN_SIDE or height < MIN_SIDE:
            from PIL import ImageOps

            crop = ImageOps.pad(crop, (max(width, MIN_SIDE), max(height, MIN_SIDE)), color="white",
                                centering=(0, 0))
        response = self.client.detect_text(Image={"Bytes": encode(crop)})
        self.calls += 1
        words = []
        for found in response.get("TextDetections", []):
            if found.get("Type") != "WORD" or float(found.get("Confidence", 0)) < self.min_confidence:
                continue
            ratio = found["Geometry"]["BoundingBox"]
            x0 = left + float(ratio["Left"]) * crop.width
            y0 = top + float(ratio["Top"]) * crop.height
            x1 = x0 + float(ratio["Width"]) * crop.width
            y1 = y0 + float(ratio["Height"]) * crop.height
            x0, y0, x1, y1 = max(x0, left), max(y0, top), min(x1, right), min(y1, bottom)
            if x1 > x0 and y1 > y0:
                words.append(Word(str(found["DetectedText"]), round(x0), round(y0), max(1, round(x1 - x0)),
                                  max(1, round(y1 - y0)), float(found.get("Confidence", 0.0))))
        return words


def tiles(box: tuple[int, int, int, int], margin: int) -> list[tuple[int, int, int, int]]:
    """2 x 2 tiles of ``box`` overlapping by ``margin`` pixels."""
    left, top, right, bottom = box
    mid_x, mid_y = (left + right) // 2, (top + bottom) // 2
    half = margin // 2
    xs = [(left, min(right, mid_x + half)), (max(left, mid_x - half), right)]
    ys = [(top, min(bottom, mid_y + half)), (max(top, mid_y - half), bottom)]
    return [(x0, y0, x1, y1) for y0, y1 in ys for x0, x1 in xs]


def deduplicate(words: list[Word]) -> list[Word]:
    """Drop readings that lie (mostly) inside a larger reading of the same place."""
    kept: list[Word] = []
    for word in sorted(words, key=lambda w: -(w.width * w.height)):
        if all(overlap(word, k) < 0.6 for k in kept):
            kept.append(word)
    return kept


def encode(image: Image) -> bytes:
    """PNG bytes, or JPEG when PNG exceeds DetectText's 5 MB."""
    rgb = image if image.mode in ("L", "RGB") else image.convert("RGB")
    for fmt, options in (("PNG", {}), ("JPEG", {"quality": 92})):
        buffer = io.BytesIO()
        rgb.save(buffer, fmt, **options)
        if buffer.tell() <= MAX_BYTES:
            return buffer.getvalue()
    raise ImageTooLarge("the image is too large for Rekognition DetectText (5 MB) even as JPEG")
