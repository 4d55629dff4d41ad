"""Lambda configuration from environment variables, validated once per container."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from phimask.detect.base import DEFAULT_THRESHOLD, Detector, check_threshold
from phimask.errors import PhimaskError

DETECTORS = ("comprehend", "embedded", "ensemble")


class ConfigError(PhimaskError):
    """A Lambda environment variable is missing or invalid (a deployment problem)."""

    code = "ConfigurationError"


@dataclass(frozen=True)
class Settings:
    """Everything a handler reads from its environment."""

    detector: str = "embedded"
    threshold: float = DEFAULT_THRESHOLD
    ensemble_thresholds: str = ""
    policy: str | None = None  # the policy of requests that name none
    allowed_buckets: frozenset[str] = frozenset()
    work_bucket: str = ""
    output_bucket: str = ""
    vault_table: str = ""
    audit_table: str = ""
    kms_key_id: str = ""
    salt_secret_arn: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        detector = env.get("DETECTOR", "embedded").strip().lower()
        if detector not in DETECTORS:
            raise ConfigError(f"DETECTOR must be one of: {', '.join(DETECTORS)}")
        try:
            threshold = check_threshold(float(env.get("PHI_THRESHOLD", DEFAULT_THRESHOLD)))
        except (PhimaskError, ValueError):
            raise ConfigError("PHI_THRESHOLD must be a number between 0 and 1") from None
        policy = env.get("PHIMASK_POLICY", "").strip() or None
        if policy is not None:
            from phimask.policy.load import named_policy

            try:
                named_policy(policy)
            except PhimaskError:
                raise ConfigError("PHIMASK_POLICY must name a shipped policy") from None
        buckets = frozenset(b.strip() for b in env.get("ALLOWED_BUCKETS", "").split(",") if b.strip())
        return cls(
            detector=detector,
            threshold=threshold,
            ensemble_thresholds=env.get("ENSEMBLE_THRESHOLDS", ""),
            policy=policy,
            allowed_buckets=buckets,
            work_bucket=env.get("WORK_BUCKET", ""),
            output_bucket=env.get("OUTPUT_BUCKET", ""),
            vault_table=env.get("VAULT_TABLE", ""),
            audit_table=env.get("AUDIT_TABLE", ""),
            kms_key_id=env.get("KMS_KEY_ID", ""),
            salt_secret_arn=env.get("SALT_SECRET_ARN", ""),
        )

    def require(self, *names: str) -> None:
        """Fail loudly when a handler's required variables are unset."""
        missing = [n for n in names if not getattr(self, n)]
        if missing:
            raise ConfigError("missing environment variable(s): " + ", ".join(m.upper() for m in missing))


@cache
def settings() -> Settings:
    """The settings of this Lambda container (read once)."""
    return Settings.from_env()


@cache
def detector() -> Detector:
    """The configured detector, built once per container."""
    return build_detector(settings())


def build_detector(config: Settings, comprehend_client: object | None = None) -> Detector:
    """``embedded``, ``comprehend`` (Comprehend Medical) or ``ensemble`` (union of both)."""
    from phimask.pipeline import default_detector

    if config.detector == "embedded":
        return default_detector()
    from phimask.detect.comprehend import ComprehendMedicalDetector, DetectPhiClient

    client: DetectPhiClient | None = comprehend_client  # type: ignore[assignment]
    comprehend = ComprehendMedicalDetector(client)
    if config.detector == "comprehend":
        return comprehend
    from phimask.detect.ensemble import EnsembleDetector, Member, parse_thresholds

    try:
        per_type = parse_thresholds(config.ensemble_thresholds)
    except PhimaskError as exc:
        raise ConfigError(f"ENSEMBLE_THRESHOLDS: {exc}") from None
    return EnsembleDetector([Member(default_detector()), Member(comprehend, per_type)])
