"""POST /fhir/deidentify: request validation and the call, shared by the local server and
the Lambda (same errors on both). Body: ``{"resource": {...}, "operation"?: "deidentify" |
"surrogate" | "mask", "scope"?: str, "threshold"?: number, "policy"?: name}``; result: ``{"resource",
"messageHash"?}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from phimask.aws.payloads import MAX_SCOPE, check_fields, json_object, policy_field, threshold_field
from phimask.detect.base import Detector
from phimask.errors import InputError
from phimask.fhir.operations import OPERATIONS, process
from phimask.vault.base import Vault

FIELDS = frozenset({"resource", "operation", "scope", "threshold", "policy"})


@dataclass(frozen=True, slots=True, repr=False)
class FhirRequest:
    resource: dict[str, Any]
    operation: str
    scope: str | None
    threshold: float | None
    policy: str | None = None


def parse_fhir_request(body: Any, default_threshold: float, default_policy: str | None = None) -> FhirRequest:
    data = json_object(body)
    check_fields(data, FIELDS, ["resource"])
    if not isinstance(data["resource"], dict):
        raise InputError("resource must be a FHIR resource (a JSON object)")
    operation = data.get("operation", "deidentify")
    if operation not in OPERATIONS:
        raise InputError(f"operation must be one of: {', '.join(OPERATIONS)}")
    scope = data.get("scope")
    if scope is not None and (not isinstance(scope, str) or not scope.strip() or len(scope) > MAX_SCOPE
                              or not scope.isprintable()):
        raise InputError(f"scope must be a printable string of 1 to {MAX_SCOPE} characters")
    policy = policy_field(data) or default_policy
    threshold = threshold_field(data, default_threshold) if "threshold" in data or policy is None else None
    return FhirRequest(data["resource"], operation, scope, threshold, policy)


def run_fhir_request(request: FhirRequest, vault: Vault, detector: Detector) -> dict[str, Any]:
    from phimask.policy.load import named_policy

    policy = named_policy(request.policy) if request.policy else None
    result = process(request.resource, request.operation, vault=vault, scope=request.scope, detector=detector,
                     threshold=request.threshold, policy=policy)
    return result.to_dict()
