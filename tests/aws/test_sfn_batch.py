"""The batch state machine (statemachine/batch.asl.json): moto executes its Distributed Map
(ItemReader listObjectsV2 over the prefix, one child execution per object, ResultWriter
manifest). moto does not apply ToleratedFailurePercentage, so that part is checked
structurally, and the worker is also tested directly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from awsharness import INPUT, OUTPUT, Cloud, load_event, load_handler

from phimask.aws.settings import Settings
from phimask.aws.vault import dynamodb_vault
from phimask.deid import reidentify
from phimask.entities import entities_to_response
from phimask.pipeline import find_phi, mask

NOTES = {
    "notes/a.txt": json.loads(load_event("text_mask")["body"])["text"],
    "notes/ward-2/b.txt": "Seen by Dr. Maria Gonzalez on 03/04/2019. Call 617-555-0199 to follow up.\n",
}


@pytest.fixture
def batch_cloud(cloud: Cloud) -> Cloud:
    for key, text in NOTES.items():
        cloud.s3.put_object(Bucket=INPUT, Key=key, Body=text.encode())
    cloud.s3.put_object(Bucket=INPUT, Key="other/c.txt", Body=b"Name: not in the prefix")
    return cloud


def output_text(cloud: Cloud, key: str) -> str:
    data: bytes = cloud.s3.get_object(Bucket=OUTPUT, Key=key)["Body"].read()
    return data.decode("utf-8")


def succeeded(result: dict[str, Any]) -> dict[str, Any]:
    assert result["status"] == "SUCCEEDED", (result.get("error"), result.get("cause"))
    data: dict[str, Any] = json.loads(result["output"])
    return data


def test_mask_batch_writes_each_object_like_the_pipeline(batch_cloud: Cloud) -> None:
    result = succeeded(batch_cloud.run("batch", load_event("batch"), kind="STANDARD"))

    for key, text in NOTES.items():
        assert output_text(batch_cloud, "masked/" + key.removeprefix("notes/")) == mask(text, "type", 0.5)
    keys = [o["Key"] for o in batch_cloud.s3.list_objects_v2(Bucket=OUTPUT)["Contents"]]
    assert not any("c.txt" in key for key in keys)
    manifest = result["results"]
    assert manifest["Bucket"] == OUTPUT and manifest["Key"].startswith("batch-results/")
    assert sorted(batch_cloud.lambdas.names()) == ["batch_worker"] * 3  # validate + 2 objects


def test_batch_state_carries_keys_not_text(batch_cloud: Cloud) -> None:
    result = batch_cloud.run("batch", load_event("batch"), kind="STANDARD")
    history = json.dumps(batch_cloud.history(result["executionArn"]), default=str)
    events = json.dumps([c.event for c in batch_cloud.lambdas.calls])
    for value in ("SALAZAR", "RQ36114734", "Gonzalez", "617-555-0199"):
        assert value not in history and value not in events


def test_identify_batch_writes_entities(batch_cloud: Cloud) -> None:
    succeeded(batch_cloud.run("batch", load_event("batch") | {"operation": "identify",
                                                             "destinationPrefix": "phi"}, kind="STANDARD"))
    for key, text in NOTES.items():
        written = json.loads(output_text(batch_cloud, "phi/" + key.removeprefix("notes/") + ".phi.json"))
        assert written == entities_to_response(find_phi(text, 0.5))


def test_deidentify_batch_round_trips_through_the_vault(batch_cloud: Cloud) -> None:
    request = load_event("batch") | {"operation": "deidentify", "destinationPrefix": "deid/", "scope": "ward"}
    succeeded(batch_cloud.run("batch", request, kind="STANDARD"))

    vault = dynamodb_vault(Settings.from_env())
    for key, text in NOTES.items():
        target = "deid/" + key.removeprefix("notes/")
        head = batch_cloud.s3.head_object(Bucket=OUTPUT, Key=target)
        deidentified = output_text(batch_cloud, target)
        assert "[[" in deidentified
        assert reidentify(vault, deidentified_text=deidentified, caller="test") == text
        assert reidentify(vault, message_hash=head["Metadata"]["message-hash"], caller="test") == text


@pytest.mark.parametrize(("change", "message"), [
    ({"operation": "erase"}, "operation must be one of"),
    ({"s3Bucket": "someone-elses-bucket"}, "s3Bucket is not one of the buckets"),
    ({"destinationPrefix": "../up"}, "destinationPrefix must be a relative key"),
    ({"text": "Name: SALAZAR"}, "batch request has unexpected fields"),
])
def test_invalid_batch_request_fails_before_listing(batch_cloud: Cloud, change: dict[str, str],
                                                    message: str) -> None:
    result = batch_cloud.run("batch", load_event("batch") | change, kind="STANDARD")

    assert result["status"] == "FAILED"
    assert result["cause"].startswith(message)
    assert "SALAZAR" not in result["cause"]
    assert batch_cloud.lambdas.names() == ["batch_worker"]


def test_a_bad_object_fails_alone(batch_cloud: Cloud) -> None:
    # In AWS the run fails only above ToleratedFailurePercentage; moto ignores that setting
    # (the run succeeds whatever fails), so this checks that the other objects are done and
    # the bad one leaves nothing behind.
    batch_cloud.s3.put_object(Bucket=INPUT, Key="notes/scan.bin", Body=b"\x00\x01\x02SALAZAR")
    result = batch_cloud.run("batch", load_event("batch"), kind="STANDARD")

    assert result["status"] == "SUCCEEDED"
    written = {o["Key"] for o in batch_cloud.s3.list_objects_v2(Bucket=OUTPUT, Prefix="masked/")["Contents"]}
    assert written == {"masked/a.txt", "masked/ward-2/b.txt"}
    failed = [c for c in batch_cloud.lambdas.calls if c.error]
    assert [(c.event["key"], c.error) for c in failed] == [("notes/scan.bin", "InvalidInput")]


def test_worker_rejects_binary_objects_without_writing(batch_cloud: Cloud) -> None:
    batch_cloud.s3.put_object(Bucket=INPUT, Key="notes/scan.bin", Body=b"\x00\x01\x02SALAZAR")
    worker = load_handler("batch_worker")
    request = worker.lambda_handler({"validate": load_event("batch")}, None)

    with pytest.raises(Exception) as failure:
        worker.lambda_handler({"request": request, "key": "notes/scan.bin"}, None)
    assert type(failure.value).__name__ == "InvalidInput"
    assert "SALAZAR" not in str(failure.value)
    assert "Contents" not in batch_cloud.s3.list_objects_v2(Bucket=OUTPUT, Prefix="masked/")


def test_worker_summary_has_no_text(batch_cloud: Cloud) -> None:
    worker = load_handler("batch_worker")
    request = worker.lambda_handler({"validate": load_event("batch") | {"operation": "identify"}}, None)
    summary = worker.lambda_handler({"request": request, "key": "notes/a.txt"}, None)

    assert summary == {"key": "notes/a.txt", "output": "masked/a.txt.phi.json",
                       "entities": len(find_phi(NOTES["notes/a.txt"], 0.5))}
