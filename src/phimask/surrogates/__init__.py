"""Realistic surrogates: PHI replaced by fake values of the same type and shape.

- :mod:`~phimask.surrogates.engine`: :class:`SurrogateEngine`, one per scope
- :mod:`~phimask.surrogates.names`, :mod:`~phimask.surrogates.places`,
  :mod:`~phimask.surrogates.contact`, :mod:`~phimask.surrogates.identifiers`: one renderer
  per entity type; dates and ages: :mod:`phimask.dateshift`
- :mod:`~phimask.surrogates.atoms`, :mod:`~phimask.surrogates.registry`: keyed draws and
  who owns which surrogate (in memory, or in the vault for reversible de-identification)
- ``data/``: frozen value pools (names by culture and gender, US city/state/ZIP rows)
"""

from __future__ import annotations

from phimask.surrogates.engine import SurrogateEngine
from phimask.surrogates.registry import MemoryRegistry, Registry, VaultRegistry

__all__ = ["MemoryRegistry", "Registry", "SurrogateEngine", "VaultRegistry"]
