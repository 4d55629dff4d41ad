"""AWS Signature Version 4 verification, as API Gateway's IAM authorization does it.

No well-kept library verifies SigV4 server-side (``awssig`` was last released in 2019), so
the signature is recomputed with botocore's own ``SigV4Auth`` canonicalization on the request
as received, then compared in constant time. Only the header form is accepted; ``host`` and
``x-amz-date`` must be signed, the date must be within five minutes of the server's clock
(which also bounds replays), and the payload is always hashed (``UNSIGNED-PAYLOAD`` refused).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import quote, unquote_plus

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials as BotoCredentials

from phimask.routes import Role
from phimask.server.credentials import SERVICE, Credentials
from phimask.server.errors import ApiError

CLOCK_SKEW = timedelta(minutes=5)
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})")
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who signed the request."""

    access_key_id: str
    role: Role


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The parts of a received request that the signature covers."""

    method: str
    raw_path: str  # as sent, percent-encoded, without the query
    query_string: str  # as sent
    headers: Sequence[tuple[str, str]]  # every header, names in lower case
    body: bytes


def denied(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


def verify(request: SignedRequest, credentials: Credentials, now: datetime | None = None) -> Principal:
    """The principal whose key signed ``request``; ``ApiError`` 403 otherwise."""
    values = _header_values(request.headers)
    authorization = values.get("authorization", [])
    if not authorization:
        raise denied("MissingAuthenticationToken", "the request is not signed: send an AWS Signature "
                     "Version 4 Authorization header (service execute-api)")
    match = _AUTHORIZATION.fullmatch(authorization[0].strip()) if len(authorization) == 1 else None
    if match is None:
        raise denied("IncompleteSignature", "the Authorization header is not a Signature Version 4 header")
    scope, signed_names, signature = match.group(1).split("/"), match.group(2).split(";"), match.group(3)
    if len(scope) != 5:
        raise denied("IncompleteSignature", "the credential must be key/date/region/service/aws4_request")
    key_id, scope_date, region, service, terminator = scope
    credential = credentials.get(key_id)
    if credential is None:
        raise denied("UnrecognizedClient", "the access key id is not known to this server")
    amz_date = _request_date(values)
    wanted_scope = (amz_date[:8], credentials.region, SERVICE, "aws4_request")
    if (scope_date, region, service, terminator) != wanted_scope:
        raise denied("InvalidSignature", f"the credential scope must be <date of x-amz-date>/"
                     f"{credentials.region}/{SERVICE}/aws4_request")
    moment = datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=UTC)
    if abs((now or datetime.now(UTC)) - moment) > CLOCK_SKEW:
        raise denied("SignatureExpired", "the request date is more than 5 minutes away from the server's "
                     "clock: sign the request again (and check the clock)")
    _check_signed_headers(signed_names, values)
    declared = values.get("x-amz-content-sha256")
    if declared is not None and declared != [hashlib.sha256(request.body).hexdigest()]:
        raise denied("InvalidSignature", "x-amz-content-sha256 must be the SHA-256 of the body "
                     "(unsigned payloads are not accepted)")
    signer = SigV4Auth(BotoCredentials(key_id, credential.secret_access_key), SERVICE, credentials.region)
    headers = [(name, value) for name, value in request.headers if name in signed_names]
    for candidate in _candidates(request, headers, amz_date):
        canonical = signer.canonical_request(candidate)
        expected = signer.signature(signer.string_to_sign(candidate, canonical), candidate)
        if hmac.compare_digest(expected, signature):
            return Principal(key_id, credential.role)
    raise denied("InvalidSignature", "the signature does not match: check the secret key and the region, "
                 "and do not change the method, path, query, signed headers or body after signing")


def _header_values(headers: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(name, []).append(value)
    return values


def _request_date(values: dict[str, list[str]]) -> str:
    dates = values.get("x-amz-date", [])
    if len(dates) != 1:
        raise denied("IncompleteSignature", "send exactly one x-amz-date header")
    try:
        datetime.strptime(dates[0], _AMZ_DATE)
    except ValueError:
        raise denied("IncompleteSignature", "x-amz-date must look like 20240131T235959Z") from None
    return dates[0]


def _check_signed_headers(names: list[str], values: dict[str, list[str]]) -> None:
    if names != sorted(set(names)) or not {"host", "x-amz-date"} <= set(names):
        raise denied("IncompleteSignature", "SignedHeaders must be sorted, unique and include host and "
                     "x-amz-date")
    if any(name not in values for name in names):
        raise denied("IncompleteSignature", "a header named in SignedHeaders is missing")


def _candidates(request: SignedRequest, headers: list[tuple[str, str]], amz_date: str) -> list[AWSRequest]:
    """The request as botocore would sign it: with the query string as sent (what botocore's
    own clients sign) and with it normalized per the SigV4 specification (other clients)."""
    forms: list[tuple[str, list[tuple[str, str]]]] = [(request.query_string, [])]
    normalized = _normalized_query(request.query_string)
    if normalized != request.query_string:
        forms.append(("", [(unquote_plus(k), unquote_plus(v)) for k, v in _pairs(request.query_string)]))
    candidates = []
    for query, params in forms:
        # the signed host header is used; the URL only carries the path and query
        url = f"http://phimask.invalid{request.raw_path}" + (f"?{query}" if query else "")
        candidate = AWSRequest(method=request.method, url=url, data=request.body)
        candidate.params = cast(Any, params)  # botocore takes pairs too (repeated names kept)
        candidate.headers = HTTPHeaders()
        for name, value in headers:
            candidate.headers[name] = value  # repeated headers are kept (and joined with commas)
        candidate.context["timestamp"] = amz_date
        candidates.append(candidate)
    return candidates


def _pairs(query: str) -> list[tuple[str, str]]:
    return [(k, v) for k, _, v in (p.partition("=") for p in query.split("&") if p)]


def _normalized_query(query: str) -> str:
    pairs = sorted((quote(unquote_plus(k), safe="-_.~"), quote(unquote_plus(v), safe="-_.~"))
                   for k, v in _pairs(query))
    return "&".join(f"{k}={v}" for k, v in pairs)
