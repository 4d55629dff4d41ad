"""phimask: find protected health information (PHI) and mask or de-identify it."""

from __future__ import annotations

from phimask.entities import Entity, EntityType
from phimask.errors import InputError, PhimaskError

__version__ = "0.1.0"

__all__ = ["Entity", "EntityType", "InputError", "PhimaskError", "__version__"]
