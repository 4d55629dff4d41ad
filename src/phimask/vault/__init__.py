"""The vault: encrypted token -> original mappings and the re-identification audit trail.

Adapters: :class:`~phimask.vault.sqlite.SQLiteVault` (local default) and
:class:`~phimask.vault.dynamodb.DynamoDBVault` (DynamoDB + KMS), imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from phimask.vault.base import AuditEntry, StoreOutcome, Vault
from phimask.vault.errors import (
    KeyFileError,
    MessageConflictError,
    MessageNotFoundError,
    UnresolvedTokenError,
    VaultError,
    VaultIntegrityError,
)

if TYPE_CHECKING:
    from phimask.vault.dynamodb import DynamoDBVault
    from phimask.vault.sqlite import SQLiteVault

__all__ = [
    "AuditEntry",
    "DynamoDBVault",
    "KeyFileError",
    "MessageConflictError",
    "MessageNotFoundError",
    "SQLiteVault",
    "StoreOutcome",
    "UnresolvedTokenError",
    "Vault",
    "VaultError",
    "VaultIntegrityError",
]


def __getattr__(name: str) -> Any:
    if name == "SQLiteVault":
        from phimask.vault.sqlite import SQLiteVault

        return SQLiteVault
    if name == "DynamoDBVault":
        from phimask.vault.dynamodb import DynamoDBVault

        return DynamoDBVault
    raise AttributeError(name)
