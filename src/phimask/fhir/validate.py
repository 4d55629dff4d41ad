"""FHIR validation with ``fhir.resources`` (its R4B models: R4B is the R4 family's current
release, and the six resources handled here are unchanged from R4 4.0.1 in structure).

Errors name element locations and error kinds only: pydantic's own messages quote the
input value, so they are never passed on.
"""

from __future__ import annotations

from typing import Any

from phimask.errors import InputError

SUPPORTED = ("Patient", "Practitioner", "Observation", "Encounter", "DocumentReference", "Bundle")
MAX_LOCATIONS = 3


class FhirValidationError(InputError):
    """A resource that the FHIR models refuse."""


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(resource)"


def validate(resource: Any, what: str = "input") -> str:
    """Check ``resource`` against its FHIR model; its resourceType."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        raise FhirValidationError(f"{what} is not a FHIR resource (no resourceType)")
    kind = str(resource["resourceType"])
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        raise FhirValidationError(f"{what}: unknown FHIR resourceType") from None
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        where = "; ".join(f"{_location(e['loc'])} ({e['type']})" for e in errors[:MAX_LOCATIONS])
        more = f" and {len(errors) - MAX_LOCATIONS} more" if len(errors) > MAX_LOCATIONS else ""
        raise FhirValidationError(f"{what} is not a valid FHIR R4 {kind}: {where}{more}") from None
    return kind
