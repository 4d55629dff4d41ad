"""Measure how much of DICOM PS3.15 Table E.1-1 (Basic Profile) each candidate covers.

Reference: the table as parsed from the standard by innolitics (PyPI ``dicom-standard``
0.1.0, 2020 edition; its ``standard/confidentiality_profile_attributes.json``), and the
2026c table phimask ships (``src/phimask/image/data/annex_e.csv``, from
``dicom-anonymizer``). Two measures:

- table: the share of reference attributes a candidate's own table lists, and with the
  same Basic Profile action (phimask, dicom-anonymizer);
- behaviour: a dataset holding every reference attribute that pydicom's dictionary knows
  (a value of its VR each) goes through the candidate; an attribute is handled when it was
  removed or its value changed, and conforms when the change is one the profile allows
  (X removed; Z empty or dummy; D a new non-empty value; U a new UID...).

Run with any interpreter that has the candidates installed (``.[annex-e]`` extra, plus
``deid`` and ``dicognito`` for the other two); missing ones are skipped.
``--phimask-only`` measures phimask alone (what ``bench/images.py`` prints).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"X": {"removed"}, "Z": {"empty", "dummy"}, "D": {"dummy"}, "U": {"uid"}, "K": {"kept"}}
VALUES = {"AE": "STATION1", "AS": "045Y", "CS": "VALUE", "DA": "20200101", "DS": "1.5",
          "DT": "20200101120000", "IS": "7", "LO": "Long value", "LT": "Long text", "PN": "DOE^JANE",
          "SH": "SHORT", "ST": "Short text",
          "TM": "120000", "UC": "Unlimited", "UI": "1.2.3.4.5", "UR": "http://example.org/x", "UT": "Text",
          "FL": 1.5, "FD": 1.5, "SL": 7, "SS": 7, "UL": 7, "US": 7, "SV": 7, "UV": 7, "AT": 0x00100010,
          "OB": b"\x01\x02", "OW": b"\x01\x02", "OD": b"\x00" * 8, "OF": b"\x00" * 4, "OL": b"\x00" * 4,
          "OV": b"\x00" * 8, "UN": b"\x01\x02"}


def reference_2020() -> dict[int, str] | None:
    path = Path(sys.prefix) / "standard" / "confidentiality_profile_attributes.json"
    if not path.is_file():
        return None
    rows = json.loads(path.read_text("utf-8"))
    hexadecimal = set("0123456789abcdef")
    return {int(r["id"], 16): r["basicProfile"] for r in rows if set(r["id"]) <= hexadecimal}


def phimask_table() -> dict[int, str]:
    from phimask.image.annex_e import basic_profile

    profile = basic_profile()
    return {tag: rule.table_action for tag, rule in profile.exact.items()}


def dicomanonymizer_table() -> dict[int, str]:
    from dicomanonymizer.dicom_anonymization_databases import dicomfields_2026c as table

    names = {"D_TAGS": "D", "Z_TAGS": "Z", "X_TAGS": "X", "U_TAGS": "U", "Z_D_TAGS": "Z/D", "X_Z_TAGS": "X/Z",
             "X_D_TAGS": "X/D", "X_Z_D_TAGS": "X/Z/D", "X_Z_U_STAR_TAGS": "X/Z/U*"}
    return {(t[0] << 16) | t[1]: action for name, action in names.items() for t in getattr(table, name)
            if len(t) == 2}


def dataset(tags: list[int]) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    for tag in tags:
        vr = dictionary_VR(tag).split(" or ")[0]
        if vr == "SQ":
            item = Dataset()
            item.CodeValue = "1234"
            ds.add_new(tag, vr, Sequence([item]))
        elif tag >> 16 != 0x0002:
            ds.add_new(tag, vr, generate_uid() if vr == "UI" else VALUES[vr])
    return ds


def outcome(before: Any, after: Dataset, tag: int) -> str:
    if tag not in after:
        return "removed"
    value = after[tag].value
    if value in (None, "", b"") or (isinstance(value, Sequence) and not len(value)):
        return "empty"
    if value == before:
        return "kept"
    return "uid" if after[tag].VR == "UI" else "dummy"


def behaviour(reference: dict[int, str], run: Callable[[Dataset], Dataset]) -> tuple[int, int, int]:
    tags = [t for t in reference if t >> 16 not in (0x0000, 0x0002) and _known(t)]
    original = dataset(tags)
    after = run(copy.deepcopy(original))
    handled = conform = 0
    for tag in tags:
        result = outcome(original[tag].value, after, tag)
        allowed = set().union(*(ALLOWED.get(a.rstrip("*"), set()) for a in reference[tag].split("/")))
        handled += result != "kept"
        conform += result in allowed or (result == "kept" and "U*" in reference[tag])
    return handled, conform, len(tags)


def _known(tag: int) -> bool:
    try:
        return bool(keyword_for_tag(tag)) and dictionary_VR(tag) != "" and "xx" not in dictionary_VR(tag)
    except KeyError:
        return False


def run_phimask(ds: Dataset) -> Dataset:
    from phimask.image.dicom_header import Pseudonyms, deidentify_header

    deidentify_header(ds, Pseudonyms(b"k" * 32))
    return ds


def run_dicomanonymizer(ds: Dataset) -> Dataset:
    from dicomanonymizer import anonymize_dataset
    from dicomanonymizer.simpledicomanonymizer import initialize_actions

    anonymize_dataset(ds, base_rules_gen=lambda: initialize_actions("dicomfields_2026c"))
    return ds


def run_dicognito(ds: Dataset) -> Dataset:
    from dicognito.anonymizer import Anonymizer

    Anonymizer().anonymize(ds)
    return ds


def run_deid(ds: Dataset) -> Dataset:
    from deid.config import DeidRecipe
    from deid.dicom import replace_identifiers

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.dcm"
        ds.save_as(path, enforce_file_format=True)
        result = replace_identifiers([str(path)], deid=DeidRecipe(), save=False, remove_private=True)
    out: Dataset = result[0]
    return out


def table_figures(label: str, reference: dict[int, str], table: dict[int, str]) -> str:
    listed = [t for t in reference if t in table]
    same = [t for t in listed if table[t] == reference[t]]
    return (f"  {label:<34} lists {len(listed)}/{len(reference)} ({len(listed) / len(reference):.1%}), "
            f"same action {len(same)}/{len(reference)} ({len(same) / len(reference):.1%})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--phimask-only", action="store_true")
    args = parser.parse_args()
    shipped = phimask_table()
    references = {"2026c (shipped)": shipped}
    older = reference_2020()
    if older:
        references = {"2020 (innolitics dicom-standard)": older, **references}
    tables: dict[str, Callable[[], dict[int, str]]] = {"phimask annex_e.csv": phimask_table}
    runners: dict[str, Callable[[Dataset], Dataset]] = {"phimask": run_phimask}
    if not args.phimask_only:
        tables["dicom-anonymizer 2.1.0 (2026c)"] = dicomanonymizer_table
        runners.update({"dicom-anonymizer": run_dicomanonymizer, "dicognito": run_dicognito,
                        "deid (pydicom)": run_deid})
    for name, reference in references.items():
        print(f"reference {name}: {len(reference)} attributes with a tag of their own")
        for label, load in tables.items():
            try:
                print(table_figures(label, reference, load()))
            except ImportError:
                print(f"  {label:<34} not installed")
        for label, run in runners.items():
            try:
                handled, conform, total = behaviour(reference, run)
            except ImportError:
                print(f"  {label:<34} not installed")
                continue
            print(f"  {label:<34} behaviour: handled {handled}/{total} ({handled / total:.1%}), "
                  f"as the profile allows {conform}/{total} ({conform / total:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
