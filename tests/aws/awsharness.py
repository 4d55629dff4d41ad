"""Harness for the AWS tests: moto account, the Lambda handlers run in-process, and
execution of the real ASL files (moto's Step Functions executor)."""

from __future__ import annotations

import importlib.util
import json
import secrets
import string
import time
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.awslambda.models import LambdaBackend

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
ACCOUNT = "123456789012"
INPUT, OUTPUT, WORK = "phimask-input", "phimask-output", "phimask-work"
VAULT_TABLE, AUDIT_TABLE = "phimask-vault", "phimask-audit"
# DefinitionSubstitutions placeholder -> function directory
FUNCTIONS = {
    "IdentifyPhiFunctionArn": "identify_phi",
    "MaskFunctionArn": "mask",
    "DeidentifyFunctionArn": "deidentify",
    "LoadImageFunctionArn": "load_image",
    "DetectTextFunctionArn": "detect_text",
    "RedactImageFunctionArn": "redact_image",
    "BatchWorkerFunctionArn": "batch_worker",
}


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:phimask-{name.replace('_', '-')}"


def load_handler(name: str) -> types.ModuleType:
    """``functions/<name>/app.py`` as a module (each test gets a fresh import)."""
    spec = importlib.util.spec_from_file_location(f"phimask_fn_{name}", ROOT / "functions" / name / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_template() -> dict[str, Any]:
    """template.yaml with its short-form intrinsics (!Ref...) as long-form dicts."""
    from samcli.yamlhelper import yaml_parse

    template: dict[str, Any] = yaml_parse((ROOT / "template.yaml").read_text("utf-8"))
    return template


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text("utf-8"))
    return data


def definition(name: str, extra: dict[str, str] | None = None) -> str:
    """The ASL text with DefinitionSubstitutions applied, as CloudFormation would."""
    text = (ROOT / "statemachine" / f"{name}.asl.json").read_text("utf-8")
    values = {key: function_arn(fn) for key, fn in FUNCTIONS.items()}
    values["ResultsBucketName"] = OUTPUT
    values.update(extra or {})
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    assert "${" not in text, "a DefinitionSubstitutions placeholder was left unresolved"
    return text


_poll_pause = time.sleep  # kept apart: tests patch time.sleep to skip Retry back-off


@dataclass
class Invocation:
    function: str
    event: Any
    error: str | None = None


@dataclass
class Lambdas:
    """In-process stand-ins for the deployed functions, recording every invocation."""

    handlers: dict[str, Any] = field(default_factory=dict)
    calls: list[Invocation] = field(default_factory=list)

    def invoke(self, function_name: str, body: str) -> tuple[bytes, bool]:
        name = function_name.rsplit(":", 1)[-1].removeprefix("phimask-").replace("-", "_")
        event = json.loads(body) if body else {}
        call = Invocation(name, event)
        self.calls.append(call)
        context = types.SimpleNamespace(aws_request_id=f"req-{len(self.calls)}", function_name=name)
        try:
            result = self.handlers[name].lambda_handler(event, context)
        except Exception as exc:  # what the Python Lambda runtime reports for an unhandled error
            call.error = type(exc).__name__
            frames = traceback.format_list(traceback.extract_tb(exc.__traceback__))
            payload = {"errorMessage": str(exc), "errorType": type(exc).__name__,
                       "requestId": context.aws_request_id, "stackTrace": frames}
            return json.dumps(payload).encode(), True
        return json.dumps(result).encode(), False

    def names(self) -> list[str]:
        return [c.function for c in self.calls]


@dataclass
class Cloud:
    s3: Any
    sfn: Any
    dynamodb: Any
    kms_key_arn: str
    secret_arn: str
    lambdas: Lambdas

    def run(self, machine: str, payload: Any, *, kind: str = "EXPRESS",
            extra: dict[str, str] | None = None, timeout: float = 60.0) -> dict[str, Any]:
        """Execute ``statemachine/<machine>.asl.json`` on ``payload`` until it ends."""
        arn = self.sfn.create_state_machine(
            name=f"{machine}-{secrets.token_hex(4)}", definition=definition(machine, extra),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/phimask-states", type=kind)["stateMachineArn"]
        execution = self.sfn.start_execution(
            stateMachineArn=arn, name=f"run-{secrets.token_hex(6)}", input=json.dumps(payload),
        )["executionArn"]
        deadline = time.monotonic() + timeout
        while True:
            described: dict[str, Any] = self.sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                return described
            if time.monotonic() > deadline:
                raise AssertionError(f"execution of {machine} still running after {timeout} s")
            _poll_pause(0.05)

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.sfn.get_execution_history(executionArn=execution_arn)["events"]
        return events


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "DETECTOR": "embedded", "PHI_THRESHOLD": "0.5", "ENSEMBLE_THRESHOLDS": "",
        "ALLOWED_BUCKETS": f"{INPUT},{OUTPUT},", "WORK_BUCKET": WORK, "OUTPUT_BUCKET": OUTPUT,
        "VAULT_TABLE": VAULT_TABLE, "AUDIT_TABLE": AUDIT_TABLE,
    }.items():
        monkeypatch.setenv(name, value)
    _clear_caches()


def _clear_caches() -> None:
    from phimask.aws import settings, vault

    for cached in (settings.settings, settings.detector, vault.vault):
        getattr(cached, "cache_clear", lambda: None)()


@pytest.fixture
def cloud(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    """A moto account with the stack's buckets, vault tables, key and salt secret, and the
    Lambda service patched to run the handlers in this process."""
    from phimask.vault.dynamodb import create_tables

    lambdas = Lambdas({name: load_handler(name) for name in FUNCTIONS.values()})

    def invoke(self: Any, function_name: str, qualifier: Any, body: Any, headers: Any,
               response_headers: dict[str, str]) -> bytes:
        payload, failed = lambdas.invoke(function_name, body)
        if failed:
            response_headers["x-amz-function-error"] = "Unhandled"
        return payload

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), \
            mock.patch.object(LambdaBackend, "invoke", invoke):
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in (INPUT, OUTPUT, WORK):
            s3.create_bucket(Bucket=bucket)
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_tables(dynamodb, VAULT_TABLE, AUDIT_TABLE)
        kms = boto3.client("kms", region_name=REGION)
        key_arn = kms.create_key(Description="phimask")["KeyMetadata"]["Arn"]
        # what the template's GenerateSecretString makes: 64 letters and digits
        salt = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(64))
        secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="phimask-salt", SecretString=salt, KmsKeyId=key_arn)["ARN"]
        monkeypatch.setenv("KMS_KEY_ID", key_arn)
        monkeypatch.setenv("SALT_SECRET_ARN", secret_arn)
        _clear_caches()
        yield Cloud(s3, boto3.client("stepfunctions", region_name=REGION), dynamodb, key_arn, secret_arn,
                    lambdas)
    _clear_caches()
