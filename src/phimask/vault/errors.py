"""Vault and key errors. Messages name the problem and, at most, a message hash or an
offset: never a value, a token's original or a scope name."""

from __future__ import annotations

from phimask.errors import PhimaskError


class VaultError(PhimaskError):
    """Base class for vault failures."""

    code = "VaultError"


class MessageNotFoundError(VaultError):
    """No de-identified message with this hash is stored."""

    code = "MessageNotFound"


class UnresolvedTokenError(VaultError):
    """A token in the text has no mapping in the vault; nothing is guessed."""

    code = "UnresolvedToken"


class VaultIntegrityError(VaultError):
    """Stored rows disagree with each other or fail authentication."""

    code = "VaultIntegrity"


class MessageConflictError(VaultError):
    """Two different originals would share one de-identified text."""

    code = "MessageConflict"


class KeyFileError(VaultError):
    """The local key file is missing a key, unreadable or too widely readable."""

    code = "KeyFile"
