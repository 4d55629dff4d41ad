"""POST /fhir/deidentify (API Gateway proxy): a FHIR R4 resource or Bundle de-identified by
the rule table, free text by the detector; reversible operations store their mapping in
the DynamoDB vault (VAULT_TABLE, AUDIT_TABLE, KMS_KEY_ID, SALT_SECRET_ARN)."""

from __future__ import annotations

from typing import Any

from phimask.aws.handlers import Event, api_handler, log
from phimask.aws.settings import detector, settings
from phimask.aws.vault import vault
from phimask.fhir.api import parse_fhir_request, run_fhir_request


@api_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    request = parse_fhir_request(event.get("body"), settings().threshold, settings().policy)
    result = run_fhir_request(request, vault(), detector())
    log.info("fhir %s: ok", request.operation)
    return result
