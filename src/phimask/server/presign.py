"""Presigned download URLs of the local store (what S3 presigned URLs are on AWS).

``GET /image`` returns ``<server>/objects/<bucket>/<key>?expires=..&signature=..``: an
HMAC-SHA256 over bucket, key and expiry under a key made at server start, so URLs stop
working after ``expires`` or when the server restarts. Like an S3 presigned URL, the URL
itself is the credential: the download route takes no SigV4 signature.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import quote

from phimask.server.errors import ApiError

EXPIRES = 300
OBJECT_ROUTE = "/objects/{bucket}/{key:path}"


class Presigner:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _signature(self, bucket: str, key: str, expires: int) -> str:
        message = f"{bucket}\n{key}\n{expires}".encode("utf-8", "surrogatepass")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def url(self, base_url: str, bucket: str, key: str, expires_in: int = EXPIRES) -> str:
        expires = int(time.time()) + expires_in
        return (f"{base_url.rstrip('/')}/objects/{quote(bucket, safe='')}/{quote(key, safe='/')}"
                f"?expires={expires}&signature={self._signature(bucket, key, expires)}")

    def check(self, bucket: str, key: str, expires: str | None, signature: str | None) -> None:
        """Raise 403 unless the URL was made here, for this object, and has not expired."""
        if not expires or len(expires) > 12 or not (expires.isascii() and expires.isdigit()) or not signature:
            raise ApiError(403, "AccessDenied", "the URL is not a presigned URL of this server")
        if not hmac.compare_digest(self._signature(bucket, key, int(expires)), signature):
            raise ApiError(403, "AccessDenied", "the URL is not a presigned URL of this server")
        if int(expires) < time.time():
            raise ApiError(403, "AccessDenied", "the presigned URL has expired")
