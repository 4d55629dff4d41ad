"""Redact: fill the PHI word boxes; the redacted image goes to the work bucket and Store
copies it to the destination.

PNG, JPEG, TIFF and DICOM keep their format; DICOM headers are de-identified (Annex E)."""

from __future__ import annotations

from typing import Any

from phimask.aws.handlers import Event, task_handler
from phimask.aws.images import redact_image
from phimask.aws.s3 import S3Store
from phimask.aws.settings import settings


@task_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    config = settings()
    return redact_image(event, S3Store(), config.allowed_buckets, config.work_bucket)
