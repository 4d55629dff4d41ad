"""Rewrite the tune notes of a dev corpus to test whether the detector generalises.

Usage: python scripts/perturb_notes.py --mode names --seed 1 --out /tmp/names1.jsonl
       [--eval ../shared/eval] [--corpus physionet-dev] [--split tune]

Modes (the gold spans move with the text, so score_text.py scores the output as is):

- ``names``: every NAME value becomes another name (Faker, nine Latin-script locales, accents
  dropped), the same value the same way within a note, in the note's case; initials stay
  initials.
- ``places``: as ``names``, and every ADDRESS value becomes an invented town (hospital
  initials other letters).
- ``upper`` / ``lower``: the whole note in capitals or in lower case.

A detector that learned the dev notes' values (a listed surname, a known hospital) loses
recall here; one that learned the contexts does not. The corpus is read in place; nothing
of it is copied into the project. Needs the ``tagger-training`` extra (faker).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from detector import DEFAULT_EVAL, split_of

LOCALES = ("en_US", "en_GB", "de_DE", "it_IT", "es_ES", "nl_NL", "pl_PL", "en_IE", "fr_FR")
LETTERS = "ABCDEFGHJKLMNPRSTVW"


def ascii_only(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def in_case_of(old: str, new: str) -> str:
    return new.upper() if old.isupper() else new.lower() if old.islower() else new


class Swapper:
    """New values for the gold spans of one note, the same old value the same way."""

    def __init__(self, rng: random.Random, types: set[str]) -> None:
        from faker import Faker

        self.rng, self.types = rng, types
        self.fakers = [Faker(locale) for locale in LOCALES]
        for faker in self.fakers:
            faker.seed_instance(rng.random())
        self.seen: dict[str, str] = {}

    def value(self, old: str, kind: str) -> str:
        if kind not in self.types or not old.replace(" ", "").replace("-", "").replace("'", "").isalpha():
            return old
        key = f"{kind}:{old.lower()}"
        if key not in self.seen:
            self.seen[key] = self._invent(old, kind)
        return in_case_of(old, self.seen[key])

    def _invent(self, old: str, kind: str) -> str:
        if len(old) <= 2 or (kind == "ADDRESS" and len(old) <= 3):
            return "".join(self.rng.choice(LETTERS) for _ in old)  # initials stay initials
        faker = self.rng.choice(self.fakers)
        if kind == "ADDRESS":
            return ascii_only(self.rng.choice(self.fakers[:3]).city())
        words = old.split()
        if len(words) == 1:
            return ascii_only(self.rng.choice([faker.last_name, faker.first_name])())
        if len(words) == 2:
            return f"{ascii_only(faker.first_name())} {ascii_only(faker.last_name())}"
        return " ".join(ascii_only(faker.last_name()) for _ in words)


def rewrite(record: dict[str, Any], mode: str, rng: random.Random) -> dict[str, Any]:
    text: str = record["text"]
    spans = sorted(record["phi"], key=lambda span: span["start"])
    if mode in ("upper", "lower"):  # str.upper() may change a string's length; per character it does not
        new = "".join(c.upper() if mode == "upper" else c.lower() for c in text)
        return {**record, "text": new, "phi": [{**s, "text": new[s["start"]:s["end"]]} for s in spans]}
    swapper = Swapper(rng, {"NAME"} if mode == "names" else {"NAME", "ADDRESS"})
    pieces: list[str] = []
    moved: list[dict[str, Any]] = []
    pos = length = 0
    for span in spans:
        if span["start"] < pos:
            continue  # overlapping gold spans: keep the first
        pieces.append(text[pos:span["start"]])
        length += len(pieces[-1])
        value = swapper.value(text[span["start"]:span["end"]], span["type"])
        pieces.append(value)
        moved.append({**span, "start": length, "end": length + len(value), "text": value})
        length += len(value)
        pos = span["end"]
    pieces.append(text[pos:])
    return {**record, "text": "".join(pieces), "phi": moved}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("names", "places", "upper", "lower"), required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the shared/eval folder")
    parser.add_argument("--corpus", default="physionet-dev")
    parser.add_argument("--split", choices=("tune", "held-out", "all"), default="tune")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file (gold shape)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = []
    for line in (args.eval / "text" / f"{args.corpus}.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        if args.split == "all" or split_of(args.corpus, record["id"]) == args.split:
            lines.append(json.dumps(rewrite(record, args.mode, rng)))
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{args.out}: {len(lines)} notes ({args.mode}, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
