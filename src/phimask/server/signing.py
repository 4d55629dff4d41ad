"""Client side: the headers that sign a request to the local server (botocore's SigV4Auth).

Any HTTP client can send them: ``headers = sign_headers("POST", url, body, key_id, secret,
region)``. ``when`` signs for another time (tests of the clock-skew window).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from phimask.server.credentials import SERVICE


def sign_headers(method: str, url: str, body: bytes, access_key_id: str, secret_access_key: str,
                 region: str, headers: Mapping[str, str] | None = None,
                 when: datetime | None = None) -> dict[str, str]:
    """``headers`` plus ``X-Amz-Date`` and ``Authorization`` for ``method url`` with ``body``.
    ``url`` must be sent exactly as given (its query string already percent-encoded)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = SigV4Auth(Credentials(access_key_id, secret_access_key), SERVICE, region)
    if when is None:
        signer.add_auth(request)
    else:
        timestamp = when.strftime("%Y%m%dT%H%M%SZ")
        request.context["timestamp"] = timestamp
        request.headers["X-Amz-Date"] = timestamp
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signed = signer.signed_headers(signer.headers_to_sign(request))
        request.headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={signer.scope(request)}, "
                                            f"SignedHeaders={signed}, Signature={signature}")
    return {name: str(value) for name, value in request.headers.items()}
