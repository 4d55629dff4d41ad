"""Surrogate consistency on the dev corpora in ../shared/eval/text (when present).

Usage: python bench/surrogates.py [--eval DIR] [--skip-roundtrip]

All notes of all corpora go through one scope (one SurrogateEngine keyed by the scope salt,
its surrogates kept one-to-one by a temporary SQLite vault's registry), on the annotated
PHI spans, so the figures measure the surrogates, not the detector:

- names: every name word (case-folded) must get one surrogate word wherever it occurs;
  distinct words sharing a surrogate are counted as collisions;
- dates: every date with a month and a day must move by the scope's offset (its month and
  day, and its year when it has one), so the interval between any two dates of the corpus
  is kept; intervals checked = consecutive pairs of dates within a note.

Then (unless --skip-roundtrip) every note of every corpus goes through the full pipeline,
``deidentify(style="surrogate")`` with the embedded detector, and back through
``reidentify``: failures = notes that do not come back byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from phimask.dateshift import _PATTERN, FALLBACK_YEAR, _parse
from phimask.deid import deidentify, reidentify
from phimask.entities import EntityType
from phimask.surrogates import SurrogateEngine, VaultRegistry
from phimask.surrogates.names import KEEP
from phimask.vault.sqlite import SQLiteVault

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
WORD = re.compile(r"[^\W\d_]+")
TODAY = date.today()


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def dates_of(text: str, ref_year: int) -> list[tuple[date, bool]]:
    """(date, has a four-digit year) for each date with a month and a day in ``text`` (a day
    alone, "the 20th", names no month to check)."""
    found = []
    for match in _PATTERN.finditer(text):
        parsed = _parse(match, ref_year, TODAY)
        if parsed is None or parsed.value is None or parsed.precision != "day":
            continue
        if any(f.kind in {"month", "monthname"} for f in parsed.fields):
            found.append((parsed.value, any(f.kind == "year4" for f in parsed.fields)))
    return found


def check_corpus(records: list[dict[str, Any]], engine: SurrogateEngine, stats: dict[str, Any]) -> None:
    for record in records:
        text = record["text"]
        spans = sorted(record["phi"], key=lambda s: s["start"])
        items = [(EntityType(s["type"]), text[s["start"]:s["end"]]) for s in spans]
        ref_year = engine.ref_year(v for t, v in items if t is EntityType.DATE) or FALLBACK_YEAR
        rendered = engine.render(items)
        previous: tuple[date, date] | None = None
        for (kind, value), new in zip(items, rendered, strict=True):
            if kind is EntityType.NAME:
                old_words, new_words = WORD.findall(value), WORD.findall(new)
                if len(old_words) != len(new_words):
                    stats["name_shape_failures"] += 1
                    continue
                for old, fresh in zip(old_words, new_words, strict=True):
                    if len(old) > 1 and old.casefold() not in KEEP:
                        stats["name_words_checked"] += 1
                        stats["names"][old.casefold()].add(fresh.casefold())
                        stats["documents"][old.casefold()].add(record["id"])
            elif kind is EntityType.DATE:
                old_dates = dates_of(value, ref_year)
                if len(old_dates) != 1:
                    continue
                original, has_year = old_dates[0]
                expected = original + timedelta(days=engine.days)
                new_dates = dates_of(new, expected.year)
                stats["dates_checked"] += 1
                ok = len(new_dates) == 1 and (new_dates[0][0].month, new_dates[0][0].day) == (
                    expected.month, expected.day) and (not has_year or new_dates[0][0].year == expected.year)
                stats["date_failures"] += not ok
                if previous is not None and ok:
                    stats["intervals_checked"] += 1
                    stats["interval_failures"] += (expected - previous[1]) != (original - previous[0])
                previous = (original, expected) if ok else previous


def round_trip(notes: list[str], vault: SQLiteVault) -> tuple[int, float]:
    failures = 0
    started = time.perf_counter()
    for number, text in enumerate(notes):
        try:
            result = deidentify(text, vault, "bench-surrogates", style="surrogate")
            failures += reidentify(vault, deidentified_text=result.deidentified_text, caller="bench") != text
        except Exception as exc:  # a failure to count, not to hide
            print(f"  note {number}: {type(exc).__name__}", file=sys.stderr)
            failures += 1
    return failures, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--skip-roundtrip", action="store_true")
    args = parser.parse_args()
    corpora = sorted((args.eval / "text").glob("*.jsonl"))
    if not corpora:
        print(f"no corpus in {args.eval / 'text'}: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as home:
        os.environ["PHIMASK_HOME"] = home
        vault = SQLiteVault.open(Path(home))
        salt = vault.scope_salt("bench-surrogates")
        engine = SurrogateEngine(salt, VaultRegistry(vault, salt))
        stats: dict[str, Any] = defaultdict(int)
        stats["names"] = defaultdict(set)
        stats["documents"] = defaultdict(set)
        started = time.perf_counter()
        documents = 0
        for corpus in corpora:
            records = load(corpus)
            documents += len(records)
            check_corpus(records, engine, stats)
        seconds = time.perf_counter() - started
        names: dict[str, set[str]] = stats.pop("names")
        spread = sorted((len(d) for d in stats.pop("documents").values()), reverse=True)
        inconsistent = sum(len(s) > 1 for s in names.values())
        owners: dict[str, int] = defaultdict(int)
        for surrogates in names.values():
            for surrogate in surrogates:
                owners[surrogate] += 1
        print(f"documents: {documents} in {len(corpora)} corpora, one scope (offset {engine.days:+d} days), "
              f"{seconds:.1f} s")
        print(f"name words checked: {stats['name_words_checked']} ({len(names)} distinct); "
              f"inconsistent: {inconsistent}; shape failures: {stats['name_shape_failures']}; "
              f"collisions (distinct words sharing a surrogate): {sum(n > 1 for n in owners.values())}")
        print(f"  name words in 2+ documents: {sum(n > 1 for n in spread)}; most documents for one word: "
              f"{spread[0] if spread else 0}")
        dates = stats["dates_checked"]
        print(f"dates checked: {dates}; failures: {stats['date_failures']} (all moved by one offset, so "
              f"every one of their {dates * (dates - 1) // 2} pairwise intervals is kept)")
        print(f"intervals checked (consecutive dates within a note): {stats['intervals_checked']}; "
              f"failures: {stats['interval_failures']}")
        failures = (inconsistent + stats["name_shape_failures"] + stats["date_failures"]
                    + stats["interval_failures"])
        if not args.skip_roundtrip:
            for corpus in corpora:
                notes = [r["text"] for r in load(corpus)]
                failed, took = round_trip(notes, vault)
                failures += failed
                print(f"round trip {corpus.stem}: {len(notes)} notes, failures {failed}, "
                      f"{len(notes) / took:.0f} notes/s (detector + surrogates + vault)")
        vault.close()
    print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
