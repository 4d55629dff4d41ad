"""Every route of the live server does its job (same core as the Lambdas)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from serverharness import (
    INPUT,
    MASKED,
    NOTE,
    OCR_WORDS,
    OUTPUT,
    Server,
    SignedClient,
    assert_no_phi,
    error_of,
    png,
)

from phimask.pipeline import find_phi, mask
from phimask.server.batch import manifest_key


def test_text_mask_matches_the_reference_behaviour(mask_only: SignedClient) -> None:
    response = mask_only.post("/text/mask", {"text": NOTE})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"maskedText": MASKED}


@pytest.mark.parametrize("style", ["type", "char", "numbered", "redact"])
def test_text_mask_styles_equal_the_in_process_pipeline(mask_only: SignedClient, style: str) -> None:
    response = mask_only.post("/text/mask", {"text": NOTE, "style": style, "threshold": 0.6})
    assert response.json() == {"maskedText": mask(NOTE, style, 0.6)}


def test_text_phi_returns_comprehend_shaped_entities(full: SignedClient) -> None:
    entities = full.post("/text/phi", {"text": NOTE}).json()["Entities"]
    expected = find_phi(NOTE)
    assert [(e["BeginOffset"], e["EndOffset"], e["Type"]) for e in entities] == \
        [(e.begin, e.end, e.type.value) for e in expected]
    assert set(entities[0]) >= {"Id", "BeginOffset", "EndOffset", "Score", "Text", "Category", "Type",
                                "Traits"}


def test_threshold_one_finds_less(full: SignedClient) -> None:
    assert len(full.post("/text/phi", {"text": NOTE, "threshold": 1}).json()["Entities"]) <= \
        len(full.post("/text/phi", {"text": NOTE, "threshold": 0}).json()["Entities"])


def test_deidentify_then_reidentify_round_trips(full: SignedClient, reid: SignedClient) -> None:
    result = full.post("/text/deidentify", {"text": NOTE}).json()
    assert set(result) == {"deidentifiedText", "messageHash"}
    assert_no_phi(result["deidentifiedText"])
    by_text = reid.post("/text/reidentify", {"deidentifiedText": result["deidentifiedText"]})
    by_hash = reid.post("/text/reidentify", {"messageHash": result["messageHash"]})
    assert by_text.json() == by_hash.json() == {"text": NOTE}


def test_scopes_link_or_separate_tokens(full: SignedClient) -> None:
    def token_text(scope: str | None) -> str:
        body: dict[str, Any] = {"text": "Name: SALAZAR, CARLOS"}
        if scope:
            body["scope"] = scope
        text: str = full.post("/text/deidentify", body).json()["deidentifiedText"]
        return text

    assert token_text("study-a") == token_text("study-a")
    assert token_text("study-a") != token_text("study-b")
    assert token_text(None) != token_text(None)


def test_concurrent_deidentify_of_one_text_in_one_scope_is_idempotent(full: SignedClient,
                                                                     reid: SignedClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = {"text": NOTE, "scope": "concurrent-study"}
    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(lambda _: full.post("/text/deidentify", body), range(32)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["messageHash"] for r in responses}) == 1
    assert reid.post("/text/reidentify", {"messageHash": responses[0].json()["messageHash"]}).json() == \
        {"text": NOTE}


def test_reidentify_is_audited_with_the_callers_key(server: Server, full: SignedClient,
                                                    reid: SignedClient) -> None:
    import sqlite3

    message_hash = full.post("/text/deidentify", {"text": NOTE}).json()["messageHash"]
    reid.post("/text/reidentify", {"messageHash": message_hash})
    with sqlite3.connect(server.home / "vault.sqlite3") as db:
        dump = "\n".join(str(row) for row in db.execute("SELECT * FROM audit"))
    assert f"local:{reid.credential.access_key_id}" in dump
    assert_no_phi(dump)


def test_unknown_message_is_404(reid: SignedClient) -> None:
    response = reid.post("/text/reidentify", {"messageHash": "0" * 64})
    assert response.status_code == 404 and error_of(response)["code"] == "MessageNotFound"


def test_image_url_downloads_the_object_until_it_expires(server: Server, full: SignedClient) -> None:
    server.put(INPUT, "scans/url.png", png())
    result = full.get("/image", {"bucket": INPUT, "key": "scans/url.png"}).json()
    assert result["expiresIn"] == 300
    download = server.http.get(result["url"])
    assert download.status_code == 200 and download.content == png()
    assert server.http.get(result["url"].replace("url.png", "other.png")).status_code == 403
    assert server.http.get(result["url"].replace("expires=", "expires=1")).status_code == 403
    expired = server.http.get(result["url"].split("?")[0] + "?expires=1&signature=" + "0" * 64)
    assert expired.status_code == 403 and error_of(expired)["code"] == "AccessDenied"
    huge = server.http.get(result["url"].split("?")[0] + "?expires=" + "9" * 5000 + "&signature=0")
    assert huge.status_code == 403


@pytest.mark.usefixtures("fake_images")
def test_image_text_and_phi(server: Server, full: SignedClient) -> None:
    server.put(INPUT, "scans/a.png", png())
    words = full.get("/image/text", {"bucket": INPUT, "key": "scans/a.png"}).json()["Words"]
    assert words == OCR_WORDS
    phi = full.get("/image/phi", {"bucket": INPUT, "key": "scans/a.png", "threshold": "0.5"}).json()["Words"]
    assert {w["text"] for w in phi} == {"SALAZAR,", "CARLOS", "RQ36114734"}
    assert all(w["type"] in {"NAME", "ID"} for w in phi)


@pytest.mark.usefixtures("fake_images")
def test_image_mask_writes_the_destination(server: Server, mask_only: SignedClient) -> None:
    server.put(INPUT, "scans/b.png", png())
    response = mask_only.post("/image/mask", {"s3Bucket": INPUT, "s3Key": "scans/b.png",
                                              "destinationBucket": OUTPUT, "destinationKey": "masked/b.png"})
    assert response.json() == {"location": f"s3://{OUTPUT}/masked/b.png", "boxes": 3}
    assert (server.data_dir / OUTPUT / "masked/b.png").read_bytes().startswith(b"REDACTED:")


def test_image_routes_with_this_builds_image_support_never_fail_with_5xx(server: Server,
                                                                        full: SignedClient) -> None:
    """Without fakes: 200 when the images work has landed, a clean 4xx (ImageUnsupported) before."""
    server.put(INPUT, "scans/real.png", png(32, 16))
    for path in ("/image/text", "/image/phi"):
        response = full.get(path, {"bucket": INPUT, "key": "scans/real.png"})
        assert response.status_code == 200 or (400 <= response.status_code < 500
                                               and error_of(response)["code"] == "ImageUnsupported")


def wait_for_manifest(server: Server, arn: str, timeout: float = 20.0) -> dict[str, Any]:
    path = server.data_dir / OUTPUT / manifest_key(arn.rsplit(":", 1)[1])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if manifest["status"] != "RUNNING":
            return manifest
        time.sleep(0.05)
    raise AssertionError("the batch did not finish")


def test_batch_masks_every_object_under_the_prefix(server: Server, full: SignedClient) -> None:
    for name in ("one.txt", "sub/two.txt"):
        server.put(INPUT, f"notes/{name}", NOTE.encode())
    server.put(INPUT, "notes/bad.txt", b"\xff\xfe not utf-8 \xc3")
    server.put(INPUT, "elsewhere/three.txt", NOTE.encode())
    response = full.post("/batch", {"s3Bucket": INPUT, "prefix": "notes/", "operation": "mask",
                                    "destinationPrefix": "masked-notes/"})
    assert response.status_code == 200
    manifest = wait_for_manifest(server, response.json()["executionArn"])
    assert manifest["objects"] == 3 and manifest["failed"] == 1
    assert manifest["status"] == "FAILED"  # 1 of 3 is more than the tolerated 5 %
    assert {r["key"]: r.get("error") for r in manifest["results"]} == {
        "notes/bad.txt": "InvalidInput", "notes/one.txt": None, "notes/sub/two.txt": None}
    assert (server.data_dir / OUTPUT / "masked-notes/sub/two.txt").read_text("utf-8") == MASKED
    assert not (server.data_dir / OUTPUT / "masked-notes/three.txt").exists()
    assert_no_phi(json.dumps(manifest))


def test_batch_deidentify_results_reidentify(server: Server, full: SignedClient, reid: SignedClient) -> None:
    server.put(INPUT, "deid-notes/a.txt", NOTE.encode())
    response = full.post("/batch", {"s3Bucket": INPUT, "prefix": "deid-notes/", "operation": "deidentify",
                                    "destinationPrefix": "deid-out", "scope": "batch-study"})
    arn = response.json()["executionArn"]
    manifest = wait_for_manifest(server, arn)
    assert manifest["status"] == "SUCCEEDED"
    deidentified = (server.data_dir / OUTPUT / "deid-out/a.txt").read_text("utf-8")
    assert reid.post("/text/reidentify", {"deidentifiedText": deidentified}).json() == {"text": NOTE}


def test_text_routes_take_a_policy_name(full: SignedClient, tmp_path: Any) -> None:
    from phimask.policy import resolve_policy

    note = "Seen 3/14/2019, age 94, MRN RQ40912288."
    masked = full.post("/text/mask", {"text": note, "policy": "safe-harbor"}).json()["maskedText"]
    assert masked == mask(note, policy=resolve_policy("safe-harbor")) and "2019" in masked and "90+" in masked
    deid = full.post("/text/deidentify", {"text": note, "policy": "safe-harbor"}).json()
    assert "3/14" not in deid["deidentifiedText"] and "RQ40912288" not in deid["deidentifiedText"]
    surrogate = full.post("/text/deidentify", {"text": NOTE, "style": "surrogate"}).json()
    assert "[[" not in surrogate["deidentifiedText"]
    assert_no_phi(surrogate["deidentifiedText"])


@pytest.mark.parametrize("policy", ["no-such-policy", "../etc/passwd", "/tmp/p.yaml", 7])
def test_unknown_or_path_policies_are_a_400(full: SignedClient, policy: object) -> None:
    response = full.post("/text/mask", {"text": NOTE, "policy": policy})
    assert response.status_code == 400
    assert error_of(response)["code"] in {"InvalidPolicy", "InvalidInput"}
    assert_no_phi(response.text)
