"""Resource ids and references: keyed pseudonyms, so that ``Patient/123``, the Patient's
``id`` and a ``urn:uuid:`` full URL keep pointing at each other after de-identification."""

from __future__ import annotations

import re

from phimask.tokens import keyed_hash

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_RELATIVE = re.compile(r"(?P<base>(?:https?://[^\s]*/)?)(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})"
                       r"(?P<history>/_history/[A-Za-z0-9\-.]{1,64})?")


def pseudo_id(salt: bytes, value: str) -> str:
    """A FHIR id for ``value``: a UUID stays UUID-shaped (version 4), others get 16 hex digits."""
    digest = keyed_hash(salt, "fhir-id", value.lower() if _UUID.fullmatch(value) else value)
    if _UUID.fullmatch(value):
        variant = "89ab"[int(digest[16], 16) % 4]
        return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:32]}"
    return digest[:16]


def pseudo_reference(salt: bytes, value: str) -> str | None:
    """``Type/id``, ``https://base/Type/id[/_history/v]``, ``urn:uuid:...`` or ``#local``
    with its id replaced; ``None`` for anything else (a search URL: free text)."""
    if value.startswith("urn:uuid:") and _UUID.fullmatch(value[9:]):
        return "urn:uuid:" + pseudo_id(salt, value[9:])
    if value.startswith("#") and len(value) > 1:
        return "#" + pseudo_id(salt, value[1:])
    if value.startswith("urn:oid:"):
        return value
    match = _RELATIVE.fullmatch(value)
    if match is None:
        return None
    return f"{match['base']}{match['type']}/{pseudo_id(salt, match['id'])}{match['history'] or ''}"
