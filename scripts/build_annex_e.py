"""Build the DICOM PS3.15 Annex E attribute table shipped with phimask.

Source: ``dicom-anonymizer`` (KitwareMedical, BSD-3-Clause), whose
``dicomfields_2026c`` lists every attribute of Table E.1-1 "Application Level
Confidentiality Profile Attributes" of the 2026c edition by its Basic Profile action.
Run ``make annex-e`` (needs the ``annex-e`` extra). Output:
``src/phimask/image/data/annex_e.csv`` with ``tag,mask,action,name`` rows, where ``mask``
selects the bits of the tag that must match (repeating groups such as Overlay Data 60xx).
Private attributes (odd groups) are not rows: the profile removes all of them in code.
Coverage against an independent parse of the standard: ``scripts/annex_e_coverage.py``.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from dicomanonymizer.dicom_anonymization_databases import dicomfields_2026c as table

OUT = Path(__file__).resolve().parents[1] / "src" / "phimask" / "image" / "data" / "annex_e.csv"
EDITION = "2026c"
ACTIONS = {"D_TAGS": "D", "Z_TAGS": "Z", "X_TAGS": "X", "U_TAGS": "U", "Z_D_TAGS": "Z/D", "X_Z_TAGS": "X/Z",
           "X_D_TAGS": "X/D", "X_Z_D_TAGS": "X/Z/D", "X_Z_U_STAR_TAGS": "X/Z/U*"}
COMMENT = re.compile(r"\((0x[0-9A-Fa-f]{4}),\s*(0x[0-9A-Fa-f]{4})[^#\n]*#\s*(.*)")


def rows() -> list[tuple[str, str, str, str]]:
    """``(tag, mask, action, name)`` for every attribute of the source table (the lists'
    values; names from the source's comments, else pydicom's dictionary)."""
    names = {(int(g, 16), int(e, 16)): n.strip() for g, e, n in COMMENT.findall(inspect.getsource(table))}
    names.update(_multiline_names(inspect.getsource(table)))
    found: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for list_name, action in ACTIONS.items():
        for entry in getattr(table, list_name):
            group, element = entry[0], entry[1]
            group_mask, element_mask = (entry[2], entry[3]) if len(entry) == 4 else (0xFFFF, 0xFFFF)
            tag, mask = f"{group:04X}{element:04X}", f"{group_mask:04X}{element_mask:04X}"
            if (tag, mask) in found:
                raise SystemExit(f"{tag} is listed twice in the source table")
            name = names.get((group, element)) or _dictionary_name(group, element)
            found[(tag, mask)] = (tag, mask, action, name.replace(",", ";"))
    return sorted(found.values())


def _multiline_names(source: str) -> dict[tuple[int, int], str]:
    """Comments of tuples a formatter split over lines: ``(\n 0x0040,\n 0x4023,\n ),  # Name``."""
    pattern = re.compile(r"\(\s*(0x[0-9A-Fa-f]{4}),\s*(0x[0-9A-Fa-f]{4}),?\s*\),\s*#\s*(.*)")
    return {(int(g, 16), int(e, 16)): n.strip() for g, e, n in pattern.findall(source)}


def _dictionary_name(group: int, element: int) -> str:
    from pydicom.datadict import dictionary_description

    try:
        return str(dictionary_description((group << 16) | element))
    except KeyError:
        return ""


def main() -> None:
    table_rows = rows()
    lines = [f"# DICOM PS3.15 Table E.1-1 Basic Profile actions, edition {EDITION}; built by "
             "scripts/build_annex_e.py",
             "# from dicom-anonymizer (KitwareMedical; BSD-3-Clause; see NOTICE).",
             "# Columns: tag,mask,action,name",
             *(",".join(row) for row in table_rows)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for _, _, action, _ in table_rows:
        counts[action] = counts.get(action, 0) + 1
    print(f"{len(table_rows)} attributes -> {OUT}: {counts}")


if __name__ == "__main__":
    main()
