"""template.yaml has what the design promises. Checked on the SAM template and on its
CloudFormation translation (samtranslator, offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from awsharness import FUNCTIONS, ROOT, load_template

from phimask.routes import ROUTES
from phimask.vault import schema

WILDCARD_RESOURCE_ACTIONS = {"comprehendmedical:DetectPHI", "rekognition:DetectText"}
STATE_MACHINES = {"TextStateMachine": ("text", "EXPRESS"), "ImageStateMachine": ("image", "EXPRESS"),
                  "BatchStateMachine": ("batch", "STANDARD")}


@pytest.fixture(scope="module")
def sam() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    """The CloudFormation that SAM makes of the template (local URIs replaced by S3 ones)."""
    from samtranslator.translator.transform import transform

    template = load_template()
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            props["CodeUri"] = f"s3://artifacts/{name}.zip"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            props["ContentUri"] = "s3://artifacts/layer.zip"
        elif resource["Type"] == "AWS::Serverless::StateMachine":
            props["Definition"] = json.loads((ROOT / props.pop("DefinitionUri")).read_text("utf-8"))

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        result: dict[str, Any] = transform(template, {}, NoManagedPolicies())
    return result


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template["Resources"].items() if r["Type"] == kind}


def api_paths(cfn: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    (api,) = resources(cfn, "AWS::ApiGateway::RestApi").values()
    body = api["Properties"]["Body"]
    return {(method.upper(), path): spec for path, methods in body["paths"].items()
            for method, spec in methods.items()}


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    found = policy["PolicyDocument"]["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------- API

def test_every_route_of_the_design_exists_and_requires_iam_auth(cfn: dict[str, Any]) -> None:
    paths = api_paths(cfn)
    assert set(paths) == {(r.method, r.path) for r in ROUTES}
    for route, spec in paths.items():
        assert spec.get("security") == [{"AWS_IAM": []}], route
    (api,) = resources(cfn, "AWS::ApiGateway::RestApi").values()
    scheme = api["Properties"]["Body"]["securityDefinitions"]["AWS_IAM"]
    assert scheme["x-amazon-apigateway-authtype"] == "awsSigv4"


@pytest.mark.parametrize(("route", "action", "machine", "operation"), [
    (("POST", "/text/phi"), "StartSyncExecution", "TextStateMachine", "identify"),
    (("POST", "/text/mask"), "StartSyncExecution", "TextStateMachine", "mask"),
    (("POST", "/text/deidentify"), "StartSyncExecution", "TextStateMachine", "deidentify"),
    (("GET", "/image/text"), "StartSyncExecution", "ImageStateMachine", "text"),
    (("GET", "/image/phi"), "StartSyncExecution", "ImageStateMachine", "phi"),
    (("POST", "/image/mask"), "StartSyncExecution", "ImageStateMachine", "mask"),
    (("POST", "/batch"), "StartExecution", "BatchStateMachine", None),
])
def test_execution_routes_are_step_functions_service_integrations(cfn: dict[str, Any], route: tuple[str, str],
                                                                  action: str, machine: str,
                                                                  operation: str | None) -> None:
    integration = api_paths(cfn)[route]["x-amazon-apigateway-integration"]
    assert integration["type"] == "aws"
    assert integration["uri"]["Fn::Sub"].endswith(f":states:action/{action}")
    assert integration["credentials"] == {"Fn::GetAtt": ["ApiStatesRole", "Arn"]}
    template_text, variables = integration["requestTemplates"]["application/json"]["Fn::Sub"]
    assert variables == {"Machine": {"Ref": machine}}
    assert '"name": "$context.requestId"' in template_text
    if operation is not None:
        assert re.search(r"operation(\\\"|@@): (\\\"|@@)" + operation + r"(\\\"|@@)", template_text)
        responses = integration["responses"]["default"]["responseTemplates"]["application/json"]
        assert "$input.path('$.output')" in responses
        # only phimask's own input errors pass their message through; anything else is generic
        assert "#set($context.responseOverride.status = 500)" in responses


def test_lambda_proxy_routes_use_resource_permissions_not_caller_credentials(cfn: dict[str, Any]) -> None:
    paths = api_paths(cfn)
    for route in (("GET", "/image"), ("POST", "/text/reidentify"), ("POST", "/fhir/deidentify")):
        integration = paths[route]["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy" and "credentials" not in integration
    permissions = resources(cfn, "AWS::Lambda::Permission").values()
    invoked = {p["Properties"]["FunctionName"]["Ref"] for p in permissions}
    assert invoked == {"PresignFunction", "ReidentifyFunction", "FhirDeidentifyFunction"}


def test_api_never_logs_bodies(sam: dict[str, Any]) -> None:
    props = sam["Resources"]["PhimaskApi"]["Properties"]
    (setting,) = props["MethodSettings"]
    assert setting["DataTraceEnabled"] is False and setting["LoggingLevel"] == "OFF"
    assert props["Auth"] == {"DefaultAuthorizer": "AWS_IAM", "InvokeRole": "NONE"}
    for response in props["GatewayResponses"].values():
        assert "validationErrorString" not in json.dumps(response)  # could quote the rejected value


# ---------------------------------------------------------------- state machines

@pytest.mark.parametrize("name", STATE_MACHINES)
def test_state_machines_log_errors_without_execution_data(sam: dict[str, Any], name: str) -> None:
    props = sam["Resources"][name]["Properties"]
    assert props["Type"] == STATE_MACHINES[name][1]
    assert props["Logging"]["Level"] == "ERROR"
    assert props["Logging"]["IncludeExecutionData"] is False


@pytest.mark.parametrize("name", STATE_MACHINES)
def test_definition_substitutions_match_the_asl_placeholders(sam: dict[str, Any], name: str) -> None:
    props = sam["Resources"][name]["Properties"]
    asl = (ROOT / props["DefinitionUri"]).read_text("utf-8")
    assert set(re.findall(r"\$\{(\w+)\}", asl)) == set(props["DefinitionSubstitutions"])
    for key, value in props["DefinitionSubstitutions"].items():
        if key in FUNCTIONS:
            assert value == {"Fn::GetAtt": [key.removesuffix("Arn"), "Arn"]}


def _tasks(states: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, state in states.items():
        if state["Type"] == "Task":
            found.append((name, state))
        if "ItemProcessor" in state:
            found.extend(_tasks(state["ItemProcessor"]["States"]))
    return found


@pytest.mark.parametrize("machine", ["text", "image", "batch"])
def test_every_task_retries_with_jitter_and_lambda_tasks_retry_throttling(machine: str) -> None:
    asl = json.loads((ROOT / "statemachine" / f"{machine}.asl.json").read_text("utf-8"))
    for name, task in _tasks(asl["States"]):
        assert task["Retry"], name
        for retrier in task["Retry"]:
            assert retrier["JitterStrategy"] == "FULL" and retrier["BackoffRate"] > 1, name
        if task["Resource"] == "arn:aws:states:::lambda:invoke":
            retried = {e for r in task["Retry"] for e in r["ErrorEquals"]}
            assert {"Lambda.TooManyRequestsException", "Lambda.ServiceException",
                    "Lambda.SdkClientException", "Lambda.AWSLambdaException"} <= retried, name


@pytest.mark.parametrize("machine", ["text", "image"])
def test_failures_end_in_states_that_carry_no_input(machine: str) -> None:
    asl = json.loads((ROOT / "statemachine" / f"{machine}.asl.json").read_text("utf-8"))
    states = asl["States"]
    for name, task in _tasks(states):
        catch_all = [c for c in task["Catch"] if c["ErrorEquals"] == ["States.ALL"]]
        assert catch_all and catch_all[0]["ResultPath"] is None, name
        assert states[catch_all[0]["Next"]] == {
            "Type": "Fail", "Error": "ProcessingFailed", "Cause": states["ProcessingFailed"]["Cause"]}
    # the input-error path keeps only the error name and the handler's own message
    assert set(states["RejectInput"]["Parameters"]) == {"code.$", "cause.$"}
    assert states["InvalidRequest"]["CausePath"] == "$.cause.errorMessage"


def test_batch_machine_is_a_distributed_map_over_s3_with_tolerance_and_results() -> None:
    asl = json.loads((ROOT / "statemachine" / "batch.asl.json").read_text("utf-8"))
    step = asl["States"]["ProcessObjects"]
    assert step["Type"] == "Map"
    assert step["ItemReader"]["Resource"] == "arn:aws:states:::s3:listObjectsV2"
    assert step["ItemReader"]["Parameters"] == {"Bucket.$": "$.s3Bucket", "Prefix.$": "$.prefix"}
    assert step["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert 0 < step["ToleratedFailurePercentage"] < 100  # not applied by moto: checked here
    assert step["ResultWriter"]["Resource"] == "arn:aws:states:::s3:putObject"
    assert step["ItemSelector"] == {"request.$": "$", "key.$": "$$.Map.Item.Value.Key"}
    assert asl["StartAt"] == "ValidateRequest"


# ---------------------------------------------------------------- data at rest

def test_vault_tables_are_on_demand_recoverable_and_encrypted_with_the_stack_key(sam: dict[str, Any]) -> None:
    keys = {"VaultTable": (schema.PK, schema.SK), "AuditTable": (schema.PK, schema.AUDIT_SK)}
    for name, (hash_key, range_key) in keys.items():
        table = sam["Resources"][name]
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                             "KMSMasterKeyId": {"Ref": "Key"}}
        assert props["KeySchema"] == [{"AttributeName": hash_key, "KeyType": "HASH"},
                                      {"AttributeName": range_key, "KeyType": "RANGE"}]
        assert table["DeletionPolicy"] == "Retain"


def test_key_rotates_and_protects_the_salt_secret(sam: dict[str, Any]) -> None:
    assert sam["Resources"]["Key"]["Properties"]["EnableKeyRotation"] is True
    secret = sam["Resources"]["SaltSecret"]["Properties"]
    assert secret["KmsKeyId"] == {"Ref": "Key"}
    assert secret["GenerateSecretString"] == {"PasswordLength": 64, "ExcludePunctuation": True}


def test_buckets_are_private_encrypted_tls_only_and_outputs_versioned(sam: dict[str, Any]) -> None:
    buckets = resources(sam, "AWS::S3::Bucket")
    policies = {p["Properties"]["Bucket"]["Ref"]: p for p in resources(sam, "AWS::S3::BucketPolicy").values()}
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                         "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}
        (deny,) = statements(policies[name]["Properties"])
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert buckets["OutputBucket"]["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}


def test_log_groups_have_retention_and_encryption(sam: dict[str, Any]) -> None:
    for group in resources(sam, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["Key", "Arn"]}
    logging = sam["Globals"]["Function"]["LoggingConfig"]
    assert logging["LogGroup"] == {"Ref": "FunctionsLogGroup"} and logging["LogFormat"] == "JSON"


# ---------------------------------------------------------------- least privilege

def _function_roles(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    functions = resources(cfn, "AWS::Lambda::Function")
    roles = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    assert len(roles) == len(functions) == 10  # one role per function
    return {name: cfn["Resources"][name] for name in roles}


def test_function_roles_have_no_wildcard_actions_and_no_full_access(cfn: dict[str, Any]) -> None:
    managed = resources(cfn, "AWS::IAM::ManagedPolicy")
    for name, role in _function_roles(cfn).items():
        props = role["Properties"]
        docs = [p["PolicyDocument"] for p in props.get("Policies", [])]
        for arn in props.get("ManagedPolicyArns", []):
            if isinstance(arn, dict):  # one of the stack's own managed policies
                docs.append(managed[arn["Ref"]]["Properties"]["PolicyDocument"])
            else:
                assert arn.endswith("service-role/AWSLambdaBasicExecutionRole"), (name, arn)
        for doc in docs:
            for statement in as_list(doc["Statement"]):
                actions = as_list(statement["Action"])
                assert not any("*" in action for action in actions), (name, actions)
                if "*" in as_list(statement["Resource"]):
                    assert set(actions) <= WILDCARD_RESOURCE_ACTIONS, (name, actions)
    assert "FullAccess" not in json.dumps({n: r for n, r in cfn["Resources"].items() if n.endswith("Role")})


def test_only_the_vault_functions_touch_the_vault(cfn: dict[str, Any]) -> None:
    for name, role in _function_roles(cfn).items():
        text = json.dumps(role["Properties"])
        uses_vault = "VaultTable" in text
        assert uses_vault == (name in {"DeidentifyFunctionRole", "ReidentifyFunctionRole",
                                       "BatchWorkerFunctionRole", "FhirDeidentifyFunctionRole"}), name
        assert ("AuditTable" in text) == (name == "ReidentifyFunctionRole"), name
        if name == "ReidentifyFunctionRole":
            assert "dynamodb:PutItem" not in json.dumps([s for s in role["Properties"]["Policies"][0]
                                                        ["PolicyDocument"]["Statement"]
                                                        if "VaultTable" in json.dumps(s)])


def test_deid_functions_get_the_vault_environment(sam: dict[str, Any]) -> None:
    for name in ("DeidentifyFunction", "ReidentifyFunction", "BatchWorkerFunction"):
        variables = sam["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert {"VAULT_TABLE", "AUDIT_TABLE", "KMS_KEY_ID", "SALT_SECRET_ARN"} <= set(variables)
    variables = sam["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["DETECTOR"] == {"Ref": "Detector"}
    assert sam["Parameters"]["Detector"]["AllowedValues"] == ["comprehend", "embedded", "ensemble"]
    assert sam["Parameters"]["Detector"]["Default"] == "comprehend"


# ---------------------------------------------------------------- packaging

def test_code_uris_are_the_handler_folders_and_the_layer(sam: dict[str, Any]) -> None:
    functions = resources(sam, "AWS::Serverless::Function")
    assert {f["Properties"]["CodeUri"] for f in functions.values()} == {
        f"functions/{path.name}/" for path in (ROOT / "functions").iterdir() if path.is_dir()}
    for function in functions.values():
        folder = ROOT / function["Properties"]["CodeUri"]
        assert sorted(p.name for p in folder.iterdir() if p.name != "__pycache__") == ["app.py"]
    layer = sam["Resources"]["CoreLayer"]
    assert layer["Properties"]["ContentUri"] == "layer/"
    assert layer["Metadata"]["BuildMethod"] == sam["Globals"]["Function"]["Runtime"] == "python3.12"
    assert (ROOT / "layer" / "phimask").resolve() == (ROOT / "src" / "phimask").resolve()
    assert "pycryptodome" in (ROOT / "layer" / "requirements.txt").read_text("utf-8")


@pytest.mark.parametrize("path", sorted((ROOT / "functions").glob("*/app.py")), ids=lambda p: p.parent.name)
def test_handlers_are_thin_and_never_log_events(path: Path) -> None:
    source = path.read_text("utf-8")
    assert len(source.splitlines()) <= 30
    assert "print(" not in source
    assert not re.search(r"log\.\w+\([^)]*\b(event|text|body)\b", source)
    assert "boto3" not in source  # adapters choose and create clients


def test_every_function_and_route_has_a_sample_event() -> None:
    events = {p.stem for p in (ROOT / "events").glob("*.json")}
    assert set(FUNCTIONS.values()) | {"reidentify", "presign"} <= events
    routes = {"text_phi", "text_mask", "text_deidentify", "image_text", "image_phi", "image_mask", "batch"}
    assert routes <= events
