"""The Rekognition DetectText adapter against botocore's Stubber (real response shape)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from PIL import Image

from phimask.image.ocr import Word
from phimask.image.rekognition import WORD_LIMIT, RekognitionOcr, tiles

Pixels = tuple[str, int, int, int, int]  # text, left, top, width, height (page pixels)


def detection(ident: int, text: str, kind: str, box: tuple[float, float, float, float],
              parent: int | None = None) -> dict[str, Any]:
    left, top, width, height = box
    found: dict[str, Any] = {
        "DetectedText": text, "Type": kind, "Id": ident, "Confidence": 99.25,
        "Geometry": {"BoundingBox": {"Width": width, "Height": height, "Left": left, "Top": top},
                     "Polygon": [{"X": left, "Y": top}, {"X": left + width, "Y": top},
                                 {"X": left + width, "Y": top + height}, {"X": left, "Y": top + height}]},
    }
    if parent is not None:
        found["ParentId"] = parent
    return found


def response(words: Sequence[Pixels], frame: tuple[int, int, int, int]) -> dict[str, Any]:
    """DetectText's answer for the crop ``frame`` holding ``words`` (clipped to it)."""
    fx0, fy0, fx1, fy1 = frame
    width, height = fx1 - fx0, fy1 - fy0
    found = [detection(0, " ".join(w[0] for w in words[:3]) or "-", "LINE", (0.0, 0.0, 0.5, 0.1))]
    for ident, (text, left, top, w, h) in enumerate(words, start=1):
        x0, y0 = max(left, fx0), max(top, fy0)
        x1, y1 = min(left + w, fx1), min(top + h, fy1)
        if x1 <= x0 or y1 <= y0:
            continue
        found.append(detection(ident, text, "WORD", ((x0 - fx0) / width, (y0 - fy0) / height,
                                                     (x1 - x0) / width, (y1 - y0) / height), parent=0))
    return {"TextDetections": found, "TextModelVersion": "3.0"}


@pytest.fixture
def client() -> Iterator[tuple[Any, Stubber]]:
    rekognition = boto3.client("rekognition", region_name="us-east-1", aws_access_key_id="testing",
                               aws_secret_access_key="testing")
    with Stubber(rekognition) as stubber:
        yield rekognition, stubber
        stubber.assert_no_pending_responses()


def test_words_are_mapped_from_ratios_to_pixels(client: tuple[Any, Stubber]) -> None:
    rekognition, stubber = client
    words: list[Pixels] = [("SALAZAR,", 20, 10, 80, 16), ("CARLOS", 110, 10, 60, 16), ("L", 300, 150, 8, 12)]
    stubber.add_response("detect_text", response(words, (0, 0, 400, 200)), {"Image": {"Bytes": ANY}})

    found = RekognitionOcr(rekognition).read(Image.new("L", (400, 200), 255))

    assert [w.to_dict() for w in found] == [
        {"text": "SALAZAR,", "left": 20, "top": 10, "width": 80, "height": 16, "confidence": 99.25},
        {"text": "CARLOS", "left": 110, "top": 10, "width": 60, "height": 16, "confidence": 99.25},
        {"text": "L", "left": 300, "top": 150, "width": 8, "height": 12, "confidence": 99.25},
    ]


def test_hundred_words_split_the_page_into_overlapping_tiles(client: tuple[Any, Stubber]) -> None:
    rekognition, stubber = client
    page = (0, 0, 400, 400)
    grid: list[Pixels] = [(f"W{i}", 10 + 38 * (i % 10), 10 + 38 * (i // 10), 20, 10) for i in range(100)]
    straddling: Pixels = ("SALAZAR", 190, 385, 70, 10)  # crosses the vertical tile edge
    everything = [*grid, straddling]
    stubber.add_response("detect_text", response(grid[:WORD_LIMIT], page), {"Image": {"Bytes": ANY}})
    for tile in tiles(page, 48):
        inside = [w for w in everything if w[1] < tile[2] and w[1] + w[3] > tile[0]
                  and w[2] < tile[3] and w[2] + w[4] > tile[1]]
        stubber.add_response("detect_text", response(inside, tile), {"Image": {"Bytes": ANY}})

    engine = RekognitionOcr(rekognition)
    found = engine.read(Image.new("L", (400, 400), 255))

    assert engine.calls == 5
    assert sorted(w.text for w in found) == sorted(w[0] for w in everything)  # no duplicates, none lost
    assert next(w for w in found if w.text == "SALAZAR") == Word("SALAZAR", 190, 385, 70, 10, 99.25)


def test_tiles_overlap_and_cover_the_region() -> None:
    parts = tiles((0, 0, 401, 300), 40)
    assert parts == [(0, 0, 220, 170), (180, 0, 401, 170), (0, 130, 220, 300), (180, 130, 401, 300)]


def test_small_images_are_padded_to_the_minimum_side(client: tuple[Any, Stubber]) -> None:
    rekognition, stubber = client
    answer = response([("M", 2, 2, 6, 8)], (0, 0, 80, 80))
    stubber.add_response("detect_text", answer, {"Image": {"Bytes": ANY}})
    found = RekognitionOcr(rekognition).read(Image.new("L", (30, 12), 255))
    assert [(w.text, w.left, w.top, w.width, w.height) for w in found] == [("M", 2, 2, 6, 8)]


def test_service_errors_fail_the_image_with_a_code(client: tuple[Any, Stubber]) -> None:
    from phimask.image.rekognition import OcrThrottled

    rekognition, stubber = client
    stubber.add_client_error("detect_text", "ThrottlingException", "Rate exceeded")
    with pytest.raises(OcrThrottled) as info:
        RekognitionOcr(rekognition).read(Image.new("L", (100, 100), 255))
    assert info.value.code == "ServiceBusy"
