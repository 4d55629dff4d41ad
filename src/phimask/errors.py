"""Exceptions. Messages name the field and the problem, never the value (no PHI)."""

from __future__ import annotations

import traceback


class PhimaskError(Exception):
    """Base class for every error phimask raises on purpose."""

    code = "PhimaskError"


class InputError(PhimaskError, ValueError):
    """The caller's input is unusable (empty, not UTF-8, too large, out of range...)."""

    code = "InvalidInput"


class DetectorFailed(PhimaskError):
    """A detector could not check all of the text (service error, malformed answer, crash).

    The document fails: text that was not checked is never passed on as if it held no PHI."""

    code = "DetectorFailed"


class DetectorTimeout(DetectorFailed):
    """A detector ran past its time budget before checking all of the text."""

    code = "DetectorTimeout"


class OcrFailed(PhimaskError):
    """The OCR engine failed on an image (crash, timeout, service error, malformed answer).

    No words would mean "no PHI", so the image fails instead of being written unredacted."""

    code = "OcrFailed"


def raised_at(exc: BaseException) -> str:
    """Where ``exc`` was raised, as ``file.py:line`` (``?`` if unknown): enough to find a bug
    from a log line or an error message that must not carry the exception's own text."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
