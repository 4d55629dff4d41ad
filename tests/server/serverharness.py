"""Harness of the server tests: a live server on loopback, a SigV4-signing HTTP client,
the captured server logs, synthetic PHI, and a fake OCR for the image routes."""

from __future__ import annotations

import json
import logging
import struct
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from phimask.routes import Role
from phimask.server.credentials import Credential, Credentials
from phimask.server.signing import sign_headers

# synthetic PHI: none of it may appear in an error body or in a log line
NOTE = "PERSON INFORMATION\nName: SALAZAR, CARLOS\nMRN: RQ36114734\nED Arrival Time: 11/12/2011 18:15\n" \
       "Sex: Male\nDOB: 2/11/1961"
MASKED = "PERSON INFORMATION\nName: NAME\nMRN: ID\nED Arrival Time: DATE 18:15\nSex: Male\nDOB: DATE"
PHI = ("SALAZAR", "CARLOS", "RQ36114734", "11/12/2011", "2/11/1961", "Zbigniew", "Brzęczyszczykiewicz",
       "555-867-5309", "patient-jones")
INPUT, OUTPUT = "phimask-input", "phimask-output"


class LogCapture(logging.Handler):
    """Every record of the ``phimask`` and ``uvicorn`` loggers, formatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")

    def access(self) -> list[dict[str, Any]]:
        prefix = "phimask.server.access "
        return [json.loads(line[len(prefix):]) for line in self.lines if line.startswith(prefix)]


@dataclass
class Server:
    base_url: str
    credentials: Credentials
    home: Path
    data_dir: Path
    logs: LogCapture
    http: httpx.Client = field(repr=False)

    def key(self, role: Role) -> Credential:
        return next(c for c in self.credentials.keys.values() if c.role is role)

    def client(self, role: Role) -> SignedClient:
        return SignedClient(self, self.key(role))

    def access_record(self, response: httpx.Response, timeout: float = 5.0) -> dict[str, Any]:
        """The access log record of ``response`` (written just after the response is sent)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.logs.access():
                if record["requestId"] == response.headers["x-request-id"]:
                    return record
            time.sleep(0.005)
        raise AssertionError("no access log record for the response")

    def put(self, bucket: str, key: str, data: bytes) -> None:
        path = self.data_dir / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@dataclass
class SignedClient:
    """Signs each request with botocore's SigV4Auth for one credential, then sends it."""

    server: Server
    credential: Credential
    region: str | None = None

    def url(self, path: str, query: Mapping[str, str] | None = None) -> str:
        encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in (query or {}).items())
        return self.server.base_url + path + (f"?{encoded}" if encoded else "")

    def request(self, method: str, path: str, body: Any = None, *, query: Mapping[str, str] | None = None,
                content: bytes | None = None, headers: Mapping[str, str] | None = None,
                when: datetime | None = None, secret: str | None = None) -> httpx.Response:
        data = content if content is not None else (b"" if body is None else json.dumps(body).encode("utf-8"))
        url = self.url(path, query)
        base = {"Content-Type": "application/json"} if method == "POST" else {}
        signed = sign_headers(method, url, data, self.credential.access_key_id,
                              secret or self.credential.secret_access_key,
                              self.region or self.server.credentials.region,
                              {**base, **(headers or {})}, when)
        return self.server.http.request(method, url, content=data, headers=signed)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, body, **kwargs)

    def get(self, path: str, query: Mapping[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, query=query, **kwargs)


def error_of(response: httpx.Response) -> dict[str, str]:
    """The ``{"code", "message"}`` of an error response (checking the envelope)."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    error: dict[str, str] = body["error"]
    return error


def assert_no_phi(*texts: str) -> None:
    for text in texts:
        for value in PHI:
            assert value not in text, f"PHI {value!r} leaked"


def png(width: int = 4, height: int = 2) -> bytes:
    """A small valid grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


OCR_WORDS = [
    {"text": word, "left": 10 + 60 * i, "top": 10 + 20 * line, "width": 50, "height": 14, "confidence": 95.0}
    for line, words in enumerate([["Name:", "SALAZAR,", "CARLOS"], ["MRN:", "RQ36114734"], ["Sex:", "Male"]])
    for i, word in enumerate(words)
]


def fake_ocr(image: bytes, image_format: str) -> list[dict[str, Any]]:
    return [dict(w) for w in OCR_WORDS]


def fake_redact(image: bytes, image_format: str, words: Any) -> bytes:
    return b"REDACTED:" + ",".join(str(w["left"]) for w in words).encode()


def iter_phi_strings(value: Any) -> Iterator[str]:
    """Every string (keys and values) of a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from iter_phi_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from iter_phi_strings(item)
