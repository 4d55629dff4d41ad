"""SigV4 authentication against the live server: botocore-signed requests pass; anything
tampered, mis-keyed, mis-scoped or outside the five-minute window gets a 403 JSON error."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from serverharness import NOTE, Server, SignedClient, assert_no_phi, error_of

from phimask.routes import Role
from phimask.server.credentials import Credential
from phimask.server.signing import sign_headers

BODY = {"text": NOTE}


def signed(client: SignedClient, body: bytes, **kwargs: object) -> dict[str, str]:
    return sign_headers("POST", client.url("/text/mask"), body, client.credential.access_key_id,
                        client.credential.secret_access_key, client.server.credentials.region,
                        {"Content-Type": "application/json"}, **kwargs)  # type: ignore[arg-type]


def send(server: Server, body: bytes, headers: dict[str, str], path: str = "/text/mask") -> httpx.Response:
    return server.http.post(server.base_url + path, content=body, headers=headers)


def assert_denied(response: httpx.Response, code: str) -> None:
    assert response.status_code == 403, response.text
    assert error_of(response)["code"] == code
    assert response.headers["x-request-id"]
    assert_no_phi(response.text)


def test_a_botocore_signed_request_passes(mask_only: SignedClient) -> None:
    response = mask_only.post("/text/mask", BODY)
    assert response.status_code == 200
    assert "SALAZAR" not in response.json()["maskedText"]


def test_unsigned_request_is_refused(server: Server) -> None:
    assert_denied(server.http.post(server.base_url + "/text/mask", json=BODY), "MissingAuthenticationToken")


def test_tampered_body_is_refused(server: Server, mask_only: SignedClient) -> None:
    body = json.dumps(BODY).encode()
    headers = signed(mask_only, body)
    assert_denied(send(server, body.replace(b"SALAZAR", b"SALAZAT"), headers), "InvalidSignature")


def test_tampered_path_and_query_are_refused(server: Server, full: SignedClient) -> None:
    url = full.url("/image", {"bucket": "phimask-input", "key": "a.png"})
    headers = sign_headers("GET", url, b"", full.credential.access_key_id, full.credential.secret_access_key,
                           server.credentials.region)
    assert server.http.get(url, headers=headers).status_code == 200
    assert_denied(server.http.get(url.replace("a.png", "b.png"), headers=headers), "InvalidSignature")
    assert_denied(server.http.get(url.replace("/image", "/image/text"), headers=headers), "InvalidSignature")


def test_wrong_secret_is_refused(server: Server, mask_only: SignedClient) -> None:
    assert_denied(mask_only.post("/text/mask", BODY, secret="x" * 40), "InvalidSignature")


def test_another_roles_secret_is_refused(server: Server, mask_only: SignedClient) -> None:
    other = server.key(Role.FULL_ACCESS).secret_access_key
    assert_denied(mask_only.post("/text/mask", BODY, secret=other), "InvalidSignature")


def test_unknown_access_key_is_refused(server: Server) -> None:
    stranger = SignedClient(server, Credential("PMKUNKNOWNUNKNOWN000", "s" * 40, Role.FULL_ACCESS))
    assert_denied(stranger.post("/text/mask", BODY), "UnrecognizedClient")


def test_wrong_region_is_refused(server: Server) -> None:
    client = SignedClient(server, server.key(Role.MASK_ONLY), region="eu-west-1")
    assert_denied(client.post("/text/mask", BODY), "InvalidSignature")


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6), timedelta(days=-1)])
def test_dates_outside_the_clock_skew_window_are_refused(mask_only: SignedClient, offset: timedelta) -> None:
    assert_denied(mask_only.post("/text/mask", BODY, when=datetime.now(UTC) + offset), "SignatureExpired")


@pytest.mark.parametrize("offset", [timedelta(minutes=-4), timedelta(minutes=4)])
def test_dates_inside_the_window_pass(mask_only: SignedClient, offset: timedelta) -> None:
    assert mask_only.post("/text/mask", BODY, when=datetime.now(UTC) + offset).status_code == 200


def test_a_replay_outside_the_window_is_refused(server: Server, mask_only: SignedClient) -> None:
    """A captured request stays valid within the window only (as on API Gateway)."""
    body = json.dumps(BODY).encode()
    captured = signed(mask_only, body, when=datetime.now(UTC) - timedelta(minutes=5, seconds=30))
    assert_denied(send(server, body, captured), "SignatureExpired")
    fresh = signed(mask_only, body)
    assert send(server, body, fresh).status_code == 200
    assert send(server, body, fresh).status_code == 200  # inside the window a retry is allowed


def test_signature_must_cover_host_and_date(server: Server, mask_only: SignedClient) -> None:
    body = json.dumps(BODY).encode()
    headers = signed(mask_only, body)
    headers["Authorization"] = headers["Authorization"].replace("SignedHeaders=content-type;host;x-amz-date",
                                                                "SignedHeaders=content-type;host")
    assert_denied(send(server, body, headers), "IncompleteSignature")


def test_changing_a_signed_header_is_refused(server: Server, mask_only: SignedClient) -> None:
    body = json.dumps(BODY).encode()
    headers = signed(mask_only, body)
    headers["Content-Type"] = "application/json; charset=utf-8"
    assert_denied(send(server, body, headers), "InvalidSignature")


def test_unsigned_payload_is_refused(server: Server, mask_only: SignedClient) -> None:
    body = json.dumps(BODY).encode()
    headers = sign_headers("POST", mask_only.url("/text/mask"), body, mask_only.credential.access_key_id,
                           mask_only.credential.secret_access_key, server.credentials.region,
                           {"Content-Type": "application/json", "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert_denied(send(server, b'{"text": "changed in flight"}', headers), "InvalidSignature")


@pytest.mark.parametrize("authorization", [
    "Bearer abc",
    "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00",
    "AWS4-HMAC-SHA256 Credential=PMKA/20240101/us-east-1/execute-api, SignedHeaders=host;x-amz-date, "
    "Signature=" + "0" * 64,
])
def test_malformed_authorization_headers(server: Server, authorization: str) -> None:
    headers = {"Authorization": authorization, "X-Amz-Date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")}
    response = send(server, json.dumps(BODY).encode(), headers)
    assert response.status_code == 403
    assert error_of(response)["code"] in {"IncompleteSignature", "UnrecognizedClient"}


def test_query_signed_in_canonical_form_passes(server: Server, full: SignedClient) -> None:
    """Clients that send a raw '/' in a query value but sign it percent-encoded (the SigV4
    specification's canonical form, e.g. awscurl) are accepted too."""
    canonical = full.url("/image", {"bucket": "phimask-input", "key": "scans/a b.png"})
    headers = sign_headers("GET", canonical, b"", full.credential.access_key_id,
                           full.credential.secret_access_key, server.credentials.region)
    raw = server.base_url + "/image?bucket=phimask-input&key=scans/a%20b.png"
    assert server.http.get(httpx.URL(raw), headers=headers).status_code == 200


@pytest.mark.parametrize(("role", "method", "path", "body", "status"), [
    (Role.MASK_ONLY, "POST", "/text/mask", json.dumps(BODY), 200),
    (Role.FULL_ACCESS, "GET", "/image?bucket=phimask-input&key=scans/awscurl one.png", "", 200),
    (Role.MASK_ONLY, "POST", "/text/phi", json.dumps(BODY), 403),
])
def test_requests_signed_by_awscurl(server: Server, role: Role, method: str, path: str, body: str,
                                    status: int) -> None:
    from awscurl.awscurl import make_request

    key = server.key(role)
    response = make_request(method, "execute-api", server.credentials.region, server.base_url + path,
                            {"Content-Type": "application/json"}, body, key.access_key_id,
                            key.secret_access_key, None, False)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["error"]["code"] == "AccessDenied"


def test_auth_errors_are_logged_without_role(server: Server) -> None:
    record = server.access_record(server.http.post(server.base_url + "/text/mask", json=BODY))
    assert (record["status"], record["role"], record["error"]) == (403, None, "MissingAuthenticationToken")
