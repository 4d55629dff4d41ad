"""Identifiers (record numbers, SSNs, card and bank numbers, VINs, IP addresses) in the
same pattern — letters to letters, digits to digits — with valid check digits where the
original had them (Luhn for card numbers and NPIs, IBAN mod 97, VIN), and professions."""

from __future__ import annotations

import re

from phimask.surrogates.atoms import Atoms
from phimask.surrogates.data import professions
from phimask.surrogates.places import render_words
from phimask.surrogates.shapes import (
    DIGITS,
    VIN_LETTERS,
    KeyedRandom,
    case_like,
    fill_digits,
    iban_check_digits,
    iban_valid,
    luhn_check_digit,
    luhn_valid,
    shape_like,
    vin_check_digit,
    vin_valid,
)

NPI_PREFIX = "80840"
_SSN = re.compile(r"\d{3}([- ]?)\d{2}\1\d{4}")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_IBAN = re.compile(r"[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}")


def _ssn(rng: KeyedRandom) -> str:
    """An SSN that is valid in form: area not 000, 666 or 9xx; group and serial not zero."""
    area = rng.between(1, 899)
    while area == 666:
        area = rng.between(1, 899)
    return f"{area:03d}{rng.between(1, 99):02d}{rng.between(1, 9999):04d}"


def _luhn(digits: str, rng: KeyedRandom) -> str:
    body = digits[0] + "".join(rng.choice(DIGITS) for _ in digits[1:-1])  # the network digit stays
    return body + luhn_check_digit(body)


def _npi(npi: str, rng: KeyedRandom) -> str:
    """A US National Provider Identifier: Luhn over the prefix 80840 and the first 9 digits."""
    body = npi[0] + "".join(rng.choice(DIGITS) for _ in range(8))
    return body + luhn_check_digit(NPI_PREFIX + body)


def _iban(compact: str, rng: KeyedRandom) -> str:
    country, bban = compact[:2].upper(), shape_like(compact[4:], rng, keep_first_digit=False)
    return country + iban_check_digits(country, bban.upper()) + bban


def _vin(vin: str, rng: KeyedRandom) -> str:
    drawn = [rng.choice(VIN_LETTERS + DIGITS) if c.isalpha() else rng.choice(DIGITS) for c in vin.upper()]
    drawn[8] = "0"
    drawn[8] = vin_check_digit("".join(drawn))
    return "".join(drawn)


def _refill(template: str, compact: str) -> str:
    """``template`` with its letters and digits replaced, in order, by ``compact``."""
    feed = iter(compact)
    return "".join(next(feed) if c.isalnum() else c for c in template)


def render_id(value: str, atoms: Atoms) -> str:
    compact = "".join(c for c in value if c.isalnum())
    if not compact:
        return value
    if _SSN.fullmatch(value.strip()):
        return fill_digits(value, atoms.get("id", compact, _ssn))
    if compact.isdigit() and len(compact) >= 12 and luhn_valid(compact):
        return fill_digits(value, atoms.get("id", compact, lambda rng: _luhn(compact, rng)))
    if compact.isdigit() and len(compact) == 10 and compact[0] in "12" and luhn_valid(NPI_PREFIX + compact):
        return fill_digits(value, atoms.get("id", compact, lambda rng: _npi(compact, rng)))
    if _IBAN.fullmatch(value.strip()) and iban_valid(compact):
        drawn = atoms.get("id", compact, lambda rng: _iban(compact, rng))
        return _refill(value, drawn if compact[:2].isupper() else drawn[:2].lower() + drawn[2:])
    if vin_valid(compact):
        drawn = atoms.get("id", compact, lambda rng: _vin(compact, rng))
        return _refill(value, drawn if compact.isupper() else drawn.lower())
    return atoms.get("id", value, lambda rng: shape_like(value, rng))


def _ipv4(rng: KeyedRandom) -> str:
    return ".".join(str(rng.between(1, 254)) for _ in range(4))


def render_other(value: str, atoms: Atoms) -> str:
    """IP addresses, card and bank numbers, organisations and anything else."""
    text = value.strip()
    if _IPV4.fullmatch(text):
        return value.replace(text, atoms.get("ip", text, _ipv4))
    if any(c.isdigit() for c in text) and sum(c.isdigit() for c in text) >= sum(c.isalpha() for c in text):
        return render_id(value, atoms)
    if any(c.isalpha() for c in text):
        return render_words(value, atoms, "org")
    return atoms.get("other", value, lambda rng: shape_like(value, rng))


def render_profession(value: str, atoms: Atoms) -> str:
    drawn = atoms.get("profession", value, lambda rng: rng.choice(professions()), claim=False)
    if value[:1].islower():
        return drawn.lower()
    return case_like(value, drawn)
