"""Train the CRF sequence tagger on synthetic notes and write the packaged model.

Usage: python scripts/train_tagger.py [--n 4000] [--seed 1] [--train FILE.jsonl]
                                      [--out src/phimask/detect/data/tagger.crfsuite]

Needs the ``tagger-training`` extra (python-crfsuite, faker). Notes come from
``scripts/synth_notes.py`` (``--n`` notes from ``--seed``) or from ``--train`` (same JSONL
shape). Training is L-BFGS with L1+L2 regularisation (``--c1``, ``--c2``) and rare features
dropped (``--minfreq``), so the model stays small. Prints the training time, the model
size and character-level figures on a validation set generated from another seed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth_notes

from phimask.detect.tagger import (
    TaggerDetector,
    chunks,
    document_case,
    sequence_features,
)

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "phimask" / "detect" / "data" / "tagger.crfsuite"


def labelled(note: dict[str, Any]) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO tags) for each chunk of a note; a token takes the type of the gold
    span its first character lies in."""
    text = note["text"]
    owner = [-1] * len(text)
    spans = note["phi"]
    for k, span in enumerate(spans):
        for i in range(span["start"], span["end"]):
            owner[i] = k
    doc_case = document_case(text)
    out = []
    for tokens in chunks(text):
        tags: list[str] = []
        previous = -1
        for token in tokens:
            k = owner[token.begin]
            if k < 0:
                tags.append("O")
            else:
                tags.append(("I-" if k == previous else "B-") + spans[k]["type"])
            previous = k
        out.append((sequence_features(tokens, doc_case), tags))
    return out


def char_scores(notes: list[dict[str, Any]], detector: TaggerDetector) -> dict[str, float]:
    """Character-level leak recall, precision and typed recall (non-space characters)."""
    gold_n = pred_n = hit = typed = 0
    for note in notes:
        text = note["text"]
        gold: dict[int, str] = {}
        for span in note["phi"]:
            for i in range(span["start"], span["end"]):
                if not text[i].isspace():
                    gold[i] = span["type"]
        pred: dict[int, str] = {}
        for entity in detector.detect(text):
            for i in range(entity.begin, entity.end):
                if not text[i].isspace():
                    pred[i] = entity.type.value
        gold_n += len(gold)
        pred_n += len(pred)
        hit += sum(1 for i in gold if i in pred)
        typed += sum(1 for i, t in gold.items() if pred.get(i) == t)
    return {"leak_recall": hit / max(gold_n, 1), "precision": hit / max(pred_n, 1),
            "typed_recall": typed / max(gold_n, 1)}


def main() -> int:
    synth_notes.fixed_hash_seed()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="notes to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train", type=Path, help="train on this JSONL instead of generating")
    parser.add_argument("--validate", type=int, default=200, help="validation notes (seed + 1000)")
    parser.add_argument("--c1", type=float, default=0.5)
    parser.add_argument("--c2", type=float, default=0.5)
    parser.add_argument("--minfreq", type=float, default=2)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    started = time.perf_counter()
    if args.train:
        notes = [json.loads(line) for line in args.train.read_text("utf-8").splitlines() if line.strip()]
    else:
        notes = synth_notes.generate(args.n, args.seed)
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    sequences = 0
    for note in notes:
        for features, tags in labelled(note):
            trainer.append(features, tags)
            sequences += 1
    prepared = time.perf_counter()
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.minfreq": args.minfreq, "feature.possible_transitions": True})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    trained = time.perf_counter()
    print(f"notes={len(notes)} sequences={sequences} features: {prepared - started:.1f}s "
          f"training: {trained - prepared:.1f}s model={args.out.stat().st_size / 1e6:.2f} MB")
    info = trainer.logparser.last_iteration
    if info:
        print(f"last iteration: {info.get('num')} loss={info.get('loss'):.1f}")

    validation = synth_notes.generate(args.validate, args.seed + 1000, prefix="valid")
    detector = TaggerDetector(str(args.out))
    started = time.perf_counter()
    scores = char_scores(validation, detector)
    elapsed = time.perf_counter() - started
    chars = sum(len(n["text"]) for n in validation)
    print("validation (generated, seed+1000): " + " ".join(f"{k}={v:.4f}" for k, v in scores.items())
          + f" chars/s={chars / elapsed:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
