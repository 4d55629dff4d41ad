"""DynamoDB + KMS adapter specifics: envelope encryption, salts outside the table, lazy boto3."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from vault_helpers import AwsStack, FakeDetector, storage_bytes, storage_items

from phimask.deid import deidentify, reidentify
from phimask.entities import EntityType
from phimask.vault.dynamodb import DynamoDBVault
from phimask.vault.errors import VaultError

NAME = "Philippa Ostrowiecka"
DETECTOR = FakeDetector({NAME: EntityType.NAME})


def test_data_keys_come_from_kms_and_are_bound_to_the_message(aws: AwsStack) -> None:
    vault = aws.vault()
    result = deidentify(f"Visit by {NAME}.", vault, detector=DETECTOR)
    row = next(i for i in storage_items(vault) if i["kind"] == "entity")
    wrapped = base64.b64decode(str(row["wrappedKey"]))

    opened = aws.kms.decrypt(CiphertextBlob=wrapped, EncryptionContext={"messageHash": result.message_hash})
    assert len(opened["Plaintext"]) == 32 and aws.key_id in str(row["keyId"])
    with pytest.raises(aws.kms.exceptions.InvalidCiphertextException):
        aws.kms.decrypt(CiphertextBlob=wrapped, EncryptionContext={"messageHash": "0" * 64})


def test_scope_salts_stay_in_secrets_manager(aws: AwsStack) -> None:
    vault = aws.vault()
    deidentify(f"Visit by {NAME}.", vault, "study-9", detector=DETECTOR)
    salt = vault.scope_salt("study-9")
    master = aws.secrets.get_secret_value(SecretId=aws.secret_arn)["SecretBinary"]

    raw = storage_bytes(vault)
    for secret in (salt, master):
        assert secret.hex().encode() not in raw and base64.b64encode(secret) not in raw
    assert aws.vault().scope_salt("study-9") == salt  # a second instance: tokens stay linkable


def test_kms_failure_is_a_vault_error_naming_only_the_code(aws: AwsStack) -> None:
    vault = DynamoDBVault("phimask-vault", "phimask-audit", kms_key_id="alias/missing",
                          master_secret_id=aws.secret_arn, dynamodb_client=aws.dynamodb,
                          kms_client=aws.kms, secrets_client=aws.secrets)

    with pytest.raises(VaultError, match="KMS GenerateDataKey failed: NotFoundException") as caught:
        deidentify(f"Visit by {NAME}.", vault, detector=DETECTOR)
    assert NAME not in str(caught.value)
    assert storage_items(vault) == [] or all(i["kind"] == "token" for i in storage_items(vault))


def test_from_env_fails_loudly_when_unconfigured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VAULT_TABLE", raising=False)
    with pytest.raises(VaultError, match="VAULT_TABLE"):
        DynamoDBVault.from_env()


def test_from_env_reads_the_lambda_settings(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"VAULT_TABLE": "phimask-vault", "AUDIT_TABLE": "phimask-audit",
                        "KMS_KEY_ID": aws.key_id, "SALT_SECRET_ARN": aws.secret_arn}.items():
        monkeypatch.setenv(name, value)
    vault = DynamoDBVault.from_env(dynamodb_client=aws.dynamodb, kms_client=aws.kms,
                                   secrets_client=aws.secrets)
    result = deidentify(f"Visit by {NAME}.", vault, detector=DETECTOR)
    assert reidentify(aws.vault(), message_hash=result.message_hash) == f"Visit by {NAME}."


def test_core_modules_do_not_import_boto3() -> None:
    code = ("import sys, phimask.deid, phimask.vault.dynamodb, phimask.vault.sqlite;"
            "sys.exit('boto3' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
