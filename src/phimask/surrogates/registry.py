"""Who owns which surrogate in a scope: in memory (one-way masking) or in the vault.

The vault registry reuses the vault's collision-checked token registry (no new table or
vault method): a claim is registered as the full hash ``slot[:12] + SHA3-256(owner)[:52]``,
``slot`` being ``HMAC-SHA3-256(scope salt, namespace, surrogate)``, in a scope id of its own
(so the registry holds no surrogate in plain text either). The vault hands back the 12-digit
token when that slot is free or already ours, and a longer token when another value owns
it — which is how a refusal is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from phimask.entities import EntityType
from phimask.surrogates.atoms import Claim
from phimask.tokens import candidate_tokens, keyed_hash, scope_id
from phimask.vault.base import Vault
from phimask.vault.schema import sha3_hex


class Registry(Protocol):
    def claim(self, claims: Sequence[Claim]) -> set[int]:
        """Register ``claims``; the indices of those another owner already holds."""
        ...


class MemoryRegistry:
    """Claims kept in this process (for one-way surrogate masking)."""

    def __init__(self) -> None:
        self._owners: dict[tuple[str, str], str] = {}

    def claim(self, claims: Sequence[Claim]) -> set[int]:
        refused: set[int] = set()
        for index, claim in enumerate(claims):
            if self._owners.setdefault(claim.key, claim.owner) != claim.owner:
                refused.add(index)
        if len(self._owners) > 500_000:
            self._owners.clear()
        return refused


class VaultRegistry:
    """Claims kept in the vault's token registry, so they hold across runs and processes."""

    def __init__(self, vault: Vault, salt: bytes) -> None:
        self._vault = vault
        self._scope_id = scope_id(salt) + "-surrogates"
        self._salt = salt

    def claim(self, claims: Sequence[Claim]) -> set[int]:
        if not claims:
            return set()
        hashes = [self._full_hash(c) for c in claims]
        tokens = self._vault.resolve_tokens(self._scope_id, [(EntityType.OTHER, h) for h in hashes])
        return {i for i, h in enumerate(hashes) if tokens[h] != candidate_tokens(EntityType.OTHER, h)[0]}

    def _full_hash(self, claim: Claim) -> str:
        namespace, surrogate = claim.key
        slot = keyed_hash(self._salt, "surrogate-slot", namespace, surrogate)[:12]
        return slot + sha3_hex(claim.owner)[:52]
