"""The OCR port and the embedded Tesseract adapter on generated images."""

from __future__ import annotations

import pytest
from imagekit import PHI_TEXTS, banner_image, draw_lines
from PIL import Image, ImageOps

from phimask.errors import InputError
from phimask.image.errors import OcrUnavailable
from phimask.image.ocr import Word, group_lines, ocr_engine, overlap, reading_order
from phimask.image.tesseract import TesseractOcr


def covers(word: Word, box: tuple[int, int, int, int], slack: int = 4) -> bool:
    x0, y0, x1, y1 = box
    return (word.left <= x0 + slack and word.top <= y0 + slack and word.right >= x1 - slack
            and word.bottom >= y1 - slack)


def test_words_have_the_design_shape_and_pixel_boxes(tesseract: TesseractOcr) -> None:
    image, boxes = banner_image()
    words = tesseract.read(image)

    assert {w.text for w in words} >= PHI_TEXTS | {"PORTABLE"}
    for word in words:
        assert set(word.to_dict()) == {"text", "left", "top", "width", "height", "confidence"}
        assert 0 <= word.confidence <= 100
        if word.text in boxes:
            assert covers(word, boxes[word.text]), word


def test_light_on_dark_banner_is_read(tesseract: TesseractOcr) -> None:
    image, _ = banner_image()
    words = tesseract.read(ImageOps.invert(image))
    assert {w.text for w in words} >= PHI_TEXTS


def test_small_text_is_upscaled_before_reading(tesseract: TesseractOcr) -> None:
    image, boxes = draw_lines(["KAUFMAN SCOTT 03.09.2012"], size=(220, 40), font_size=11)
    words = tesseract.read(image)
    assert [w.text for w in words] == ["KAUFMAN", "SCOTT", "03.09.2012"]
    assert all(covers(w, boxes[w.text], slack=3) for w in words)


def test_text_touching_the_top_edge_is_read(tesseract: TesseractOcr) -> None:
    image, _ = draw_lines(["DAVIDSON DOUGLAS 01.09.2012"], size=(420, 40), font_size=28, origin=(0, -6))
    assert {"DAVIDSON", "DOUGLAS", "01.09.2012"} <= {w.text for w in tesseract.read(image)}


def test_blank_image_has_no_words(tesseract: TesseractOcr) -> None:
    assert tesseract.read(Image.new("L", (200, 100), 255)) == []


def test_missing_binary_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(OcrUnavailable, match="make system-deps"):
        TesseractOcr().read(banner_image()[0])


def test_engine_factory_validates_the_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_OCR", "tesseract")
    assert ocr_engine().name == "tesseract"
    with pytest.raises(InputError, match="OCR engine must be one of"):
        ocr_engine("easyocr")


@pytest.mark.parametrize(("data", "message"), [
    ({"text": "x", "left": 1, "top": 2, "width": 3}, "words must be"),
    ({"text": "x", "left": "a", "top": 2, "width": 3, "height": 4}, "words must be"),
])
def test_word_dicts_are_validated(data: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Word.from_dict(data)


def test_lines_group_by_vertical_centre_not_by_growing_bands() -> None:
    words = [Word("DAVIDSON", 0, 0, 241, 46), Word("DOUGLAS", 262, 0, 230, 36),
             Word("Semi-Upright", 1749, 19, 343, 46), Word("DOB:", 17, 45, 110, 37),
             Word("06.16.1976", 145, 47, 218, 35)]
    lines = [[w.text for w in line] for line in group_lines(words)]
    assert lines[0][:2] == ["DAVIDSON", "DOUGLAS"]
    assert lines[-1] == ["DOB:", "06.16.1976"]
    assert [w.text for w in reading_order(words)][:2] == ["DAVIDSON", "DOUGLAS"]


def test_overlap_is_relative_to_the_smaller_box() -> None:
    assert overlap(Word("a", 0, 0, 10, 10), Word("b", 5, 0, 10, 10)) == 0.5
    assert overlap(Word("a", 0, 0, 10, 10), Word("b", 20, 0, 10, 10)) == 0.0
