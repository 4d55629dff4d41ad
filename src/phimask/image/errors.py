"""Image errors. Messages name the problem, never pixel or header values."""

from __future__ import annotations

from phimask.errors import InputError, PhimaskError


class ImageUnsupported(InputError):
    """The format (or a feature of it) is not supported: PDF, GIF, 1-bit DICOM..."""

    code = "ImageUnsupported"


class CorruptImage(InputError):
    """The file claims a supported format but cannot be decoded (corrupt or truncated)."""


class ImageTooLarge(InputError):
    """Too many pixels or bytes: a possible decompression bomb."""


class OcrUnavailable(PhimaskError):
    """The configured OCR engine cannot run here (e.g. the tesseract binary is missing)."""

    code = "OcrUnavailable"
