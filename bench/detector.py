"""Detector quality and speed on the dev corpora in ../shared/eval/text (when present).

Usage: python bench/detector.py [--eval DIR] [--threshold T]

For every corpus: runs the embedded detector note by note on one core, writes the
predictions to a temporary file, scores them with the corpus's own scorer
(score_text.py) and prints leak_recall, precision, typed_recall, notes/s and chars/s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from phimask.entities import entities_to_response
from phimask.pipeline import default_detector, find_phi

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def score(scorer: Path, gold: Path, predictions: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(predictions), "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def run_corpus(path: Path, threshold: float, workdir: Path) -> tuple[int, int, float, Path]:
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    predictions = workdir / f"{path.stem}.pred.jsonl"
    started = time.perf_counter()
    lines = []
    for record in records:
        text = record["text"]
        entities = find_phi(text, threshold) if text.strip() else []
        lines.append(json.dumps({"id": record["id"], **entities_to_response(entities)}))
    elapsed = time.perf_counter() - started
    predictions.write_text("\n".join(lines) + "\n", "utf-8")
    chars = sum(len(r["text"]) for r in records)
    return len(records), chars, elapsed, predictions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the shared/eval folder")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    corpora = sorted((args.eval / "text").glob("*.jsonl"))
    if not corpora:
        print(f"no corpora under {args.eval / 'text'}; nothing to measure", file=sys.stderr)
        return 1
    default_detector()  # load lexicons before timing
    header = f"{'corpus':<16} {'notes':>6} {'leak_rec':>9} {'precision':>9} {'typed_rec':>9} " \
             f"{'notes/s':>8} {'chars/s':>9}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in corpora:
            notes, chars, elapsed, predictions = run_corpus(corpus, args.threshold, Path(tmp))
            figures = score(args.eval / "score_text.py", corpus, predictions)
            overall = figures.get("overall", figures)
            print(f"{corpus.stem:<16} {notes:>6} {overall['leak_recall']:>9.4f} "
                  f"{overall['precision']:>9.4f} {overall['typed_recall']:>9.4f} "
                  f"{notes / elapsed:>8.1f} {chars / elapsed:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
