"""The Lambda image steps (phimask.aws.images) on real images, embedded OCR."""

from __future__ import annotations

import io

import numpy as np
import pydicom
import pytest
from imagekit import PHI_TEXTS, banner_image, banner_pixels, dicom_bytes, encode
from PIL import Image

from phimask.aws import images
from phimask.aws.settings import ConfigError
from phimask.pipeline import default_detector

pytestmark = pytest.mark.usefixtures("tesseract")


def test_ocr_phi_and_redact_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_ENGINE", "tesseract")
    image, boxes = banner_image()
    data = encode(image, "PNG")

    words = images.ocr_words(data, "png")
    found = images.phi_words(words, 0.5, default_detector())
    assert {w["text"] for w in found} == PHI_TEXTS
    redacted = np.asarray(Image.open(io.BytesIO(images.redact(data, "png", found))))
    x0, y0, x1, y1 = boxes["MARIA"]
    assert (redacted[y0:y1, x0:x1] == 0).all()


def test_dicom_redaction_deidentifies_the_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_ENGINE", "tesseract")
    data = dicom_bytes(banner_pixels()[0])
    found = images.phi_words(images.ocr_words(data, "dicom"), 0.5, default_detector())
    out = pydicom.dcmread(io.BytesIO(images.redact(data, "dicom", found)))
    assert out.PatientIdentityRemoved == "YES" and "GARCIA" not in str(out.PatientName)


def test_unknown_ocr_engine_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_ENGINE", "paddle")
    with pytest.raises(ConfigError, match="OCR_ENGINE must be one of"):
        images.ocr_words(b"", "png")


@pytest.mark.parametrize(("lambda_name", "expected"),
                         [("phimask-detect-text", "rekognition"), (None, "tesseract")])
def test_ocr_engine_defaults_to_rekognition_inside_lambda(monkeypatch: pytest.MonkeyPatch,
                                                          lambda_name: str | None, expected: str) -> None:
    monkeypatch.delenv("OCR_ENGINE", raising=False)
    if lambda_name:
        monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", lambda_name)
    else:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert images.ocr_engine_name() == expected
