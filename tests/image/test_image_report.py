"""Image policies and the proof-of-removal report: ``image mask --policy --report``, the
second OCR pass over the output (fail closed), allow/deny lists on image words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from imagekit import PHI_TEXTS, banner_image, banner_pixels, dicom_bytes, encode, run
from PIL.Image import Image

from phimask.entities import Entity
from phimask.errors import OcrFailed
from phimask.image.boxes import find_phi_words
from phimask.image.ocr import Word
from phimask.image.proof import image_report, second_pass
from phimask.image.service import mask_image
from phimask.image.tesseract import TesseractOcr
from phimask.pipeline import default_detector
from phimask.policy import Policy, parse_policy, resolve_policy

pytestmark = pytest.mark.usefixtures("tesseract")
# the fictional values of the banner, and the pieces a report might leak them as
SECRETS = {t.strip(",") for t in PHI_TEXTS} | {"GARCIA", "MARIA", "PORTABLE"}


def policy_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "image-policy.yaml"
    path.write_text("version: 1\nname: image-test\n" + body, encoding="utf-8")
    return path


class NoEntities:
    """A detector that finds nothing: only the image context rules add words."""

    name = "none"

    def detect(self, text: str) -> list[Entity]:
        return []


def words_on_a_line(*texts: str) -> list[Word]:
    return [Word(text, 10 + 80 * i, 0, 10 * len(text), 14) for i, text in enumerate(texts)]


def policy(body: str) -> Policy:
    return parse_policy("version: 1\nname: image-test\n" + body, "p.yaml", "yaml")


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "scan.png"
    path.write_bytes(encode(banner_image()[0], "PNG"))
    return path


def test_mask_report_is_clean_and_holds_no_word_text(png: Path, tmp_path: Path) -> None:
    out, report_path = tmp_path / "masked.png", tmp_path / "report.json"
    result = run("image", "mask", str(png), str(out), "--report", str(report_path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output) == {"format": "png", "boxes": 4,
                                         "secondPass": {"result": "clean", "residualCount": 0}}
    raw = report_path.read_text("utf-8")
    (doc,) = json.loads(raw)["documents"]
    assert doc["kind"] == "image" and doc["status"] == "ok" and doc["document"] == str(png)
    assert doc["entities"] == {"DATE": 1, "ID": 1, "NAME": 2}
    assert doc["operations"] == {"pixels": "redact-box"} and doc["boxes"] == 4
    assert doc["policy"] == {"name": "default", "sha256": resolve_policy(None).sha256}
    assert doc["detector"] == "embedded" and doc["threshold"] == 0.5
    assert doc["secondPass"] == {"result": "clean", "residualCount": 0, "residual": []}
    assert not any(secret.casefold() in raw.casefold() for secret in SECRETS)


def test_second_pass_lists_residual_boxes_without_text(png: Path) -> None:
    unmasked = png.read_bytes()  # as if the redaction had filled nothing
    engine = TesseractOcr()
    regions = mask_image(unmasked, engine=engine).regions  # the boxes it claims to have filled
    result, residual = second_pass(unmasked, policy=None, detector=None, threshold=None, engine=engine,
                                   regions=regions)
    assert result == "residual" and len(regions) == 4  # the pixels are checked, not the boxes trusted
    assert sorted(r.type for r in residual) == ["DATE", "ID", "NAME", "NAME"]
    boxes = [r.to_dict() for r in residual]
    assert all(set(b) == {"type", "score", "box"} and b["box"]["width"] > 0 for b in boxes)
    assert not any(secret in json.dumps(boxes) for secret in SECRETS)


class FailsSecondTime:
    """Tesseract for the first read; OcrFailed for every later one."""

    name = "tesseract"

    def __init__(self) -> None:
        self.inner, self.calls = TesseractOcr(), 0

    def read(self, image: Image) -> list[Word]:
        self.calls += 1
        if self.calls > 1:
            raise OcrFailed("tesseract failed (status -11)")
        return self.inner.read(image)


def test_second_pass_ocr_failure_fails_closed(png: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    engine = FailsSecondTime()
    monkeypatch.setattr("phimask.image.ocr.ocr_engine", lambda name=None, **_: engine)
    out, report_path = tmp_path / "masked.png", tmp_path / "report.json"
    result = run("image", "mask", str(png), str(out), "--report", str(report_path))
    assert result.exit_code == 2, (result.output, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "second OCR pass" in result.stderr and "Traceback" not in result.stderr
    assert engine.calls == 2 and not out.exists() and result.output == ""
    (doc,) = json.loads(report_path.read_text("utf-8"))["documents"]
    assert doc["status"] == "failed" and doc["secondPass"]["result"] == "failed"
    assert doc["error"]["code"] == "OcrFailed"


def test_second_pass_failure_is_reported_not_raised() -> None:
    class Broken:
        name = "broken"

        def read(self, image: Image) -> list[Word]:
            raise OcrFailed("boom")

    for data in (encode(banner_image()[0], "PNG"), b"not an image"):
        checked = second_pass(data, policy=None, detector=None, threshold=None, engine=Broken())
        assert checked == ("failed", [])


def test_deny_list_boxes_an_image_word(png: Path, tmp_path: Path) -> None:
    path = policy_file(tmp_path, "deny:\n  - text: portable\n    type: OTHER\n")
    phi = run("image", "phi", str(png), "--policy", str(path))
    assert phi.exit_code == 0, phi.stderr
    words = {w["text"]: w["type"] for w in json.loads(phi.output)["Words"]}
    assert words["PORTABLE"] == "OTHER" and set(words) == PHI_TEXTS | {"PORTABLE"}

    report_path = tmp_path / "report.json"
    masked = run("image", "mask", str(png), str(tmp_path / "masked.png"), "--policy", str(path),
                 "--report", str(report_path))
    assert masked.exit_code == 0, masked.stderr
    (doc,) = json.loads(report_path.read_text("utf-8"))["documents"]
    assert doc["boxes"] == 5 and doc["entities"]["OTHER"] == 1 and doc["secondPass"]["result"] == "clean"
    assert doc["policy"]["name"] == "image-test"
    assert "portable" not in report_path.read_text("utf-8").casefold()


def test_allow_list_keeps_an_image_word(png: Path, tmp_path: Path) -> None:
    path = policy_file(tmp_path, "allow:\n  - exact: '55120873'\n")
    phi = run("image", "phi", str(png), "--policy", str(path))
    assert {w["text"] for w in json.loads(phi.output)["Words"]} == PHI_TEXTS - {"55120873"}
    masked = run("image", "mask", str(png), str(tmp_path / "masked.png"), "--policy", str(path))
    assert json.loads(masked.output) == {"format": "png", "boxes": 3}


def test_per_type_threshold_of_the_policy(png: Path, tmp_path: Path) -> None:
    path = policy_file(tmp_path, "types:\n  DATE: {threshold: 0.99}\n")
    phi = run("image", "phi", str(png), "--policy", str(path))
    assert {w["text"] for w in json.loads(phi.output)["Words"]} == PHI_TEXTS - {"02/19/1961"}


def test_allow_list_also_drops_context_hits_but_not_header_values() -> None:
    words = words_on_a_line("Jessica", "Smith", "lives", "here.")
    found = find_phi_words(words, None, NoEntities())
    assert [w.word.text for w in found] == ["Jessica", "Smith"] and {w.source for w in found} == {"context"}
    allowing = policy("allow:\n  - text: jessica smith\n")
    assert find_phi_words(words, None, NoEntities(), policy=allowing) == []
    known = [("NAME", "SMITH^JESSICA")]
    found = find_phi_words(words, None, NoEntities(), known, allowing)
    assert [w.word.text for w in found] == ["Jessica", "Smith"] and {w.source for w in found} == {"known"}


def test_bad_policy_is_one_line_error(png: Path, tmp_path: Path) -> None:
    result = run("image", "mask", str(png), str(tmp_path / "masked.png"), "--policy", "no-such-policy")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: no policy named") and not (tmp_path / "masked.png").exists()


def test_dicom_report_names_header_actions(tmp_path: Path, home: Path) -> None:
    data = dicom_bytes(banner_pixels()[0])
    engine = TesseractOcr()
    chosen = resolve_policy("safe-harbor")
    result = mask_image(data, engine=engine, policy=chosen)
    checked = second_pass(result.data, policy=chosen, detector=None, threshold=None, engine=engine,
                          known=result.known, regions=result.regions)
    report = image_report("scan.dcm", "dicom", result, chosen, default_detector().name, chosen.threshold,
                          checked).to_dict()
    assert report["secondPass"]["result"] == "clean" and report["boxes"] == 4
    assert report["operations"] == {"pixels": "redact-box", "dicomHeader": "deidentify"}
    assert report["headerActions"] and report["privateRemoved"] == 2
    assert report["policy"]["name"] == "safe-harbor"
    assert not any(secret in json.dumps(report) for secret in SECRETS)


def test_existing_call_signatures_still_work() -> None:
    data: Any = encode(banner_image()[0], "PNG")
    assert mask_image(data, threshold=0.5, detector=default_detector(), engine=TesseractOcr()).boxes == 4
