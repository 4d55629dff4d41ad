"""``phimask image text | phi | mask | reidentify`` (real OCR, local vault in a temp home)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pydicom
import pytest
from click.testing import Result
from imagekit import PHI_TEXTS, banner_image, banner_pixels, dicom_bytes, encode, run

from phimask.demo import run_image_demo

pytestmark = pytest.mark.usefixtures("tesseract")


def fails(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, (result.output, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert not any(text in result.stderr for text in PHI_TEXTS | {"scan"})


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "scan.png"
    path.write_bytes(encode(banner_image()[0], "PNG"))
    return path


def test_text_and_phi(png: Path) -> None:
    text = run("image", "text", str(png))
    assert text.exit_code == 0, text.stderr
    assert {w["text"] for w in json.loads(text.output)["Words"]} >= PHI_TEXTS | {"PORTABLE"}

    phi = run("image", "phi", "--threshold", "0.5", str(png))
    words = json.loads(phi.output)["Words"]
    assert {w["text"] for w in words} == PHI_TEXTS
    assert all({"type", "score", "left", "top", "width", "height"} <= set(w) for w in words)


def test_mask_png(png: Path, tmp_path: Path) -> None:
    result = run("image", "mask", str(png), str(tmp_path / "masked.png"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output) == {"format": "png", "boxes": 4}
    assert (tmp_path / "masked.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_mask_and_reidentify_dicom(tmp_path: Path, home: Path) -> None:
    source = tmp_path / "scan.dcm"
    source.write_bytes(dicom_bytes(banner_pixels()[0]))
    masked = run("image", "mask", str(source), str(tmp_path / "masked.dcm"), "--scope", "trial-7")
    summary = json.loads(masked.output)
    assert summary["boxes"] == 4 and len(summary["messageHash"]) == 64 and summary["privateRemoved"] == 2
    assert pydicom.dcmread(tmp_path / "masked.dcm").PatientIdentityRemoved == "YES"

    restored = run("image", "reidentify", str(tmp_path / "masked.dcm"), str(tmp_path / "back.dcm"))
    assert restored.exit_code == 0, restored.stderr
    assert pydicom.dcmread(tmp_path / "back.dcm").PatientName == "GARCIA^MARIA"


def test_mask_dicom_keeping_the_header(tmp_path: Path) -> None:
    source = tmp_path / "scan.dcm"
    source.write_bytes(dicom_bytes(banner_pixels()[0]))
    result = run("image", "mask", "--dicom-header", "keep", str(source), str(tmp_path / "masked.dcm"))
    assert json.loads(result.output) == {"format": "dicom", "boxes": 4,
                                         "transferSyntax": "1.2.840.10008.1.2.1"}
    assert pydicom.dcmread(io.BytesIO((tmp_path / "masked.dcm").read_bytes())).PatientName == "GARCIA^MARIA"


@pytest.mark.parametrize(("args", "fragment"), [
    (["mask", "{png}", "{tmp}/out.png", "--threshold", "1.5"], "threshold must be a number"),
    (["mask", "{png}", "{tmp}/out.png", "--dicom-header", "strip"], "--dicom-header must be one of"),
    (["mask", "{png}", "{tmp}/out.png", "--ocr", "easyocr"], "OCR engine must be one of"),
    (["mask", "{png}", "{tmp}/out.jpg"], "must keep the input's format"),
    (["mask", "{png}", "{png}"], "must differ from IN"),
    (["mask", "{tmp}/missing.png", "{tmp}/out.png"], "does not exist"),
    (["phi", "{tmp}/report.pdf"], "PDF is not supported"),
    (["text", "{tmp}/broken.png"], "PNG file is"),
    (["reidentify", "{png}", "{tmp}/out.png"], "only DICOM files can be re-identified"),
    (["mask", "{png}", "{tmp}/no-such-dir/out.png"], "cannot read or write a file"),
])
def test_errors_are_one_line_exit_2_and_write_nothing(png: Path, tmp_path: Path, home: Path, args: list[str],
                                                      fragment: str) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "broken.png").write_bytes(png.read_bytes()[:200])
    before = sorted(p.name for p in tmp_path.iterdir())
    fails(run("image", *[a.format(png=png, tmp=tmp_path) for a in args]), fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.slow
def test_demo_redacts_the_bundled_scan(tmp_path: Path) -> None:
    lines: list[str] = []
    target = run_image_demo(lines.append, tmp_path)
    assert target.is_file() and target.parent == tmp_path
    assert lines == [f"== sample_scan.png: 8 PHI boxes redacted -> {target}"]
