"""Fail closed: text or pixels that could not be checked never pass through unmasked.

A detector or OCR failure (service error, throttling after retries, malformed answer,
crash, timeout) raises a PhimaskError with a code and a PHI-free message; batch runs and
Lambda handlers turn it into a failed document, never into "no PHI found".
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import ANY, Stubber
from PIL import Image

from phimask.aws.handlers import api_handler, task_handler
from phimask.aws.settings import Settings, build_detector
from phimask.batch.work import Options, Worker
from phimask.detect import embedded, names
from phimask.detect.comprehend import (
    ComprehendError,
    ComprehendMedicalDetector,
    ComprehendThrottled,
    split_text,
)
from phimask.detect.embedded import EmbeddedDetector
from phimask.detect.ensemble import EnsembleDetector, Member
from phimask.entities import Entity, EntityType
from phimask.errors import DetectorFailed, DetectorTimeout, OcrFailed, PhimaskError
from phimask.image.errors import OcrUnavailable
from phimask.image.ocr import Word
from phimask.image.rekognition import WORD_LIMIT, OcrThrottled, RekognitionOcr, tiles
from phimask.image.tesseract import TesseractOcr
from phimask.pipeline import find_phi

PHI = "SALAZAR, CARLOS"
NOTE = f"Name: {PHI}\nMRN: RQ36114734\nSeen on 11/12/2011 by Dr. Maria Gonzalez."
LONG = " ".join(f"Visit {i}: {PHI} (MRN RQ36114734) was seen and is doing well." for i in range(12))


def assert_phi_free(exc: BaseException) -> None:
    assert isinstance(exc, PhimaskError) and exc.code
    assert "SALAZAR" not in str(exc) and "CARLOS" not in str(exc) and "RQ361" not in str(exc)


# ------------------------------------------------------------------ Comprehend Medical DetectPHI

def phi(chunk: str, value: str, kind: str, score: float = 0.99) -> dict[str, Any]:
    """One entity as DetectPHI returns it (offsets in code points of the chunk it saw)."""
    begin = chunk.index(value)
    return {"Id": 0, "BeginOffset": begin, "EndOffset": begin + len(value), "Score": score, "Text": value,
            "Category": "PROTECTED_HEALTH_INFORMATION", "Type": kind, "Traits": []}


def detect_phi_response(*entities: dict[str, Any]) -> dict[str, Any]:
    return {"Entities": list(entities), "ModelVersion": "2.4.0"}


@pytest.fixture
def comprehend() -> Any:
    return boto3.client("comprehendmedical", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def three_chunks(detector: ComprehendMedicalDetector) -> list[str]:
    chunks = [chunk for _, chunk in split_text(LONG, detector.max_bytes, detector.overlap)]
    assert len(chunks) >= 3 and all(PHI in chunk for chunk in chunks)
    return chunks


def test_comprehend_chunk_throttled_after_retries_fails_the_whole_text(comprehend: Any) -> None:
    delays: list[float] = []
    detector = ComprehendMedicalDetector(comprehend, max_bytes=300, overlap=60, max_attempts=3,
                                         sleep=delays.append)
    first, second, *_ = three_chunks(detector)
    with Stubber(comprehend) as stub:
        stub.add_response("detect_phi", detect_phi_response(phi(first, PHI, "NAME")), {"Text": first})
        for _ in range(3):
            stub.add_client_error("detect_phi", "ThrottlingException", f"Rate exceeded: {PHI}", 400,
                                  expected_params={"Text": second})
        with pytest.raises(ComprehendThrottled) as failure:
            detector.detect(LONG)
        stub.assert_no_pending_responses()  # the third chunk was never sent: nothing partial
    assert failure.value.code == "ServiceBusy" and detector.calls == 4 and len(delays) == 2
    assert_phi_free(failure.value)


@pytest.mark.parametrize("code", ["InvalidRequestException", "AccessDeniedException", "ValidationException"])
def test_comprehend_chunk_service_error_fails_the_whole_text(comprehend: Any, code: str) -> None:
    detector = ComprehendMedicalDetector(comprehend, max_bytes=300, overlap=60, sleep=lambda _: None)
    first, second, *_ = three_chunks(detector)
    with Stubber(comprehend) as stub:
        stub.add_response("detect_phi", detect_phi_response(phi(first, PHI, "NAME")), {"Text": first})
        stub.add_client_error("detect_phi", code, f"Value '{second}' rejected", 400,
                              expected_params={"Text": second})
        with pytest.raises(ComprehendError) as failure:
            detector.detect(LONG)
    assert failure.value.code == "DetectorFailed" and isinstance(failure.value, DetectorFailed)
    assert str(failure.value) == f"Comprehend Medical DetectPHI failed ({code})"
    assert_phi_free(failure.value)


def test_comprehend_entity_outside_its_chunk_is_a_malformed_response(comprehend: Any) -> None:
    lost = {"Id": 0, "BeginOffset": 5000, "EndOffset": 5015, "Score": 0.99, "Text": "NOT IN THE TEXT",
            "Category": "PROTECTED_HEALTH_INFORMATION", "Type": "NAME", "Traits": []}
    with Stubber(comprehend) as stub:
        stub.add_response("detect_phi", detect_phi_response(phi(NOTE, PHI, "NAME"), lost), {"Text": NOTE})
        with pytest.raises(ComprehendError, match="malformed response") as failure:
            ComprehendMedicalDetector(comprehend).detect(NOTE)
    assert_phi_free(failure.value)


class FixedClient:
    """A stand-in DetectPHI client answering ``answer`` (or raising it)."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def detect_phi(self, *, Text: str) -> Any:
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


@pytest.mark.parametrize("answer", [
    {}, {"Entities": None}, {"Entities": "SALAZAR"}, {"Entities": [None]},
    detect_phi_response({"BeginOffset": 6, "Text": PHI, "Score": 0.9, "Type": "NAME"}),  # no EndOffset
    detect_phi_response({"BeginOffset": 6, "EndOffset": 21, "Text": PHI, "Type": "NAME"}),  # no Score
    detect_phi_response({"BeginOffset": 6, "EndOffset": 21, "Text": PHI, "Score": "n/a", "Type": "NAME"}),
    detect_phi_response({"BeginOffset": 6, "EndOffset": 21, "Text": PHI, "Score": float("nan"),
                         "Type": "NAME"}),
    detect_phi_response({"BeginOffset": 6, "EndOffset": 21, "Text": PHI, "Score": 0.9, "Type": "NAME",
                         "Traits": [7]}),
])
def test_comprehend_malformed_responses_fail(answer: Any) -> None:
    with pytest.raises(ComprehendError, match="malformed response") as failure:
        ComprehendMedicalDetector(FixedClient(answer)).detect(NOTE)
    assert_phi_free(failure.value)


@pytest.mark.parametrize("error", [EndpointConnectionError(endpoint_url="https://comprehendmedical"),
                                   ReadTimeoutError(endpoint_url="https://comprehendmedical")])
def test_comprehend_connection_errors_become_detector_failures(error: Exception) -> None:
    with pytest.raises(ComprehendError) as failure:
        ComprehendMedicalDetector(FixedClient(error), sleep=lambda _: pytest.fail("no retry")).detect(NOTE)
    assert failure.value.code == "DetectorFailed" and type(error).__name__ in str(failure.value)


# ------------------------------------------------------------------------------ the ensemble

class Broken:
    name = "broken"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def detect(self, text: str) -> list[Entity]:
        raise self.error


def test_ensemble_fails_closed_when_comprehend_fails_by_default(comprehend: Any) -> None:
    detector = build_detector(Settings(detector="ensemble"), comprehend)
    assert isinstance(detector, EnsembleDetector) and all(m.required for m in detector.members)
    with Stubber(comprehend) as stub:
        stub.add_client_error("detect_phi", "InvalidRequestException", f"bad {PHI}", 400)
        with pytest.raises(ComprehendError) as failure:
            detector.detect(NOTE)
    assert_phi_free(failure.value)


def test_ensemble_falls_back_only_for_a_member_explicitly_not_required(
        caplog: pytest.LogCaptureFixture) -> None:
    ensemble = EnsembleDetector([EmbeddedDetector(),
                                 Member(Broken(ComprehendThrottled("still throttled")), required=False)])
    with caplog.at_level(logging.WARNING, logger="phimask.detect.ensemble"):
        found = ensemble.detect(NOTE)
    assert [e.type for e in found if e.text == PHI] == [EntityType.NAME]
    assert "broken skipped (code=ServiceBusy)" in caplog.text and "SALAZAR" not in caplog.text


def test_ensemble_optional_member_bugs_still_propagate() -> None:
    ensemble = EnsembleDetector([EmbeddedDetector(), Member(Broken(KeyError(PHI)), required=False)])
    with pytest.raises(KeyError):
        ensemble.detect(NOTE)


def test_ensemble_needs_a_required_member() -> None:
    with pytest.raises(ValueError, match="required"):
        EnsembleDetector([Member(EmbeddedDetector(), required=False)])


# ---------------------------------------------------------------------- the embedded detector

@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> str:
    """Windows of ~2,000 characters, and a text of several of them."""
    monkeypatch.setattr(embedded, "CHUNK", 2_000)
    monkeypatch.setattr(embedded, "OVERLAP", 200)
    return "\n".join(f"Line {i}: {PHI} was seen on 11/12/2011 and is doing well." for i in range(150))


def test_embedded_crash_in_a_later_window_fails_instead_of_returning_partial_entities(
        monkeypatch: pytest.MonkeyPatch, small_windows: str) -> None:
    find_names = names.find_names
    calls: list[int] = []

    def flaky(text: str) -> Iterator[Entity]:
        calls.append(1)
        if len(calls) == 2:
            raise KeyError(PHI)
        return find_names(text)

    monkeypatch.setattr(names, "find_names", flaky)
    with pytest.raises(DetectorFailed) as failure:
        EmbeddedDetector().detect(small_windows)
    assert failure.value.code == "DetectorFailed" and "KeyError at test_fail_closed.py" in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
    assert_phi_free(failure.value)


def test_embedded_deadline_is_checked_between_windows(monkeypatch: pytest.MonkeyPatch,
                                                      small_windows: str) -> None:
    ticks = iter(range(0, 10_000, 10))  # each reading of the clock: 10 s later
    monkeypatch.setattr(embedded, "time", SimpleNamespace(monotonic=lambda: float(next(ticks))))
    with pytest.raises(DetectorTimeout) as failure:
        EmbeddedDetector(deadline_seconds=5).detect(small_windows)
    assert failure.value.code == "DetectorTimeout" and isinstance(failure.value, DetectorFailed)
    assert str(failure.value) == "the embedded detector ran past its 5 s budget"


def test_embedded_default_has_no_deadline_and_never_reads_the_clock(monkeypatch: pytest.MonkeyPatch,
                                                                    small_windows: str) -> None:
    expected = EmbeddedDetector().detect(small_windows)
    monkeypatch.setattr(embedded, "time", SimpleNamespace(monotonic=lambda: pytest.fail("clock read")))
    assert EmbeddedDetector().deadline_seconds is None
    assert EmbeddedDetector().detect(small_windows) == expected


def test_embedded_generous_deadline_changes_nothing(small_windows: str) -> None:
    expected = EmbeddedDetector().detect(small_windows)
    assert EmbeddedDetector(deadline_seconds=600).detect(small_windows) == expected


@pytest.mark.parametrize("budget", [0, -1.0, float("nan")])
def test_embedded_deadline_must_be_positive(budget: float) -> None:
    with pytest.raises(ValueError, match="deadline_seconds"):
        EmbeddedDetector(deadline_seconds=budget)


# ------------------------------------------------------------------------------- Tesseract OCR

def blank(width: int = 400, height: int = 100) -> Image.Image:
    return Image.new("L", (width, height), 255)


def png() -> bytes:
    buffer = io.BytesIO()
    blank().save(buffer, "PNG")
    return buffer.getvalue()


def tesseract_raises(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    import pytesseract

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(pytesseract, "image_to_data", fail)


@pytest.mark.parametrize(("error", "message"), [
    (None, "tesseract failed (status -11)"),  # a TesseractError (a RuntimeError subclass)
    (RuntimeError("Tesseract process timeout"), "tesseract took longer than 120 s"),
    (PermissionError(13, "Permission denied"), "tesseract could not run (PermissionError)"),
    (RuntimeError("something else"), "tesseract could not run (RuntimeError)"),
])
def test_tesseract_failures_raise_ocr_failed(monkeypatch: pytest.MonkeyPatch, error: Exception | None,
                                             message: str) -> None:
    import pytesseract

    tesseract_raises(monkeypatch, error or pytesseract.TesseractError(-11, f"Segmentation fault {PHI}"))
    with pytest.raises(OcrFailed) as failure:
        TesseractOcr().read(blank())
    assert failure.value.code == "OcrFailed" and str(failure.value) == message
    assert_phi_free(failure.value)


@pytest.mark.parametrize("data", [
    {"text": ["SALAZAR"], "left": [1]},  # columns missing
    {"text": ["SALAZAR"], "left": [1], "top": [1], "width": [9], "height": [9], "conf": ["n/a"]},
    {"text": ["SALAZAR", "CARLOS"], "left": [1], "top": [1], "width": [9], "height": [9], "conf": [90]},
])
def test_tesseract_unreadable_output_raises(monkeypatch: pytest.MonkeyPatch, data: dict[str, Any]) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract, "image_to_data", lambda *a, **k: data)
    with pytest.raises(OcrFailed, match="unreadable output"):
        TesseractOcr().read(blank())


def test_tesseract_line_pass_failure_fails_the_image(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    page = {"text": ["SALAZAR", "C4RL0S"], "left": [70, 300], "top": [70, 70], "width": [200, 150],
            "height": [40, 40], "conf": [95, 40]}  # a doubtful word beside a confident one

    def image_to_data(*args: Any, config: str, **kwargs: Any) -> dict[str, Any]:
        if "--psm 7" in config:
            raise pytesseract.TesseractError(1, "Error")
        return page

    monkeypatch.setattr(pytesseract, "image_to_data", image_to_data)
    with pytest.raises(OcrFailed, match="status 1"):
        TesseractOcr(workers=1).read(blank())


def test_missing_pytesseract_is_unavailable_not_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pytesseract", None)
    with pytest.raises(OcrUnavailable, match="pytesseract"):
        TesseractOcr().read(blank())


# ----------------------------------------------------------------------------- Rekognition OCR

def detections(words: Sequence[tuple[str, float, float]], confidence: float = 99.25) -> dict[str, Any]:
    """A DetectText response: one LINE, then a WORD per ``(text, left ratio, top ratio)``."""
    def item(ident: int, text: str, kind: str, left: float, top: float) -> dict[str, Any]:
        box = {"Width": 0.04, "Height": 0.02, "Left": left, "Top": top}
        polygon = [{"X": left, "Y": top}, {"X": left + 0.04, "Y": top}, {"X": left + 0.04, "Y": top + 0.02},
                   {"X": left, "Y": top + 0.02}]
        return {"DetectedText": text, "Type": kind, "Id": ident, "Confidence": confidence,
                "Geometry": {"BoundingBox": box, "Polygon": polygon}}

    found = [item(0, "LINE", "LINE", 0.0, 0.0)]
    found += [{**item(i, text, "WORD", left, top), "ParentId": 0}
              for i, (text, left, top) in enumerate(words, start=1)]
    return {"TextDetections": found, "TextModelVersion": "3.0"}


GRID = [(f"W{i}", 0.02 + 0.095 * (i % 10), 0.02 + 0.095 * (i // 10)) for i in range(WORD_LIMIT)]


@pytest.fixture
def rekognition() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("rekognition", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(("code", "error", "wanted"), [
    ("ThrottlingException", OcrThrottled, "ServiceBusy"),
    ("ProvisionedThroughputExceededException", OcrThrottled, "ServiceBusy"),
    ("InternalServerError", OcrFailed, "OcrFailed"),
    ("InvalidImageFormatException", OcrFailed, "OcrFailed"),
])
def test_rekognition_errors_raise_instead_of_no_words(rekognition: tuple[Any, Stubber], code: str,
                                                      error: type[OcrFailed], wanted: str) -> None:
    client, stubber = rekognition
    stubber.add_client_error("detect_text", code, f"could not read {PHI}")
    with pytest.raises(error) as failure:
        RekognitionOcr(client).read(blank(400, 400))
    assert failure.value.code == wanted and code in str(failure.value)
    assert_phi_free(failure.value)


def test_rekognition_error_on_a_tile_fails_the_whole_image(rekognition: tuple[Any, Stubber]) -> None:
    client, stubber = rekognition
    stubber.add_response("detect_text", detections(GRID), {"Image": {"Bytes": ANY}})
    stubber.add_response("detect_text", detections(GRID[:30]), {"Image": {"Bytes": ANY}})
    stubber.add_client_error("detect_text", "ThrottlingException", "Rate exceeded")
    engine = RekognitionOcr(client)
    with pytest.raises(OcrThrottled):
        engine.read(blank(400, 400))
    assert engine.calls == 3  # the remaining tiles were not read: no partial page


def test_rekognition_word_limit_at_the_last_tiling_fails(rekognition: tuple[Any, Stubber]) -> None:
    client, stubber = rekognition
    stubber.add_response("detect_text", detections(GRID), {"Image": {"Bytes": ANY}})
    with pytest.raises(OcrFailed, match="more text than Rekognition DetectText reads"):
        RekognitionOcr(client, max_depth=0).read(blank(400, 400))


def test_rekognition_low_confidence_words_still_count_toward_the_limit(
        rekognition: tuple[Any, Stubber]) -> None:
    client, stubber = rekognition
    page = (0, 0, 400, 400)
    stubber.add_response("detect_text", detections(GRID, confidence=40.0), {"Image": {"Bytes": ANY}})
    for _ in tiles(page, 48):
        stubber.add_response("detect_text", detections(GRID[:20], confidence=40.0), {"Image": {"Bytes": ANY}})
    engine = RekognitionOcr(client, min_confidence=50.0)
    assert engine.read(blank(400, 400)) == []  # read (tiled) and really below the bar, not cut off
    assert engine.calls == 5


class FixedRekognition:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def detect_text(self, **kwargs: Any) -> Any:
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


@pytest.mark.parametrize("answer", [
    {}, {"TextDetections": None}, {"TextDetections": ["WORD"]},
    {"TextDetections": [{"Type": "WORD", "DetectedText": PHI, "Confidence": 99.0}]},  # no Geometry
    {"TextDetections": [{"Type": "WORD", "DetectedText": PHI, "Confidence": 99.0,
                         "Geometry": {"BoundingBox": {"Left": "x", "Top": 0, "Width": 1, "Height": 1}}}]},
    {"TextDetections": [{"Type": "WORD", "Confidence": 99.0,  # no DetectedText
                         "Geometry": {"BoundingBox": {"Left": 0, "Top": 0, "Width": 0.5, "Height": 0.5}}}]},
    EndpointConnectionError(endpoint_url="https://rekognition"),
])
def test_rekognition_malformed_or_unreachable_raises(answer: Any) -> None:
    with pytest.raises(OcrFailed) as failure:
        RekognitionOcr(FixedRekognition(answer)).read(blank(400, 400))
    assert failure.value.code == "OcrFailed"
    assert_phi_free(failure.value)


def test_rekognition_still_reads_a_normal_page(rekognition: tuple[Any, Stubber]) -> None:
    client, stubber = rekognition
    stubber.add_response("detect_text", detections([("SALAZAR", 0.1, 0.1)]), {"Image": {"Bytes": ANY}})
    assert RekognitionOcr(client).read(blank(400, 400)) == [Word("SALAZAR", 40, 40, 16, 8, 99.25)]


# ------------------------------------------------------------------ batch runs and Lambda handlers

def test_batch_text_fails_when_the_detector_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(text: str) -> Iterator[Entity]:
        raise KeyError(PHI)

    monkeypatch.setattr(names, "find_names", crash)
    outcome = Worker(Options("mask", None, None)).run("notes/a.txt", "text", NOTE.encode())
    assert outcome.status == "failed" and outcome.output is None and outcome.error is not None
    assert outcome.error[0] == "DetectorFailed" and "SALAZAR" not in outcome.error[1]


def test_batch_image_fails_when_ocr_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setenv("PHIMASK_OCR", "tesseract")
    tesseract_raises(monkeypatch, pytesseract.TesseractError(1, "Error"))
    outcome = Worker(Options("mask", None, None)).run("scans/a.png", "image", png())
    assert outcome.status == "failed" and outcome.output is None
    assert outcome.error == ("OcrFailed", "tesseract failed (status 1)")


def test_lambda_handlers_fail_with_the_detector_code(comprehend: Any) -> None:
    detector = build_detector(Settings(detector="comprehend"), comprehend)

    def identify(event: Any) -> dict[str, Any]:
        return {"count": len(find_phi(event["text"], 0.5, detector))}

    with Stubber(comprehend) as stub:
        stub.add_client_error("detect_phi", "InvalidRequestException", f"bad {PHI}", 400)
        stub.add_client_error("detect_phi", "InvalidRequestException", f"bad {PHI}", 400)
        with pytest.raises(Exception) as failure:
            task_handler(identify)({"text": NOTE}, None)
        response = api_handler(identify)({"text": NOTE}, None)
    assert type(failure.value).__name__ == "DetectorFailed" and "SALAZAR" not in str(failure.value)
    assert response["statusCode"] == 502 and '"code": "DetectorFailed"' in response["body"]
    assert "SALAZAR" not in response["body"]
