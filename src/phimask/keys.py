"""Local key management: the key file in ``$PHIMASK_HOME`` and key rotation.

The key file (``keys.json``, mode 0600, created on first use) holds the master salt that
per-scope salts are derived from (``HMAC-SHA3-256(master, "scope" 0x1f scope)``) and the
key-encryption keys (KEKs) that wrap each message's data key (AES-256-GCM). The master
salt never changes (tokens must stay linkable); ``rotate`` replaces the KEKs.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phimask.vault.crypto import KEY_BYTES, DataKey, b64d, b64e, derive_scope_salt, seal, unseal
from phimask.vault.errors import KeyFileError, VaultIntegrityError

KEY_FILE = "keys.json"
FORMAT = "phimask-keys/1"


def phimask_home() -> Path:
    """``$PHIMASK_HOME``, else ``$XDG_DATA_HOME/phimask``, else ``~/.local/share/phimask``."""
    configured = os.environ.get("PHIMASK_HOME")
    if configured:
        return Path(configured).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "phimask"


def ensure_home(home: Path) -> Path:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return home


def _new_kek_id() -> str:
    return f"kek-{secrets.token_hex(6)}"


@dataclass(frozen=True, slots=True)
class Rotation:
    """What ``rotate`` did (ids only)."""

    active_kek: str
    retired_keks: tuple[str, ...]
    rewrapped_rows: int


class LocalKeys:
    """The local key file: a Keyring (data keys wrapped by KEKs) and a SaltSource."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._master = b""
        self._keks: dict[str, bytes] = {}
        self.active_kek = ""
        if not path.exists():
            _create(path)
        self.reload()

    @classmethod
    def open(cls, home: Path | None = None) -> LocalKeys:
        return cls(ensure_home(home or phimask_home()) / KEY_FILE)

    def __repr__(self) -> str:
        return f"LocalKeys({str(self.path)!r}, active_kek={self.active_kek!r})"

    @property
    def kek_ids(self) -> tuple[str, ...]:
        return tuple(self._keks)

    def reload(self) -> None:
        data = _read(self.path)
        try:
            self._master = b64d(data["masterSalt"])
            self._keks = {str(k): b64d(v) for k, v in data["keks"].items()}
            self.active_kek = str(data["activeKek"])
        except (KeyError, TypeError, AttributeError, VaultIntegrityError):
            raise KeyFileError(f"key file {self.path} is corrupt") from None
        if len(self._master) != KEY_BYTES or self.active_kek not in self._keks:
            raise KeyFileError(f"key file {self.path} is corrupt")

    def scope_salt(self, scope: str) -> bytes:
        return derive_scope_salt(self._master, scope)

    def new_data_key(self, context: str) -> DataKey:
        return self.wrap(secrets.token_bytes(KEY_BYTES), context)

    def wrap(self, plaintext: bytes, context: str, kek_id: str | None = None) -> DataKey:
        """Wrap a data key with ``kek_id`` (default: the active KEK)."""
        kek_id = kek_id or self.active_kek
        return DataKey(plaintext, kek_id, seal(self._kek(kek_id), plaintext, f"{kek_id}|{context}"))

    def open_data_key(self, key_id: str, wrapped: bytes, context: str) -> bytes:
        return unseal(self._kek(key_id), wrapped, f"{key_id}|{context}")

    def _kek(self, kek_id: str) -> bytes:
        if kek_id not in self._keks:
            self.reload()  # another process may have rotated
        try:
            return self._keks[kek_id]
        except KeyError:
            raise KeyFileError(f"key file {self.path} lacks the key-encryption key {kek_id}") from None

    def add_kek(self) -> str:
        """Add a fresh KEK and make it active (older ones stay until retired)."""
        kek_id = _new_kek_id()
        data = _read(self.path)
        data["keks"][kek_id] = b64e(secrets.token_bytes(KEY_BYTES))
        data["activeKek"] = kek_id
        _replace(self.path, data)
        self.reload()
        return kek_id

    def retire_all_but(self, keep: str) -> tuple[str, ...]:
        """Delete every KEK except ``keep`` from the key file."""
        data = _read(self.path)
        retired = tuple(k for k in data["keks"] if k != keep)
        data["keks"] = {keep: data["keks"][keep]}
        data["activeKek"] = keep
        _replace(self.path, data)
        self.reload()
        return retired

    @contextmanager
    def locked(self) -> Iterator[None]:
        """An exclusive lock beside the key file (one rotation at a time)."""
        lock_path = self.path.with_suffix(".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def rotate(home: Path | None = None) -> Rotation:
    """New KEK; re-wrap every data key in the local vault; delete the old KEKs.

    Safe to interrupt: old KEKs are deleted only after every row is re-wrapped, in one
    transaction, and writers re-wrap with the KEK the vault records as active.
    """
    from phimask.vault.sqlite import SQLiteVault

    vault = SQLiteVault.open(home)
    try:
        return vault.rotate_keys()
    finally:
        vault.close()


def _create(path: Path) -> None:
    kek_id = _new_kek_id()
    data = {"format": FORMAT, "masterSalt": b64e(secrets.token_bytes(KEY_BYTES)),
            "activeKek": kek_id, "keks": {kek_id: b64e(secrets.token_bytes(KEY_BYTES))}}
    temp = _write_temp(path, data)
    try:
        os.link(temp, path)  # atomic, and never overwrites a key file another process made
    except FileExistsError:
        pass
    finally:
        temp.unlink()


def _replace(path: Path, data: dict[str, Any]) -> None:
    os.replace(_write_temp(path, data), path)


def _write_temp(path: Path, data: dict[str, Any]) -> Path:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _read(path: Path) -> dict[str, Any]:
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(f"key file {path} is accessible to other users; run: chmod 600 {path}")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} is missing") from None
    except (OSError, ValueError):
        raise KeyFileError(f"key file {path} cannot be read") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("keks"), dict):
        raise KeyFileError(f"key file {path} is corrupt")
    return data
