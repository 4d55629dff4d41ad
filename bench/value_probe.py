"""Invented values in plain sentences: how much of each value the embedded detector covers.

Usage: python bench/value_probe.py [--n 600] [--seed 5] [--misses 0] [KIND ...]

Faker draws values of one kind (street addresses, towns, phone numbers, names, cards, ...)
in twelve locales and puts each into one of a few plain English sentences ("I live at
{}", "Call me at {}"). The figure per kind is the share of the values' non-space
characters that a found entity covers (type-agnostic, like leak_recall). The dev corpora
hold a few hundred values each; this asks about thousands the rules were not read from,
in the shapes address and name generators write, so it tests generalisation to new
values, not to new kinds of text. It runs with PYTHONHASHSEED=0 (it restarts itself so),
as some of Faker's town names follow Python's string hashing. ``--misses N`` prints up to
N sentences per kind that were not wholly covered, with what was found.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "pt_BR", "en_AU",
           "en_CA", "sv_SE")
DATE_FORMATS = ("%m/%d/%Y", "%d %B %Y", "%B %d, %Y", "%Y-%m-%d", "%d.%m.%Y", "%b %d %Y")


@dataclass(frozen=True)
class Kind:
    draw: Callable[[Faker, random.Random], str]
    sentences: tuple[str, ...]
    locales: tuple[str, ...] = LOCALES


KINDS: dict[str, Kind] = {
    "card": Kind(lambda f, r: f.credit_card_number(),
                 ("My credit card number is {}", "Please charge card {} for the order", "card {} expired")),
    "iban": Kind(lambda f, r: f.iban(), ("My IBAN is {}", "wire it to IBAN {} please")),
    "ipv4": Kind(lambda f, r: f.ipv4(), ("my IP is {}", "connecting from {} fails")),
    "ipv6": Kind(lambda f, r: f.ipv6(), ("my IP is {}", "connecting from {} fails")),
    "phone": Kind(lambda f, r: f.phone_number(),
                  ("Call me at {}", "my phone: {}", "Reach him on {} tomorrow")),
    "ssn": Kind(lambda f, r: f.ssn(), ("My SSN is {}", "social security number {}"), ("en_US",)),
    "email": Kind(lambda f, r: f.email(), ("email me at {}", "{} is my address")),
    "date": Kind(lambda f, r: f.date(pattern=r.choice(DATE_FORMATS)),
                 ("born on {}", "the visit on {} went well")),
    "street": Kind(lambda f, r: f.street_address(), ("I live at {}", "send it to {}")),
    "city": Kind(lambda f, r: f.city(), ("I live in {}", "she moved to {} last year")),
    "name": Kind(lambda f, r: f.name(), ("My name is {}", "{} called yesterday", "please ask {} to come")),
    "company": Kind(lambda f, r: f.company(), ("I work for {}", "{} hired her")),
}


def probe(kind: Kind, n: int, seed: int, misses: int) -> tuple[float, list[str]]:
    """Share of value characters covered, and up to ``misses`` sentences not wholly covered."""
    from phimask.pipeline import find_phi

    rng = random.Random(seed)
    fakers = {locale: Faker(locale) for locale in kind.locales}
    for faker in fakers.values():
        faker.seed_instance(seed)
    total = covered = 0
    shown: list[str] = []
    for _ in range(n):
        value = kind.draw(fakers[rng.choice(kind.locales)], rng)
        sentence = rng.choice(kind.sentences).format(value)
        begin = sentence.index(value)
        found = find_phi(sentence, 0.5)
        chars = [i for i in range(begin, begin + len(value)) if not sentence[i].isspace()]
        hit = sum(1 for i in chars if any(e.begin <= i < e.end for e in found))
        total += len(chars)
        covered += hit
        if hit < len(chars) and len(shown) < misses:
            spans = ", ".join(f"{sentence[e.begin:e.end]!r} {e.type.value}" for e in found) or "nothing"
            shown.append(f"{sentence!r} -> {spans}")
    return covered / max(1, total), shown


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # some of Faker's town names follow string hashing:
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", metavar="KIND", help=f"default: all of {', '.join(KINDS)}")
    parser.add_argument("--n", type=int, default=600, help="values per kind")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="print N misses per kind")
    args = parser.parse_args()
    unknown = [name for name in args.kinds if name not in KINDS]
    if unknown:
        parser.error(f"unknown kind {unknown[0]!r} (choose from {', '.join(KINDS)})")
    for name in args.kinds or KINDS:
        share, shown = probe(KINDS[name], args.n, args.seed, args.misses)
        print(f"{name:<8} {share:.4f}")
        for line in shown:
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
