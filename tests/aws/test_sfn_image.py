"""The image state machine (statemachine/image.asl.json) executed by moto.

OCR and pixel redaction (phimask.image) are replaced by fakes patched into the same hooks,
so the whole flow runs, LoadImage -> DetectText -> IdentifyPHI -> Redact -> Store; without
them a corrupt image fails closed (nothing written to the destination)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from awsharness import INPUT, OUTPUT, Cloud, load_event

from phimask.aws import images
from phimask.aws.images import phi_words
from phimask.pipeline import default_detector

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
KEY = "scans/ultrasound-001.png"
LINES = [["PORTABLE"], ["Name:", "SALAZAR,", "CARLOS"], ["DOB:", "2/11/1961"], ["L"]]
WORDS = [
    {"text": word, "left": 10 + 60 * i, "top": 12 + 20 * row, "width": 50, "height": 14, "confidence": 99.0}
    for row, line in enumerate(LINES) for i, word in enumerate(line)
]


def fake_ocr(image: bytes, image_format: str) -> list[dict[str, Any]]:
    assert image == PNG and image_format == "png"
    return WORDS


def fake_redact(image: bytes, image_format: str, words: Sequence[dict[str, Any]]) -> bytes:
    return b"REDACTED " + json.dumps(sorted(w["text"] for w in words)).encode()


@pytest.fixture
def image_cloud(cloud: Cloud) -> Cloud:
    cloud.s3.put_object(Bucket=INPUT, Key=KEY, Body=PNG)
    return cloud


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "ocr_words", fake_ocr)
    monkeypatch.setattr(images, "redact", fake_redact)


def test_mask_runs_every_state_and_stores_at_the_destination(image_cloud: Cloud, fakes: None) -> None:
    result = image_cloud.run("image", load_event("image_mask"))

    assert result["status"] == "SUCCEEDED", (result.get("error"), result.get("cause"))
    expected = phi_words(WORDS, 0.5, default_detector())
    assert json.loads(result["output"]) == {"location": f"s3://{OUTPUT}/masked/ultrasound-001.png",
                                            "boxes": len(expected)}
    stored = image_cloud.s3.get_object(Bucket=OUTPUT, Key="masked/ultrasound-001.png")["Body"].read()
    assert stored == fake_redact(PNG, "png", expected)
    assert {"SALAZAR,", "CARLOS", "2/11/1961"} <= {w["text"] for w in expected}
    assert not {"PORTABLE", "L"} & {w["text"] for w in expected}
    assert image_cloud.lambdas.names() == ["load_image", "detect_text", "identify_phi", "redact_image"]


def test_states_carry_s3_references_not_words(image_cloud: Cloud, fakes: None) -> None:
    image_cloud.run("image", load_event("image_mask"))
    for call in image_cloud.lambdas.calls:
        assert "SALAZAR" not in json.dumps(call.event), call.function


@pytest.mark.parametrize(("event", "words"), [
    ("image_text", WORDS),
    ("image_phi", None),
])
def test_get_routes_return_words(image_cloud: Cloud, fakes: None, event: str, words: Any) -> None:
    result = image_cloud.run("image", load_event(event))

    assert result["status"] == "SUCCEEDED", (result.get("error"), result.get("cause"))
    expected = words if words is not None else phi_words(WORDS, 0.6, default_detector())
    assert json.loads(result["output"]) == {"Words": expected}


def test_corrupt_image_fails_closed_and_writes_nothing(image_cloud: Cloud) -> None:
    result = image_cloud.run("image", load_event("image_mask"))  # a PNG signature and no image

    assert (result["status"], result["error"]) == ("FAILED", "InvalidInput")
    assert "corrupt" in result["cause"]
    assert "Contents" not in image_cloud.s3.list_objects_v2(Bucket=OUTPUT)


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"s3Bucket": "someone-elses-bucket"}, "Forbidden", "s3Bucket is not one of the buckets"),
    ({"s3Key": "../etc/passwd"}, "InvalidInput", "s3Key must be a relative key"),
    ({"destinationKey": KEY, "destinationBucket": INPUT}, "InvalidInput", "destinationKey must differ"),
    ({"s3Key": "scans/missing.png"}, "NotFound", "the image was not found"),
    ({"s3Key": "scans/report.pdf"}, "ImageUnsupported", "PDF is not supported"),
])
def test_bad_image_requests_are_rejected_by_load_image(image_cloud: Cloud, change: dict[str, str],
                                                       error: str, message: str) -> None:
    image_cloud.s3.put_object(Bucket=INPUT, Key="scans/report.pdf", Body=b"%PDF-1.7\n...")
    body = json.loads(load_event("image_mask")["body"]) | change
    result = image_cloud.run("image", {"operation": "mask", "body": json.dumps(body)})

    assert (result["status"], result["error"]) == ("FAILED", error)
    assert result["cause"].startswith(message)
    assert image_cloud.lambdas.names() == ["load_image"]


def test_query_threshold_is_parsed_as_a_number(image_cloud: Cloud, fakes: None) -> None:
    event = load_event("image_phi")
    event["query"]["threshold"] = "high"
    result = image_cloud.run("image", event)
    assert (result["status"], result["error"]) == ("FAILED", "InvalidInput")
    assert result["cause"] == "threshold must be a number between 0 and 1"
