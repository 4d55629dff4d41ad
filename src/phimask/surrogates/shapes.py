"""Deterministic randomness and shape-keeping character substitution.

:class:`KeyedRandom` draws from a SHA3-256 counter stream of a secret seed, so a surrogate
depends only on the scope salt and the value — never on the Python version or the order
of calls. The helpers keep a value's shape: letters stay letters (same case), digits stay
digits, everything else stays as it is, and check digits are recomputed.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits


class KeyedRandom:
    """A deterministic random stream: SHA3-256(seed | counter), 64 bits per draw."""

    def __init__(self, seed: str, attempt: int = 0) -> None:
        self._seed = seed.encode("utf-8")
        self._counter = 0
        self.attempt = attempt

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        if n <= 0:
            raise ValueError("n must be positive")
        self._counter += 1
        block = hashlib.sha3_256(self._seed + b"\x1f" + str(self._counter).encode()).digest()
        return int.from_bytes(block[:8], "big") % n

    def choice(self, values: Sequence[T]) -> T:
        return values[self.below(len(values))]

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return low + self.below(high - low + 1)


def case_like(template: str, word: str) -> str:
    """``word`` (in its usual spelling, e.g. ``McKay``, ``San Diego``) in the letter case of
    ``template``: UPPER or lower when the template is, else as it is."""
    letters = [c for c in template if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if letters and all(c.islower() for c in letters):
        return word.lower()
    return word


def shape_like(value: str, rng: KeyedRandom, *, keep_first_digit: bool = False) -> str:
    """Letters to random letters of the same case, digits to random digits; the rest kept.
    A leading zero stays a zero (and a leading non-zero digit stays non-zero)."""
    out: list[str] = []
    first_digit = True
    for char in value:
        if char.isdigit():
            if first_digit and keep_first_digit:
                out.append(char)
            elif first_digit:
                out.append("0" if char == "0" else str(rng.between(1, 9)))
            else:
                out.append(str(rng.below(10)))
            first_digit = False
        elif char.isalpha():
            out.append(rng.choice(UPPER if char.isupper() else LOWER))
        else:
            out.append(char)
    return "".join(out)


def fill_digits(template: str, digits: str) -> str:
    """``template`` with its digits replaced, in order, by ``digits``."""
    feed = iter(digits)
    return "".join(next(feed) if c.isdigit() else c for c in template)


def luhn_valid(digits: str) -> bool:
    return len(digits) > 1 and digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit that completes ``payload``."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 13616 check digits of an IBAN with ``country`` and ``bban``."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged.upper()))
    return f"{98 - number % 97:02d}"


def iban_valid(compact: str) -> bool:
    compact = compact.upper()
    if len(compact) < 15 or not compact[:2].isalpha() or not compact[2:4].isdigit() or not compact.isalnum():
        return False
    return iban_check_digits(compact[:2], compact[4:]) == compact[2:4]


_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_valid(vin: str) -> bool:
    vin = vin.upper()
    return (len(vin) == 17 and all(c in _VIN_VALUES for c in vin) and any(c.isalpha() for c in vin)
            and vin_check_digit(vin) == vin[8])
