"""phimask's embedded detector side by side with Presidio on the dev corpora.

Usage: python bench/detector.py [--eval DIR] [--threshold T] [--tools phimask,presidio]

Each tool runs in its own process on one core (so peak memory is its own), note by
note, over every corpus in ``DIR/text``; predictions are scored by the corpus's scorer
(``score_text.py``). Presidio runs with its pattern recognizers and whatever spaCy
pipeline is installed (``--spacy-model``); when no trained English pipeline is installed
(none is on PyPI) it uses a blank one, i.e. patterns without NER, and says so.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
TYPES = ("NAME", "ADDRESS", "DATE", "AGE", "PHONE_OR_FAX", "EMAIL", "ID", "URL", "PROFESSION", "OTHER")


# ---------------------------------------------------------------- workers (child process)

def phimask_predict(threshold: float, _model: str) -> tuple[Any, str]:
    from phimask.entities import entities_to_response
    from phimask.pipeline import default_detector, find_phi

    default_detector()

    def predict(text: str) -> dict[str, Any]:
        return entities_to_response(find_phi(text, threshold)) if text.strip() else {"Entities": []}

    return predict, "embedded"


def presidio_predict(threshold: float, model: str) -> tuple[Any, str]:
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    label = model
    if not spacy.util.is_package(model):
        blank = Path(tempfile.mkdtemp()) / "blank_en"
        spacy.blank("en").to_disk(blank)
        model, label = str(blank), f"blank:en ({model} not installed)"
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def predict(text: str) -> dict[str, Any]:
        found = engine.analyze(text=text, language="en", score_threshold=threshold) if text.strip() else []
        return {"phi": [{"start": r.start, "end": r.end, "type": r.entity_type} for r in found]}

    return predict, label


WORKERS = {"phimask": phimask_predict, "presidio": presidio_predict}


def worker(tool: str, corpus: Path, out: Path, threshold: float, model: str) -> None:
    predict, label = WORKERS[tool](threshold, model)
    records = [json.loads(line) for line in corpus.read_text("utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    lines = [json.dumps({"id": r["id"], **predict(r["text"])}) for r in records]
    elapsed = time.perf_counter() - started
    out.write_text("\n".join(lines) + "\n", "utf-8")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"elapsed": elapsed, "notes": len(records), "label": label,
                      "chars": sum(len(r["text"]) for r in records), "peak_mib": peak_kib / 1024}))


# ---------------------------------------------------------------- driver

def run_tool(tool: str, corpus: Path, out: Path, args: argparse.Namespace) -> dict[str, Any] | None:
    command = [sys.executable, __file__, "--worker", tool, str(corpus), str(out),
               "--threshold", str(args.threshold), "--spacy-model", args.spacy_model]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        print(f"  {tool}: not run ({reason})", file=sys.stderr)
        return None
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    scored = subprocess.run([sys.executable, str(args.eval / "score_text.py"), str(corpus), str(out),
                             "--json"], check=True, capture_output=True, text=True).stdout
    figures["score"] = json.loads(scored)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the shared/eval folder")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--tools", default="phimask,presidio")
    parser.add_argument("--spacy-model", default="en_core_web_md")
    parser.add_argument("--worker", nargs=3, metavar=("TOOL", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]), args.threshold, args.spacy_model)
        return 0
    corpora = sorted((args.eval / "text").glob("*.jsonl"))
    if not corpora:
        print(f"no corpora under {args.eval / 'text'}; nothing to measure", file=sys.stderr)
        return 1
    tools = [t for t in args.tools.split(",") if t]
    header = (f"{'corpus':<15} {'tool':<9} {'leak_rec':>8} {'precision':>9} {'typed_rec':>9} "
              f"{'chars/s':>9} {'peak MiB':>8}")
    print(header + "\n" + "-" * len(header))
    per_type: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in corpora:
            speeds: dict[str, float] = {}
            for tool in tools:
                figures = run_tool(tool, corpus, Path(tmp) / f"{tool}-{corpus.stem}.jsonl", args)
                if figures is None:
                    continue
                overall = figures["score"]["overall"]
                speeds[tool] = figures["chars"] / figures["elapsed"]
                print(f"{corpus.stem:<15} {tool:<9} {overall['leak_recall']:>8.4f} "
                      f"{overall['precision']:>9.4f} {overall['typed_recall']:>9.4f} "
                      f"{speeds[tool]:>9.0f} {figures['peak_mib']:>8.0f}")
                typed = figures["score"].get("per_type", {})
                cells = " ".join(f"{t}={typed[t]['typed_recall']:.2f}" for t in TYPES if t in typed)
                per_type.append(f"{corpus.stem:<15} {tool:<9} [{figures['label']}] {cells}")
            if "phimask" in speeds and "presidio" in speeds:
                print(f"{corpus.stem:<15} speed ratio phimask/presidio = "
                      f"{speeds['phimask'] / speeds['presidio']:.1f}x")
    print("\ntyped recall per gold type:")
    print("\n".join(per_type))
    return 0


if __name__ == "__main__":
    sys.exit(main())
