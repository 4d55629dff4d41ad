"""Atoms: the smallest values that get a surrogate of their own (a name word, a city, a
phone number...). Each atom's surrogate is drawn from a keyed random stream seeded by
HMAC(scope salt, namespace, value, attempt), so the same value gets the same surrogate in
a scope. Atoms whose namespace must stay one-to-one are *claimed* in a registry: when
another value of the scope already owns a surrogate, the atom takes its next attempt.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from phimask.surrogates.shapes import KeyedRandom
from phimask.tokens import keyed_hash

MAX_ATTEMPTS = 24  # then a collision is accepted (the pool of the namespace is exhausted)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, repr=False)
class Claim:
    """``surrogate`` in ``namespace`` belongs to the value whose keyed hash is ``owner``."""

    namespace: str
    owner: str
    surrogate: str

    @property
    def key(self) -> tuple[str, str]:
        return self.namespace, normalize(self.surrogate)


def normalize(value: str) -> str:
    """Linkage form: NFKC, case-folded, whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


@dataclass(slots=True, repr=False)
class Atoms:
    """Hands out atom surrogates for one rendering pass and collects the claims it made."""

    salt: bytes
    exact: bool
    attempts: dict[tuple[str, str], int]
    settled: dict[tuple[str, str], str]
    claims: list[tuple[tuple[str, str], Claim]] = field(default_factory=list)

    def get(self, namespace: str, value: str, generate: Callable[[KeyedRandom], str], *,
            claim: bool = True) -> str:
        """The surrogate of ``value`` in ``namespace``; never equal to ``value`` itself."""
        key = (namespace, value if self.exact else normalize(value))
        if key in self.settled:
            return self.settled[key]
        attempt = self.attempts.get(key, 0)
        mode = "exact" if self.exact else "linked"
        surrogate = value
        for extra in range(8):  # a draw equal to the original is drawn again
            seed = keyed_hash(self.salt, "surrogate", mode, namespace, key[1], str(attempt), str(extra))
            surrogate = generate(KeyedRandom(seed, attempt))
            if normalize(surrogate) != normalize(value):
                break
        if claim:
            owner = keyed_hash(self.salt, "surrogate-owner", mode, namespace, key[1])
            self.claims.append((key, Claim(namespace, owner, surrogate)))
        else:
            self.settled[key] = surrogate
        return surrogate
