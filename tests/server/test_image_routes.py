"""The image routes of the live server end to end, with real Tesseract OCR and redaction:
a PNG and a DICOM with fictional burned-in PHI, then DESIGN.md's bad images (corrupt,
truncated, bombs, PDF, GIF/BMP, traversal, foreign buckets): a clean 4xx JSON error without
PHI or traceback, and nothing written at the destination."""

from __future__ import annotations

import functools
import io
import os
import random
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pydicom
import pytest
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid
from serverharness import INPUT, OUTPUT, PHI, Server, SignedClient, assert_no_phi, error_of

OTHER = "phimask-other"  # allowed too (conftest.ALLOWED)
Box = tuple[int, int, int, int]

# fictional PHI burned into the pixels; every value is also in serverharness.PHI
LINES = ["Name: SALAZAR, CARLOS", "MRN: RQ36114734", "DOB: 2/11/1961"]
PHI_WORDS = {"SALAZAR", "CARLOS", "RQ36114734", "2/11/1961"}
PATIENT_NAME = "SALAZAR^CARLOS"


# ---------------------------------------------------------------- synthetic images


def draw(lines: list[str], *, size: tuple[int, int] = (640, 180), ink: int = 0,
         paper: int = 255) -> tuple[Image.Image, dict[str, Box]]:
    """A greyscale image with ``lines`` in a large font and the ink box of every word."""
    image = Image.new("L", size, paper)
    pen = ImageDraw.Draw(image)
    face = ImageFont.load_default(size=32)
    boxes: dict[str, Box] = {}
    y = 15
    for line in lines:
        x = 15
        for word in line.split(" "):
            pen.text((x, y), word, fill=ink, font=face)
            left, top, right, bottom = pen.textbbox((x, y), word, font=face)
            boxes[word.strip(",")] = (int(left), int(top), int(right), int(bottom))
            x += int(pen.textlength(word + " ", font=face))
        y += 55
    return image, boxes


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def dicom(pixels: np.ndarray, *, rows: int | None = None, columns: int | None = None) -> bytes:
    """An 8-bit MONOCHROME2 Secondary Capture around ``pixels`` with a fictional PatientName
    (``rows``/``columns`` may lie about the pixel data)."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientName = PATIENT_NAME
    ds.PatientID = "RQ36114734"
    ds.PatientBirthDate = "19610211"
    ds.Modality = "OT"
    ds.Rows, ds.Columns = rows or pixels.shape[0], columns or pixels.shape[1]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = pixels.astype(np.uint8).tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of ``width`` x ``height`` black pixels: ~100 KB that decodes huge."""
    row = b"\x00" * (1 + (width + 7) // 8)
    deflate = zlib.compressobj(6)
    parts = [deflate.compress(row * 512) for _ in range(height // 512)]
    parts += [deflate.compress(row * (height % 512)), deflate.flush()]
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b""))


def header_only_png(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares ``width`` x ``height`` 8-bit RGBA pixels, with one tiny IDAT."""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


@dataclass(frozen=True)
class Sample:
    png: bytes
    boxes: dict[str, Box]
    dicom: bytes


@functools.cache
def make_sample() -> Sample:
    image, boxes = draw(LINES)
    inverse, _ = draw(LINES, ink=255, paper=0)  # DICOM: white burned-in text on black
    comment = PngInfo()
    comment.add_text("Comment", f"Patient {PATIENT_NAME} MRN RQ36114734")  # PHI in a tEXt chunk too
    return Sample(encode(image, "PNG", pnginfo=comment), boxes, dicom(np.asarray(inverse)))


@pytest.fixture(scope="module")
def sample() -> Sample:
    return make_sample()


@pytest.fixture
def ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real Tesseract OCR in the server thread (read from the environment per request)."""
    if shutil.which("tesseract") is None:
        pytest.skip("the tesseract binary is not installed (make system-deps)")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.setenv("OCR_ENGINE", "tesseract")


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("L"), dtype=np.int16)


def inside(box: Box, word: dict[str, Any]) -> bool:
    """The OCR word's box overlaps the drawn ``box``."""
    left, top, right, bottom = box
    return bool(word["left"] < right and word["left"] + word["width"] > left
            and word["top"] < bottom and word["top"] + word["height"] > top)


def texts(words: list[dict[str, Any]]) -> set[str]:
    return {w["text"].strip(",.:;") for w in words}


def files_under(root: Path) -> set[str]:
    return {str(Path(d, name).relative_to(root)) for d, _, names in os.walk(root) for name in names}


def mask_body(key: str, destination_key: str, destination_bucket: str = OUTPUT,
              bucket: str = INPUT) -> dict[str, str]:
    return {"s3Bucket": bucket, "s3Key": key, "destinationBucket": destination_bucket,
            "destinationKey": destination_key}


# ---------------------------------------------------------------- the happy paths


@pytest.mark.usefixtures("ocr")
def test_image_text_returns_word_boxes(server: Server, full: SignedClient, sample: Sample) -> None:
    server.put(INPUT, "scans/patient-jones-text.png", sample.png)
    response = full.get("/image/text", {"bucket": INPUT, "key": "scans/patient-jones-text.png"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    words = response.json()["Words"]
    assert texts(words) >= PHI_WORDS
    for word in words:
        assert {"text", "left", "top", "width", "height", "confidence"} <= set(word)
        assert word["width"] > 0 and word["height"] > 0
    for word in words:
        if word["text"].strip(",") in PHI_WORDS:
            assert inside(sample.boxes[word["text"].strip(",")], word), word


@pytest.mark.usefixtures("ocr")
def test_image_phi_returns_the_phi_words(server: Server, full: SignedClient, sample: Sample) -> None:
    server.put(INPUT, "scans/patient-jones-phi.png", sample.png)
    response = full.get("/image/phi", {"bucket": INPUT, "key": "scans/patient-jones-phi.png"})
    assert response.status_code == 200, response.text
    words = response.json()["Words"]
    assert texts(words) >= PHI_WORDS
    for word in words:
        assert {"text", "left", "top", "width", "height", "type", "score"} <= set(word)
        assert 0 <= word["score"] <= 1


@pytest.mark.usefixtures("ocr")
@pytest.mark.parametrize("destination", [OUTPUT, OTHER])
def test_image_mask_writes_a_redacted_png(server: Server, mask_only: SignedClient, sample: Sample,
                                          destination: str) -> None:
    server.put(INPUT, "scans/patient-jones-mask.png", sample.png)
    key = f"masked/{destination}/patient-jones.png"
    response = mask_only.post("/image/mask", mask_body("scans/patient-jones-mask.png", key, destination))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["location"] == f"s3://{destination}/{key}" and result["boxes"] >= len(PHI_WORDS)
    written = server.data_dir / destination / key
    assert written.is_file()
    for bucket in {INPUT, OUTPUT, OTHER} - {destination}:  # the destination bucket is honoured
        assert not (server.data_dir / bucket / key).exists()
    assert (server.data_dir / INPUT / "scans/patient-jones-mask.png").read_bytes() == sample.png
    before, after = pixels(sample.png), pixels(written.read_bytes())
    assert before.shape == after.shape
    with Image.open(written) as image:
        assert image.format == "PNG"
    assert b"SALAZAR" not in written.read_bytes()  # the tEXt chunk is not copied
    for word in PHI_WORDS:
        left, top, right, bottom = sample.boxes[word]
        region_before, region_after = before[top:bottom, left:right], after[top:bottom, left:right]
        assert (region_before != region_after).mean() > 0.1, word  # the ink is covered
        assert region_after.std() < 1.0, word  # a uniform fill, no letter shapes left
    assert (before[:, 520:] == after[:, 520:]).all()  # blank margin untouched


@pytest.mark.usefixtures("ocr")
def test_image_mask_of_a_dicom_changes_pixels_and_patient_name(server: Server, mask_only: SignedClient,
                                                               sample: Sample) -> None:
    server.put(INPUT, "dicom/patient-jones.dcm", sample.dicom)
    key = "masked/patient-jones.dcm"
    response = mask_only.post("/image/mask", mask_body("dicom/patient-jones.dcm", key))
    assert response.status_code == 200, response.text
    assert response.json()["location"] == f"s3://{OUTPUT}/{key}"
    written = (server.data_dir / OUTPUT / key).read_bytes()
    masked = pydicom.dcmread(io.BytesIO(written))
    original = pydicom.dcmread(io.BytesIO(sample.dicom))
    assert str(masked.get("PatientName", "")) != PATIENT_NAME
    assert b"SALAZAR" not in written and b"RQ36114734" not in written
    before, after = original.pixel_array.astype(np.int16), masked.pixel_array.astype(np.int16)
    assert before.shape == after.shape
    left, top, right, bottom = sample.boxes["SALAZAR"]
    assert (before[top:bottom, left:right] != after[top:bottom, left:right]).mean() > 0.1
    assert after[top:bottom, left:right].std() < 1.0


# ---------------------------------------------------------------- bad input


def _random_bytes(size: int) -> bytes:
    data = bytearray(random.Random(20240407).randbytes(size))
    data[:4] = b"\x17\x2a\x5c\x01"  # no image signature by chance
    return bytes(data)


@dataclass(frozen=True)
class Bad:
    name: str
    key: str  # the source key in INPUT
    make: Callable[[], bytes]  # its content (built when the case runs)
    status: int = 400
    codes: frozenset[str] = frozenset({"InvalidInput"})
    says: tuple[str, ...] = ()  # the message names one of these


def _picture(fmt: str) -> bytes:
    return encode(draw(LINES)[0], fmt)


def bad_objects() -> list[Bad]:
    def png() -> bytes:
        return make_sample().png

    def dcm() -> bytes:
        return make_sample().dicom

    unsupported = frozenset({"ImageUnsupported"})
    return [
        Bad("truncated PNG", "bad/patient-jones-truncated.png", lambda: png()[: len(png()) // 2],
            says=("truncated",)),
        Bad("corrupt PNG", "bad/patient-jones-corrupt.png", lambda: png()[:60] + _random_bytes(4000),
            says=("corrupt", "truncated")),
        Bad("random bytes named .png", "bad/patient-jones-random.png", lambda: _random_bytes(4096),
            codes=unsupported, says=("unsupported image format",)),
        Bad("empty object", "bad/patient-jones-empty.png", lambda: b"", codes=unsupported, says=("empty",)),
        Bad("PNG bomb 30000x30000", "bad/patient-jones-bomb.png", lambda: png_bomb(30000, 30000),
            says=("decompression bomb",)),
        Bad("PNG just over the pixel limit", "bad/patient-jones-big.png", lambda: png_bomb(8500, 9500),
            says=("the limit is",)),
        Bad("PNG header declaring 65535x65535", "bad/patient-jones-header.png",
            lambda: header_only_png(65535, 65535), says=("decompression bomb",)),
        Bad("PNG header declaring 0x0", "bad/patient-jones-zero.png", lambda: header_only_png(0, 0),
            says=("corrupt", "no pixels")),
        Bad("PDF", "bad/patient-jones.pdf",
            lambda: b"%PDF-1.7\n1 0 obj << /Title (SALAZAR, CARLOS) >> endobj\n", codes=unsupported,
            says=("PDF",)),
        Bad("GIF", "bad/patient-jones.gif", lambda: _picture("GIF"), codes=unsupported, says=("GIF",)),
        Bad("BMP", "bad/patient-jones.bmp", lambda: _picture("BMP"), codes=unsupported, says=("BMP",)),
        Bad("truncated JPEG", "bad/patient-jones.jpg", lambda: _picture("JPEG")[:1500],
            says=("truncated", "corrupt")),
        Bad("truncated DICOM pixel data", "bad/patient-jones-pixels.dcm", lambda: dcm()[: len(dcm()) - 20000],
            says=("DICOM file is truncated",)),
        Bad("truncated DICOM header", "bad/patient-jones-header.dcm", lambda: dcm()[:200],
            says=("DICOM file is truncated",)),
        Bad("DICOM declaring 30000x30000", "bad/patient-jones-bomb.dcm",
            lambda: dicom(np.zeros((8, 8), np.uint8), rows=30000, columns=30000), says=("the limit is",)),
    ]


BAD_OBJECTS = bad_objects()


def check_clean_error(server: Server, response: httpx.Response) -> dict[str, str]:
    """A 4xx JSON error envelope without PHI, traceback or server path."""
    assert response.headers["content-type"] == "application/json", response.text
    assert 400 <= response.status_code < 500, response.text
    error = error_of(response)
    assert_no_phi(response.text)
    for leak in ("Traceback", 'File "', ".py", str(server.home), PATIENT_NAME):
        assert leak not in response.text
    assert response.headers["x-request-id"]
    return error


@pytest.mark.usefixtures("ocr")
@pytest.mark.parametrize("case", BAD_OBJECTS, ids=lambda c: c.name)
def test_bad_image_gets_a_clean_4xx_and_nothing_is_written(server: Server, full: SignedClient,
                                                           case: Bad) -> None:
    server.put(INPUT, case.key, case.make())
    destination = f"masked/refused/{Path(case.key).name}"
    for route in ("/image/text", "/image/phi"):
        response = full.get(route, {"bucket": INPUT, "key": case.key})
        error = check_clean_error(server, response)
        assert (response.status_code, error["code"] in case.codes) == (case.status, True), error
        assert any(word in error["message"] for word in case.says), error
    before = files_under(server.home)
    response = full.post("/image/mask", mask_body(case.key, destination))
    error = check_clean_error(server, response)
    assert (response.status_code, error["code"] in case.codes) == (case.status, True), error
    assert any(word in error["message"] for word in case.says), error
    assert not (server.data_dir / OUTPUT / destination).exists()
    assert files_under(server.home) == before  # nothing written, not even a partial file


@dataclass(frozen=True)
class BadRef:
    name: str
    route: str
    request: dict[str, str]
    status: int
    code: str
    says: str  # the field the message names


SOURCE = "refs/patient-jones.png"
_MASK = mask_body(SOURCE, "masked/patient-jones-refused.png")
BAD_REFS = [
    BadRef("source key traversal", "/image/mask", {**_MASK, "s3Key": "../phimask-output/patient-jones.png"},
           400, "InvalidInput", "s3Key"),
    BadRef("destination key traversal", "/image/mask", {**_MASK, "destinationKey": "../patient-jones.png"},
           400, "InvalidInput", "destinationKey"),
    BadRef("destination traversal into another bucket", "/image/mask",
           {**_MASK, "destinationKey": "a/../../phimask-other/patient-jones.png"}, 400, "InvalidInput",
           "destinationKey"),
    BadRef("absolute destination key", "/image/mask", {**_MASK, "destinationKey": "/tmp/patient-jones.png"},
           400, "InvalidInput", "destinationKey"),
    BadRef("destination is the source", "/image/mask", {**_MASK, "destinationBucket": INPUT,
                                                         "destinationKey": SOURCE}, 400, "InvalidInput",
           "destinationKey"),
    BadRef("source bucket not allowed", "/image/mask", {**_MASK, "s3Bucket": "patient-jones-scans"},
           403, "Forbidden", "s3Bucket"),
    BadRef("destination bucket not allowed", "/image/mask",
           {**_MASK, "destinationBucket": "patient-jones-out"}, 403, "Forbidden", "destinationBucket"),
    BadRef("text: key traversal", "/image/text", {"bucket": INPUT, "key": "refs/../../phimask-output/x.png"},
           400, "InvalidInput", "key"),
    BadRef("phi: key traversal", "/image/phi", {"bucket": INPUT, "key": "../patient-jones.png"},
           400, "InvalidInput", "key"),
    BadRef("text: bucket not allowed", "/image/text", {"bucket": "patient-jones-scans", "key": SOURCE},
           403, "Forbidden", "bucket"),
    BadRef("phi: bucket not allowed", "/image/phi", {"bucket": "patient-jones-scans", "key": SOURCE},
           403, "Forbidden", "bucket"),
]


def send(client: SignedClient, route: str, request: dict[str, str]) -> httpx.Response:
    return client.post(route, request) if route == "/image/mask" else client.get(route, request)


@pytest.mark.parametrize("case", BAD_REFS, ids=lambda c: c.name)
def test_bad_reference_gets_a_clean_4xx_and_nothing_is_written(server: Server, full: SignedClient,
                                                               sample: Sample, case: BadRef) -> None:
    server.put(INPUT, SOURCE, sample.png)
    before = files_under(server.home)
    response = send(full, case.route, case.request)
    error = check_clean_error(server, response)
    assert (response.status_code, error["code"]) == (case.status, case.code), error
    assert case.says in error["message"], error
    assert files_under(server.home) == before
    assert (server.data_dir / INPUT / SOURCE).read_bytes() == sample.png


# ---------------------------------------------------------------- keys the local store cannot hold

LONG = "p" * 300  # one key segment over NAME_MAX (255 bytes); S3 allows keys up to 1024 bytes


@pytest.mark.usefixtures("ocr")
@pytest.mark.parametrize("alias", ["refs//patient-jones.png", "refs/patient-jones.png/"])
def test_destination_aliasing_the_source_is_refused(server: Server, full: SignedClient, sample: Sample,
                                                    alias: str) -> None:
    server.put(INPUT, SOURCE, sample.png)
    response = full.post("/image/mask", {**_MASK, "destinationBucket": INPUT, "destinationKey": alias})
    original_kept = (server.data_dir / INPUT / SOURCE).read_bytes() == sample.png
    server.put(INPUT, SOURCE, sample.png)  # restore it for the other tests
    assert original_kept, "the original image was overwritten by its masked copy"
    error = check_clean_error(server, response)
    assert "destinationKey" in error["message"]


@pytest.mark.usefixtures("ocr")
@pytest.mark.parametrize("destination", ["conflict/prefix", "conflict/object/masked.png", f"{LONG}.png"],
                         ids=["existing prefix", "below an existing object", "segment over 255 bytes"])
def test_unwritable_destination_key_gets_a_clean_4xx(server: Server, full: SignedClient, sample: Sample,
                                                     destination: str) -> None:
    server.put(INPUT, SOURCE, sample.png)
    server.put(OUTPUT, "conflict/prefix/inner.png", b"x")
    server.put(OUTPUT, "conflict/object", b"x")
    before = files_under(server.home)
    response = full.post("/image/mask", {**_MASK, "destinationKey": destination})
    assert files_under(server.home) == before  # holds today: nothing is written half-way
    error = check_clean_error(server, response)
    assert "destinationKey" in error["message"], error


@pytest.mark.parametrize("route", ["/image/text", "/image/phi"])
def test_overlong_source_key_segment_gets_a_clean_4xx(full: SignedClient, server: Server, route: str) -> None:
    response = full.get(route, {"bucket": INPUT, "key": f"refs/{LONG}.png"})
    check_clean_error(server, response)


def test_no_phi_in_the_server_logs(server: Server) -> None:
    """Runs after the cases above (module order): none of their PHI reached a log line."""
    joined = "\n".join(server.logs.lines)
    for value in (*PHI, *PHI_WORDS, PATIENT_NAME):
        assert value not in joined
    assert "Traceback" not in joined


def test_no_partial_files_are_left(server: Server) -> None:
    assert [name for name in files_under(server.data_dir) if ".phimask-partial-" in name] == []


@pytest.mark.usefixtures("ocr")
def test_image_routes_take_a_policy_name(server: Server, full: SignedClient, sample: Sample) -> None:
    server.put(INPUT, "scans/policy.png", sample.png)
    query = {"bucket": INPUT, "key": "scans/policy.png"}
    words = full.get("/image/phi", {**query, "policy": "safe-harbor"}).json()["Words"]
    assert texts(words) >= PHI_WORDS
    refused = full.get("/image/phi", {**query, "policy": "no-such-policy"})
    assert refused.status_code == 400 and error_of(refused)["code"] == "InvalidPolicy"
