"""Envelope encryption: AES-256-GCM (pycryptodome) under per-message data keys, which a
Keyring wraps (local key-encryption key or KMS). Also the SaltSource port."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Protocol

from Crypto.Cipher import AES

from phimask.vault.errors import VaultIntegrityError

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True, slots=True, repr=False)
class DataKey:
    """A data key: ``plaintext`` never leaves memory; ``wrapped`` is stored beside the data."""

    plaintext: bytes
    key_id: str
    wrapped: bytes


class Keyring(Protocol):
    """Makes and opens wrapped data keys. ``context`` (a message hash) is bound to the wrap."""

    def new_data_key(self, context: str) -> DataKey: ...

    def open_data_key(self, key_id: str, wrapped: bytes, context: str) -> bytes: ...


class SaltSource(Protocol):
    """Secret per-scope salts, kept outside the vault table."""

    def scope_salt(self, scope: str) -> bytes: ...


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:
        raise VaultIntegrityError("stored ciphertext is not valid base64") from None


def seal(key: bytes, plaintext: bytes, aad: str) -> bytes:
    """AES-GCM: ``nonce | ciphertext | tag``."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=TAG_BYTES)
    cipher.update(aad.encode("utf-8"))
    body, tag = cipher.encrypt_and_digest(plaintext)
    return nonce + body + tag


def unseal(key: bytes, sealed: bytes, aad: str) -> bytes:
    """Inverse of :func:`seal`; raises VaultIntegrityError if anything was altered."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise VaultIntegrityError("stored ciphertext is truncated")
    nonce, body, tag = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:-TAG_BYTES], sealed[-TAG_BYTES:]
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=TAG_BYTES)
    cipher.update(aad.encode("utf-8"))
    try:
        return cipher.decrypt_and_verify(body, tag)
    except ValueError:
        raise VaultIntegrityError("stored ciphertext failed authentication") from None


def derive_scope_salt(master: bytes, scope: str) -> bytes:
    """``HMAC-SHA3-256(master, "scope" 0x1f scope)``: one salt per scope from one master secret."""
    return hmac.new(master, f"scope\x1f{scope}".encode(), hashlib.sha3_256).digest()
