"""The one item schema both vault adapters store (DynamoDB items, SQLite rows).

Main table, key (``messageHash``, ``entityHash``):

- ``message`` header: ``messageHash`` = SHA3-256 hex of the de-identified text,
  ``entityHash`` = ``"message"``; keyed digest of the original text, token and chunk counts.
- ``text`` chunks: ``entityHash`` = ``"text#0000"``...; the de-identified text, encrypted
  (it may still hold PHI the detector missed).
- ``entity`` rows: ``entityHash`` = SHA3-256 hex of ``token@deidBegin``; the original value
  encrypted, its type, offsets and a keyed digest of it.
- ``token`` registry: ``messageHash`` = ``token#<scopeId>#<token>``, ``entityHash`` =
  ``"token"``; the full keyed entity hash that owns the token (collision check).

Audit table, key (``messageHash``, ``auditKey``): caller, time, token count, outcome.

Ciphertexts are base64 of AES-GCM ``nonce | ciphertext | tag`` with ``messageHash|entityHash``
as associated data; ``wrappedKey``/``keyId`` are the message's data key as its keyring
wrapped it. Nothing here is plaintext PHI.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Final

from phimask.vault.base import AuditEntry, PendingEntity, PendingMessage
from phimask.vault.crypto import DataKey, b64e, seal

Item = dict[str, str | int]

PK: Final = "messageHash"
SK: Final = "entityHash"
AUDIT_SK: Final = "auditKey"
KIND: Final = "kind"
HEADER_SK: Final = "message"
TOKEN_SK: Final = "token"
CHUNK_PREFIX: Final = "text#"
CHUNK_CHARS: Final = 64 * 1024  # keeps every item far below DynamoDB's 400 KB limit

# attribute -> DynamoDB scalar type ("S" or "N"); SQLite columns are made from this too.
MAIN_ATTRIBUTES: Final = {
    PK: "S", SK: "S", KIND: "S", "scopeId": "S", "token": "S", "entityType": "S",
    "begin": "N", "end": "N", "deidBegin": "N", "valueDigest": "S", "ciphertext": "S",
    "wrappedKey": "S", "keyId": "S", "tokenCount": "N", "chunkCount": "N", "createdAt": "S",
}
AUDIT_ATTRIBUTES: Final = {
    PK: "S", AUDIT_SK: "S", "caller": "S", "requestedAt": "S", "tokenCount": "N", "outcome": "S",
}
# attributes that must agree when a conditional write finds a row already there
_SAME_MAPPING = (KIND, "scopeId", "token", "entityType", "begin", "end", "deidBegin", "valueDigest")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def sha3_hex(text: str) -> str:
    return hashlib.sha3_256(text.encode("utf-8")).hexdigest()


def aad(item: Item) -> str:
    return f"{item[PK]}|{item[SK]}"


def token_item(scope_id: str, token: str, full_hash: str) -> Item:
    return {PK: f"token#{scope_id}#{token}", SK: TOKEN_SK, KIND: "token", "scopeId": scope_id,
            "token": token, "valueDigest": full_hash, "createdAt": now()}


def header_item(message: PendingMessage, key: DataKey) -> Item:
    return {PK: message.message_hash, SK: HEADER_SK, KIND: "message", "scopeId": message.scope_id,
            "valueDigest": message.original_digest, "tokenCount": len(message.entities),
            "chunkCount": chunk_count(message.deidentified_text), **_key_attributes(key),
            "createdAt": now()}


def chunk_count(text: str) -> int:
    return max(1, -(-len(text) // CHUNK_CHARS))


def body_items(message: PendingMessage, key: DataKey) -> list[Item]:
    """Encrypted text chunks and entity rows of ``message``."""
    items: list[Item] = []
    text = message.deidentified_text
    for index in range(chunk_count(text)):
        item: Item = {PK: message.message_hash, SK: f"{CHUNK_PREFIX}{index:04d}", KIND: "text",
                      **_key_attributes(key), "createdAt": now()}
        piece = text[index * CHUNK_CHARS:(index + 1) * CHUNK_CHARS]
        item["ciphertext"] = b64e(seal(key.plaintext, piece.encode("utf-8"), aad(item)))
        items.append(item)
    for entity in message.entities:
        items.append(_entity_item(message, entity, key))
    return items


def _entity_item(message: PendingMessage, entity: PendingEntity, key: DataKey) -> Item:
    item: Item = {
        PK: message.message_hash, SK: sha3_hex(f"{entity.token}@{entity.deid_begin}"),
        KIND: "entity", "scopeId": message.scope_id, "token": entity.token,
        "entityType": entity.type.value, "begin": entity.begin, "end": entity.end,
        "deidBegin": entity.deid_begin, "valueDigest": entity.value_digest,
        **_key_attributes(key), "createdAt": now(),
    }
    item["ciphertext"] = b64e(seal(key.plaintext, entity.value.encode("utf-8"), aad(item)))
    return item


def _key_attributes(key: DataKey) -> Item:
    return {"wrappedKey": b64e(key.wrapped), "keyId": key.key_id}


def same_mapping(stored: Item, new: Item) -> bool:
    """Whether an existing row maps the same value as ``new`` (ciphertexts differ by nonce)."""
    return all(stored.get(name) == new.get(name) for name in _SAME_MAPPING)


def audit_item(entry: AuditEntry, unique: str) -> Item:
    return {PK: entry.message_hash, AUDIT_SK: f"{entry.requested_at}#{unique}",
            "caller": entry.caller, "requestedAt": entry.requested_at,
            "tokenCount": entry.token_count, "outcome": entry.outcome}
