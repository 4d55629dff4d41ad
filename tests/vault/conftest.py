"""Fixtures for the vault suite: one SQLite vault and one DynamoDB+KMS vault under moto."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vault_helpers import AUDIT, TABLE, AwsStack

from phimask.vault.core import ItemVault
from phimask.vault.sqlite import SQLiteVault


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsStack]:
    """moto: vault + audit tables, a KMS key and the master salt secret."""
    import boto3
    from moto import mock_aws

    from phimask.vault.dynamodb import create_tables
    from phimask.vault.kms import create_master_secret

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        kms = boto3.client("kms", region_name="us-east-1")
        secrets = boto3.client("secretsmanager", region_name="us-east-1")
        create_tables(dynamodb, TABLE, AUDIT)
        key_id = kms.create_key(Description="phimask vault")["KeyMetadata"]["KeyId"]
        secret_arn = create_master_secret(secrets, "phimask/master-salt", key_id)
        yield AwsStack(dynamodb, kms, secrets, key_id, secret_arn)


@pytest.fixture
def sqlite_vault(tmp_path: Path) -> Iterator[SQLiteVault]:
    vault = SQLiteVault.open(tmp_path / "home")
    yield vault
    vault.close()


@pytest.fixture(params=["sqlite", "dynamodb"])
def vault(request: pytest.FixtureRequest) -> ItemVault:
    """The shared suite runs once per adapter."""
    if request.param == "sqlite":
        sqlite: SQLiteVault = request.getfixturevalue("sqlite_vault")
        return sqlite
    stack: AwsStack = request.getfixturevalue("aws")
    return stack.vault()


