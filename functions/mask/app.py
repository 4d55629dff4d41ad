"""Mask: replace the entities IdentifyPHI found with their masks (no second detection)."""

from __future__ import annotations

from phimask.aws.handlers import Event, task_handler
from phimask.aws.payloads import TextRequest, decode_spans
from phimask.mask import mask_text
from phimask.pipeline import parse_style


@task_handler
def lambda_handler(event: Event) -> dict[str, str]:
    request = TextRequest.from_state(event.get("request"))
    entities = decode_spans(request.text, event.get("spans"))
    return {"maskedText": mask_text(request.text, entities, parse_style(request.style))}
