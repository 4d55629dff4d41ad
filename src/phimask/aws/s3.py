"""S3 as phimask's BlobStore: allowed-bucket and key checks, size-limited reads.

Errors name the request field (``s3Bucket``, ``s3Key``...) and never its value: object
keys are often named after patients.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from phimask.errors import InputError

BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_KEY_BYTES = 1024


class BucketNotAllowed(InputError):
    """The bucket is not in the deployment's allowed list."""

    code = "Forbidden"


class ObjectNotFound(InputError):
    """The object does not exist (or this deployment may not read it)."""

    code = "NotFound"


class ObjectTooLarge(InputError):
    code = "InvalidInput"


def check_bucket(bucket: object, allowed: Collection[str], field: str) -> str:
    """A well-formed bucket name from the allowed list."""
    if not isinstance(bucket, str) or not BUCKET_NAME.fullmatch(bucket):
        raise InputError(f"{field} must be an S3 bucket name")
    if bucket not in allowed:
        raise BucketNotAllowed(f"{field} is not one of the buckets this deployment may use")
    return bucket


def check_key(key: object, field: str, *, prefix: bool = False) -> str:
    """A relative S3 key (or key prefix) without traversal segments or control characters."""
    if not isinstance(key, str) or (not key and not prefix):
        raise InputError(f"{field} must be a non-empty string")
    if len(key.encode("utf-8", "replace")) > MAX_KEY_BYTES:
        raise InputError(f"{field} is longer than {MAX_KEY_BYTES} bytes")
    if key.startswith("/") or "\\" in key or any(part in {".", ".."} for part in key.split("/")):
        raise InputError(f"{field} must be a relative key without '.' or '..' segments")
    if not key.isprintable():
        raise InputError(f"{field} must not contain control characters")
    return key


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


class S3Store:
    """Reads and writes objects with an injectable boto3 S3 client."""

    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            # SigV4 everywhere: presigned URLs of SSE-KMS objects require it
            self._client = boto3.client("s3", config=Config(signature_version="s3v4"))
        return self._client

    def read(self, bucket: str, key: str, max_bytes: int, field: str = "object") -> bytes:
        """The object's bytes; refuses objects larger than ``max_bytes`` before reading them."""
        response = self._call("get_object", field, Bucket=bucket, Key=key)
        body = response["Body"]
        try:
            if int(response.get("ContentLength", 0)) > max_bytes:
                raise ObjectTooLarge(f"{field} is larger than the {max_bytes // (1024 * 1024)} MiB limit")
            data: bytes = body.read(max_bytes + 1)
        finally:
            body.close()
        if len(data) > max_bytes:
            raise ObjectTooLarge(f"{field} is larger than the {max_bytes // (1024 * 1024)} MiB limit")
        return data

    def head_bytes(self, bucket: str, key: str, count: int, field: str = "object") -> bytes:
        """The first ``count`` bytes (format sniffing) without downloading the object."""
        response = self._call("get_object", field, Bucket=bucket, Key=key, Range=f"bytes=0-{count - 1}")
        body = response["Body"]
        try:
            data: bytes = body.read(count)
        finally:
            body.close()
        return data

    def write(self, bucket: str, key: str, data: bytes, content_type: str,
              metadata: Mapping[str, str] | None = None) -> str:
        """Write an object (the bucket's default encryption applies); its s3:// URI."""
        self._call("put_object", "destination", Bucket=bucket, Key=key, Body=data,
                   ContentType=content_type, Metadata=dict(metadata or {}))
        return s3_uri(bucket, key)

    def presign(self, bucket: str, key: str, expires: int = 300) -> str:
        url: str = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires)
        return url

    def _call(self, operation: str, field: str, **params: Any) -> Any:
        from botocore.exceptions import ClientError

        try:
            return getattr(self.client, operation)(**params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in {"NoSuchKey", "404", "NotFound", "NoSuchBucket", "AccessDenied", "403"}:
                raise ObjectNotFound(f"{field} was not found, or this deployment may not access it") from None
            raise
