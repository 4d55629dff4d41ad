"""Exceptions. Messages name the field and the problem, never the value (no PHI)."""

from __future__ import annotations


class PhimaskError(Exception):
    """Base class for every error phimask raises on purpose."""

    code = "PhimaskError"


class InputError(PhimaskError, ValueError):
    """The caller's input is unusable (empty, not UTF-8, too large, out of range...)."""

    code = "InvalidInput"
