"""One object of a batch run: read it from S3, run the operation, write the result.

The batch state machine carries only S3 keys; text is read and written here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phimask.aws.payloads import check_fields, json_object, policy_field, threshold_field
from phimask.aws.s3 import S3Store, check_bucket, check_key
from phimask.detect.base import Detector
from phimask.entities import entities_to_response
from phimask.errors import InputError
from phimask.pipeline import find_phi, mask, parse_style
from phimask.textio import MAX_TEXT_BYTES, decode_text
from phimask.vault.base import Vault

if TYPE_CHECKING:
    from phimask.policy import Policy

BATCH_OPERATIONS = ("identify", "mask", "deidentify")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".dcm")
_REQUIRED = ("s3Bucket", "prefix", "operation", "destinationPrefix")
_OPTIONAL = ("threshold", "style", "scope", "policy")


@dataclass(frozen=True, slots=True)
class BatchRequest:
    s3_bucket: str
    prefix: str
    operation: str
    destination_prefix: str
    threshold: float | None  # None: the policy's
    style: str = "type"
    scope: str | None = None
    policy: str | None = None

    def resolved_policy(self) -> Policy:
        from phimask.pipeline import request_policy

        return request_policy(self.policy, self.threshold)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"s3Bucket": self.s3_bucket, "prefix": self.prefix,
                                "operation": self.operation, "destinationPrefix": self.destination_prefix,
                                "threshold": self.threshold, "style": self.style}
        if self.scope is not None:
            data["scope"] = self.scope
        if self.policy is not None:
            data["policy"] = self.policy
        if self.threshold is None:
            del data["threshold"]
        return data


def parse_batch_request(body: Any, allowed: frozenset[str], default_threshold: float,
                        default_policy: str | None = None) -> BatchRequest:
    """Validate ``{s3Bucket, prefix, operation, destinationPrefix[, threshold, style, scope,
    policy]}``."""
    data = json_object(body, "batch request")
    check_fields(data, frozenset([*_REQUIRED, *_OPTIONAL]), _REQUIRED, "batch request")
    if data["operation"] not in BATCH_OPERATIONS:
        raise InputError(f"operation must be one of: {', '.join(BATCH_OPERATIONS)}")
    style = data.get("style", "type")
    parse_style(style if isinstance(style, str) else "")
    scope = data.get("scope")
    if scope is not None and (not isinstance(scope, str) or not scope.strip() or len(scope) > 128):
        raise InputError("scope must be a string of 1 to 128 characters")
    destination = check_key(data["destinationPrefix"], "destinationPrefix")
    policy = policy_field(data) or default_policy
    threshold = threshold_field(data, default_threshold) if "threshold" in data or policy is None else None
    return BatchRequest(check_bucket(data["s3Bucket"], allowed, "s3Bucket"),
                        check_key(data["prefix"], "prefix", prefix=True), data["operation"],
                        destination if destination.endswith("/") else destination + "/",
                        threshold, style, scope, policy)


def output_key(request: BatchRequest, key: str) -> str:
    """Where the result of ``key`` goes: the destination prefix + the key below the prefix."""
    relative = key[len(request.prefix):] if key.startswith(request.prefix) else key
    relative = relative.lstrip("/") or key.rsplit("/", 1)[-1]
    suffix = ".phi.json" if request.operation == "identify" else ""
    return request.destination_prefix + relative + suffix


def process_object(request: BatchRequest, key: str, store: S3Store, output_bucket: str,
                   detector: Detector, vault: Callable[[], Vault]) -> dict[str, Any]:
    """Run the operation on one text object; a summary without any text."""
    check_key(key, "object key")
    if key.lower().endswith(IMAGE_SUFFIXES):
        from phimask.aws.images import ImageUnsupported

        raise ImageUnsupported("images in batch runs need image redaction, not available in this build yet")
    text = decode_text(store.read(request.s3_bucket, key, MAX_TEXT_BYTES), "object")
    target = output_key(request, key)
    summary: dict[str, Any] = {"key": key, "output": target}
    if request.operation == "identify":
        entities = find_phi(text, None, detector, request.resolved_policy())
        body = json.dumps(entities_to_response(entities), ensure_ascii=False)
        store.write(output_bucket, target, body.encode("utf-8"), "application/json")
        summary["entities"] = len(entities)
    elif request.operation == "mask":
        masked = mask(text, request.style, None, detector, request.resolved_policy())
        store.write(output_bucket, target, masked.encode("utf-8"), "text/plain; charset=utf-8")
    else:
        from phimask.deid import deidentify

        result = deidentify(text, vault(), request.scope, detector=detector, policy=request.resolved_policy())
        store.write(output_bucket, target, result.deidentified_text.encode("utf-8"),
                    "text/plain; charset=utf-8", {"message-hash": result.message_hash})
        summary["messageHash"] = result.message_hash
    return summary


def item_event(event: Mapping[str, Any]) -> tuple[Any, str]:
    """``(request, key)`` of a Map item event ``{"request": {...}, "key": "..."}``."""
    if not isinstance(event.get("key"), str):
        raise InputError("batch item is missing its object key")
    return event.get("request"), event["key"]
