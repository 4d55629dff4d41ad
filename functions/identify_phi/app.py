"""IdentifyPHI: validate a text request and find its PHI; in the image flow, find the PHI
words of the OCR output (S3 references in and out)."""

from __future__ import annotations

from typing import Any

from phimask.aws.handlers import Event, log, task_handler
from phimask.aws.images import identify_words
from phimask.aws.payloads import encode_spans, parse_text_request
from phimask.aws.s3 import S3Store
from phimask.aws.settings import detector, settings
from phimask.entities import entities_to_response
from phimask.pipeline import find_phi


@task_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    if "words" in event:
        return identify_words(event, S3Store(), settings().work_bucket, detector())
    request = parse_text_request(event, settings().threshold, settings().policy)
    entities = find_phi(request.text, None, detector(), request.resolved_policy())
    log.info("identify: %d entities (%s)", len(entities), detector().name)
    if request.operation == "identify":
        return {"operation": "identify", **entities_to_response(entities)}
    return {"operation": request.operation, "request": request.to_dict(), "spans": encode_spans(entities)}
