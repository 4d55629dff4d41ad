"""DICOM header de-identification: PS3.15 Annex E Basic Application Level Confidentiality
Profile on a pydicom Dataset, at every nesting level.

Replacement values: ``U`` -> ``2.25.<decimal of a keyed hash of the UID>`` (the same UID
gets the same replacement within a scope, so study/series/instance links survive);
Patient Name, Patient ID, Accession Number and Study ID -> keyed pseudonyms (same value,
same pseudonym within a scope); other ``D`` -> a dummy of the VR ("ANONYMIZED",
19000101...); ``Z`` -> zero length. Private attributes are removed. Patient Identity
Removed, De-identification Method and its Code Sequence are added.

The originals of every top-level element that changed are returned (encoded as in the
file) so the vault can keep them; elements left alone stay byte for byte as read.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phimask import __version__
from phimask.image.annex_e import Profile, basic_profile, resolve

if TYPE_CHECKING:
    from pydicom.dataelem import DataElement, RawDataElement
    from pydicom.dataset import Dataset

BASIC_PROFILE_CODE = ("113100", "Basic Application Confidentiality Profile")
CLEAN_PIXEL_CODE = ("113101", "Clean Pixel Data Option")
METHOD = f"phimask {__version__}: PS3.15 Annex E Basic Profile"
PSEUDONYMS = {0x00100010: "PN", 0x00100020: "ID", 0x00080050: "AC", 0x00200010: "ST"}
ADDED = (0x00120062, 0x00120063, 0x00120064)  # Patient Identity Removed, De-identification Method (+ codes)
_TEXT = {"AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT", "UR"}
_NUMBERS = {"US", "SS", "UL", "SL", "FL", "FD", "SV", "UV", "AT"}
_DUMMY = {"DA": "19000101", "TM": "000000", "DT": "19000101000000", "AS": "000Y", "DS": "0", "IS": "0",
          "PN": "ANONYMIZED", "CS": "ANONYMIZED", "UR": "urn:x-anonymized"}
_MAX = {"AE": 16, "CS": 16, "SH": 16, "LO": 64, "PN": 64}

Cleaner = Callable[[str], str]


@dataclass(frozen=True)
class Pseudonyms:
    """Keyed replacements: one secret salt per scope (from the vault's key file or KMS)."""

    salt: bytes

    def digest(self, *parts: str) -> str:
        return hmac.new(self.salt, "\x1f".join(parts).encode("utf-8"), hashlib.sha3_256).hexdigest()

    def uid(self, original: str) -> str:
        """``2.25.<int>``: at most 44 characters, the same for the same UID in this scope."""
        return "2.25." + str(int(self.digest("dicom-uid", original.strip("\0 "))[:32], 16))

    def value(self, kind: str, original: str, limit: int) -> str:
        digest = self.digest("dicom-pseudonym", kind, original.strip("\0 ").upper()).upper()
        text = f"{kind}{digest}"
        return f"ANON^{digest[:12]}" if kind == "PN" else text[:limit]


@dataclass
class HeaderReport:
    """What de-identification changed: originals of changed top-level elements (encoded
    bytes, for the vault), tags it added, and counts by action."""

    originals: dict[int, bytes] = field(default_factory=dict)
    file_meta_originals: dict[int, bytes] = field(default_factory=dict)
    added: list[int] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)
    private_removed: int = 0
    encoding: tuple[bool, bool] = (False, True)  # (implicit VR, little endian) of the originals

    def count(self, action: str) -> None:
        self.actions[action] = self.actions.get(action, 0) + 1


def deidentify_header(dataset: Dataset, pseudonyms: Pseudonyms, *, pixels_cleaned: bool = False,
                      overrides: Mapping[str, str] | None = None, cleaner: Cleaner | None = None,
                      profile: Profile | None = None) -> HeaderReport:
    """Apply the Basic Profile to ``dataset`` in place. ``overrides`` maps keywords to
    actions (e.g. ``{"StudyDescription": "C"}``); ``C`` needs ``cleaner``."""
    from pydicom.datadict import tag_for_keyword

    walker = _Walker(profile or basic_profile(), pseudonyms, cleaner, HeaderReport())
    for keyword, action in (overrides or {}).items():
        tag = tag_for_keyword(keyword)
        if tag is None:
            from phimask.errors import InputError

            raise InputError(f"unknown DICOM keyword in profile overrides: {keyword!r}")
        walker.overrides[int(tag)] = resolve(action)
    encoding = walker.report.encoding = _encoding(dataset)
    for tag in list(dataset.keys()):
        before = encode_element(dataset.get_item(tag), encoding)
        if walker.apply(dataset, int(tag)):
            walker.report.originals[int(tag)] = before
    _mark(dataset, walker.report, pixels_cleaned, encoding)
    meta = getattr(dataset, "file_meta", None)
    if meta is not None and "MediaStorageSOPInstanceUID" in meta and "SOPInstanceUID" in dataset:
        walker.report.file_meta_originals[0x00020003] = encode_element(meta.get_item(0x00020003),
                                                                       (False, True))
        meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    return walker.report


class _Walker:
    def __init__(self, profile: Profile, pseudonyms: Pseudonyms, cleaner: Cleaner | None,
                 report: HeaderReport) -> None:
        self.profile = profile
        self.pseudonyms = pseudonyms
        self.cleaner = cleaner
        self.report = report
        self.overrides: dict[int, str] = {}

    def action(self, tag: int) -> str:
        if tag in self.overrides:
            return self.overrides[tag]
        if tag >> 16 & 1:
            return "X"  # private attributes, their creators included
        rule = self.profile.rule(tag)
        return rule.action if rule else "K"

    def apply(self, dataset: Dataset, tag: int) -> bool:
        """Apply the action for ``tag``; True when anything changed. Elements kept are not
        converted from their raw bytes, so they are written back byte for byte."""
        action = self.action(tag)
        if action == "X":
            del dataset[tag]
            self.report.private_removed += tag >> 16 & 1
            self.report.count("X")
            return True
        if _is_sequence(dataset.get_item(tag)):
            rule = self.profile.rule(tag) if tag not in self.overrides else None
            if action == "D" and rule is not None and "Z" in rule.table_action:
                action = "Z"  # Z/D, X/Z/D sequences: empty rather than a dummy item
            return self._sequence(dataset[tag], action)
        if action in ("K", "U*"):
            return False
        element = dataset[tag]
        if action == "U":
            element.value = _map_values(element.value, self.pseudonyms.uid)
        elif action == "Z" and tag not in PSEUDONYMS:
            element.value = None
        elif action in ("Z", "D"):
            element.value = self._dummy(tag, element)
        elif action == "C":
            if self.cleaner is None:
                from phimask.errors import InputError

                raise InputError("the C (clean) action needs a text detector")
            element.value = _map_values(element.value, self.cleaner) if element.VR in _TEXT else None
        self.report.count(action)
        return True

    def _sequence(self, element: DataElement, action: str) -> bool:
        """Z: no items; D: one empty item (a dummy that keeps nothing of the original);
        K, U*, C: the items kept, cleaned by the profile."""
        from pydicom.dataset import Dataset as PydicomDataset

        if action in ("Z", "D"):
            element.value = [] if action == "Z" else [PydicomDataset()]
            self.report.count(action)
            return True
        changed = False
        for item in element.value:
            for tag in list(item.keys()):
                changed = self.apply(item, int(tag)) or changed
        return changed

    def _dummy(self, tag: int, element: DataElement) -> Any:
        vr = element.VR
        if tag in PSEUDONYMS and element.value not in (None, "", b""):
            return self.pseudonyms.value(PSEUDONYMS[tag], str(element.value), _MAX.get(vr, 64))
        if vr in _NUMBERS:
            return 0
        if vr in ("OB", "OW", "OD", "OF", "OL", "OV", "UN"):
            return b"\0\0"
        if vr == "UI":
            return self.pseudonyms.uid(str(element.value or ""))
        dummy = _DUMMY.get(vr, "ANONYMIZED")
        return dummy[:_MAX.get(vr, 64)]


def _is_sequence(element: DataElement | RawDataElement) -> bool:
    from pydicom.datadict import dictionary_VR
    from pydicom.sequence import Sequence

    if element.VR == "SQ" or isinstance(element.value, Sequence):
        return True
    if element.VR is None:
        try:
            return bool(dictionary_VR(element.tag) == "SQ")
        except KeyError:
            return False
    return False


def _map_values(value: Any, change: Callable[[str], str]) -> Any:
    from pydicom.multival import MultiValue

    if isinstance(value, (list, MultiValue)):
        return [change(str(v)) for v in value]
    return change(str(value)) if value not in (None, "") else value


def _encoding(dataset: Dataset) -> tuple[bool, bool]:
    """``(implicit_vr, little_endian)`` of the dataset as read."""
    implicit, little = getattr(dataset, "original_encoding", (None, None))
    if implicit is None:
        syntax = dataset.file_meta.TransferSyntaxUID
        return bool(syntax.is_implicit_VR), bool(syntax.is_little_endian)
    return bool(implicit), bool(little)


def encode_element(element: DataElement | RawDataElement, encoding: tuple[bool, bool]) -> bytes:
    """One element encoded as in the file (raw elements byte for byte)."""
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_data_element

    buffer = DicomBytesIO()
    buffer.is_implicit_VR, buffer.is_little_endian = encoding
    write_data_element(buffer, element)
    return bytes(buffer.getvalue())


def _mark(dataset: Dataset, report: HeaderReport, pixels_cleaned: bool, encoding: tuple[bool, bool]) -> None:
    from pydicom.dataset import Dataset as PydicomDataset
    from pydicom.sequence import Sequence

    for tag in ADDED:
        if tag in dataset:
            report.originals.setdefault(tag, encode_element(dataset.get_item(tag), encoding))
        else:
            report.added.append(tag)
    codes = [BASIC_PROFILE_CODE, *([CLEAN_PIXEL_CODE] if pixels_cleaned else [])]
    items = []
    for value, meaning in codes:
        item = PydicomDataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "DCM", meaning
        items.append(item)
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = METHOD
    dataset.DeidentificationMethodCodeSequence = Sequence(items)


def known_values(dataset: Dataset) -> list[tuple[str, str]]:
    """``(type, value)`` of the header values that may be burned into the pixels: person
    names, patient IDs, accession and study IDs, institution and addresses, dates and times."""
    found: list[tuple[str, str]] = []
    for element in dataset:
        if element.tag.is_private or element.VR == "SQ" or element.value in (None, "", b""):
            continue
        keyword = element.keyword
        kind = _KNOWN_VR.get(element.VR) or _KNOWN_KEYWORDS.get(keyword)
        if kind:
            values = element.value if element.VM > 1 else [element.value]
            found.extend((kind, str(v)) for v in values if str(v).strip())
    return found


_KNOWN_VR = {"PN": "NAME", "DA": "DATE", "DT": "DATE", "TM": "DATE"}
_KNOWN_KEYWORDS = {
    "PatientID": "ID", "OtherPatientIDs": "ID", "IssuerOfPatientID": "ADDRESS", "AccessionNumber": "ID",
    "StudyID": "ID", "MedicalRecordLocator": "ID", "AdmissionID": "ID", "InstitutionName": "ADDRESS",
    "InstitutionAddress": "ADDRESS", "PatientAddress": "ADDRESS", "ReferringPhysicianAddress": "ADDRESS",
    "PatientTelephoneNumbers": "PHONE_OR_FAX", "ReferringPhysicianTelephoneNumbers": "PHONE_OR_FAX",
    "InstitutionalDepartmentName": "ADDRESS", "RequestingService": "ADDRESS", "StationName": "OTHER",
}
