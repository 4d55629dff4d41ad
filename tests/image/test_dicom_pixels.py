"""DICOM pixel redaction: 8/16-bit, MONOCHROME1/2, RGB, multi-frame, compressed syntaxes."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pydicom
import pytest
from imagekit import PHI_TEXTS, Box, banner_image, banner_pixels, dicom_bytes, jpeg_dicom_bytes
from pydicom.uid import (
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    RLELossless,
)

from phimask.image.redact import MAX_MARGIN
from phimask.image.service import mask_image
from phimask.image.tesseract import TesseractOcr


def read(data: bytes) -> pydicom.Dataset:
    return pydicom.dcmread(io.BytesIO(data))


def outside(shape: tuple[int, ...], boxes: dict[str, Box]) -> np.ndarray:
    """Pixels farther than the largest margin from every PHI box."""
    keep = np.ones(shape[1:3], dtype=bool)
    for text in PHI_TEXTS:
        x0, y0, x1, y1 = boxes[text]
        pad = MAX_MARGIN + 2
        keep[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = False
    return keep


CASES: dict[str, dict[str, Any]] = {
    "8-bit MONOCHROME2": {"pixels": dict(dtype="uint8"), "syntax": ExplicitVRLittleEndian},
    "16-bit signed CT, implicit VR": {"pixels": dict(dtype="int16", low=-2048, high=32767),
                                      "syntax": ImplicitVRLittleEndian},
    "10-bit MONOCHROME1": {"pixels": dict(dtype="uint16", low=0, high=1023, invert=True),
                           "photometric": "MONOCHROME1", "bits_stored": 10, "syntax": ExplicitVRLittleEndian},
    "multi-frame": {"pixels": dict(dtype="uint8", frames=3), "syntax": ExplicitVRLittleEndian},
    "RLE Lossless 16-bit": {"pixels": dict(dtype="uint16", low=100, high=4000), "syntax": RLELossless,
                            "bits_stored": 12},
    "JPEG 2000 Lossless": {"pixels": dict(dtype="uint8"), "syntax": JPEG2000Lossless,
                           "written": ExplicitVRLittleEndian},
}


@pytest.mark.parametrize("case", list(CASES))
def test_grey_dicom_boxes_filled_everything_else_kept(tesseract: TesseractOcr, case: str) -> None:
    spec = CASES[case]
    pixels, boxes = banner_pixels(**spec["pixels"])
    data = dicom_bytes(pixels, photometric=spec.get("photometric", "MONOCHROME2"),
                       bits_stored=spec.get("bits_stored"), syntax=spec["syntax"])
    original = read(data).pixel_array.reshape(pixels.shape)

    result = mask_image(data, engine=tesseract, header="keep")

    out = read(result.data)
    assert str(out.file_meta.TransferSyntaxUID) == spec.get("written", spec["syntax"])
    assert out.PatientName == "GARCIA^MARIA"  # header kept
    redacted = out.pixel_array.reshape(pixels.shape)
    assert redacted.dtype == original.dtype
    fill = original.max() if spec.get("photometric") == "MONOCHROME1" else original.min()
    for text in PHI_TEXTS:
        x0, y0, x1, y1 = boxes[text]
        assert (redacted[:, y0:y1, x0:x1] == fill).all(), text
    keep = outside(pixels.shape, boxes)
    assert np.array_equal(redacted[:, keep], original[:, keep])
    assert result.boxes == len(PHI_TEXTS)


def test_rgb_dicom(tesseract: TesseractOcr) -> None:
    image, boxes = banner_image("RGB")
    pixels = np.asarray(image)[None, ...]
    result = mask_image(dicom_bytes(pixels, photometric="RGB"), engine=tesseract, header="keep")
    out = read(result.data).pixel_array
    for text in PHI_TEXTS:
        x0, y0, x1, y1 = boxes[text]
        assert (out[y0:y1, x0:x1] == 0).all(), text
    keep = outside(pixels.shape, boxes)
    assert np.array_equal(out[keep], pixels[0][keep])


def test_jpeg_baseline_is_written_uncompressed_as_rgb(tesseract: TesseractOcr) -> None:
    image, boxes = banner_image("RGB")
    data = jpeg_dicom_bytes(image)
    before = read(data)
    result = mask_image(data, engine=tesseract, header="keep")

    out = read(result.data)
    assert out.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert (out.PhotometricInterpretation, out.SamplesPerPixel, out.PlanarConfiguration) == ("RGB", 3, 0)
    assert out.LossyImageCompression == "01"
    assert out.SOPInstanceUID == before.SOPInstanceUID  # header="keep": no new UID
    redacted = out.pixel_array
    for text in PHI_TEXTS:
        x0, y0, x1, y1 = boxes[text]
        assert (redacted[y0:y1, x0:x1] == 0).all(), text
    keep = outside((1, *redacted.shape[:2]), boxes)
    assert np.abs(redacted[keep].astype(int) - before.pixel_array[keep].astype(int)).max() <= 1


def test_dicom_without_burned_in_text_keeps_pixel_data_bytes(tesseract: TesseractOcr) -> None:
    pixels = np.tile(np.linspace(0, 4000, 256, dtype=np.uint16), (1, 128, 1))
    data = dicom_bytes(pixels, syntax=RLELossless, bits_stored=12)
    result = mask_image(data, engine=tesseract)
    assert result.boxes == 0
    assert read(result.data).PixelData == read(data).PixelData


def test_header_only_dicom_is_deidentified() -> None:
    pixels, _ = banner_pixels()
    ds = read(dicom_bytes(pixels))
    for keyword in ("PixelData", "Rows", "Columns", "BitsAllocated", "BitsStored", "HighBit",
                    "PixelRepresentation", "SamplesPerPixel", "PhotometricInterpretation"):
        delattr(ds, keyword)
    buffer = io.BytesIO()
    ds.save_as(buffer)
    result = mask_image(buffer.getvalue())
    out = read(result.data)
    assert result.boxes == 0 and out.PatientIdentityRemoved == "YES" and out.PatientName != "GARCIA^MARIA"


def test_phi_burned_into_one_frame_of_many_is_found(tesseract: TesseractOcr) -> None:
    # 20 frames, text only in frame 1: a reader that samples frames would miss it
    pixels, boxes = banner_pixels(dtype="uint8", frames=20)
    pixels[:] = 0
    pixels[1], _ = banner_pixels(dtype="uint8")
    for index in range(2, 20):
        pixels[index, 0, index] = 1  # every frame distinct, as in a cine loop
    result = mask_image(dicom_bytes(pixels), engine=tesseract, header="keep")
    redacted = read(result.data).pixel_array
    for text in PHI_TEXTS:
        x0, y0, x1, y1 = boxes[text]
        assert (redacted[1, y0:y1, x0:x1] == 0).all(), text
    assert result.boxes == len(PHI_TEXTS)


def test_too_many_distinct_frames_fail_instead_of_being_sampled(tesseract: TesseractOcr,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from phimask.image import service
    from phimask.image.errors import ImageTooLarge

    monkeypatch.setattr(service, "MAX_OCR_FRAMES", 2)
    pixels, _ = banner_pixels(dtype="uint8", frames=3)
    pixels[1, 0, 0], pixels[2, 0, 0] = 7, 9
    with pytest.raises(ImageTooLarge, match="distinct frames"):
        mask_image(dicom_bytes(pixels), engine=tesseract, header="keep")
