"""PS3.15 Annex E header de-identification and its reversal through the vault."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import numpy as np
import pydicom
import pytest
from imagekit import banner_pixels, dicom_bytes
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import ImplicitVRLittleEndian, RLELossless

from phimask.errors import InputError
from phimask.image.annex_e import basic_profile, resolve
from phimask.image.dicom_header import Pseudonyms, deidentify_header, encode_element, known_values
from phimask.image.errors import CorruptImage
from phimask.image.service import mask_image, reidentify_dicom
from phimask.image.tesseract import TesseractOcr
from phimask.vault.sqlite import SQLiteVault

SALT = b"s" * 32


def dataset(study_uid: str | None = None) -> Dataset:
    pixels, _ = banner_pixels()
    ds = pydicom.dcmread(io.BytesIO(dicom_bytes(pixels, study_uid=study_uid)))
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator = "T-D3000", "SRT"
    item.PersonName = "KLEIN^HOWARD"
    item.add_new(0x00110010, "LO", "FICTIONAL")
    ds.ProcedureCodeSequence = Sequence([item])
    return ds


def private_tags(ds: Dataset) -> list[int]:
    return [int(e.tag) for e in ds.iterall() if e.tag.is_private]


def test_table_is_the_basic_profile_with_resolved_actions() -> None:
    profile = basic_profile()
    assert profile.edition == "2026c" and len(profile) >= 600
    assert profile.rule(0x00100010).action == "Z"  # type: ignore[union-attr]
    assert profile.rule(0x00080080).table_action == "X/Z/D"  # type: ignore[union-attr]
    assert profile.rule(0x60023000).action == "X"  # type: ignore[union-attr]  (60xx,3000 overlay)
    assert profile.rule(0x00280010) is None  # Rows: kept
    with pytest.raises(InputError, match="unknown DICOM profile action"):
        resolve("Q")


def test_basic_profile_actions() -> None:
    ds = dataset()
    original_uid, referenced = ds.SOPInstanceUID, ds.ReferencedImageSequence[0].ReferencedSOPInstanceUID
    manufacturer = encode_element(ds.get_item(0x00080070), (False, True))

    report = deidentify_header(ds, Pseudonyms(SALT), pixels_cleaned=True)

    assert str(ds.PatientName).startswith("ANON^") and ds.PatientID.startswith("ID")  # Z with pseudonyms
    assert "PatientBirthDate" in ds and not ds.PatientBirthDate  # Z: present, zero length
    assert not ds.StudyDate and not ds.ReferringPhysicianName
    assert ds.InstitutionName == "ANONYMIZED"  # X/Z/D -> D
    assert "StudyDescription" not in ds and "PatientSex" in ds and not ds.PatientSex
    assert private_tags(ds) == [] and report.private_removed == 3  # creator + element, nested creator
    assert ds.SOPInstanceUID != original_uid and ds.SOPInstanceUID.startswith("2.25.")
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    reference = ds.ReferencedImageSequence[0]  # X/Z/U*: kept, UIDs inside replaced
    assert reference.ReferencedSOPInstanceUID == Pseudonyms(SALT).uid(referenced)
    assert reference.ReferencedSOPClassUID == "1.2.840.10008.5.1.4.1.1.7"
    nested = ds.ProcedureCodeSequence[0]  # not in the table: kept, and cleaned inside
    assert nested.CodeValue == "T-D3000" and nested.PersonName == "ANONYMIZED"
    assert (ds.PatientIdentityRemoved, ds.DeidentificationMethod.startswith("phimask")) == ("YES", True)
    assert [i.CodeValue for i in ds.DeidentificationMethodCodeSequence] == ["113100", "113101"]
    assert encode_element(ds.get_item(0x00080070), (False, True)) == manufacturer  # untouched bytes
    assert report.actions["U"] >= 3 and report.actions["X"] >= 3


def test_uids_and_pseudonyms_are_consistent_within_a_scope_only() -> None:
    study = pydicom.uid.generate_uid()
    first, second, other = dataset(study), dataset(study), dataset(study)
    deidentify_header(first, Pseudonyms(SALT))
    deidentify_header(second, Pseudonyms(SALT))
    deidentify_header(other, Pseudonyms(b"t" * 32))
    assert first.StudyInstanceUID == second.StudyInstanceUID != other.StudyInstanceUID
    assert first.SOPInstanceUID != second.SOPInstanceUID  # different instances stay different
    assert first.PatientID == second.PatientID != other.PatientID


def test_overrides_clean_and_fail_loudly() -> None:
    ds = dataset()
    deidentify_header(ds, Pseudonyms(SALT), overrides={"StudyDescription": "C"},
                      cleaner=lambda text: text.replace("Maria Garcia", "[NAME]"))
    assert ds.StudyDescription == "XR CHEST for [NAME]"
    with pytest.raises(InputError, match="unknown DICOM keyword"):
        deidentify_header(dataset(), Pseudonyms(SALT), overrides={"NoSuchKeyword": "X"})
    with pytest.raises(InputError, match="needs a text detector"):
        deidentify_header(dataset(), Pseudonyms(SALT), overrides={"StudyDescription": "C"})


def test_known_values_feed_the_burned_in_text_rules() -> None:
    found = set(known_values(dataset()))
    assert {("NAME", "GARCIA^MARIA"), ("ID", "55120873"), ("DATE", "19610219"),
            ("ADDRESS", "Lakeside Fictional Hospital")} <= found
    assert not any(value == "XR CHEST for Maria Garcia" for _, value in found)


def elements_except_pixels(data: bytes) -> dict[int, bytes]:
    ds = pydicom.dcmread(io.BytesIO(data))
    encoding = (ds.original_encoding[0], ds.original_encoding[1])
    out = {int(t): encode_element(ds.get_item(t), encoding) for t in ds.keys() if t != 0x7FE00010}  # noqa: SIM118
    meta = ds.file_meta
    out.update({int(t): encode_element(meta.get_item(t), (False, True)) for t in meta.keys()})  # noqa: SIM118
    return out


@pytest.mark.parametrize("syntax", [ImplicitVRLittleEndian, RLELossless])
def test_deidentify_then_reidentify_gives_the_original_header_byte_for_byte(
        tesseract: TesseractOcr, home: Path, syntax: str) -> None:
    pixels, _ = banner_pixels("uint16", 0, 4000)
    data = dicom_bytes(pixels, syntax=syntax, bits_stored=12)
    vault = SQLiteVault.open()
    try:
        masked = mask_image(data, engine=tesseract, vault=vault)
        assert masked.boxes == 4 and masked.message_hash
        deidentified = masked.data
        assert b"GARCIA" not in deidentified and b"55120873" not in deidentified
        restored = reidentify_dicom(deidentified, vault, caller="test:reid")
    finally:
        vault.close()
    assert elements_except_pixels(restored) == elements_except_pixels(data)
    assert not np.array_equal(pydicom.dcmread(io.BytesIO(restored)).pixel_array,
                              pydicom.dcmread(io.BytesIO(data)).pixel_array)  # burned-in PHI stays redacted
    with sqlite3.connect(home / "vault.sqlite3") as db:
        rows = db.execute("SELECT * FROM audit").fetchall()
    assert len(rows) == 1 and "GARCIA" not in str(rows)


def test_without_burned_in_text_the_whole_file_comes_back_byte_for_byte(tesseract: TesseractOcr,
                                                                         home: Path) -> None:
    pixels = np.zeros((1, 64, 64), dtype=np.uint8)
    data = dicom_bytes(pixels)
    vault = SQLiteVault.open()
    try:
        restored = reidentify_dicom(mask_image(data, engine=tesseract, vault=vault).data, vault)
    finally:
        vault.close()
    assert restored == data


def test_reidentifying_a_file_that_was_not_deidentified_fails_clearly(home: Path) -> None:
    pixels, _ = banner_pixels()
    vault = SQLiteVault.open()
    try:
        with pytest.raises(CorruptImage, match="no phimask vault reference"):
            reidentify_dicom(dicom_bytes(pixels), vault)
        with pytest.raises(InputError, match="only DICOM"):
            reidentify_dicom(b"\x89PNG\r\n\x1a\n" + bytes(100), vault)
    finally:
        vault.close()
