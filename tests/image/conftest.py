"""Fixtures of the image tests (helpers live in imagekit.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from phimask.image.tesseract import TesseractOcr

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="tesseract-ocr is not installed (make system-deps)")


@pytest.fixture(scope="session")
def tesseract() -> TesseractOcr:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr is not installed (make system-deps)")
    return TesseractOcr()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh $PHIMASK_HOME (key file and SQLite vault)."""
    path = tmp_path / "phimask-home"
    monkeypatch.setenv("PHIMASK_HOME", str(path))
    yield path
