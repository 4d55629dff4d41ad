"""Handler plumbing and the proxy-route handlers: PHI-safe errors and logs, validation."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from awsharness import INPUT, Cloud, load_event, load_handler
from botocore.exceptions import ClientError

from phimask.aws.batch import BatchRequest, output_key
from phimask.aws.handlers import api_handler, classify, task_error, task_handler
from phimask.aws.payloads import decode_spans, encode_spans
from phimask.aws.s3 import BucketNotAllowed, check_bucket, check_key
from phimask.errors import InputError
from phimask.pipeline import find_phi

PHI = "SALAZAR, CARLOS"


def client_error(code: str, message: str = f"value {PHI} rejected") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "DetectPHI")


@pytest.mark.parametrize(("exc", "code", "message"), [
    (InputError("text is empty"), "InvalidInput", "text is empty"),
    (client_error("ThrottlingException"), "ServiceBusy",
     "an AWS service is throttling requests; try again later"),
    (client_error("ValidationException"), "ProcessingFailed",
     "an AWS service call failed (ValidationException)"),
    (KeyError(PHI), "ProcessingFailed", "the request could not be processed"),
    (ValueError(f"bad value {PHI}"), "ProcessingFailed", "the request could not be processed"),
])
def test_classify_keeps_only_phimask_messages(exc: Exception, code: str, message: str) -> None:
    assert classify(exc) == (code, message)


def test_task_errors_are_named_by_code_and_reused() -> None:
    first, second = task_error("InvalidInput", "a"), task_error("InvalidInput", "b")
    assert type(first).__name__ == "InvalidInput" and type(first) is type(second)
    assert type(task_error("not an identifier!", "x")).__name__ == "ProcessingFailed"


def test_failures_log_type_and_place_but_never_the_message(caplog: pytest.LogCaptureFixture) -> None:
    @task_handler
    def handler(event: Any) -> dict[str, Any]:
        raise RuntimeError(f"could not parse {event['text']}")

    with caplog.at_level(logging.INFO, logger="phimask"), pytest.raises(Exception) as failure:
        handler({"text": PHI}, None)
    assert type(failure.value).__name__ == "ProcessingFailed"
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
    assert "code=ProcessingFailed type=RuntimeError" in caplog.text
    assert "SALAZAR" not in caplog.text and "SALAZAR" not in str(failure.value)


def test_api_handler_maps_codes_to_status() -> None:
    @api_handler
    def handler(event: Any) -> dict[str, Any]:
        raise BucketNotAllowed("bucket is not one of the buckets this deployment may use")

    response = handler({}, None)
    assert response["statusCode"] == 403
    assert json.loads(response["body"]) == {"error": {
        "code": "Forbidden", "message": "bucket is not one of the buckets this deployment may use"}}


def test_presign_returns_a_short_lived_url(cloud: Cloud) -> None:
    response = load_handler("presign").lambda_handler(load_event("presign"), None)

    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    url = urlparse(body["url"])
    assert url.path.endswith("/scans/ultrasound-001.png") and INPUT in body["url"]
    query = parse_qs(url.query)
    assert body["expiresIn"] == 300 and query["X-Amz-Expires"] == ["300"]  # SigV4, five minutes
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"bucket": "elsewhere-bucket", "key": "a.png"}, 403, "bucket is not one of the buckets"),
    ({"bucket": INPUT, "key": "../../a.png"}, 400, "key must be a relative key"),
    ({"bucket": INPUT}, 400, "query string is missing the field: key"),
    (None, 400, "query string is missing the field: bucket"),
])
def test_presign_rejects_bad_queries(cloud: Cloud, query: Any, status: int, message: str) -> None:
    event = load_event("presign") | {"queryStringParameters": query}
    response = load_handler("presign").lambda_handler(event, None)
    assert response["statusCode"] == status
    assert json.loads(response["body"])["error"]["message"].startswith(message)


@pytest.mark.parametrize(("body", "status", "code"), [
    (json.dumps({"messageHash": "0" * 64}), 404, "MessageNotFound"),
    (json.dumps({"messageHash": "zz"}), 400, "InvalidInput"),
    (json.dumps({}), 400, "InvalidInput"),
    (json.dumps({"deidentifiedText": "[[NAME:0123456789ab]]", "text": PHI}), 400, "InvalidInput"),
    ("{not json", 400, "InvalidInput"),
])
def test_reidentify_errors(cloud: Cloud, body: str, status: int, code: str) -> None:
    response = load_handler("reidentify").lambda_handler(load_event("reidentify") | {"body": body}, None)
    assert response["statusCode"] == status
    error = json.loads(response["body"])["error"]
    assert error["code"] == code and "SALAZAR" not in error["message"]


def test_every_sample_event_is_accepted_by_its_handler(cloud: Cloud) -> None:
    cloud.s3.put_object(Bucket=INPUT, Key="scans/ultrasound-001.png", Body=b"\x89PNG\r\n\x1a\n" + bytes(200))
    cloud.s3.put_object(Bucket=INPUT, Key="notes/ward-2/b.txt", Body=b"Seen by Dr. Maria Gonzalez.")
    for name in ("identify_phi", "mask", "deidentify", "load_image", "batch_worker", "batch_worker_validate"):
        handler = load_handler(name.removesuffix("_validate"))
        assert isinstance(handler.lambda_handler(load_event(name), None), dict), name


@pytest.mark.parametrize("key", ["/abs", "a/../b", "./a", "a\\b", "a\x00b", "a\nb", ""])
def test_unsafe_keys_are_refused(key: str) -> None:
    with pytest.raises(InputError):
        check_key(key, "s3Key")


def test_bucket_names_are_checked_before_the_allowed_list() -> None:
    with pytest.raises(InputError, match="must be an S3 bucket name"):
        check_bucket("Bad_Bucket", {"Bad_Bucket"}, "s3Bucket")
    with pytest.raises(BucketNotAllowed):
        check_bucket("other-bucket", {INPUT}, "s3Bucket")
    assert check_bucket(INPUT, {INPUT}, "s3Bucket") == INPUT


def test_spans_round_trip_and_are_checked() -> None:
    text = json.loads(load_event("text_mask")["body"])["text"]
    entities = find_phi(text)
    decoded = decode_spans(text, encode_spans(entities))
    def spans(found: list[Any]) -> list[tuple[Any, ...]]:
        return [(e.begin, e.end, e.type, e.text) for e in found]

    assert spans(decoded) == spans(entities)
    with pytest.raises(InputError):
        decode_spans(text, [[0, len(text) + 5, "NAME", 0.9]])
    with pytest.raises(InputError):
        decode_spans(text, [[0, 4, "PLANET", 0.9]])


@pytest.mark.parametrize(("prefix", "key", "expected"), [
    ("notes/", "notes/a.txt", "out/a.txt"),
    ("notes/", "notes/ward/b.txt", "out/ward/b.txt"),
    ("notes", "notes/c.txt", "out/c.txt"),
    ("", "top.txt", "out/top.txt"),
])
def test_output_keys_keep_the_layout_below_the_prefix(prefix: str, key: str, expected: str) -> None:
    request = BatchRequest("in", prefix, "mask", "out/", 0.5)
    assert output_key(request, key) == expected
