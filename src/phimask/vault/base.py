"""The Vault port and the records that cross it.

Records holding original values have no ``repr`` of their fields, so they cannot leak
PHI into logs or tracebacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from phimask.entities import EntityType


@dataclass(frozen=True, slots=True, repr=False)
class PendingEntity:
    """One replaced span: ``original[begin:end] == value`` became ``token`` at ``deid_begin``."""

    token: str
    type: EntityType
    begin: int
    end: int
    deid_begin: int
    value: str
    value_digest: str


@dataclass(frozen=True, slots=True, repr=False)
class PendingMessage:
    """Everything a vault stores for one de-identified text."""

    message_hash: str
    deidentified_text: str
    scope_id: str
    original_digest: str
    entities: tuple[PendingEntity, ...]


@dataclass(frozen=True, slots=True, repr=False)
class StoredEntity:
    token: str
    deid_begin: int
    value: str


@dataclass(frozen=True, slots=True, repr=False)
class StoredMessage:
    """A message read back and decrypted."""

    message_hash: str
    deidentified_text: str
    token_count: int
    entities: tuple[StoredEntity, ...]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who re-identified which message, when, and how it ended. No PHI."""

    message_hash: str
    caller: str
    requested_at: str
    token_count: int
    outcome: str


class StoreOutcome(StrEnum):
    STORED = "stored"
    ALREADY_STORED = "already-stored"
    CONFLICT = "conflict"  # another original owns this de-identified text


class Vault(Protocol):
    """Keeps token -> original mappings encrypted, and the re-identification audit trail."""

    def scope_salt(self, scope: str) -> bytes:
        """The secret salt of ``scope`` (never stored in the vault table)."""
        ...

    def resolve_tokens(self, scope_id: str, hashes: Sequence[tuple[EntityType, str]]) -> dict[str, str]:
        """Collision-checked tokens for full entity hashes: ``{full_hash: token}``."""
        ...

    def store(self, message: PendingMessage) -> StoreOutcome:
        """Write a message and its entities; conditional and idempotent."""
        ...

    def load(self, message_hash: str) -> StoredMessage:
        """Read and decrypt a message (MessageNotFoundError if absent)."""
        ...

    def record_audit(self, entry: AuditEntry) -> None:
        """Append one audit record."""
        ...
