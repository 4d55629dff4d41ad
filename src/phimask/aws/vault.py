"""The DynamoDB + KMS vault of a deployment, built from the Lambda settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from phimask.aws.settings import Settings, settings
from phimask.vault.base import Vault


def dynamodb_vault(config: Settings, **clients: Any) -> Vault:
    """Tables, key and salt secret from VAULT_TABLE, AUDIT_TABLE, KMS_KEY_ID, SALT_SECRET_ARN."""
    config.require("vault_table", "audit_table", "kms_key_id", "salt_secret_arn")
    from phimask.vault.dynamodb import DynamoDBVault

    return DynamoDBVault(config.vault_table, config.audit_table, kms_key_id=config.kms_key_id,
                         master_secret_id=config.salt_secret_arn, **clients)


@cache
def vault() -> Vault:
    """This container's vault (clients and token cache reused across invocations)."""
    return dynamodb_vault(settings())
