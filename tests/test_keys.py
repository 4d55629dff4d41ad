"""The local key file and key rotation."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from phimask.deid import deidentify, reidentify
from phimask.entities import Entity, EntityType
from phimask.keys import KEY_FILE, LocalKeys, rotate
from phimask.vault.errors import KeyFileError, VaultIntegrityError
from phimask.vault.sqlite import SQLiteVault

NAMES = ["Oswin Hartigan", "Perpetua Lindqvist", "Radomir Achterberg"]


class NamesDetector:
    name = "names"

    def detect(self, text: str) -> list[Entity]:
        return [Entity(text.index(n), text.index(n) + len(n), EntityType.NAME, 0.9, n)
                for n in NAMES if n in text]


DETECTOR = NamesDetector()


def test_key_file_is_created_on_first_use_owner_only(tmp_path: Path) -> None:
    keys = LocalKeys.open(tmp_path / "home")
    path = tmp_path / "home" / KEY_FILE

    assert keys.path == path and stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert len(base64.b64decode(data["masterSalt"])) == 32 and list(data["keks"]) == [keys.active_kek]
    assert LocalKeys.open(tmp_path / "home").scope_salt("a") == keys.scope_salt("a")  # persistent
    assert keys.scope_salt("a") != keys.scope_salt("b")


def test_concurrent_first_use_creates_one_key_file(tmp_path: Path) -> None:
    salts: list[bytes] = []
    threads = [threading.Thread(target=lambda: salts.append(LocalKeys.open(tmp_path).scope_salt("x")))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(salts) == 8 and len(set(salts)) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    keys = LocalKeys.open(tmp_path)
    os.chmod(keys.path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        LocalKeys.open(tmp_path)


def test_a_corrupt_key_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    keys = LocalKeys.open(tmp_path)
    keys.path.write_text('{"format": "phimask-keys/1", "keks": {}, "masterSalt": "c2VjcmV0"}')
    with pytest.raises(KeyFileError, match="corrupt") as caught:
        LocalKeys.open(tmp_path)
    assert "c2VjcmV0" not in str(caught.value)


def test_data_keys_are_bound_to_their_context(tmp_path: Path) -> None:
    keys = LocalKeys.open(tmp_path)
    key = keys.new_data_key("message-a")
    assert keys.open_data_key(key.key_id, key.wrapped, "message-a") == key.plaintext
    with pytest.raises(VaultIntegrityError):
        keys.open_data_key(key.key_id, key.wrapped, "message-b")
    assert key.plaintext.hex() not in repr(key)


def test_rotate_rewraps_every_row_and_deletes_the_old_key(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vault = SQLiteVault.open(home)
    notes = [f"{name} was seen by {NAMES[(i + 1) % 3]}." for i, name in enumerate(NAMES)]
    results = [deidentify(note, vault, "cohort", detector=DETECTOR) for note in notes]
    old_kek = vault.keys.active_kek
    old = vault._query(results[0].message_hash)[0]
    vault.close()

    done = rotate(home)

    assert done.retired_keks == (old_kek,) and done.active_kek != old_kek
    assert done.rewrapped_rows == 3 * 4  # per note: header, text chunk, two entity rows
    keys = LocalKeys.open(home)
    assert keys.kek_ids == (done.active_kek,) and old_kek not in keys.path.read_text()
    with pytest.raises(KeyFileError):
        keys.open_data_key(old_kek, base64.b64decode(str(old["wrappedKey"])), results[0].message_hash)
    vault = SQLiteVault.open(home)
    try:
        for note, result in zip(notes, results, strict=True):
            assert reidentify(vault, message_hash=result.message_hash) == note
        assert deidentify(notes[0], vault, "cohort", detector=DETECTOR) == results[0]  # same tokens
        rows = vault._query(results[0].message_hash)
        assert {r["keyId"] for r in rows if "keyId" in r} == {done.active_kek}
    finally:
        vault.close()


def test_a_writer_holding_the_retired_key_still_writes_readable_rows(tmp_path: Path) -> None:
    home = tmp_path / "home"
    stale = SQLiteVault.open(home)  # loaded the key file before the rotation
    rotate(home)
    result = deidentify(f"{NAMES[0]} called.", stale, detector=DETECTOR)
    stale.close()

    fresh = SQLiteVault.open(home)
    try:
        assert reidentify(fresh, message_hash=result.message_hash) == f"{NAMES[0]} called."
    finally:
        fresh.close()
