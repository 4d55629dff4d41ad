"""Person names, word by word: each name word maps to a name of the same role (male or
female first name, surname) and culture, so ``SALAZAR, CARLOS``, ``Carlos Salazar`` and
``Mr. Salazar`` keep one surrogate for each word; titles, particles and credentials stay."""

from __future__ import annotations

import re

from phimask.surrogates.atoms import Atoms
from phimask.surrogates.data import ANGLO, NameInfo, names
from phimask.surrogates.shapes import UPPER, KeyedRandom, case_like

NAMESPACE = "name"
KEEP = frozenset({
    "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "dame", "rev", "fr", "sr", "jr", "ii", "iii",
    "iv", "md", "rn", "np", "pa", "phd", "dds", "dmd", "pharmd", "lpn", "cna", "msw", "lcsw", "mph",
    "van", "von", "der", "den", "de", "del", "della", "la", "da", "di", "dos", "das", "bin",
    "el", "st", "saint", "and", "of",
})
_WORD = re.compile(r"[^\W\d_]+")
_CULTURE_FALLBACK_ATTEMPT = 12  # after this many refusals, draw from the larger anglo pools


def name_info(word: str) -> NameInfo:
    return names().info(word) or NameInfo(ANGLO, "last")


def name_word(word: str, atoms: Atoms) -> str:
    """The surrogate of one name word, in its letter case."""
    info = name_info(word)

    def draw(rng: KeyedRandom) -> str:
        culture = info.culture if rng.attempt < _CULTURE_FALLBACK_ATTEMPT else ANGLO
        return rng.choice(names().pool(culture, info.role))

    return case_like(word, atoms.get(NAMESPACE, word, draw))


def initial(letter: str, atoms: Atoms) -> str:
    drawn = atoms.get("initial", letter, lambda rng: rng.choice(UPPER), claim=False)
    return drawn.lower() if letter.islower() else drawn


def render_name(value: str, atoms: Atoms) -> str:
    """``value`` with each name word replaced; separators and kept words unchanged."""
    pieces: list[str] = []
    cursor = 0
    for match in _WORD.finditer(value):
        word = match.group()
        pieces.append(value[cursor:match.start()])
        after = value[match.end():match.end() + 1]
        if len(word) > 1 and word.casefold() in KEEP:
            pieces.append(word)
        elif len(word) == 1:
            pieces.append(word if after == "'" else initial(word, atoms))  # O'Neil keeps its O'
        else:
            pieces.append(name_word(word, atoms))
        cursor = match.end()
    pieces.append(value[cursor:])
    return "".join(pieces)
