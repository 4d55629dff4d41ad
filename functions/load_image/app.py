"""LoadImage: validate an image request (allowed buckets, safe keys) and check that the
image exists in a supported format (PNG, JPEG, TIFF, DICOM; PDF is refused clearly)."""

from __future__ import annotations

from typing import Any

from phimask.aws.handlers import Event, task_handler
from phimask.aws.images import load_image
from phimask.aws.s3 import S3Store
from phimask.aws.settings import settings


@task_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    config = settings()
    config.require("work_bucket", "allowed_buckets")
    return load_image(event, S3Store(), config.allowed_buckets, config.work_bucket, config.threshold,
                      config.policy)
