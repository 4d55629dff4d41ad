"""Embedded OCR: Tesseract through pytesseract, with the preprocessing recall comes from.

1. Page pass: sparse-text mode (``--psm 11``) on a grey image turned dark-on-light,
   upscaled when the image is small, padded so text touching the border is read.
2. Line pass: every line with a doubtful word (low confidence, or junk) is cropped, turned
   dark-on-light on its own (light-on-dark banners), scaled to a ~32 px text height and
   read again as one line (``--psm 7``). The better reading wins; words the other found
   that do not overlap it are kept too.

Boxes are mapped back to the pixels of the input image.

Fail closed: a missing binary raises OcrUnavailable; a crash, a timeout or unreadable output
raises OcrFailed. "No words" is only ever returned for an image tesseract read without error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phimask.errors import OcrFailed
from phimask.image.errors import OcrUnavailable
from phimask.image.ocr import Word, group_lines, median_height, overlap, reading_order

if TYPE_CHECKING:
    from PIL.Image import Image

PAGE_TARGET = 1000  # images whose long side is shorter are upscaled (at most x3) for the page pass
LINE_HEIGHT = 32    # text height the line pass scales to
DOUBTFUL = 85.0     # a line with a word below this confidence is read again
PAD = 20


@dataclass(frozen=True, slots=True)
class _View:
    """A preprocessed crop: ``image`` shows ``source[left:, top:]`` scaled by ``scale`` and
    padded by ``pad``."""

    image: Image
    left: int
    top: int
    scale: float
    pad: int


class TesseractOcr:
    """The default offline OCR engine."""

    name = "tesseract"

    def __init__(self, lang: str = "eng", timeout: float = 120.0, line_pass: bool = True,
                 workers: int | None = None) -> None:
        self.lang = lang
        self.timeout = timeout
        self.line_pass = line_pass
        self.workers = workers or min(4, os.cpu_count() or 1)

    def read(self, image: Image) -> list[Word]:
        gray = image.convert("L")
        words = self._run(_page_view(gray), "--psm 11")
        if not self.line_pass or not words:
            return reading_order(words)
        jobs = [(part, span) for line in group_lines(words) if _worth_rereading(line)
                for part, span in segments(line, gray.width) if any(map(_doubtful, part))]
        with ThreadPoolExecutor(self.workers) as pool:
            reread = list(pool.map(lambda job: self._run(_line_view(gray, *job), "--psm 7"), jobs))
        for (part, _), again in zip(jobs, reread, strict=True):
            if _quality(again) >= _quality(part):
                words.extend(again)
        return reading_order(deduplicate(words))

    def _run(self, view: _View, config: str) -> list[Word]:
        """One tesseract pass; OcrUnavailable or OcrFailed rather than an empty reading."""
        try:
            import pytesseract
        except ImportError:
            raise OcrUnavailable("the pytesseract package is not installed") from None
        try:
            data: dict[str, list[Any]] = pytesseract.image_to_data(
                view.image, lang=self.lang, config=config, output_type=pytesseract.Output.DICT,
                timeout=self.timeout)
        except pytesseract.TesseractNotFoundError:
            raise OcrUnavailable("tesseract is not installed: run `make system-deps` "
                                 "(apt-get install tesseract-ocr)") from None
        except pytesseract.TesseractError as exc:  # before RuntimeError: it is one
            raise OcrFailed(f"tesseract failed (status {exc.status})") from None
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise OcrFailed(f"tesseract took longer than {self.timeout:g} s") from None
            raise OcrFailed(f"tesseract could not run ({type(exc).__name__})") from None
        except Exception as exc:  # OSError, a broken install...: never "no words"
            raise OcrFailed(f"tesseract could not run ({type(exc).__name__})") from None
        try:
            return _words(data, view)
        except (KeyError, TypeError, ValueError, OverflowError, ZeroDivisionError):
            raise OcrFailed("tesseract returned unreadable output") from None


def _words(data: dict[str, list[Any]], view: _View) -> list[Word]:
    """The words of tesseract's TSV columns, boxes mapped back to the source image."""
    words = []
    for text, left, top, width, height, conf in zip(
            data["text"], data["left"], data["top"], data["width"], data["height"], data["conf"],
            strict=True):
        text = str(text).strip()
        if not text or not any(c.isalnum() for c in text) or float(conf) < 0:
            continue
        x0 = max(0.0, view.left + (int(left) - view.pad) / view.scale)
        y0 = max(0.0, view.top + (int(top) - view.pad) / view.scale)
        x1 = view.left + (int(left) + int(width) - view.pad) / view.scale
        y1 = view.top + (int(top) + int(height) - view.pad) / view.scale
        words.append(Word(text, round(x0), round(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0)),
                          float(conf)))
    return words


def _dark_on_light(gray: Image) -> Image:
    from PIL import ImageOps, ImageStat

    return ImageOps.invert(gray) if ImageStat.Stat(gray).median[0] < 128 else gray


def _padded(gray: Image, pad: int) -> Image:
    from PIL import ImageOps, ImageStat

    return ImageOps.expand(gray, pad, fill=int(ImageStat.Stat(gray).median[0]))


def _resized(gray: Image, scale: float) -> Image:
    from PIL import Image as PILImage

    if abs(scale - 1.0) < 0.05:
        return gray
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    return gray.resize(size, PILImage.Resampling.LANCZOS)


def _page_view(gray: Image) -> _View:
    scale = min(3.0, max(1.0, PAGE_TARGET / max(gray.size)))
    return _View(_padded(_resized(_dark_on_light(gray), scale), PAD), 0, 0, scale, PAD)


def _line_view(gray: Image, part: Sequence[Word], span: tuple[int, int]) -> _View:
    height = median_height(part)
    top = max(0, min(w.top for w in part) - height // 3)
    bottom = min(gray.height, max(w.bottom for w in part) + height // 3)
    scale = min(4.0, max(0.5, LINE_HEIGHT / max(height, 1)))
    crop = _dark_on_light(gray.crop((span[0], top, span[1], bottom)))
    return _View(_padded(_resized(crop, scale), PAD // 2), span[0], top, scale, PAD // 2)


def _doubtful(word: Word) -> bool:
    return word.confidence < DOUBTFUL or (not word.text[-1].isalnum() and len(word.text) < 3)


def _worth_rereading(line: Sequence[Word]) -> bool:
    """A confident word beside a doubtful one (a line of noise alone is not read again)."""
    return any(w.confidence >= 70 and len(w.text) > 1 for w in line) and any(map(_doubtful, line))


def _quality(words: Iterable[Word]) -> float:
    """Confident alphanumeric characters read."""
    return sum(sum(c.isalnum() for c in w.text) * w.confidence / 100 for w in words)


def segments(line: Sequence[Word], width: int) -> list[tuple[list[Word], tuple[int, int]]]:
    """A line cut where words lie far apart (columns); each part comes with the horizontal
    span it may be re-read over: up to its neighbours, or the image edges."""
    height = median_height(line)
    parts: list[list[Word]] = [[line[0]]]
    for word in line[1:]:
        if word.left - parts[-1][-1].right > 4 * height:
            parts.append([word])
        else:
            parts[-1].append(word)
    spans = [(parts[i - 1][-1].right if i else 0, parts[i + 1][0].left if i + 1 < len(parts) else width)
             for i in range(len(parts))]
    return list(zip(parts, spans, strict=True))


def deduplicate(words: Iterable[Word]) -> list[Word]:
    """One word per place: of overlapping readings, the one with more confident characters."""
    kept: list[Word] = []
    for word in sorted(words, key=lambda w: -_quality([w])):
        if all(overlap(word, k) < 0.5 for k in kept):
            kept.append(word)
    return kept
