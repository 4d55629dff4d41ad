"""Bad input: corrupt, truncated, huge and unsupported files fail clearly, nothing half-written."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from imagekit import banner_image, banner_pixels, dicom_bytes, encode

from phimask.errors import InputError
from phimask.image.errors import CorruptImage, ImageTooLarge, ImageUnsupported
from phimask.image.service import load, mask_file


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    data = bytearray(encode(banner_image()[0], "PNG"))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def dicom_with(**changes: object) -> bytes:
    pixels, _ = banner_pixels()
    ds = pydicom.dcmread(io.BytesIO(dicom_bytes(pixels)))
    for key, value in changes.items():
        setattr(ds, key, value)
    buffer = io.BytesIO()
    ds.save_as(buffer)
    return buffer.getvalue()


PNG = encode(banner_image()[0], "PNG")
JPEG = encode(banner_image("RGB")[0], "JPEG")
DICOM = dicom_bytes(banner_pixels()[0])
CASES: dict[str, tuple[Callable[[], bytes], type[Exception], str]] = {
    "empty": (lambda: b"", ImageUnsupported, "empty"),
    "pdf": (lambda: b"%PDF-1.7\n1 0 obj\n", ImageUnsupported, "PDF is not supported"),
    "gif": (lambda: b"GIF89a" + bytes(100), ImageUnsupported, "GIF is not supported"),
    "text": (lambda: b"Patient: GARCIA, MARIA\n", ImageUnsupported, "expected PNG, JPEG, TIFF or DICOM"),
    "corrupt png": (lambda: PNG[:8] + bytes(300), CorruptImage, "PNG file is corrupt"),
    "truncated png": (lambda: PNG[: len(PNG) // 2], CorruptImage, "PNG file is"),
    "truncated jpeg": (lambda: JPEG[: len(JPEG) // 2], CorruptImage, "JPEG file is truncated"),
    "png bomb": (lambda: png_claiming(60_000, 60_000), ImageTooLarge, "decompression bomb"),
    "png over the limit": (lambda: png_claiming(9_000, 9_000), ImageTooLarge, "81000000 pixels a frame"),
    "truncated dicom header": (lambda: DICOM[:300], CorruptImage, "DICOM file is"),
    "truncated dicom pixels": (lambda: DICOM[:-4000], CorruptImage, "DICOM file is truncated"),
    "dicom pixels shorter than rows x columns": (lambda: dicom_with(Rows=120), CorruptImage, "pixel data"),
    "dicom bomb": (lambda: dicom_with(Rows=40_000, Columns=40_000), ImageTooLarge, "pixels a frame"),
    "dicom 32-bit": (lambda: dicom_with(BitsAllocated=32), ImageUnsupported, "32 bits allocated"),
    "dicom palette": (lambda: dicom_with(PhotometricInterpretation="PALETTE COLOR"), ImageUnsupported,
                      "PALETTE COLOR"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_a_clear_error(case: str) -> None:
    make, error, message = CASES[case]
    with pytest.raises(error, match=message) as raised:
        load(make())
    assert isinstance(raised.value, InputError)
    assert "GARCIA" not in str(raised.value)


def test_failure_writes_nothing_and_keeps_an_existing_output(tmp_path: Path) -> None:
    source = tmp_path / "scan.png"
    source.write_bytes(PNG[: len(PNG) // 2])
    target = tmp_path / "out.png"
    target.write_bytes(b"previous result")
    with pytest.raises(CorruptImage):
        mask_file(source, target)
    assert target.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png", "scan.png"]


def test_failure_while_writing_leaves_no_partial_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "scan.png"
    source.write_bytes(encode(np_image(), "PNG"))

    def broken_replace(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("phimask.files.os.replace", broken_replace)
    with pytest.raises(OSError):
        mask_file(source, tmp_path / "out.png", boxes=[(None, [])])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.png"]


def np_image() -> object:
    from PIL import Image

    return Image.fromarray(np.zeros((20, 20), dtype=np.uint8))


@pytest.mark.parametrize(("name", "message"), [("out.png", "must keep the input's format"),
                                               ("scan.dcm", "must differ from IN")])
def test_output_name_is_checked(tmp_path: Path, name: str, message: str) -> None:
    source = tmp_path / "scan.dcm"
    source.write_bytes(DICOM)
    with pytest.raises(InputError, match=message):
        mask_file(source, tmp_path / name)
