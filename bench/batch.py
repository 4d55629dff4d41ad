"""Batch throughput on the dev corpus: ../shared/eval/text/physionet-dev.jsonl (when present).

Usage: python bench/batch.py [--eval DIR] [--operations mask,surrogate] [--workers 1,2]

Each note is written to a temporary directory as a .txt file; then, for every operation
and worker count, ``phimask.batch.run`` processes the directory into a fresh output
directory (a fresh PHIMASK_HOME per run, so the vault starts empty) and reports files/s;
a second run over the same output checks that everything is skipped (resume). Figures
include process start-up (each worker builds its own detector).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from phimask.batch import LocalTree, Options, run

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--operations", default="mask,surrogate")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    corpus = args.eval / "text" / "physionet-dev.jsonl"
    if not corpus.is_file():
        print(f"{corpus} is missing: nothing to measure")
        return 0
    notes = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines() if line.strip()]
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "in"
        source.mkdir()
        for number, text in enumerate(notes):
            (source / f"note-{number:04d}.txt").write_text(text, encoding="utf-8")
        size = sum(len(t.encode("utf-8")) for t in notes)
        print(f"{len(notes)} files, {size / 1024:.0f} KiB, on {os.cpu_count()} CPUs")
        for operation in args.operations.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                os.environ["PHIMASK_HOME"] = str(Path(work) / f"home-{operation}-{workers}")
                target = Path(work) / f"out-{operation}-{workers}"
                options = Options(operation, "bench-batch", 0.5)
                report = run(LocalTree(source), LocalTree(target), options, workers=workers,
                             progress=False, stream=io.StringIO())
                again = run(LocalTree(source), LocalTree(target), options, workers=workers,
                            progress=False, stream=io.StringIO())
                skipped = sum(c["skipped"] for c in again.statuses.values())
                failures += report.failed + (skipped != len(notes))
                rate = report.processed / report.seconds
                print(f"{operation:<10} workers={workers}: {report.processed} files in "
                      f"{report.seconds:.2f} s = {rate:.1f} files/s; failed {report.failed}; "
                      f"rerun skipped {skipped} in {again.seconds:.2f} s")
    print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
