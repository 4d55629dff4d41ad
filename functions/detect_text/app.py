"""DetectText: OCR words with pixel boxes, written to the work bucket.

OCR engine: ``OCR_ENGINE`` (``rekognition`` by default in Lambda; ``tesseract`` where installed)."""

from __future__ import annotations

from typing import Any

from phimask.aws.handlers import Event, task_handler
from phimask.aws.images import detect_text
from phimask.aws.s3 import S3Store
from phimask.aws.settings import settings


@task_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    config = settings()
    return detect_text(event, S3Store(), config.allowed_buckets, config.work_bucket)
