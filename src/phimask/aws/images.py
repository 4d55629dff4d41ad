"""The image flow's steps as the Lambda handlers use them (S3 references in and out).

``ocr_words`` reads the image with the engine named by ``OCR_ENGINE``: ``rekognition``
(the default inside Lambda) or ``tesseract`` (the default elsewhere, e.g. the local server); ``phi_words``
lays the words out as text, runs the detector and keeps the words overlapping an entity
(plus burned-in annotation context); ``redact`` fills their boxes in the original format.
DICOM headers are de-identified (PS3.15 Annex E) on the way; in the cloud without a vault
reference, i.e. not reversibly (the original stays in its bucket).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phimask.aws.payloads import check_fields, json_object, policy_field, threshold_field, threshold_param
from phimask.aws.s3 import S3Store, check_bucket, check_key
from phimask.aws.settings import ConfigError
from phimask.detect.base import Detector
from phimask.errors import InputError
from phimask.image.errors import ImageUnsupported
from phimask.image.raster import sniff_format
from phimask.policy.load import named_policy

if TYPE_CHECKING:
    from phimask.policy import Policy

MAX_IMAGE_BYTES = 15 * 1024 * 1024  # Rekognition DetectText's limit for S3 images
IMAGE_OPERATIONS = ("text", "phi", "mask")
OCR_ENGINES = ("rekognition", "tesseract")
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "tiff": "image/tiff", "dicom": "application/dicom"}
Word = dict[str, Any]
__all__ = ["ImageUnsupported", "ocr_words", "phi_words", "redact", "sniff_format"]


@dataclass(frozen=True, slots=True)
class ImageRequest:
    operation: str
    bucket: str
    key: str
    threshold: float | None  # None: the policy's
    destination_bucket: str | None = None
    destination_key: str | None = None
    policy: str | None = None

    def resolved_policy(self) -> Policy:
        from phimask.pipeline import request_policy

        return request_policy(self.policy, self.threshold)


def parse_image_request(event: Mapping[str, Any], allowed: frozenset[str], default_threshold: float,
                        default_policy: str | None = None) -> ImageRequest:
    """GET routes pass ``query`` {bucket, key, threshold?, policy?}; POST /image/mask a JSON
    ``body`` {s3Bucket, s3Key, destinationBucket, destinationKey, threshold?, policy?}."""
    operation = event.get("operation")
    if operation not in IMAGE_OPERATIONS:
        raise InputError(f"operation must be one of: {', '.join(IMAGE_OPERATIONS)}")
    if operation != "mask":
        query = json_object(event.get("query") or {}, "query string")
        check_fields(query, frozenset({"bucket", "key", "threshold", "policy"}), ["bucket", "key"],
                     "query string")
        policy = policy_field(query) or default_policy
        given = query.get("threshold") not in (None, "") or policy is None
        return ImageRequest(operation, check_bucket(query["bucket"], allowed, "bucket"),
                            check_key(query["key"], "key"),
                            threshold_param(query.get("threshold"), default_threshold) if given else None,
                            policy=policy)
    body = json_object(event.get("body"))
    names = ["s3Bucket", "s3Key", "destinationBucket", "destinationKey"]
    check_fields(body, frozenset([*names, "threshold", "policy"]), names)
    policy = policy_field(body) or default_policy
    given = "threshold" in body or policy is None
    request = ImageRequest(
        operation, check_bucket(body["s3Bucket"], allowed, "s3Bucket"), check_key(body["s3Key"], "s3Key"),
        threshold_field(body, default_threshold) if given else None,
        check_bucket(body["destinationBucket"], allowed, "destinationBucket"),
        check_key(body["destinationKey"], "destinationKey"), policy)
    if (request.bucket, request.key) == (request.destination_bucket, request.destination_key):
        raise InputError("destinationKey must differ from s3Key: the original is never overwritten")
    return request


def ocr_engine_name() -> str:
    """``OCR_ENGINE``, validated; by default Rekognition inside Lambda, Tesseract elsewhere."""
    default = "rekognition" if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else "tesseract"
    name = os.environ.get("OCR_ENGINE", default).strip().lower()
    if name not in OCR_ENGINES:
        raise ConfigError(f"OCR_ENGINE must be one of: {', '.join(OCR_ENGINES)}")
    return name


def ocr_words(image: bytes, image_format: str) -> list[Word]:
    """OCR words with pixel boxes (DICOM: of its frames as displayed for OCR)."""
    from phimask.image.ocr import ocr_engine
    from phimask.image.service import image_text

    return image_text(image, ocr_engine(ocr_engine_name()))


def redact(image: bytes, image_format: str, words: Sequence[Word]) -> bytes:
    """The image with the boxes of ``words`` filled, in its own format."""
    from phimask.image.ocr import Word as OcrWord
    from phimask.image.service import mask_image

    frames: dict[int | None, list[OcrWord]] = {}
    for word in words:
        frame = word.get("frame")
        frames.setdefault(frame if isinstance(frame, int) else None, []).append(OcrWord.from_dict(word))
    return mask_image(image, boxes=list(frames.items()), header="deidentify").data


def check_words(words: Any) -> list[Word]:
    """OCR words as ``{"text", "left", "top", "width", "height", "confidence"}`` dicts."""
    if not isinstance(words, list) or not all(
            isinstance(w, dict) and isinstance(w.get("text"), str) for w in words):
        raise InputError("words must be a list of {text, left, top, width, height} objects")
    return words


def phi_words(words: Sequence[Word], threshold: float | None, detector: Detector,
              policy: Policy | None = None) -> list[Word]:
    """The OCR words that overlap a PHI entity of the page text (found under ``policy``),
    with its type and score."""
    from phimask.image.boxes import find_phi_words
    from phimask.image.ocr import Word as OcrWord

    parsed = [OcrWord.from_dict(w) for w in words]
    by_word = {id(p): w for p, w in zip(parsed, words, strict=True)}
    found = find_phi_words(parsed, threshold, detector, policy=policy)
    return [{**by_word[id(p.word)], "type": p.type, "score": round(p.score, 4)} for p in found]


# ---------------------------------------------------------------- the steps, S3 refs in and out

Ref = dict[str, str]


def _ref(value: Any, buckets: frozenset[str], what: str) -> Ref:
    if not isinstance(value, Mapping):
        raise InputError(f"{what} must be an object with bucket and key")
    return {"bucket": check_bucket(value.get("bucket"), buckets, f"{what}.bucket"),
            "key": check_key(value.get("key"), f"{what}.key")}


def _work_key(event: Mapping[str, Any], work_bucket: str, name: str) -> Ref:
    work = event.get("work")
    prefix = work.get("prefix") if isinstance(work, Mapping) else None
    return {"bucket": work_bucket, "key": check_key(prefix, "work.prefix", prefix=True) + name}


def load_image(event: Mapping[str, Any], store: S3Store, allowed: frozenset[str], work_bucket: str,
               default_threshold: float, default_policy: str | None = None) -> dict[str, Any]:
    """LoadImage: validate ``{"request": <execution input>, "executionName"}`` and check that
    the image exists in a supported format."""
    request = parse_image_request(json_object(event.get("request"), "execution input"), allowed,
                                  default_threshold, default_policy)
    image_format = sniff_format(store.head_bytes(request.bucket, request.key, 132, "the image"))
    run = event.get("executionName")
    if not isinstance(run, str) or not run:
        raise InputError("executionName is missing")
    destination = None
    if request.destination_bucket and request.destination_key:
        destination = {"bucket": request.destination_bucket, "key": request.destination_key}
    return {"operation": request.operation, "threshold": request.threshold, "policy": request.policy,
            "image": {"bucket": request.bucket, "key": request.key, "format": image_format},
            "destination": destination,
            "work": {"bucket": work_bucket, "prefix": f"image-work/{check_key(run, 'executionName')}/"}}


def detect_text(event: Mapping[str, Any], store: S3Store, allowed: frozenset[str],
                work_bucket: str) -> dict[str, Any]:
    """DetectText: OCR the image; the words go to the work bucket (inline only when final)."""
    image = _ref(event.get("image"), allowed, "image")
    data = store.read(image["bucket"], image["key"], MAX_IMAGE_BYTES, "the image")
    words = ocr_words(data, sniff_format(data[:132]))
    return _store_words(event, store, work_bucket, words, "words", "words.json", final_for="text")


def identify_words(event: Mapping[str, Any], store: S3Store, work_bucket: str,
                   detector: Detector) -> dict[str, Any]:
    """IdentifyPHI on an image: the PHI words of its OCR output, to the work bucket."""
    if not work_bucket:
        raise ConfigError("missing environment variable(s): WORK_BUCKET")
    source = _ref(event.get("words"), frozenset({work_bucket}), "words")
    words = check_words(json.loads(store.read(source["bucket"], source["key"], MAX_IMAGE_BYTES, "words")))
    policy = policy_field(event)
    given = event.get("threshold") is not None or policy is None
    threshold = threshold_field(event, 0.5) if given else None
    found = phi_words(words, threshold, detector, named_policy(policy) if policy else None)
    return _store_words(event, store, work_bucket, found, "phiWords", "phi-words.json", final_for="phi")


def _store_words(event: Mapping[str, Any], store: S3Store, work_bucket: str, words: Sequence[Any],
                 name: str, file_name: str, final_for: str) -> dict[str, Any]:
    """Write ``words`` as JSON to ``file_name`` in the work bucket; returned inline too when
    this step ends the ``final_for`` operation."""
    target = _work_key(event, work_bucket, file_name)
    store.write(target["bucket"], target["key"], json.dumps(list(words)).encode("utf-8"), "application/json")
    result: dict[str, Any] = {name: target, "count": len(words)}
    if event.get("operation") == final_for:
        result["Words"] = list(words)
    return result


def redact_image(event: Mapping[str, Any], store: S3Store, allowed: frozenset[str],
                 work_bucket: str) -> dict[str, Any]:
    """Redact: fill the PHI word boxes; the redacted image goes to the work bucket."""
    image = _ref(event.get("image"), allowed, "image")
    source = _ref(event.get("phiWords"), frozenset({work_bucket}), "phiWords")
    words = check_words(json.loads(store.read(source["bucket"], source["key"], MAX_IMAGE_BYTES, "phiWords")))
    data = store.read(image["bucket"], image["key"], MAX_IMAGE_BYTES, "the image")
    image_format = sniff_format(data[:132])
    target = _work_key(event, work_bucket, "redacted")
    store.write(target["bucket"], target["key"], redact(data, image_format, words),
                CONTENT_TYPES[image_format])
    return {"redacted": target, "boxes": len(words)}
