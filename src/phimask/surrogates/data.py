"""The frozen value pools (``data/*.json.gz``, built by scripts/build_surrogate_data.py),
loaded once per process on first use."""

from __future__ import annotations

import gzip
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

ANGLO = "anglo"
ROLES = ("male", "female", "last")


def _load(name: str) -> Any:
    with resources.files("phimask.surrogates").joinpath("data", name).open("rb") as handle:
        return json.loads(gzip.decompress(handle.read()).decode("utf-8"))


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What a name word tells: its culture and role (male, female, unisex or last)."""

    culture: str
    role: str


@dataclass(frozen=True, slots=True)
class NamePools:
    pools: dict[str, dict[str, tuple[str, ...]]]  # culture -> role -> names
    index: dict[str, NameInfo]  # folded word -> what it is

    def info(self, word: str) -> NameInfo | None:
        return self.index.get(fold(word))

    def pool(self, culture: str, role: str) -> tuple[str, ...]:
        lists = self.pools.get(culture) or self.pools[ANGLO]
        if role == "unisex":
            return lists["male"] + lists["female"]
        return lists[role] or self.pools[ANGLO][role]


# cultures whose name lists are rarely shared with the others, most telling first
DISTINCT = ("hispanic", "portuguese", "italian", "south_asian", "turkish", "indonesian", "west_african",
            "east_african", "vietnamese", "chinese", "japanese")


def fold(word: str) -> str:
    """Case- and accent-insensitive key: 'José' and 'JOSE' -> 'jose'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _culture(found: list[str]) -> str:
    """The culture a name word most likely comes from, among those whose lists have it
    (in list order): anglo for a widespread name (anglo and four others have it), else the
    most telling distinctive culture, else anglo, else the first."""
    distinct = [c for c in DISTINCT if c in found]
    if ANGLO in found and len(found) >= 5:
        return ANGLO
    if distinct:
        return distinct[0]
    return ANGLO if ANGLO in found else found[0]


@cache
def names() -> NamePools:
    cultures: dict[str, dict[str, list[str]]] = _load("names.json.gz")["cultures"]
    pools = {c: {r: tuple(lists[r]) for r in ROLES} for c, lists in cultures.items()}
    roles: dict[str, dict[str, set[str]]] = {}  # word -> culture -> roles
    for culture, lists in cultures.items():
        for role in ROLES:
            for name in lists[role]:
                roles.setdefault(fold(name), {}).setdefault(culture, set()).add(role)
    index: dict[str, NameInfo] = {}
    for word, by_culture in roles.items():
        as_first = [c for c, r in by_culture.items() if r - {"last"}]  # a first name wherever it is one
        culture = _culture(as_first or list(by_culture))
        found = by_culture[culture] - {"last"}
        role = "last" if not found else next(iter(found)) if len(found) == 1 else "unisex"
        index[word] = NameInfo(culture, role)
    return NamePools(pools, index)


@dataclass(frozen=True, slots=True)
class PlacePools:
    cities: tuple[tuple[str, str, tuple[str, ...]], ...]  # (city, state, ZIP codes)
    states: dict[str, str]  # abbreviation -> name
    state_names: dict[str, str]  # case-folded name -> abbreviation
    countries: tuple[str, ...]
    all_zips: tuple[str, ...]


@cache
def places() -> PlacePools:
    data = _load("places.json.gz")
    cities = tuple((str(c), str(s), tuple(z)) for c, s, z in data["cities"])
    states = {str(k): str(v) for k, v in data["states"].items()}
    return PlacePools(cities, states, {v.casefold(): k for k, v in states.items()},
                      tuple(data["countries"]), tuple(sorted({z for *_, zips in cities for z in zips})))


@cache
def professions() -> tuple[str, ...]:
    return tuple(_load("words.json.gz")["professions"])
