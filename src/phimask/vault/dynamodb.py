"""DynamoDB vault adapter: KMS envelope encryption, master salt in Secrets Manager.

Table: partition key ``messageHash`` (S), sort key ``entityHash`` (S); audit table:
``messageHash`` (S), ``auditKey`` (S). Every write is a conditional PutItem
(``attribute_not_exists``); reads are strongly consistent.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from phimask.vault import schema
from phimask.vault.core import ItemVault
from phimask.vault.errors import VaultError
from phimask.vault.kms import KmsKeyring, SecretsManagerSalts, aws_error, aws_errors, client
from phimask.vault.schema import Item

# the Lambda environment variables (as in phimask.aws.settings)
ENV = {
    "table_name": "VAULT_TABLE",
    "audit_table_name": "AUDIT_TABLE",
    "kms_key_id": "KMS_KEY_ID",
    "master_secret_id": "SALT_SECRET_ARN",
}


def _marshal(item: Item) -> dict[str, dict[str, str]]:
    return {k: {"N": str(v)} if isinstance(v, int) else {"S": v} for k, v in item.items()}


def _unmarshal(raw: dict[str, dict[str, str]]) -> Item:
    return {k: int(v["N"]) if "N" in v else v["S"] for k, v in raw.items()}


class DynamoDBVault(ItemVault):
    """Vault rows in DynamoDB; data keys from KMS; scope salts from Secrets Manager."""

    def __init__(self, table_name: str, audit_table_name: str, *, kms_key_id: str,
                 master_secret_id: str, dynamodb_client: Any = None, kms_client: Any = None,
                 secrets_client: Any = None, region_name: str | None = None,
                 write_concurrency: int = 8) -> None:
        super().__init__(KmsKeyring(kms_key_id, kms_client, region_name),
                         SecretsManagerSalts(master_secret_id, secrets_client, region_name))
        self.table_name = table_name
        self.audit_table_name = audit_table_name
        self.write_concurrency = write_concurrency
        self._ddb = client("dynamodb", dynamodb_client, region_name)

    @classmethod
    def from_env(cls, **clients: Any) -> DynamoDBVault:
        """Configured by VAULT_TABLE, AUDIT_TABLE, KMS_KEY_ID and SALT_SECRET_ARN
        (a missing one is an error, never a silent default)."""
        missing = [name for name in ENV.values() if not os.environ.get(name)]
        if missing:
            raise VaultError(f"environment variable {missing[0]} is not set")
        env = {arg: os.environ[name] for arg, name in ENV.items()}
        return cls(env["table_name"], env["audit_table_name"], kms_key_id=env["kms_key_id"],
                   master_secret_id=env["master_secret_id"], **clients)

    def __repr__(self) -> str:
        return f"DynamoDBVault({self.table_name!r})"

    def _put_if_absent(self, item: Item) -> Item | None:
        try:
            self._ddb.put_item(
                TableName=self.table_name, Item=_marshal(item),
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": schema.PK},
                ReturnValuesOnConditionCheckFailure="ALL_OLD")
            return None
        except self._ddb.exceptions.ConditionalCheckFailedException as exc:
            old = exc.response.get("Item")
        except aws_errors() as exc:
            raise aws_error(exc, "DynamoDB PutItem") from None
        if old is None:
            key = {schema.PK: item[schema.PK], schema.SK: item[schema.SK]}
            try:
                old = self._ddb.get_item(TableName=self.table_name, Key=_marshal(key),
                                         ConsistentRead=True).get("Item")
            except aws_errors() as exc:
                raise aws_error(exc, "DynamoDB GetItem") from None
        return _unmarshal(old) if old else None

    def _put_all_if_absent(self, items: Sequence[Item]) -> list[Item | None]:
        """Conditional puts, several at a time (each one is still conditional on its own)."""
        if len(items) < 2 or self.write_concurrency < 2:
            return super()._put_all_if_absent(items)
        with ThreadPoolExecutor(max_workers=min(self.write_concurrency, len(items))) as pool:
            return list(pool.map(self._put_if_absent, items))

    def _query(self, message_hash: str) -> list[Item]:
        items: list[Item] = []
        request: dict[str, Any] = {
            "TableName": self.table_name, "ConsistentRead": True,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": schema.PK},
            "ExpressionAttributeValues": {":pk": {"S": message_hash}},
        }
        while True:
            try:
                page = self._ddb.query(**request)
            except aws_errors() as exc:
                raise aws_error(exc, "DynamoDB Query") from None
            items.extend(_unmarshal(raw) for raw in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _put_audit(self, item: Item) -> None:
        try:
            self._ddb.put_item(TableName=self.audit_table_name, Item=_marshal(item),
                               ConditionExpression="attribute_not_exists(#pk)",
                               ExpressionAttributeNames={"#pk": schema.PK})
        except aws_errors() as exc:
            raise aws_error(exc, "DynamoDB PutItem (audit)") from None


def create_tables(dynamodb_client: Any, table_name: str, audit_table_name: str) -> None:
    """Create the vault and audit tables (on-demand) and wait until they exist.

    For tests and local tooling; the SAM template creates them in the cloud."""
    for name, sort_key in ((table_name, schema.SK), (audit_table_name, schema.AUDIT_SK)):
        dynamodb_client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": schema.PK, "AttributeType": "S"},
                                  {"AttributeName": sort_key, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": schema.PK, "KeyType": "HASH"},
                       {"AttributeName": sort_key, "KeyType": "RANGE"}])
        dynamodb_client.get_waiter("table_exists").wait(TableName=name)


@dataclass(frozen=True, slots=True)
class Stack:
    """A provisioned vault: its clients, table names, KMS key and master salt secret."""

    clients: dict[str, Any]
    table: str
    audit_table: str
    key_id: str
    secret_arn: str

    def vault(self) -> DynamoDBVault:
        return DynamoDBVault(self.table, self.audit_table, kms_key_id=self.key_id,
                             master_secret_id=self.secret_arn, dynamodb_client=self.clients["dynamodb"],
                             kms_client=self.clients["kms"], secrets_client=self.clients["secretsmanager"])


def provision_stack(region: str = "us-east-1", table: str = "phimask-vault",
                    audit_table: str = "phimask-audit") -> Stack:
    """Create tables, a KMS key and the master salt secret — what the SAM template makes in
    the cloud — for tests (under moto), benchmarks and sandbox accounts."""
    import boto3

    from phimask.vault.kms import create_master_secret

    clients: dict[str, Any] = {name: boto3.client(name, region_name=region)
                               for name in ("dynamodb", "kms", "secretsmanager")}
    create_tables(clients["dynamodb"], table, audit_table)
    key_id = clients["kms"].create_key(Description="phimask vault")["KeyMetadata"]["KeyId"]
    secret_arn = create_master_secret(clients["secretsmanager"], "phimask/master-salt", key_id)
    return Stack(clients, table, audit_table, key_id, secret_arn)
