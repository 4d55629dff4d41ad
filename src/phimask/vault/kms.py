"""Cloud key adapters: KMS envelope keys and the Secrets Manager master salt.

Clients are injected (tests pass moto clients); boto3 is imported only when none is given.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from phimask.vault.crypto import KEY_BYTES, DataKey, derive_scope_salt
from phimask.vault.errors import KeyFileError, VaultError


def client(service: str, given: Any, region_name: str | None = None) -> Any:
    """``given``, or a new boto3 client (imported lazily)."""
    if given is not None:
        return given
    import boto3

    factory: Any = boto3.client
    return factory(service, region_name=region_name)


def aws_errors() -> tuple[type[Exception], ...]:
    """botocore's exception classes (none when botocore is not installed)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return (ClientError, BotoCoreError)


def aws_error(exc: Exception, operation: str) -> VaultError:
    """A VaultError naming the operation and AWS error code only (never the message)."""
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
    return VaultError(f"{operation} failed: {code}")


class KmsKeyring:
    """Data keys from KMS GenerateDataKey, bound to the message hash by encryption context."""

    def __init__(self, key_id: str, kms_client: Any = None, region_name: str | None = None) -> None:
        self.key_id = key_id
        self._kms = client("kms", kms_client, region_name)

    def new_data_key(self, context: str) -> DataKey:
        try:
            reply = self._kms.generate_data_key(
                KeyId=self.key_id, KeySpec="AES_256", EncryptionContext={"messageHash": context})
        except aws_errors() as exc:
            raise aws_error(exc, "KMS GenerateDataKey") from None
        return DataKey(bytes(reply["Plaintext"]), str(reply["KeyId"]), bytes(reply["CiphertextBlob"]))

    def open_data_key(self, key_id: str, wrapped: bytes, context: str) -> bytes:
        try:
            reply = self._kms.decrypt(
                CiphertextBlob=wrapped, KeyId=key_id, EncryptionContext={"messageHash": context})
        except aws_errors() as exc:
            raise aws_error(exc, "KMS Decrypt") from None
        return bytes(reply["Plaintext"])


class SecretsManagerSalts:
    """Per-scope salts derived from one master secret kept (KMS-encrypted) in Secrets Manager."""

    def __init__(self, secret_id: str, secrets_client: Any = None, region_name: str | None = None) -> None:
        self.secret_id = secret_id
        self._client = client("secretsmanager", secrets_client, region_name)
        self._master: bytes | None = None

    def scope_salt(self, scope: str) -> bytes:
        return derive_scope_salt(self._master_salt(), scope)

    def _master_salt(self) -> bytes:
        if self._master is None:
            try:
                reply = self._client.get_secret_value(SecretId=self.secret_id)
            except aws_errors() as exc:
                raise aws_error(exc, "Secrets Manager GetSecretValue") from None
            raw = reply.get("SecretBinary")
            master = bytes(raw) if raw is not None else base64.b64decode(str(reply.get("SecretString", "")))
            if len(master) < KEY_BYTES:
                raise KeyFileError("the master salt secret is shorter than 32 bytes")
            self._master = master
        return self._master


def create_master_secret(secrets_client: Any, name: str, kms_key_id: str) -> str:
    """Create the master salt secret (random 32 bytes, encrypted under ``kms_key_id``); its ARN."""
    reply = secrets_client.create_secret(
        Name=name, KmsKeyId=kms_key_id, SecretBinary=secrets.token_bytes(KEY_BYTES),
        Description="phimask master salt for de-identification tokens")
    return str(reply["ARN"])
