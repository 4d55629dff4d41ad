"""One function per API route: validated input -> the core -> the JSON result.

The validators are those of ``phimask.aws`` (so errors match the Lambdas'); the text routes
run the in-process pipeline that the text state machine mirrors; the image routes run the
image state machine's steps in order; ``HANDLERS`` must cover ``phimask.routes.ROUTES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from anyio import CapacityLimiter

from phimask.aws import images
from phimask.aws.batch import parse_batch_request
from phimask.aws.payloads import TextRequest, check_fields, json_object, parse_text_request
from phimask.aws.s3 import check_bucket, check_key
from phimask.deid import deidentify, reidentify
from phimask.entities import entities_to_response
from phimask.pipeline import default_detector, find_phi, mask
from phimask.server.auth import Principal
from phimask.server.batch import LocalBatches
from phimask.server.config import ServerConfig
from phimask.server.presign import EXPIRES, Presigner
from phimask.server.schemas import body_text, reidentify_body
from phimask.server.store import LocalStore
from phimask.vault.sqlite import SQLiteVault

Result = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One authorized request, as the handlers see it."""

    principal: Principal
    body: bytes
    query: dict[str, str]
    base_url: str


class Services:
    """What the handlers share: store, detector, vault, batch runner, URL signer."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.store = LocalStore(config.data_dir, config.buckets)
        self.detector = default_detector()
        self.vault = SQLiteVault.open(config.home)
        self.presigner = Presigner()
        self.batches = LocalBatches(self.store, config.output_bucket, self.detector, lambda: self.vault)
        self.workers: CapacityLimiter | None = None  # handler threads (set when the server starts)

    def close(self) -> None:
        self.batches.shutdown()
        self.vault.close()


def _text(operation: str, services: Services, call: Call) -> TextRequest:
    event = {"operation": operation, "body": body_text(call.body)}
    return parse_text_request(event, services.config.threshold, services.config.policy)


def text_phi(services: Services, call: Call) -> Result:
    request = _text("identify", services, call)
    return entities_to_response(find_phi(request.text, None, services.detector, request.resolved_policy()))


def text_mask(services: Services, call: Call) -> Result:
    request = _text("mask", services, call)
    masked = mask(request.text, request.style, None, services.detector, request.resolved_policy())
    return {"maskedText": masked}


def text_deidentify(services: Services, call: Call) -> Result:
    request = _text("deidentify", services, call)
    result = deidentify(request.text, services.vault, request.scope, detector=services.detector,
                        style=request.style, policy=request.resolved_policy())
    return result.to_dict()


def text_reidentify(services: Services, call: Call) -> Result:
    body = reidentify_body(call.body)
    text = reidentify(services.vault, deidentified_text=body.get("deidentifiedText"),
                      message_hash=body.get("messageHash"), caller=f"local:{call.principal.access_key_id}")
    return {"text": text}


def image_url(services: Services, call: Call) -> Result:
    """GET /image: a presigned download URL, as the presign Lambda checks its query."""
    check_fields(call.query, frozenset({"bucket", "key"}), ["bucket", "key"], "query string")
    bucket = check_bucket(call.query["bucket"], services.config.buckets, "bucket")
    key = check_key(call.query["key"], "key")
    services.store.path(bucket, key, "key")  # inside the bucket; like S3, existence is not checked
    return {"url": services.presigner.url(call.base_url, bucket, key, EXPIRES), "expiresIn": EXPIRES}


def _image(operation: str, services: Services, call: Call) -> tuple[images.ImageRequest, bytes, str]:
    """The validated request, the image and its format (LoadImage)."""
    event: dict[str, Any] = {"operation": operation}
    if operation == "mask":
        event["body"] = body_text(call.body)
    else:
        event["query"] = call.query
    request = images.parse_image_request(event, services.config.buckets, services.config.threshold,
                                         services.config.policy)
    data = services.store.read(request.bucket, request.key, images.MAX_IMAGE_BYTES, "the image")
    return request, data, images.sniff_format(data[:132])


def image_text(services: Services, call: Call) -> Result:
    _, data, image_format = _image("text", services, call)
    return {"Words": images.check_words(images.ocr_words(data, image_format))}


def image_phi(services: Services, call: Call) -> Result:
    request, data, image_format = _image("phi", services, call)
    words = images.check_words(images.ocr_words(data, image_format))
    return {"Words": images.phi_words(words, request.threshold, services.detector, request.resolved_policy())}


def image_mask(services: Services, call: Call) -> Result:
    request, data, image_format = _image("mask", services, call)
    words = images.check_words(images.ocr_words(data, image_format))
    found = images.phi_words(words, request.threshold, services.detector, request.resolved_policy())
    redacted = images.redact(data, image_format, found)
    location = services.store.write(str(request.destination_bucket), str(request.destination_key), redacted,
                                    images.CONTENT_TYPES[image_format])
    return {"location": location, "boxes": len(found)}


def batch(services: Services, call: Call) -> Result:
    request = parse_batch_request(json_object(body_text(call.body), "batch request"), services.config.buckets,
                                  services.config.threshold, services.config.policy)
    return {"executionArn": services.batches.start(request)}


def fhir_deidentify(services: Services, call: Call) -> Result:
    from phimask.fhir.api import parse_fhir_request, run_fhir_request

    request = parse_fhir_request(body_text(call.body), services.config.threshold, services.config.policy)
    return run_fhir_request(request, services.vault, services.detector)


HANDLERS: dict[tuple[str, str], Callable[[Services, Call], Result]] = {
    ("GET", "/image"): image_url,
    ("GET", "/image/text"): image_text,
    ("GET", "/image/phi"): image_phi,
    ("POST", "/image/mask"): image_mask,
    ("POST", "/text/phi"): text_phi,
    ("POST", "/text/mask"): text_mask,
    ("POST", "/text/deidentify"): text_deidentify,
    ("POST", "/text/reidentify"): text_reidentify,
    ("POST", "/batch"): batch,
    ("POST", "/fhir/deidentify"): fhir_deidentify,
}
