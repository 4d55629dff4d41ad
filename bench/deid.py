"""Reversible de-identification on the dev corpora in ../shared/eval/text (when present).

Usage: python bench/deid.py [--eval DIR] [--threshold T] [--skip-aws]

For every corpus and both vaults (SQLite; DynamoDB + KMS + Secrets Manager under moto):
reidentify(deidentify(note)) == note for every note (even notes in one named scope, odd
notes in a fresh scope each), then a scan of the stored bytes for every detected original
value of 6+ characters. Last, deidentify throughput (notes/s) on the largest corpus with
the SQLite vault. Nothing is written outside a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from phimask.deid import deidentify, reidentify
from phimask.pipeline import default_detector, find_phi
from phimask.vault.core import ItemVault
from phimask.vault.sqlite import SQLiteVault

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
MIN_SCANNED = 6  # shorter values (ages, "Dr") occur by chance in base64 and hex


def load(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def round_trip(notes: list[str], vault: ItemVault, scope: str, threshold: float) -> tuple[int, float]:
    """Failures (a wrong or refused re-identification) and seconds."""
    failures = 0
    started = time.perf_counter()
    for i, text in enumerate(notes):
        try:
            result = deidentify(text, vault, scope if i % 2 == 0 else None, threshold=threshold)
            by_text = reidentify(vault, deidentified_text=result.deidentified_text, caller="bench")
            by_hash = reidentify(vault, message_hash=result.message_hash, caller="bench")
            failures += not (by_text == text == by_hash)
        except Exception as exc:  # a failure to count, not to hide
            print(f"  note {i}: {type(exc).__name__}: {exc}", file=sys.stderr)
            failures += 1
    return failures, time.perf_counter() - started


def scan(raw: bytes, notes: list[str], threshold: float) -> tuple[int, int, int]:
    """(values scanned, values too short to scan, values found in plaintext)."""
    values = {e.text for text in notes for e in find_phi(text, threshold)}
    long_values = {v for v in values if len(v) >= MIN_SCANNED}
    found = [v for v in long_values if v.encode("utf-8") in raw]
    return len(long_values), len(values) - len(long_values), len(found)


def sqlite_bytes(vault: SQLiteVault) -> bytes:
    with sqlite3.connect(vault.path) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
    files = [vault.path, vault.path.with_name(vault.path.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def run_sqlite(notes: list[str], workdir: Path, threshold: float) -> tuple[int, float, bytes]:
    vault = SQLiteVault.open(workdir)
    try:
        failures, seconds = round_trip(notes, vault, "bench", threshold)
        return failures, seconds, sqlite_bytes(vault)
    finally:
        vault.close()


def run_moto(notes: list[str], threshold: float) -> tuple[int, float, bytes]:
    from moto import mock_aws

    from phimask.vault.dynamodb import provision_stack

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "testing")
    with mock_aws():
        stack = provision_stack()
        failures, seconds = round_trip(notes, stack.vault(), "bench", threshold)
        pages = [page["Items"] for table in (stack.table, stack.audit_table)
                 for page in stack.clients["dynamodb"].get_paginator("scan").paginate(TableName=table)]
        return failures, seconds, json.dumps(pages, ensure_ascii=False).encode("utf-8")


def throughput(notes: list[str], workdir: Path, threshold: float) -> tuple[float, float]:
    """(deidentify notes/s with the SQLite vault, detection-only notes/s) on one core."""
    vault = SQLiteVault.open(workdir)
    try:
        started = time.perf_counter()
        for text in notes:
            deidentify(text, vault, "throughput", threshold=threshold)
        deid_seconds = time.perf_counter() - started
    finally:
        vault.close()
    started = time.perf_counter()
    for text in notes:
        find_phi(text, threshold)
    return len(notes) / deid_seconds, len(notes) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the shared/eval folder")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--skip-aws", action="store_true", help="SQLite only (moto is slower)")
    args = parser.parse_args()
    corpora = sorted((args.eval / "text").glob("*.jsonl"))
    if not corpora:
        print(f"no corpora under {args.eval / 'text'}; nothing to measure", file=sys.stderr)
        return 1
    default_detector()  # load lexicons before timing
    runs: list[tuple[str, Callable[[list[str], Path], tuple[int, float, bytes]]]] = [
        ("sqlite", lambda notes, work: run_sqlite(notes, work, args.threshold))]
    if not args.skip_aws:
        runs.append(("dynamodb+kms (moto)", lambda notes, _work: run_moto(notes, args.threshold)))
    print(f"{'corpus':<16} {'vault':<20} {'notes':>6} {'failures':>8} {'seconds':>8} "
          f"{'scanned':>8} {'short':>6} {'in plain':>8}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in corpora:
            notes = load(path)
            for name, run in runs:
                failures, seconds, raw = run(notes, Path(tmp) / f"{path.stem}-{name[:6]}")
                scanned, short, leaked = scan(raw, notes, args.threshold)
                failed += failures + leaked
                print(f"{path.stem:<16} {name:<20} {len(notes):>6} {failures:>8} {seconds:>8.1f} "
                      f"{scanned:>8} {short:>6} {leaked:>8}")
        largest = max(corpora, key=lambda p: p.stat().st_size)
        notes = load(largest)
        deid_rate, detect_rate = throughput(notes, Path(tmp) / "throughput", args.threshold)
    print(f"\ndeidentify throughput, {largest.stem} ({len(notes)} notes, "
          f"{sum(map(len, notes)) / 1e6:.2f} M chars), SQLite vault, one core: {deid_rate:.1f} notes/s "
          f"(detection alone: {detect_rate:.1f} notes/s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
