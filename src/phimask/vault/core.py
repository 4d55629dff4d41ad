"""Vault logic shared by the adapters, written against four storage primitives."""

from __future__ import annotations

import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from phimask.entities import EntityType
from phimask.tokens import candidate_tokens
from phimask.vault import schema
from phimask.vault.base import AuditEntry, PendingMessage, StoredEntity, StoredMessage, StoreOutcome
from phimask.vault.crypto import DataKey, Keyring, SaltSource, b64d, unseal
from phimask.vault.errors import MessageNotFoundError, VaultIntegrityError
from phimask.vault.schema import Item

log = logging.getLogger(__name__)
_TOKEN_CACHE_LIMIT = 100_000


class ItemVault(ABC):
    """A :class:`~phimask.vault.base.Vault` over conditional item writes.

    Adapters provide ``_put_if_absent`` (write unless the key exists; return the existing
    item), ``_query`` (all items of a message hash), ``_put_audit`` and optionally
    ``_transaction``/``_fresh_key``.
    """

    def __init__(self, keyring: Keyring, salts: SaltSource) -> None:
        self._keyring = keyring
        self._salts = salts
        self._tokens: dict[tuple[str, str], str] = {}

    @abstractmethod
    def _put_if_absent(self, item: Item) -> Item | None: ...

    def _put_all_if_absent(self, items: Sequence[Item]) -> list[Item | None]:
        """``_put_if_absent`` for each item (adapters may batch)."""
        return [self._put_if_absent(item) for item in items]

    @abstractmethod
    def _query(self, message_hash: str) -> list[Item]: ...

    @abstractmethod
    def _put_audit(self, item: Item) -> None: ...

    @contextmanager
    def _transaction(self) -> Iterator[object]:
        yield None

    def _fresh_key(self, key: DataKey, context: str) -> DataKey:
        """Hook run inside the write transaction: re-wrap ``key`` if its wrapping went stale."""
        return key

    def scope_salt(self, scope: str) -> bytes:
        return self._salts.scope_salt(scope)

    def resolve_tokens(self, scope_id: str, hashes: Sequence[tuple[EntityType, str]]) -> dict[str, str]:
        resolved = {h: self._tokens[(scope_id, h)] for _, h in hashes if (scope_id, h) in self._tokens}
        todo = {h: t for t, h in hashes if h not in resolved}
        with self._transaction():
            firsts = [schema.token_item(scope_id, candidate_tokens(t, h)[0], h) for h, t in todo.items()]
            for (full_hash, entity_type), item, existing in zip(
                    todo.items(), firsts, self._put_all_if_absent(firsts), strict=True):
                if existing is None or existing.get("valueDigest") == full_hash:
                    resolved[full_hash] = str(item["token"])
                else:
                    resolved[full_hash] = self._longer_token(scope_id, entity_type, full_hash)
        if len(self._tokens) + len(todo) > _TOKEN_CACHE_LIMIT:
            self._tokens.clear()
        self._tokens.update({(scope_id, h): resolved[h] for h in todo})
        return resolved

    def _longer_token(self, scope_id: str, entity_type: EntityType, full_hash: str) -> str:
        """After a collision on the shortest token: the first longer one that is free or ours."""
        log.info("token collision in a scope; using a longer digest")
        for token in candidate_tokens(entity_type, full_hash)[1:]:
            existing = self._put_if_absent(schema.token_item(scope_id, token, full_hash))
            if existing is None or existing.get("valueDigest") == full_hash:
                return token
        raise VaultIntegrityError("token registry holds a different value for a full-length digest")

    def store(self, message: PendingMessage) -> StoreOutcome:
        key = self._keyring.new_data_key(message.message_hash)
        with self._transaction():
            key = self._fresh_key(key, message.message_hash)
            header = schema.header_item(message, key)
            existing = self._put_if_absent(header)
            if existing is not None and existing.get("valueDigest") != header["valueDigest"]:
                return StoreOutcome.CONFLICT
            items = schema.body_items(message, key)
            for item, stored in zip(items, self._put_all_if_absent(items), strict=True):
                if stored is not None and not schema.same_mapping(stored, item):
                    raise VaultIntegrityError("a stored entity row disagrees with this message")
        log.debug("stored message with %d entities", len(message.entities))
        return StoreOutcome.STORED if existing is None else StoreOutcome.ALREADY_STORED

    def load(self, message_hash: str) -> StoredMessage:
        items = self._query(message_hash)
        header = next((i for i in items if i[schema.SK] == schema.HEADER_SK), None)
        if header is None:
            raise MessageNotFoundError("no de-identified message with this messageHash in the vault")
        chunks = sorted((i for i in items if i[schema.KIND] == "text"), key=lambda i: str(i[schema.SK]))
        if len(chunks) != int(header["chunkCount"]):
            raise VaultIntegrityError(
                "stored message is incomplete (an interrupted write); repeat the de-identify request")
        keys: dict[tuple[str, str], bytes] = {}
        text = "".join(self._decrypt(i, keys) for i in chunks)
        entities = tuple(
            StoredEntity(str(i["token"]), int(i["deidBegin"]), self._decrypt(i, keys))
            for i in items if i[schema.KIND] == "entity"
        )
        if schema.sha3_hex(text) != message_hash:
            raise VaultIntegrityError("stored text does not match its messageHash")
        return StoredMessage(message_hash, text, int(header["tokenCount"]), entities)

    def _decrypt(self, item: Item, keys: dict[tuple[str, str], bytes]) -> str:
        ref = (str(item["keyId"]), str(item["wrappedKey"]))
        if ref not in keys:
            keys[ref] = self._keyring.open_data_key(ref[0], b64d(ref[1]), str(item[schema.PK]))
        plain = unseal(keys[ref], b64d(str(item["ciphertext"])), schema.aad(item))
        return plain.decode("utf-8")

    def record_audit(self, entry: AuditEntry) -> None:
        self._put_audit(schema.audit_item(entry, uuid.uuid4().hex))
