"""``phimask image``: OCR words, PHI words, masking and DICOM re-identification of images.

Errors print one line on stderr (``Error: ...``) and exit with code 2; they never echo
words, header values or file names. ``phi`` and ``mask`` detect under a policy
(``--policy``); ``mask --report`` OCRs the output again and writes a proof-of-removal report.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from phimask.clikit import fails_cleanly, policy_option, report_option
from phimask.detect.base import DEFAULT_THRESHOLD, check_threshold
from phimask.errors import PhimaskError

if TYPE_CHECKING:
    from phimask.image.service import MaskResult
    from phimask.policy import Policy


def _threshold(value: str | None) -> float | None:
    """The --threshold value (None: the policy's), checked here so a bad one is a one-line
    error too."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    return check_threshold(number)


def _engine(name: str | None) -> Any:
    from phimask.image.ocr import ocr_engine

    return ocr_engine(name)


def _policy(ref: str | None, threshold: str | None) -> Policy:
    """The --policy (default: the shipped one) with --threshold, when given, as its default."""
    from phimask.pipeline import effective_policy
    from phimask.policy import resolve_policy

    score = _threshold(threshold)  # checked before the policy file is read
    return effective_policy(resolve_policy(ref), score)


threshold_option = click.option("--threshold", type=str, default=None,
                                help="Minimum entity score in [0, 1]. Default: the policy's "
                                f"({DEFAULT_THRESHOLD} in shipped ones).")
ocr_option = click.option("--ocr", default=None, metavar="[tesseract|rekognition]",
                          help="OCR engine (default: $PHIMASK_OCR, else tesseract).")
input_argument = click.argument("source", metavar="IN", type=click.Path(path_type=Path))


@click.group("image")
def image_group() -> None:
    """Images and DICOM: OCR words, PHI words, masking (PNG, JPEG, TIFF, DICOM)."""


@image_group.command("text")
@input_argument
@ocr_option
@fails_cleanly
def text_command(source: Path, ocr: str | None) -> None:
    """Print the OCR words of IN with their pixel boxes, as {"Words": [...]}."""
    from phimask.image.service import image_text, read_input

    words = image_text(read_input(source), _engine(ocr))
    click.echo(json.dumps({"Words": words}, ensure_ascii=False))


@image_group.command("phi")
@input_argument
@threshold_option
@policy_option
@ocr_option
@fails_cleanly
def phi_command(source: Path, threshold: str | None, policy_ref: str | None, ocr: str | None) -> None:
    """Print the words of IN that hold PHI, with type and score, as {"Words": [...]}."""
    from phimask.image.service import image_phi, read_input

    policy = _policy(policy_ref, threshold)
    words = image_phi(read_input(source), engine=_engine(ocr), policy=policy)
    click.echo(json.dumps({"Words": words}, ensure_ascii=False))


@image_group.command("mask")
@input_argument
@click.argument("target", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--dicom-header", default="deidentify", show_default=True, metavar="[deidentify|keep]",
              help="DICOM: de-identify the header (PS3.15 Annex E, reversible through the local "
              "vault) or keep it as it is.")
@click.option("--scope", default=None, help="DICOM: pseudonym and UID scope (default: the study).")
@threshold_option
@policy_option
@ocr_option
@report_option
@fails_cleanly
def mask_command(source: Path, target: Path, dicom_header: str, scope: str | None, threshold: str | None,
                 policy_ref: str | None, ocr: str | None, report_path: Path | None) -> None:
    """Write IN to OUT with every PHI word boxed out (same format); print a summary. With
    --report, OCR the output again first: residual PHI is reported, and if that pass fails
    nothing is written (exit 2)."""
    from phimask.image.raster import sniff_format
    from phimask.image.service import HEADER_MODES, mask_file, read_input
    from phimask.pipeline import default_detector
    from phimask.report import DocumentReport, write_reports

    policy = _policy(policy_ref, threshold)
    if dicom_header not in HEADER_MODES:
        raise PhimaskError(f"--dicom-header must be one of: {', '.join(HEADER_MODES)}")
    engine, detector = _engine(ocr), default_detector()
    reports: list[DocumentReport] = []

    def prove(result: MaskResult) -> None:
        """With --report: the second pass, before OUT is written; raises when it failed."""
        if report_path is None:
            return
        from phimask.errors import OcrFailed
        from phimask.image.proof import FAILED_MESSAGE, image_report, second_pass

        checked = second_pass(result.data, policy=policy, detector=detector, threshold=None, engine=engine,
                              known=result.known, regions=result.regions)
        kind = "dicom" if result.format == "dicom" else "image"
        reports.append(image_report(str(source), kind, result, policy, detector.name, policy.threshold,
                                    checked))
        if checked[0] == "failed":
            write_reports(report_path, reports)
            raise OcrFailed(FAILED_MESSAGE)

    vault = None
    if dicom_header == "deidentify" and sniff_format(read_input(source)[:132]) == "dicom":
        from phimask.vault.sqlite import SQLiteVault

        vault = SQLiteVault.open()
    try:
        result = mask_file(source, target, engine=engine, detector=detector, policy=policy,
                           header=dicom_header, vault=vault, scope=scope, verify=prove)
    finally:
        if vault is not None:
            vault.close()
    summary = result.summary()
    if report_path is not None:
        write_reports(report_path, reports)
        summary["secondPass"] = {"result": reports[0].second_pass, "residualCount": len(reports[0].residual)}
    click.echo(json.dumps(summary))


@image_group.command("reidentify")
@input_argument
@click.argument("target", metavar="OUT", type=click.Path(path_type=Path))
@fails_cleanly
def reidentify_command(source: Path, target: Path) -> None:
    """Write the DICOM file IN to OUT with its original header back (audited)."""
    from phimask.files import write_atomic
    from phimask.image.raster import sniff_format
    from phimask.image.service import read_input, reidentify_dicom
    from phimask.vault.sqlite import SQLiteVault

    if source.resolve() == target.resolve():
        raise PhimaskError("OUT must differ from IN")
    data = read_input(source)
    if sniff_format(data[:132]) != "dicom":
        raise PhimaskError("only DICOM files can be re-identified")
    vault = SQLiteVault.open()
    try:
        restored = reidentify_dicom(data, vault, caller=f"local:{_user()}")
    finally:
        vault.close()
    write_atomic(target, restored)
    click.echo(json.dumps({"restored": True}))


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def register(group: click.Group) -> None:
    """Add ``phimask image`` to ``group`` (the ``phimask`` CLI)."""
    group.add_command(image_group)
