"""DESIGN.md's list of bad input, against the live server: a clear 4xx JSON error that names
the field, never the value; no PHI in error bodies or logs; nothing written half-way."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from serverharness import INPUT, OUTPUT, PHI, Server, assert_no_phi, error_of, png

from phimask.routes import Role

SECRET = "SALAZAR, CARLOS RQ36114734 patient-jones"  # PHI that every bad request carries


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: Any = None  # JSON value, or bytes sent as they are
    query: dict[str, str] = field(default_factory=dict)
    status: int = 400
    code: str = "InvalidInput"
    says: str = ""  # the message names this (field or problem)
    role: Role = Role.FULL_ACCESS
    headers: dict[str, str] = field(default_factory=dict)


def text_cases(path: str, role: Role) -> list[Case]:
    def c(name: str, body: Any, says: str, status: int = 400, code: str = "InvalidInput",
          **extra: Any) -> Case:
        return Case(f"{path} {name}", "POST", path, body, status=status, code=code, says=says, role=role,
                    **extra)

    return [
        c("missing text", {"threshold": 0.5, "note": SECRET} if path != "/text/mask" else {"style": "type"},
          "text"),
        c("extra field", {"text": SECRET, "patientName": SECRET}, "unexpected fields"),
        c("text is a number", {"text": 36114734}, "text must be a string"),
        c("text is a list", {"text": [SECRET]}, "text must be a string"),
        c("empty text", {"text": ""}, "text is empty"),
        c("blank text", {"text": " \n\t "}, "text is empty"),
        c("NUL in text", {"text": SECRET + "\x00"}, "NUL"),
        c("text over 64 KB", {"text": (SECRET + "\n") * 1800}, "64 KB"),
        c("body over the limit", {"text": SECRET * 7000}, "KiB", status=413, code="PayloadTooLarge"),
        c("invalid UTF-8", b'{"text": "' + SECRET.encode() + b' \xff\xfe"}', "UTF-8"),
        c("lone surrogate", ('{"text": "' + SECRET + ' \\ud800"}').encode(), "UTF-8"),
        c("threshold above 1", {"text": SECRET, "threshold": 1.5}, "threshold"),
        c("threshold below 0", {"text": SECRET, "threshold": -0.1}, "threshold"),
        c("threshold as a string", {"text": SECRET, "threshold": "0.5"}, "threshold"),
        c("threshold as a boolean", {"text": SECRET, "threshold": True}, "threshold"),
        c("threshold NaN", ('{"text": "' + SECRET + '", "threshold": NaN}').encode(), "threshold"),
        c("threshold overflow", ('{"text": "' + SECRET + '", "threshold": 1e400}').encode(), "threshold"),
        c("not JSON", SECRET.encode(), "not valid JSON"),
        c("JSON array", [SECRET], "JSON object"),
        c("empty body", b"", "not valid JSON"),
        c("deep nesting", b'{"text": ' + b"[" * 50000 + b"]" * 50000 + b"}", "valid JSON"),
        c("BOM", b"\xef\xbb\xbf" + json.dumps({"text": SECRET}).encode(), "JSON"),
        c("text/plain", {"text": SECRET}, "application/json", status=415, code="UnsupportedMediaType",
          headers={"Content-Type": "text/plain"}),
        c("latin-1 charset", {"text": SECRET}, "UTF-8", status=415, code="UnsupportedMediaType",
          headers={"Content-Type": "application/json; charset=latin-1"}),
    ]


def image_query_cases(path: str) -> list[Case]:
    def c(name: str, query: dict[str, str], says: str, status: int = 400, code: str = "InvalidInput") -> Case:
        return Case(f"{path} {name}", "GET", path, query=query, status=status, code=code, says=says)

    cases = [
        c("missing key", {"bucket": INPUT}, "key"),
        c("missing bucket", {"key": "scans/patient-jones.png"}, "bucket"),
        c("extra parameter", {"bucket": INPUT, "key": "a.png", "patient": SECRET}, "unexpected fields"),
        c("bucket outside the allowed list", {"bucket": "patient-jones-bucket", "key": "a.png"}, "bucket",
          403, "Forbidden"),
        c("malformed bucket", {"bucket": "Patient Jones", "key": "a.png"}, "bucket"),
        c("traversal", {"bucket": INPUT, "key": "../phimask-output/patient-jones.png"}, "key"),
        c("deep traversal", {"bucket": INPUT, "key": "scans/../../../etc/patient-jones"}, "key"),
        c("absolute key", {"bucket": INPUT, "key": "/etc/patient-jones"}, "key"),
        c("backslash", {"bucket": INPUT, "key": "..\\patient-jones.png"}, "key"),
        c("control character", {"bucket": INPUT, "key": "patient-jones\n.png"}, "key"),
        c("symlink out of the bucket", {"bucket": INPUT, "key": "links/patient-jones.png"},
          "inside its bucket"),
    ]
    if path != "/image":  # GET /image does not read the object (an S3 presigned URL neither)
        cases += [
            c("missing object", {"bucket": INPUT, "key": "scans/patient-jones-none.png"}, "not found", 404,
              "NotFound"),
            c("threshold not a number", {"bucket": INPUT, "key": "a.png", "threshold": "high"}, "threshold"),
            c("threshold above 1", {"bucket": INPUT, "key": "a.png", "threshold": "2"}, "threshold"),
            c("PDF", {"bucket": INPUT, "key": "docs/patient-jones.pdf"}, "PDF", code="ImageUnsupported"),
            c("unknown format", {"bucket": INPUT, "key": "docs/patient-jones.txt"}, "format",
              code="ImageUnsupported"),
            c("empty image", {"bucket": INPUT, "key": "scans/empty.png"}, "empty", code="ImageUnsupported"),
            c("image over 15 MiB", {"bucket": INPUT, "key": "scans/huge.png"}, "15 MiB"),
        ]
    return cases


def body_cases() -> list[Case]:
    mask = {"s3Bucket": INPUT, "s3Key": "scans/ok.png", "destinationBucket": OUTPUT,
            "destinationKey": "masked/ok.png"}
    batch = {"s3Bucket": INPUT, "prefix": "notes/", "operation": "mask", "destinationPrefix": "out/"}

    def c(path: str, name: str, body: Any, says: str, status: int = 400, code: str = "InvalidInput",
          role: Role = Role.FULL_ACCESS) -> Case:
        return Case(f"{path} {name}", "POST", path, body, status=status, code=code, says=says, role=role)

    return [
        c("/image/mask", "missing destination", {k: v for k, v in mask.items() if k != "destinationKey"},
          "destinationKey", role=Role.MASK_ONLY),
        c("/image/mask", "extra field", {**mask, "patient": SECRET}, "unexpected fields"),
        c("/image/mask", "overwrite the original", {**mask, "destinationBucket": INPUT,
                                                     "destinationKey": "scans/ok.png"}, "destinationKey"),
        c("/image/mask", "destination bucket not allowed", {**mask, "destinationBucket": "patient-jones"},
          "destinationBucket", 403, "Forbidden"),
        c("/image/mask", "destination traversal", {**mask, "destinationKey": "../patient-jones.png"},
          "destinationKey"),
        c("/image/mask", "source traversal", {**mask, "s3Key": "a/../../patient-jones.png"}, "s3Key"),
        c("/image/mask", "threshold string", {**mask, "threshold": "0.9"}, "threshold"),
        c("/image/mask", "corrupt image", {**mask, "s3Key": "scans/corrupt.png"}, ""),
        c("/image/mask", "PDF", {**mask, "s3Key": "docs/patient-jones.pdf"}, "PDF", code="ImageUnsupported"),
        c("/batch", "unknown operation", {**batch, "operation": "reidentify"}, "operation"),
        c("/batch", "unknown style", {**batch, "style": "bold"}, "style"),
        c("/batch", "missing prefix", {k: v for k, v in batch.items() if k != "prefix"}, "prefix"),
        c("/batch", "bucket not allowed", {**batch, "s3Bucket": "patient-jones"}, "s3Bucket", 403,
          "Forbidden"),
        c("/batch", "prefix traversal", {**batch, "prefix": "../patient-jones/"}, "prefix"),
        c("/batch", "threshold out of range", {**batch, "threshold": 7}, "threshold"),
        c("/batch", "extra field", {**batch, "patient": SECRET}, "unexpected fields"),
        c("/text/mask", "unknown style", {"text": SECRET, "style": "bold"}, "style", role=Role.MASK_ONLY),
        c("/text/mask", "style not a string", {"text": SECRET, "style": 3}, "style", role=Role.MASK_ONLY),
        c("/text/deidentify", "empty scope", {"text": SECRET, "scope": ""}, "scope"),
        c("/text/deidentify", "scope with control characters", {"text": SECRET, "scope": "a\nb"}, "scope"),
        c("/text/deidentify", "scope too long", {"text": SECRET, "scope": "s" * 129}, "scope"),
        c("/text/reidentify", "nothing to reidentify", {}, "deidentifiedText", role=Role.REIDENTIFY),
        c("/text/reidentify", "extra field", {"messageHash": "0" * 64, "text": SECRET}, "unexpected fields",
          role=Role.REIDENTIFY),
        c("/text/reidentify", "bad hash", {"messageHash": SECRET}, "messageHash", role=Role.REIDENTIFY),
        c("/text/reidentify", "hash not a string", {"messageHash": 12}, "messageHash", role=Role.REIDENTIFY),
        c("/text/reidentify", "text not a string", {"deidentifiedText": [SECRET]}, "deidentifiedText",
          role=Role.REIDENTIFY),
        c("/text/reidentify", "hash and text disagree", {"deidentifiedText": SECRET, "messageHash": "0" * 64},
          "messageHash", role=Role.REIDENTIFY),
        c("/text/reidentify", "unknown text", {"deidentifiedText": SECRET}, "", 404, "MessageNotFound",
          role=Role.REIDENTIFY),
    ]


CASES = [
    *text_cases("/text/mask", Role.MASK_ONLY), *text_cases("/text/phi", Role.FULL_ACCESS),
    *text_cases("/text/deidentify", Role.FULL_ACCESS),
    *image_query_cases("/image"), *image_query_cases("/image/text"), *image_query_cases("/image/phi"),
    *body_cases(),
]


@pytest.fixture(scope="module")
def objects(server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    server.put(INPUT, "scans/ok.png", png())
    server.put(INPUT, "scans/corrupt.png", png()[:40] + b"\x00garbage" * 10)
    server.put(INPUT, "scans/empty.png", b"")
    server.put(INPUT, "docs/patient-jones.pdf", b"%PDF-1.7\n" + SECRET.encode())
    server.put(INPUT, "docs/patient-jones.txt", SECRET.encode())
    outside = tmp_path_factory.mktemp("outside") / "patient-jones.png"
    outside.write_bytes(png())
    link = server.data_dir / INPUT / "links" / "patient-jones.png"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    with open(server.data_dir / INPUT / "scans" / "huge.png", "wb") as sink:
        sink.write(png())
        sink.truncate(15 * 1024 * 1024 + 1)


def vault_rows(server: Server) -> int:
    with sqlite3.connect(server.home / "vault.sqlite3") as db:
        count: int = db.execute("SELECT COUNT(*) FROM vault").fetchone()[0]
    return count


@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_gets_a_clear_4xx(server: Server, case: Case) -> None:
    client = server.client(case.role)
    content = case.body if isinstance(case.body, bytes) else None
    body = None if content is not None else case.body
    rows = vault_rows(server)
    response = client.request(case.method, case.path, body, query=case.query or None, content=content,
                              headers=case.headers)
    error = error_of(response)
    expected_codes = {case.code, "ImageUnsupported"} if "corrupt" in case.name else {case.code}
    assert (response.status_code, error["code"] in expected_codes) == (case.status, True), error
    assert case.says in error["message"]
    assert response.headers["x-request-id"]
    assert response.headers["content-type"] == "application/json"
    assert_no_phi(response.text)
    assert vault_rows(server) == rows  # nothing stored for a refused request
    record = server.access_record(response)
    assert (record["status"], record["route"], record["error"]) == (case.status, case.path, error["code"])


def test_wrong_method_and_unknown_route(server: Server) -> None:
    client = server.client(Role.FULL_ACCESS)
    for method, path, status, code in [("GET", "/text/mask", 405, "MethodNotAllowed"),
                                       ("POST", "/text/patient-jones", 404, "NotFound"),
                                       ("GET", "/image/", 404, "NotFound"),
                                       ("PUT", "/batch", 405, "MethodNotAllowed")]:
        response = client.request(method, path)
        assert (response.status_code, error_of(response)["code"]) == (status, code)
        assert response.headers["x-request-id"]
        assert_no_phi(response.text)


def test_repeated_query_parameters_are_refused(server: Server) -> None:
    client = server.client(Role.FULL_ACCESS)
    url = server.base_url + "/image?bucket=phimask-input&key=a.png&key=b.png"
    from phimask.server.signing import sign_headers

    headers = sign_headers("GET", url, b"", client.credential.access_key_id,
                           client.credential.secret_access_key, server.credentials.region)
    response = server.http.get(url, headers=headers)
    assert response.status_code == 400 and "repeats" in error_of(response)["message"]


def test_oversize_body_is_refused_before_it_is_read(server: Server) -> None:
    """A Content-Length over the limit gets 413 without signature checks or body reading."""
    response = server.http.post(server.base_url + "/text/mask", content=b"x" * (300 * 1024))
    assert response.status_code == 413 and error_of(response)["code"] == "PayloadTooLarge"


def test_chunked_oversize_body_is_cut_off(server: Server) -> None:
    """Without a Content-Length the body is counted while it is read."""
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"SALAZAR " * 1024

    response = server.http.post(server.base_url + "/text/mask", content=chunks())
    assert response.status_code == 413 and error_of(response)["code"] == "PayloadTooLarge"
    assert_no_phi(response.text)


def test_request_ids_are_unique(server: Server) -> None:
    ids = {server.http.get(server.base_url + "/nowhere").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_no_phi_in_any_server_log(server: Server) -> None:
    """Runs after the cases above (module order): every captured line, access log and others."""
    assert server.logs.lines
    joined = "\n".join(server.logs.lines)
    for value in PHI:
        assert value not in joined
    for record in server.logs.access():
        assert set(record) == {"requestId", "method", "route", "status", "durationMs", "role", "error"}
    assert "?" not in joined and "phimask-input" not in joined  # no query strings, no bucket names


def test_no_partial_files_are_left(server: Server) -> None:
    leftovers = [name for _, _, files in os.walk(server.data_dir) for name in files
                 if name.startswith(".phimask-partial-")]
    assert leftovers == []
