"""``phimask image``: OCR words, PHI words, masking and DICOM re-identification of images.

Errors print one line on stderr (``Error: ...``) and exit with code 2; they never echo
words, header values or file names.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import click

from phimask.clikit import fails_cleanly
from phimask.detect.base import DEFAULT_THRESHOLD, check_threshold
from phimask.errors import PhimaskError


def _threshold(value: str) -> float:
    """The --threshold value, checked here so a bad one is a one-line error too."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    return check_threshold(number)


def _engine(name: str | None) -> Any:
    from phimask.image.ocr import ocr_engine

    return ocr_engine(name)


threshold_option = click.option("--threshold", type=str, default=str(DEFAULT_THRESHOLD), show_default=True,
                                help="Minimum entity score in [0, 1].")
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
@ocr_option
@fails_cleanly
def phi_command(source: Path, threshold: str, ocr: str | None) -> None:
    """Print the words of IN that hold PHI, with type and score, as {"Words": [...]}."""
    from phimask.image.service import image_phi, read_input

    words = image_phi(read_input(source), _threshold(threshold), engine=_engine(ocr))
    click.echo(json.dumps({"Words": words}, ensure_ascii=False))


@image_group.command("mask")
@input_argument
@click.argument("target", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--dicom-header", default="deidentify", show_default=True, metavar="[deidentify|keep]",
              help="DICOM: de-identify the header (PS3.15 Annex E, reversible through the local "
              "vault) or keep it as it is.")
@click.option("--scope", default=None, help="DICOM: pseudonym and UID scope (default: the study).")
@threshold_option
@ocr_option
@fails_cleanly
def mask_command(source: Path, target: Path, dicom_header: str, scope: str | None, threshold: str,
                 ocr: str | None) -> None:
    """Write IN to OUT with every PHI word boxed out (same format); print a summary."""
    from phimask.image.raster import sniff_format
    from phimask.image.service import HEADER_MODES, mask_file, read_input

    score = _threshold(threshold)
    if dicom_header not in HEADER_MODES:
        raise PhimaskError(f"--dicom-header must be one of: {', '.join(HEADER_MODES)}")
    vault = None
    if dicom_header == "deidentify" and sniff_format(read_input(source)[:132]) == "dicom":
        from phimask.vault.sqlite import SQLiteVault

        vault = SQLiteVault.open()
    try:
        result = mask_file(source, target, threshold=score, engine=_engine(ocr),
                           header=dicom_header, vault=vault, scope=scope)
    finally:
        if vault is not None:
            vault.close()
    click.echo(json.dumps(result.summary()))


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
