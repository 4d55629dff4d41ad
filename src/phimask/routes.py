"""The API routes and which access role may call each one.

One source of truth for the SAM template's three managed policies (a test checks that the
template agrees) and for the local server's authorization.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The three access roles; on AWS, the IAM managed policies of the same names."""

    MASK_ONLY = "MaskOnly"  # masked output only: never PHI nor where it was
    FULL_ACCESS = "FullAccess"  # everything except re-identification
    REIDENTIFY = "Reidentify"  # re-identification only (every call audited)


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    roles: frozenset[Role]


_MASK = frozenset({Role.MASK_ONLY, Role.FULL_ACCESS})
_FULL = frozenset({Role.FULL_ACCESS})

ROUTES: tuple[Route, ...] = (
    Route("GET", "/image", _FULL),  # presigned URL of the original image
    Route("GET", "/image/text", _FULL),
    Route("GET", "/image/phi", _FULL),
    Route("POST", "/image/mask", _MASK),
    Route("POST", "/text/phi", _FULL),
    Route("POST", "/text/mask", _MASK),
    Route("POST", "/text/deidentify", _FULL),
    Route("POST", "/text/reidentify", frozenset({Role.REIDENTIFY})),
    Route("POST", "/batch", _FULL),
    Route("POST", "/fhir/deidentify", _FULL),  # FHIR R4 resources and Bundles (docs/fhir.md)
)


def routes_for(role: Role) -> list[Route]:
    """The routes ``role`` may call, in table order."""
    return [route for route in ROUTES if role in route.roles]


def allowed(role: Role, method: str, path: str) -> bool:
    """Whether ``role`` may call ``method path`` (unknown routes: never)."""
    return any(r.method == method.upper() and r.path == path and role in r.roles for r in ROUTES)
