"""Mask: replace the entities IdentifyPHI found with their masks (no second detection)."""

from __future__ import annotations

from phimask.aws.handlers import Event, task_handler
from phimask.aws.payloads import TextRequest, decode_spans
from phimask.policy.apply import apply_policy


@task_handler
def lambda_handler(event: Event) -> dict[str, str]:
    request = TextRequest.from_state(event.get("request"))
    entities = decode_spans(request.text, event.get("spans"))
    policy = request.resolved_policy()
    return {"maskedText": apply_policy(request.text, entities, policy, request.style).text}
