"""The surrogate engine: one per scope, realistic replacements for a document's entities."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from phimask.dateshift import offset_days, safe_harbor_age, shift_dates, years_in
from phimask.entities import EntityType
from phimask.surrogates.atoms import MAX_ATTEMPTS, Atoms, Claim
from phimask.surrogates.contact import render_email, render_phone, render_url
from phimask.surrogates.identifiers import render_id, render_other, render_profession
from phimask.surrogates.names import render_name
from phimask.surrogates.places import render_address
from phimask.surrogates.registry import MemoryRegistry, Registry
from phimask.surrogates.shapes import shape_like

log = logging.getLogger(__name__)
T = TypeVar("T")
_SETTLED_LIMIT = 200_000
Renderer = Callable[[str, Atoms], str]
RENDERERS: dict[EntityType, Renderer] = {
    EntityType.NAME: render_name,
    EntityType.PHONE_OR_FAX: render_phone,
    EntityType.EMAIL: render_email,
    EntityType.URL: render_url,
    EntityType.ADDRESS: render_address,
    EntityType.ID: render_id,
    EntityType.PROFESSION: render_profession,
    EntityType.OTHER: render_other,
}


class SurrogateEngine:
    """Surrogates for the documents of one scope.

    ``salt`` is the scope's secret salt: it seeds every draw and the date offset, so the
    same value gets the same surrogate in every document of the scope and other scopes
    get others. ``registry`` keeps surrogates one-to-one (the vault's, for reversible
    de-identification; by default one in memory). ``exact`` seeds from values as written
    instead of their case-folded form.
    """

    def __init__(self, salt: bytes, registry: Registry | None = None, *, exact: bool = False,
                 today: date | None = None) -> None:
        self._salt = salt
        self._registry = registry if registry is not None else MemoryRegistry()
        self._exact = exact
        self._today = today
        self.days = offset_days(salt)
        self._attempts: dict[tuple[str, str], int] = {}
        self._settled: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"SurrogateEngine(exact={self._exact})"

    def render(self, items: Sequence[tuple[EntityType, str]]) -> list[str]:
        """Surrogates for ``(type, value)`` items of one document, in order."""
        ref_year = self.ref_year(v for t, v in items if t is EntityType.DATE)
        return self.render_with(lambda atoms: [self.value(t, v, atoms, ref_year) for t, v in items])

    def ref_year(self, dates: Iterable[str]) -> int | None:
        """The most frequent explicit year of a document's dates: the year of its m/d dates."""
        years = Counter(y for value in dates for y in years_in(value, self._today))
        return years.most_common(1)[0][0] if years else None

    def render_with(self, produce: Callable[[Atoms], T]) -> T:
        """Run ``produce`` (which draws atoms) until the registry accepts every claim it made."""
        if len(self._settled) > _SETTLED_LIMIT:
            self._settled.clear()
        for _ in range(MAX_ATTEMPTS):
            atoms = Atoms(self._salt, self._exact, self._attempts, self._settled)
            result = produce(atoms)
            pending: dict[tuple[str, str], Claim] = {}
            for key, claim in atoms.claims:
                pending.setdefault(key, claim)
            keys = list(pending)
            refused = self._registry.claim([pending[k] for k in keys])
            for index, key in enumerate(keys):
                if index in refused:
                    self._attempts[key] = self._attempts.get(key, 0) + 1
                else:
                    self._settled[key] = pending[key].surrogate
            if not refused:
                return result
        log.warning("surrogate pools exhausted for some values: a surrogate is shared")
        return result

    def value(self, kind: EntityType, value: str, atoms: Atoms, ref_year: int | None = None) -> str:
        """The surrogate of one value (inside ``render_with``)."""
        if kind is EntityType.DATE:
            shifted = shift_dates(value, self.days, ref_year, self._today)
            if shifted is not None:
                return shifted
            return atoms.get("date-text", value, lambda rng: shape_like(value, rng), claim=False)
        if kind is EntityType.AGE:
            return safe_harbor_age(value)
        return RENDERERS[kind](value, atoms)
