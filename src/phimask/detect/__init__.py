"""PHI detectors: the Detector port and its adapters."""

from __future__ import annotations

from phimask.detect.base import DEFAULT_THRESHOLD, Detector, check_threshold, identify

__all__ = ["DEFAULT_THRESHOLD", "Detector", "check_threshold", "identify"]
