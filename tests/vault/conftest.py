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
    from moto import mock_aws

    from phimask.vault.dynamodb import provision_stack

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        stack = provision_stack(table=TABLE, audit_table=AUDIT)
        clients = stack.clients
        yield AwsStack(clients["dynamodb"], clients["kms"], clients["secretsmanager"], stack.key_id,
                       stack.secret_arn)


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


