"""Reversible DICOM header de-identification through the vault.

The originals of the changed elements travel to the vault the way text entities do: a
manifest text lists one element a line (``<tag> <base64 of the element as encoded in the
file>``); :func:`phimask.deid.deidentify` replaces each base64 value with a token and
stores it encrypted, keyed by the hash of the de-identified manifest. That hash is written
into the de-identified file (private element ``(0013,xx00)``, creator ``PHIMASK``); the
manifest itself holds tags and tokens only. :func:`reidentify_header` reverses it: every
element comes back byte for byte, the added elements go, Pixel Data stays as it is.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from phimask.detect.base import KnownEntities
from phimask.entities import Entity, EntityType
from phimask.image.dicom_header import HeaderReport
from phimask.image.errors import CorruptImage

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

    from phimask.vault.base import Vault

MANIFEST = "phimask-dicom-header/1"
PRIVATE_GROUP = 0x0013
CREATOR = "PHIMASK"
HASH_ELEMENT = 0x00  # (0013,xx00): the vault message hash


class FixedSpans(KnownEntities):
    """A detector that returns the entities it was given (for one known text)."""

    name = "dicom-header"


def _kind(tag: int) -> EntityType:
    from pydicom.datadict import dictionary_keyword, dictionary_VR

    try:
        vr, keyword = dictionary_VR(tag), dictionary_keyword(tag)
    except KeyError:
        return EntityType.OTHER
    if vr == "PN":
        return EntityType.NAME
    if vr in ("DA", "DT", "TM"):
        return EntityType.DATE
    if vr == "AS":
        return EntityType.AGE
    if "Address" in keyword:
        return EntityType.ADDRESS
    if "Telephone" in keyword:
        return EntityType.PHONE_OR_FAX
    identifier = vr == "UI" or keyword.endswith(("ID", "IDs", "Number", "UID"))
    return EntityType.ID if identifier else EntityType.OTHER


def manifest(report: HeaderReport, instance_uid: str) -> tuple[str, list[Entity]]:
    """The original-values manifest and the spans of its values."""
    implicit, little = report.encoding
    lines = [MANIFEST, f"instance {instance_uid}", f"encoding {int(implicit)} {int(little)}"]
    entities: list[Entity] = []
    cursor = sum(len(line) + 1 for line in lines)
    rows = [("meta", tag, raw) for tag, raw in sorted(report.file_meta_originals.items())]
    rows += [("element", tag, raw) for tag, raw in sorted(report.originals.items())]
    for where, tag, raw in rows:
        prefix = f"{where} {tag:08X} "
        value = base64.b64encode(raw).decode("ascii")
        begin = cursor + len(prefix)
        entities.append(Entity(begin, begin + len(value), _kind(tag), 1.0, value))
        lines.append(prefix + value)
        cursor += len(lines[-1]) + 1
    lines.extend(f"added {tag:08X}" for tag in report.added)
    return "\n".join(lines), entities


def store_header(dataset: Dataset, report: HeaderReport, vault: Vault, scope: str) -> str:
    """Keep the originals in ``vault``; mark ``dataset`` with the message hash."""
    from phimask.deid import deidentify

    text, entities = manifest(report, str(dataset.get("SOPInstanceUID", "")))
    result = deidentify(text, vault, scope, detector=FixedSpans(entities), threshold=0.0)
    block = dataset.private_block(PRIVATE_GROUP, CREATOR, create=True)
    block.add_new(HASH_ELEMENT, "LO", result.message_hash)
    return result.message_hash


def message_hash(dataset: Dataset) -> str:
    """The vault message hash a de-identified file carries."""
    try:
        value = dataset.private_block(PRIVATE_GROUP, CREATOR)[HASH_ELEMENT].value
    except (KeyError, ValueError):
        raise CorruptImage("the DICOM file carries no phimask vault reference "
                           "(it was not de-identified reversibly)") from None
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    return text.strip("\0 ")


def reidentify_header(dataset: Dataset, vault: Vault, caller: str) -> None:
    """Restore the original header of a de-identified ``dataset`` in place (audited)."""
    from phimask.deid import reidentify

    hashed = message_hash(dataset)
    text = reidentify(vault, message_hash=hashed, caller=caller)
    lines = text.split("\n")
    if not lines or lines[0] != MANIFEST:
        raise CorruptImage("the vault entry is not a DICOM header manifest")
    block = dataset.private_block(PRIVATE_GROUP, CREATOR)
    del dataset[block.get_tag(HASH_ELEMENT)]
    del dataset[(PRIVATE_GROUP << 16) | (block.block_start >> 8)]
    encoding = tuple(field == "1" for field in lines[2].split(" ")[1:3])
    for line in lines[3:]:
        where, tag_hex, *rest = line.split(" ")
        tag = int(tag_hex, 16)
        if where == "added":
            if tag in dataset:
                del dataset[tag]
        elif where == "element":
            dataset[tag] = _decode(base64.b64decode(rest[0]), tag, encoding[0], encoding[1])
        else:
            dataset.file_meta[tag] = _decode(base64.b64decode(rest[0]), tag, False, True)


def _decode(raw: bytes, tag: int, implicit: bool, little: bool) -> Any:
    import io

    from pydicom.filereader import read_dataset

    return read_dataset(io.BytesIO(raw), implicit, little).get_item(tag)
