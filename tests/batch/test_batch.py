"""phimask batch: local and S3 trees, 1 and 2 workers, resume, report, failures without PHI
or half-written outputs (fictional PHI only)."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phimask.batch import REPORT_NAME, LocalTree, Options, S3Tree, open_tree, run
from phimask.cli import main
from phimask.deid import reidentify
from phimask.errors import InputError
from phimask.vault.sqlite import SQLiteVault

NOTE = "Name: SALAZAR, CARLOS\nMRN: RQ36114734\nDOB: 2/11/1961\nCall Odessa Quillon at (302) 555-0134.\n"
BUNDLE = (Path(__file__).parents[1] / "fhir" / "bundle.json").read_bytes()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))  # inherited by worker processes
    return tmp_path / "home"


def tree(root: Path) -> Path:
    (root / "ward-2").mkdir(parents=True)
    for number in range(3):
        (root / f"note-{number}.txt").write_text(NOTE, encoding="utf-8")
    (root / "ward-2" / "late.txt").write_text(NOTE.replace("CARLOS", "IGNATIUS"), encoding="utf-8")
    (root / "ward-2" / "empty.txt").write_bytes(b"")
    (root / "bundle.json").write_bytes(BUNDLE)
    (root / "broken.json").write_text('{"resourceType": "Patient", "birthDate": "Odessa Quillon"}', "utf-8")
    (root / "table.csv").write_text("Odessa,Quillon\n", encoding="utf-8")
    (root / ".hidden.txt").write_text(NOTE, encoding="utf-8")
    return root


def report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("workers", [1, 2])
def test_local_run_resume_and_report(tmp_path: Path, workers: int, home: Path) -> None:
    source, out = tree(tmp_path / "in"), tmp_path / "out"
    stream = io.StringIO()
    result = run(LocalTree(source), LocalTree(out), Options("surrogate", "study-1", 0.5), workers=workers,
                 stream=stream)
    data = report(out)
    assert data["byKind"]["text"] == {"ok": 5, "failed": 0, "skipped": 0, "unsupported": 0}
    assert data["byKind"]["fhir"] == {"ok": 1, "failed": 1, "skipped": 0, "unsupported": 0}
    assert data["byKind"]["other"]["unsupported"] == 1 and data["workers"] == workers
    assert data["entities"]["text"]["NAME"] >= 5 and data["entities"]["fhir"]["NAME"] >= 8
    assert result.failed == 1 and not (out / "broken.json").exists() and not (out / ".hidden.txt").exists()
    masked = (out / "note-0.txt").read_text(encoding="utf-8")
    assert "SALAZAR" not in masked and masked == (out / "note-1.txt").read_text(encoding="utf-8")
    assert (out / "ward-2" / "empty.txt").read_bytes() == b""
    vault = SQLiteVault.open(home)
    try:
        assert reidentify(vault, deidentified_text=masked) == NOTE
    finally:
        vault.close()
    table = result.table()
    assert "Quillon" not in table and "note-0" not in table and "files/s" in table
    assert "Quillon" not in stream.getvalue()
    failure = next(f for f in data["files"] if f["status"] == "failed")
    assert failure["key"] == "broken.json" and "Quillon" not in json.dumps(failure)

    (out / "note-2.txt").unlink()
    (out / ".note-2.txt.abc.partial").write_text("half", encoding="utf-8")  # left by a killed run
    again = run(LocalTree(source), LocalTree(out), Options("surrogate", "study-1", 0.5), workers=workers,
                stream=io.StringIO())
    data = report(out)
    assert data["byKind"]["text"]["ok"] == 1 and data["byKind"]["text"]["skipped"] == 4
    assert again.processed == 2  # note-2 again, and broken.json fails again
    assert (out / "note-2.txt").read_text(encoding="utf-8") == masked


def test_mask_and_deidentify_operations(tmp_path: Path) -> None:
    source = tree(tmp_path / "in")
    run(LocalTree(source), LocalTree(tmp_path / "masked"), Options("mask", None, 0.5), workers=1,
        stream=io.StringIO())
    assert "NAME" in (tmp_path / "masked" / "note-0.txt").read_text(encoding="utf-8")
    run(LocalTree(source), LocalTree(tmp_path / "tokens"), Options("deidentify", None, 0.5), workers=1,
        stream=io.StringIO())
    first = (tmp_path / "tokens" / "note-0.txt").read_text(encoding="utf-8")
    second = (tmp_path / "tokens" / "note-1.txt").read_text(encoding="utf-8")
    assert "[[NAME:" in first and first != second  # no scope: every file its own scope


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        for bucket in ("phimask-input", "phimask-output"):
            client.create_bucket(Bucket=bucket)
        yield client


@pytest.mark.parametrize("workers", [1, 2])
def test_s3_run(s3: Any, workers: int) -> None:
    for number in range(4):
        s3.put_object(Bucket="phimask-input", Key=f"notes/day-{number}/n.txt", Body=NOTE.encode())
    s3.put_object(Bucket="phimask-input", Key="notes/bundle.json", Body=BUNDLE)
    s3.put_object(Bucket="phimask-input", Key="other/skip.txt", Body=NOTE.encode())
    source = S3Tree("phimask-input", "notes", s3)
    target = S3Tree("phimask-output", "masked/", s3)
    result = run(source, target, Options("mask", None, 0.5), workers=workers, stream=io.StringIO())
    assert result.processed == 5 and result.failed == 0
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="phimask-output")["Contents"])
    expected = ["masked/bundle.json", *[f"masked/day-{n}/n.txt" for n in range(4)], f"masked/{REPORT_NAME}"]
    assert keys == expected
    body = s3.get_object(Bucket="phimask-output", Key="masked/day-0/n.txt")["Body"].read().decode()
    assert "SALAZAR" not in body and "NAME" in body
    again = run(source, target, Options("mask", None, 0.5), workers=workers, stream=io.StringIO())
    assert again.processed == 0 and sum(c["skipped"] for c in again.statuses.values()) == 5


def test_locations_are_checked(tmp_path: Path) -> None:
    from phimask.batch.storage import check_separate

    with pytest.raises(InputError, match="s3://bucket/prefix"):
        open_tree("s3:/bucket")
    with pytest.raises(InputError, match="must not contain"):
        check_separate(LocalTree(tmp_path), LocalTree(tmp_path / "out"))
    with pytest.raises(InputError, match="must not contain"):
        check_separate(S3Tree("b", "in/"), S3Tree("b", "in/out/"))
    check_separate(S3Tree("b", "in/"), S3Tree("b", "out/"))


def test_cli(tmp_path: Path) -> None:
    source = tree(tmp_path / "in")
    runner = CliRunner()
    done = runner.invoke(main, ["batch", str(source), str(tmp_path / "out"), "--operation", "mask",
                                "--workers", "1"])
    assert done.exit_code == 1  # broken.json failed
    assert "unsupported" in done.output and "Quillon" not in done.output and "broken" not in done.output
    refused = runner.invoke(main, ["batch", str(source), str(source / "out"), "--operation", "mask"])
    assert refused.exit_code == 2 and "must not contain" in refused.output
    missing = runner.invoke(main, ["batch", str(source), str(tmp_path / "o2")])
    assert missing.exit_code == 2 and "--operation" in missing.output


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract OCR")
def test_images_go_through_image_redaction(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    sample = Path(__file__).parents[2] / "src" / "phimask" / "samples" / "sample_scan.png"
    (source / "scan.png").write_bytes(sample.read_bytes())
    result = run(LocalTree(source), LocalTree(tmp_path / "out"), Options("mask", None, 0.5), workers=1,
                 stream=io.StringIO())
    assert result.statuses["image"]["ok"] == 1 and result.entities["image"]["NAME"] > 0
    redacted = (tmp_path / "out" / "scan.png").read_bytes()
    assert redacted.startswith(b"\x89PNG") and redacted != sample.read_bytes()
    scan = report(tmp_path / "out")["files"][0]
    assert scan["operations"] == {"pixels": "redact-box"} and scan["secondPass"]["result"] == "clean"
    assert result.second_pass["clean"] == 1 and "second pass: 1 clean" in result.table()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract OCR")
def test_an_image_whose_output_cannot_be_read_again_fails(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import phimask.image.proof as proof

    source = tmp_path / "in"
    source.mkdir()
    sample = Path(__file__).parents[2] / "src" / "phimask" / "samples" / "sample_scan.png"
    (source / "scan.png").write_bytes(sample.read_bytes())
    monkeypatch.setattr(proof, "second_pass", lambda *args, **kwargs: ("failed", []))
    result = run(LocalTree(source), LocalTree(tmp_path / "out"), Options("mask", None, 0.5), workers=1,
                 stream=io.StringIO())
    assert result.failed == 1 and not (tmp_path / "out" / "scan.png").exists()
    assert report(tmp_path / "out")["files"][0]["error"]["code"] == "SecondPassFailed"
