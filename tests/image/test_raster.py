"""Masking PNG, JPEG and TIFF end to end with real Tesseract OCR."""

from __future__ import annotations

import io

import numpy as np
import pytest
from imagekit import KEPT_TEXTS, PHI_TEXTS, banner_image, draw_lines, encode, region
from PIL import Image, PngImagePlugin

from phimask.image.service import image_phi, mask_image
from phimask.image.tesseract import TesseractOcr


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.int16)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "I;16"])
def test_png_phi_boxes_filled_and_other_text_kept(tesseract: TesseractOcr, mode: str) -> None:
    base, boxes = banner_image("RGB" if mode in ("RGB", "P") else "RGBA" if mode == "RGBA" else "L")
    image = base.convert("P") if mode == "P" else base.convert("I;16") if mode == "I;16" else base
    result = mask_image(encode(image, "PNG"), engine=tesseract)

    out = decoded(result.data)
    assert (out.format, out.size) == ("PNG", image.size)
    assert out.mode == {"P": "RGB"}.get(mode, image.mode)
    assert result.boxes == len(PHI_TEXTS)
    before, after = gray(image.convert("RGB") if mode == "P" else image), gray(out)
    for text in PHI_TEXTS:
        assert region(after, boxes[text]).std() == 0 and region(after, boxes[text]).max() == 0, text
    for text in KEPT_TEXTS | {"Name:", "DOB:", "MRN:"}:
        x0, y0, x1, y1 = boxes[text]
        keep = (x0 + 13, y0, x1, y1) if text != "Name:" else (x0, y0, x1 - 13, y1)  # margins may touch edges
        assert np.array_equal(region(after, keep), region(before, keep)), text


def test_png_text_chunks_are_not_copied(tesseract: TesseractOcr) -> None:
    image, _ = banner_image()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GARCIA MARIA 55120873")
    out = decoded(mask_image(encode(image, "PNG", pnginfo=info), engine=tesseract).data)
    assert "Comment" not in out.info and "GARCIA" not in str(out.info)


def test_jpeg_keeps_quantization_and_drops_exif(tesseract: TesseractOcr) -> None:
    image, boxes = banner_image("RGB")
    exif = Image.Exif()
    exif[0x010E] = "GARCIA MARIA"  # ImageDescription
    data = encode(image, "JPEG", quality=90, exif=exif.tobytes())
    source = decoded(data)
    out = decoded(mask_image(data, engine=tesseract).data)

    assert out.format == "JPEG" and out.size == image.size
    assert out.quantization == source.quantization  # type: ignore[attr-defined]
    assert not out.getexif()
    after = gray(out)
    for text in PHI_TEXTS:
        assert region(after, boxes[text]).mean() < 12, text
    assert np.abs(region(after, boxes["PORTABLE"]) - region(gray(source), boxes["PORTABLE"])).max() < 40


@pytest.mark.slow
def test_tiff_pages_are_redacted_each_with_its_own_words(tesseract: TesseractOcr) -> None:
    first, first_boxes = banner_image()
    second, second_boxes = draw_lines(["Referred by Jessica Smith", "Ultrasound report"])
    buffer = io.BytesIO()
    first.save(buffer, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")

    words = image_phi(buffer.getvalue(), engine=tesseract)
    assert {(w["frame"], w["text"]) for w in words} >= {(0, "GARCIA,"), (1, "Jessica"), (1, "Smith")}

    out = Image.open(io.BytesIO(mask_image(buffer.getvalue(), engine=tesseract).data))
    assert out.n_frames == 2 and out.info["compression"] == "tiff_lzw"  # type: ignore[attr-defined]
    out.seek(1)
    page = gray(out)
    assert region(page, second_boxes["Smith"]).max() == 0
    kept = second_boxes["Ultrasound"]
    assert np.array_equal(region(page, kept), region(gray(second), kept))
    out.seek(0)
    assert region(gray(out), first_boxes["MARIA"]).max() == 0


def test_image_without_phi_is_unchanged_in_pixels(tesseract: TesseractOcr) -> None:
    image, _ = draw_lines(["PORTABLE AP", "Left lateral view"])
    result = mask_image(encode(image, "PNG"), engine=tesseract)
    assert result.boxes == 0
    assert np.array_equal(gray(decoded(result.data)), gray(image))
