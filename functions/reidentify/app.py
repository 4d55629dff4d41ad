"""POST /text/reidentify (API Gateway proxy): the original text of a de-identified text or
of its messageHash. Only the Reidentify policy reaches this route; every call is audited
with the caller's IAM ARN."""

from __future__ import annotations

from phimask.aws.handlers import Event, api_handler, log
from phimask.aws.payloads import check_fields, json_object
from phimask.aws.vault import vault
from phimask.deid import reidentify


@api_handler
def lambda_handler(event: Event) -> dict[str, str]:
    body = json_object(event.get("body"))
    check_fields(body, frozenset({"deidentifiedText", "messageHash"}), [])
    identity = (event.get("requestContext") or {}).get("identity") or {}
    caller = identity.get("userArn") or identity.get("caller") or "unknown"
    text = reidentify(vault(), deidentified_text=body.get("deidentifiedText"),
                      message_hash=body.get("messageHash"), caller=str(caller))
    log.info("reidentify: ok")
    return {"text": text}
