"""Amazon Rekognition DetectText as an OCR engine (boto3 client injectable for tests).

DetectText returns at most 100 words an image. When a reading hits that limit, the region
is split into 2 x 2 overlapping tiles, each read again (recursively, up to ``max_depth``);
boxes are mapped back to the page and duplicates from the overlaps are dropped (of two
overlapping readings the larger box wins, so a word cut at a tile edge gives way to its
whole reading in the neighbouring tile).

Fail closed: a service or connection error, a malformed answer, or a tile still at the
100-word limit at ``max_depth`` raises OcrFailed (throttling: OcrThrottled, code
``ServiceBusy``); an image is never reported as having no words because it was not read.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from phimask.errors import OcrFailed
from phimask.image.errors import ImageTooLarge
from phimask.image.ocr import Word, overlap, reading_order

if TYPE_CHECKING:
    from PIL.Image import Image

WORD_LIMIT = 100
MAX_BYTES = 5 * 1024 * 1024  # DetectText's limit for image bytes
MIN_SIDE = 80  # DetectText's smallest image side
THROTTLING = frozenset({"ThrottlingException", "ProvisionedThroughputExceededException",
                        "ServiceUnavailableException", "TooManyRequestsException"})
MALFORMED = "Rekognition DetectText returned a malformed response"


class OcrThrottled(OcrFailed):
    """Rekognition still throttled after botocore's retries."""

    code = "ServiceBusy"


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
        words, read = self._detect(image, box)
        if read < WORD_LIMIT:
            return words
        if depth >= self.max_depth:  # more words than DetectText returns: some would be missed
            raise OcrFailed(f"the image holds more text than Rekognition DetectText reads "
                            f"({WORD_LIMIT} words a tile after {self.max_depth} tilings)")
        found: list[Word] = []
        for tile in tiles(box, max([self.min_overlap, *(3 * w.height for w in words)])):
            found.extend(self._region(image, tile, depth + 1))
        return found

    def _detect(self, image: Image, box: tuple[int, int, int, int]) -> tuple[list[Word], int]:
        """The words of ``box`` in page pixels, and how many words DetectText returned."""
        left, top, right, bottom = box
        crop = image.crop(box)
        width, height = crop.size
        if width < MIN_SIDE or height < MIN_SIDE:
            from PIL import ImageOps

            crop = ImageOps.pad(crop, (max(width, MIN_SIDE), max(height, MIN_SIDE)), color="white",
                                centering=(0, 0))
        detections = _detections(self._call(encode(crop)))
        words = []
        try:
            for found in detections:
                if found.get("Type") != "WORD":
                    continue
                confidence = float(found.get("Confidence", 0.0))
                ratio = found["Geometry"]["BoundingBox"]
                x0 = left + float(ratio["Left"]) * crop.width
                y0 = top + float(ratio["Top"]) * crop.height
                x1 = x0 + float(ratio["Width"]) * crop.width
                y1 = y0 + float(ratio["Height"]) * crop.height
                text = str(found["DetectedText"])
                if not all(map(math.isfinite, (confidence, x0, y0, x1, y1))):
                    raise ValueError("not a finite number")
                x0, y0, x1, y1 = max(x0, left), max(y0, top), min(x1, right), min(y1, bottom)
                if x1 > x0 and y1 > y0 and confidence >= self.min_confidence:
                    words.append(Word(text, round(x0), round(y0), max(1, round(x1 - x0)),
                                      max(1, round(y1 - y0)), confidence))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise OcrFailed(MALFORMED) from None
        return words, sum(found.get("Type") == "WORD" for found in detections)

    def _call(self, data: bytes) -> object:
        """One DetectText call; every failure is an OcrFailed naming the error code only."""
        from botocore.exceptions import BotoCoreError, ClientError

        self.calls += 1
        try:
            response: object = self.client.detect_text(Image={"Bytes": data})
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
            if code in THROTTLING:
                raise OcrThrottled(f"Rekognition DetectText is throttling requests ({code})") from None
            raise OcrFailed(f"Rekognition DetectText failed ({code})") from None
        except BotoCoreError as exc:  # connection, timeout, credentials: botocore retried already
            raise OcrFailed(f"Rekognition DetectText could not be called ({type(exc).__name__})") from None
        return response


def _detections(response: object) -> list[Mapping[str, Any]]:
    """The ``TextDetections`` of a DetectText response; OcrFailed when it is malformed."""
    found = response.get("TextDetections") if isinstance(response, Mapping) else None
    if not isinstance(found, list) or not all(isinstance(item, Mapping) for item in found):
        raise OcrFailed(MALFORMED)
    return found


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
