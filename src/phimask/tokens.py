"""Pseudonymous tokens for reversible de-identification.

Format: ``[[TYPE:digest]]`` -- ``TYPE`` is an entity type name (``NAME``, ``PHONE_OR_FAX``...)
and ``digest`` the first 12 (on a collision 16, 20, 24, 32 or 64) lowercase hex digits of
``HMAC-SHA3-256(scope_salt, mode + "\\x1f" + TYPE + "\\x1f" + value)``. Example:
``[[NAME:3f9a1c2b7d4e]]``.

In ``linked`` mode the value is normalized first (NFKC, case-folded, whitespace collapsed;
separators dropped for phone numbers and IDs) so that "SALAZAR" and "Salazar" share a
token within a scope; ``exact`` mode hashes the value as written.

Tokens cannot overlap or run into one another: the digest has no brackets or colons, so
every match of :data:`TOKEN_RE` in a de-identified text is exactly one token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from phimask.entities import EntityType

DIGEST_LENGTHS = (12, 16, 20, 24, 32, 64)
TOKEN_RE = re.compile(
    r"\[\[(" + "|".join(t.value for t in EntityType) + r"):([0-9a-f]{12,64})\]\]"
)
_WHITESPACE = re.compile(r"\s+")
_SEPARATED_TYPES = {EntityType.PHONE_OR_FAX, EntityType.ID}


class HashMode(StrEnum):
    """How a value is prepared before hashing."""

    LINKED = "linked"
    EXACT = "exact"


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One token found in a text: ``text[begin:end] == token``."""

    begin: int
    end: int
    type: EntityType
    digest: str

    @property
    def token(self) -> str:
        return format_token(self.type, self.digest)


def normalize(entity_type: EntityType, value: str) -> str:
    """The linkage form of ``value``: NFKC, case-folded, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    if entity_type in _SEPARATED_TYPES:
        compact = "".join(ch for ch in folded if ch.isalnum())
        if compact:
            return compact
    return _WHITESPACE.sub(" ", folded).strip()


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA3-256 hex of ``parts`` joined by the unit separator."""
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha3_256).hexdigest()


def entity_hash(salt: bytes, entity_type: EntityType, value: str, mode: HashMode) -> str:
    """The full (64 hex digit) keyed hash a token digest is cut from."""
    prepared = normalize(entity_type, value) if mode is HashMode.LINKED else value
    return keyed_hash(salt, mode.value, entity_type.value, prepared)


def scope_id(salt: bytes) -> str:
    """An identifier for a scope that reveals neither its name nor its salt."""
    return keyed_hash(salt, "scope-id")[:32]


def format_token(entity_type: EntityType, digest: str) -> str:
    return f"[[{entity_type.value}:{digest}]]"


def candidate_tokens(entity_type: EntityType, full_hash: str) -> list[str]:
    """Tokens to try in order: the shortest first, longer ones after a collision."""
    return [format_token(entity_type, full_hash[:n]) for n in DIGEST_LENGTHS]


def find_tokens(text: str) -> list[TokenMatch]:
    """Every token in ``text``, in order."""
    return [
        TokenMatch(m.start(), m.end(), EntityType(m.group(1)), m.group(2))
        for m in TOKEN_RE.finditer(text)
    ]
