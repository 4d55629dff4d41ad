"""The batch state machine's worker: validates the batch request (first state) and then
processes one S3 object per Map item. State carries S3 keys and counts, never text."""

from __future__ import annotations

from typing import Any

from phimask.aws.batch import item_event, parse_batch_request, process_object
from phimask.aws.handlers import Event, task_handler
from phimask.aws.s3 import S3Store
from phimask.aws.settings import detector, settings
from phimask.aws.vault import vault


@task_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    config = settings()
    config.require("output_bucket", "allowed_buckets")
    if "validate" in event:
        return parse_batch_request(event["validate"], config.allowed_buckets, config.threshold,
                                   config.policy).to_dict()
    body, key = item_event(event)
    request = parse_batch_request(body, config.allowed_buckets, config.threshold, config.policy)
    return process_object(request, key, S3Store(), config.output_bucket, detector(), vault)
