"""Settings of the local server (the CLI builds them; tests and the load bench too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from phimask.aws.s3 import BUCKET_NAME
from phimask.detect.base import DEFAULT_THRESHOLD, check_threshold
from phimask.errors import PhimaskError
from phimask.server.credentials import Credentials
from phimask.server.schemas import MAX_BODY_BYTES

DEFAULT_BUCKETS = ("phimask-input", "phimask-output")
OUTPUT_BUCKET = "phimask-output"


class ServerConfigError(PhimaskError):
    code = "ConfigurationError"


@dataclass(frozen=True)
class ServerConfig:
    """``home`` holds the vault and its key file; ``data_dir`` one directory per bucket."""

    credentials: Credentials
    home: Path
    data_dir: Path
    buckets: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_BUCKETS))
    output_bucket: str = OUTPUT_BUCKET
    threshold: float = DEFAULT_THRESHOLD
    policy: str | None = None  # the policy of requests that name none
    max_body_bytes: int = MAX_BODY_BYTES

    def __post_init__(self) -> None:
        bad = sorted(b for b in self.buckets if not BUCKET_NAME.fullmatch(b))
        if bad or not self.buckets:
            raise ServerConfigError("bucket names must be 3 to 63 lower-case letters, digits, dots or dashes")
        if self.output_bucket not in self.buckets:
            raise ServerConfigError("the output bucket must be one of the allowed buckets")
        if self.max_body_bytes < 1024:
            raise ServerConfigError("the body size limit must be at least 1 KiB")
        check_threshold(self.threshold)
        if self.policy is not None:
            from phimask.policy.load import named_policy

            named_policy(self.policy)
