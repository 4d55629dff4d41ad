"""Helpers for the vault suite: a fake detector, the moto stack, raw storage access."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from phimask.entities import Entity, EntityType
from phimask.vault.core import ItemVault
from phimask.vault.sqlite import SQLiteVault

TABLE, AUDIT = "phimask-vault", "phimask-audit"


class FakeDetector:
    """Finds exactly the given substrings (every occurrence), with fixed types."""

    name = "fake"

    def __init__(self, values: dict[str, EntityType]) -> None:
        self.values = values

    def detect(self, text: str) -> list[Entity]:
        found = []
        for value, kind in self.values.items():
            start = text.find(value)
            while start >= 0:
                found.append(Entity(start, start + len(value), kind, 0.99, value))
                start = text.find(value, start + len(value))
        return found


@dataclass
class AwsStack:
    dynamodb: Any
    kms: Any
    secrets: Any
    key_id: str
    secret_arn: str

    def vault(self) -> ItemVault:
        from phimask.vault.dynamodb import DynamoDBVault

        return DynamoDBVault(TABLE, AUDIT, kms_key_id=self.key_id, master_secret_id=self.secret_arn,
                             dynamodb_client=self.dynamodb, kms_client=self.kms, secrets_client=self.secrets)


def storage_items(vault: ItemVault, table: str = "main") -> list[dict[str, Any]]:
    """Every stored item of the vault's main or audit table, read from the storage itself."""
    if isinstance(vault, SQLiteVault):
        with sqlite3.connect(vault.path) as db:
            cursor = db.execute(f"SELECT * FROM {'vault' if table == 'main' else 'audit'}")
            names = [d[0] for d in cursor.description]
            return [{n: v for n, v in zip(names, row, strict=True) if v is not None} for row in cursor]
    from phimask.vault.dynamodb import _unmarshal

    ddb = vault._ddb  # type: ignore[attr-defined]
    name = TABLE if table == "main" else AUDIT
    pages = ddb.get_paginator("scan").paginate(TableName=name, ConsistentRead=True)
    return [_unmarshal(raw) for page in pages for raw in page["Items"]]


def storage_bytes(vault: ItemVault) -> bytes:
    """Everything the vault persisted, as raw bytes (SQLite: the database and WAL files)."""
    if isinstance(vault, SQLiteVault):
        with sqlite3.connect(vault.path) as db:
            db.execute("PRAGMA wal_checkpoint(FULL)")
        files = [vault.path, vault.path.with_name(vault.path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    rows = storage_items(vault) + storage_items(vault, "audit")
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def delete_item(vault: ItemVault, message_hash: str, entity_hash: str) -> None:
    if isinstance(vault, SQLiteVault):
        with sqlite3.connect(vault.path) as db:
            db.execute('DELETE FROM vault WHERE "messageHash" = ? AND "entityHash" = ?',
                       (message_hash, entity_hash))
        return
    vault._ddb.delete_item(TableName=TABLE, Key={  # type: ignore[attr-defined]
        "messageHash": {"S": message_hash}, "entityHash": {"S": entity_hash}})


def update_attribute(vault: ItemVault, message_hash: str, entity_hash: str, name: str, value: str) -> None:
    if isinstance(vault, SQLiteVault):
        with sqlite3.connect(vault.path) as db:
            db.execute(f'UPDATE vault SET "{name}" = ? WHERE "messageHash" = ? AND "entityHash" = ?',
                       (value, message_hash, entity_hash))
        return
    vault._ddb.update_item(  # type: ignore[attr-defined]
        TableName=TABLE, Key={"messageHash": {"S": message_hash}, "entityHash": {"S": entity_hash}},
        UpdateExpression="SET #n = :v", ExpressionAttributeNames={"#n": name},
        ExpressionAttributeValues={":v": {"S": value}})
