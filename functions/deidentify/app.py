"""Deidentify: tokenize the entities IdentifyPHI found; originals go to the DynamoDB vault,
encrypted under KMS data keys (VAULT_TABLE, AUDIT_TABLE, KMS_KEY_ID, SALT_SECRET_ARN)."""

from __future__ import annotations

from phimask.aws.handlers import Event, log, task_handler
from phimask.aws.payloads import PrecomputedDetector, TextRequest, decode_spans
from phimask.aws.vault import vault
from phimask.deid import deidentify


@task_handler
def lambda_handler(event: Event) -> dict[str, str]:
    request = TextRequest.from_state(event.get("request"))
    entities = decode_spans(request.text, event.get("spans"))
    result = deidentify(request.text, vault(), request.scope, detector=PrecomputedDetector(entities),
                        style=request.style, policy=request.resolved_policy())
    log.info("deidentify: %d entities, message %s", len(entities), result.message_hash[:12])
    return result.to_dict()
