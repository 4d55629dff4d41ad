"""SQLite vault adapter: the local default, a file in ``$PHIMASK_HOME`` beside the key file."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from phimask.keys import LocalKeys, Rotation, ensure_home, phimask_home
from phimask.vault import schema
from phimask.vault.core import ItemVault
from phimask.vault.crypto import DataKey, b64d, b64e
from phimask.vault.schema import Item

VAULT_FILE = "vault.sqlite3"
_SQL_TYPES = {"S": "TEXT", "N": "INTEGER"}


def _ddl(table: str, attributes: dict[str, str], sort_key: str) -> str:
    columns = ", ".join(f'"{name}" {_SQL_TYPES[kind]}' for name, kind in attributes.items())
    return (f'CREATE TABLE IF NOT EXISTS {table} ({columns}, '
            f'PRIMARY KEY ("{schema.PK}", "{sort_key}")) WITHOUT ROWID')


class SQLiteVault(ItemVault):
    """Vault rows in SQLite; data keys wrapped by the local key file's KEK."""

    def __init__(self, path: Path, keys: LocalKeys) -> None:
        super().__init__(keys, keys)
        self.path = path
        self.keys = keys
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # First use: switching a new file to WAL fails at once ("database is locked") when
        # another process does the same, so set-up runs under the key file's process lock.
        with keys.locked():
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            with self._transaction() as db:
                db.execute(_ddl("vault", schema.MAIN_ATTRIBUTES, schema.SK))
                db.execute(_ddl("audit", schema.AUDIT_ATTRIBUTES, schema.AUDIT_SK))
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("INSERT OR IGNORE INTO meta VALUES ('activeKek', ?)", (keys.active_kek,))

    @classmethod
    def open(cls, home: Path | None = None) -> SQLiteVault:
        """The vault in ``home`` (default ``$PHIMASK_HOME``), created on first use."""
        home = ensure_home(home or phimask_home())
        return cls(home / VAULT_FILE, LocalKeys.open(home))

    def __repr__(self) -> str:
        return f"SQLiteVault({str(self.path)!r})"

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            self._local.db, self._local.depth = db, 0
            with self._lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        outer = self._local.depth == 0
        if outer:
            db.execute("BEGIN IMMEDIATE")
        self._local.depth += 1
        try:
            yield db
        except BaseException:
            self._local.depth -= 1
            if outer:
                db.execute("ROLLBACK")
            raise
        self._local.depth -= 1
        if outer:
            db.execute("COMMIT")

    def _fresh_key(self, key: DataKey, context: str) -> DataKey:
        row = self._db().execute("SELECT value FROM meta WHERE name = 'activeKek'").fetchone()
        active = str(row[0])
        return key if key.key_id == active else self.keys.wrap(key.plaintext, context, active)

    def _put_if_absent(self, item: Item) -> Item | None:
        names = list(item)
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        db = self._db()
        inserted = db.execute(f"INSERT OR IGNORE INTO vault ({columns}) VALUES ({marks})",
                              [item[n] for n in names]).rowcount
        if inserted:
            return None
        cursor = db.execute(f'SELECT * FROM vault WHERE "{schema.PK}" = ? AND "{schema.SK}" = ?',
                            (item[schema.PK], item[schema.SK]))
        found = [_item(cursor, row) for row in cursor.fetchall()]
        return found[0] if found else None

    def _query(self, message_hash: str) -> list[Item]:
        cursor = self._db().execute(f'SELECT * FROM vault WHERE "{schema.PK}" = ?', (message_hash,))
        return [_item(cursor, row) for row in cursor.fetchall()]

    def _put_audit(self, item: Item) -> None:
        names = list(item)
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        with self._transaction() as db:
            db.execute(f"INSERT INTO audit ({columns}) VALUES ({marks})", [item[n] for n in names])

    def audit_records(self, message_hash: str) -> list[Item]:
        """The audit trail of one message, oldest first."""
        cursor = self._db().execute(
            f'SELECT * FROM audit WHERE "{schema.PK}" = ? ORDER BY "{schema.AUDIT_SK}"', (message_hash,))
        return [_item(cursor, row) for row in cursor.fetchall()]

    def rotate_keys(self) -> Rotation:
        """New KEK, every wrapped data key re-wrapped in one transaction, old KEKs deleted."""
        with self.keys.locked():
            new_kek = self.keys.add_kek()
            with self._transaction() as db:
                rows = db.execute(
                    f'SELECT "{schema.PK}", "{schema.SK}", keyId, wrappedKey FROM vault '
                    "WHERE wrappedKey IS NOT NULL AND keyId != ?", (new_kek,)).fetchall()
                rewrapped: dict[tuple[str, str, str], str] = {}
                for message_hash, entity_hash, kek_id, wrapped in rows:
                    ref = (message_hash, kek_id, wrapped)
                    if ref not in rewrapped:
                        plain = self.keys.open_data_key(kek_id, b64d(wrapped), message_hash)
                        rewrapped[ref] = b64e(self.keys.wrap(plain, message_hash, new_kek).wrapped)
                    db.execute(f'UPDATE vault SET keyId = ?, wrappedKey = ? WHERE "{schema.PK}" = ? '
                               f'AND "{schema.SK}" = ?', (new_kek, rewrapped[ref], message_hash, entity_hash))
                db.execute("UPDATE meta SET value = ? WHERE name = 'activeKek'", (new_kek,))
            retired = self.keys.retire_all_but(new_kek)
        return Rotation(new_kek, retired, len(rows))


def _item(cursor: sqlite3.Cursor, row: tuple[str | int | None, ...]) -> Item:
    names = [d[0] for d in cursor.description]
    return {n: v for n, v in zip(names, row, strict=True) if v is not None}
