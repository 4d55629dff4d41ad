"""The text state machine (statemachine/text.asl.json) executed by moto, its Lambda tasks
run in-process, compared with the in-process pipeline on the same inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from awsharness import Cloud, load_event, load_handler

from phimask.aws.settings import Settings
from phimask.aws.vault import dynamodb_vault
from phimask.deid import deidentify
from phimask.entities import entities_to_response
from phimask.pipeline import find_phi, mask

NOTE = json.loads(load_event("text_mask")["body"])["text"]


def output(result: dict[str, Any]) -> dict[str, Any]:
    assert result["status"] == "SUCCEEDED", (result.get("error"), result.get("cause"))
    data: dict[str, Any] = json.loads(result["output"])
    return data


def test_mask_matches_the_in_process_pipeline_on_the_aws_sample_note(cloud: Cloud) -> None:
    result = output(cloud.run("text", load_event("text_mask")))

    assert result == {"maskedText": mask(NOTE, "type", 0.5)}
    masked = result["maskedText"]
    assert "SALAZAR" not in masked and "RQ36114734" not in masked and "2/11/1961" not in masked
    for kept in ("ED Arrival Time", "Sex: Male", "18:15"):
        assert kept in masked
    assert cloud.lambdas.names() == ["identify_phi", "mask"]


@pytest.mark.parametrize("style", ["type", "char", "numbered", "redact"])
def test_every_mask_style_matches_the_pipeline(cloud: Cloud, style: str) -> None:
    event = {"operation": "mask", "body": json.dumps({"text": NOTE, "style": style, "threshold": 0.4})}
    assert output(cloud.run("text", event)) == {"maskedText": mask(NOTE, style, 0.4)}


def test_identify_returns_the_pipeline_entities(cloud: Cloud) -> None:
    result = output(cloud.run("text", load_event("text_phi")))

    assert result == entities_to_response(find_phi(NOTE, 0.5))
    assert {e["Type"] for e in result["Entities"]} >= {"NAME", "ID", "DATE"}
    assert cloud.lambdas.names() == ["identify_phi"]


def test_deidentify_matches_in_process_and_reidentifies(cloud: Cloud) -> None:
    result = output(cloud.run("text", load_event("text_deidentify")))

    vault = dynamodb_vault(Settings.from_env())
    expected = deidentify(NOTE, vault, "study-42", threshold=0.5).to_dict()
    assert result == expected
    assert "SALAZAR" not in result["deidentifiedText"] and "[[NAME:" in result["deidentifiedText"]
    assert cloud.lambdas.names() == ["identify_phi", "deidentify"]

    reidentify = load_handler("reidentify")
    event = load_event("reidentify")
    event["body"] = json.dumps({"deidentifiedText": result["deidentifiedText"]})
    response = reidentify.lambda_handler(event, None)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"text": NOTE}
    audit = cloud.dynamodb.scan(TableName="phimask-audit")["Items"]
    assert [a["caller"]["S"] for a in audit] == ["arn:aws:iam::123456789012:user/auditor"]
    assert all("SALAZAR" not in json.dumps(item) for item in audit)


def test_vault_rows_hold_no_plaintext(cloud: Cloud) -> None:
    output(cloud.run("text", load_event("text_deidentify")))
    rows = json.dumps(cloud.dynamodb.scan(TableName="phimask-vault")["Items"])
    for value in ("SALAZAR", "CARLOS", "RQ36114734", "2/11/1961", "11/12/2011"):
        assert value not in rows


@pytest.mark.parametrize(("body", "message"), [
    ("not json", "request body is not valid JSON"),
    (json.dumps(["a list"]), "request body must be a JSON object"),
    (json.dumps({"text": ""}), "text is empty"),
    (json.dumps({"text": 42}), "text must be a string"),
    (json.dumps({"text": "Name: SALAZAR", "threshold": 2}), "threshold must be a number between 0 and 1"),
    (json.dumps({"text": "Name: SALAZAR", "threshold": "0.5"}), "threshold must be a number between 0 and 1"),
    (json.dumps({"text": "Name: SALAZAR", "style": "blur"}), "style must be one of"),
    (json.dumps({"text": "Name: SALAZAR", "SALAZAR": 1}), "request body has unexpected fields"),
    (json.dumps({"text": "x" * (64 * 1024 + 1)}), "text is larger than the 64 KB limit"),
    (json.dumps({"text": "Name: SALAZAR \ud800"}), "text is not valid UTF-8"),
])
def test_bad_input_fails_with_invalid_input_and_no_phi(cloud: Cloud, body: str, message: str) -> None:
    result = cloud.run("text", {"operation": "mask", "body": body})

    assert result["status"] == "FAILED"
    assert result["error"] == "InvalidInput"
    assert result["cause"].startswith(message)
    assert "SALAZAR" not in result["cause"]
    assert cloud.lambdas.names() == ["identify_phi"]


def test_unknown_operation_is_rejected(cloud: Cloud) -> None:
    result = cloud.run("text", {"operation": "erase", "body": json.dumps({"text": NOTE})})
    assert (result["status"], result["error"]) == ("FAILED", "InvalidInput")
    assert "SALAZAR" not in result["cause"]


def test_a_crashing_handler_leaves_no_phi_in_the_error_or_history(cloud: Cloud,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError(f"could not mask {text!r}")  # a careless message full of PHI

    monkeypatch.setattr(cloud.lambdas.handlers["mask"], "apply_policy", explode)
    result = cloud.run("text", load_event("text_mask"), kind="STANDARD")

    assert (result["status"], result["error"]) == ("FAILED", "ProcessingFailed")
    assert "SALAZAR" not in result["cause"]
    failures = [e for e in cloud.history(result["executionArn"])
                if e["type"] in {"TaskFailed", "LambdaFunctionFailed", "ExecutionFailed"}]
    assert failures, "the failure should be in the history"
    details = json.dumps(failures, default=str)
    assert "ProcessingFailed" in details
    for value in ("SALAZAR", "CARLOS", "RQ36114734", "could not mask"):
        assert value not in details
    assert cloud.lambdas.calls[-1].error == "ProcessingFailed"


def test_throttled_lambda_is_retried_then_succeeds(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    from phimask.aws.handlers import task_error

    real = cloud.lambdas.handlers["mask"].lambda_handler
    attempts = []

    def flaky(event: Any, context: Any) -> Any:
        attempts.append(1)
        if len(attempts) == 1:
            raise task_error("ServiceBusy", "an AWS service is throttling requests; try again later")
        return real(event, context)

    monkeypatch.setattr(cloud.lambdas.handlers["mask"], "lambda_handler", flaky)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    result = output(cloud.run("text", load_event("text_mask")))

    assert result == {"maskedText": mask(NOTE, "type", 0.5)}
    assert cloud.lambdas.names() == ["identify_phi", "mask", "mask"]
