"""phimask's embedded detector side by side with Presidio on the dev corpora.

Usage: python bench/detector.py [--eval DIR] [--threshold T] [--tools phimask,presidio]
                                [--split all|tune|held-out] [--show-misses [N]]

Tools: phimask (embedded), presidio, presidio-md (speed only: Presidio on a spaCy pipeline of
en_core_web_md's shape with untrained weights, bench/spacy_standin.py, since no trained
pipeline installs here), tagger (the CRF tagger alone) and phimask+tagger
(their union as ``phimask --detector embedded+tagger`` runs it: tagger NAME/ADDRESS entities
scoring 0.99+); ``tagger@T`` / ``phimask+tagger@T`` drop tagger entities scoring below T
(the policy threshold still applies), ``phimask+tagger@T:NAME+ADDRESS`` keeps only those types.
``PHIMASK_TAGGER_MODEL`` points to another model file.

Each tool runs in its own process on one core (so peak memory is its own), note by
note, over every corpus in ``DIR/text``; predictions are scored by the corpus's scorer
(``score_text.py``). Presidio runs with its pattern recognizers and whatever spaCy
pipeline is installed (``--spacy-model``); when no trained English pipeline is installed
(none is on PyPI) it uses a blank one, i.e. patterns without NER, and says so. When phimask
and a Presidio tool run, each pair is also timed taking turns (two processes, alternating
chunks of 50 notes), which a machine whose speed drifts affects far less than two runs one
after the other; both ratios are printed.

``--long-note MB`` instead runs one note of MB megabytes (the first corpus's notes joined)
through phimask in one call and prints its time, chars/s and peak memory; ``--worst-case``
runs invented lines repeated 1,000 and 4,000 times and prints how the time grows.

Held-out split: every note belongs to "tune" or "held-out" by ``split_of(corpus, id)``,
a SHA-256 of ``"<corpus>:<note id>"`` (corpus = file stem): the first 8 bytes as a
big-endian integer, modulo 100, below 20 is held-out (about 20 % of the notes). It
depends on nothing else, so it never changes when files are reordered or grow. With
``--split all`` (default) phimask is also scored on each part separately (subset gold and
prediction files in a temporary directory, scored by the same scorer); ``--split tune`` or
``--split held-out`` runs and scores only that part.

``--show-misses [N]`` (phimask only) groups the leaked gold characters and the false
positive characters into categories (gold or predicted type x a cause heuristic), with
counts and up to N examples each, then a "what would fix it" line per top category.
Counts cover the notes of ``--split``; examples come from tune notes only unless
``--split held-out`` is given, so reviewing misses does not tune on the held-out part.
``split_of`` is importable: ``sys.path.insert(0, "bench"); from detector import split_of``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
TYPES = ("NAME", "ADDRESS", "DATE", "AGE", "PHONE_OR_FAX", "EMAIL", "ID", "URL", "PROFESSION", "OTHER")
HELD_OUT_PERCENT = 20
SPLITS = ("tune", "held-out")


def split_of(corpus: str, note_id: str) -> str:
    """"tune" or "held-out" for a note: SHA-256 of "<corpus>:<note id>" (corpus = the file
    stem, e.g. "physionet-dev"), first 8 bytes big-endian, modulo 100, < 20 is held-out."""
    digest = hashlib.sha256(f"{corpus}:{note_id}".encode()).digest()
    return "held-out" if int.from_bytes(digest[:8], "big") % 100 < HELD_OUT_PERCENT else "tune"


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
    if model == MD_SHAPED:
        from spacy_standin import LABEL, build_md_shaped

        model, label = str(build_md_shaped(Path(tempfile.mkdtemp()) / "md_shaped")), LABEL
    elif not spacy.util.is_package(model):
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


def _tagger(tool: str) -> Any:
    """The tagger a tool name asks for: ``...@T:TYPE+TYPE`` keeps only those types."""
    import os

    from phimask.detect.tagger import TaggerDetector
    from phimask.entities import EntityType

    spec = tool.partition("@")[2].partition(":")[2]
    types = [EntityType(t) for t in spec.split("+")] if spec else None
    return TaggerDetector(os.environ.get("PHIMASK_TAGGER_MODEL"), types)  # default: the packaged model


def tagger_predict(threshold: float, _model: str, tool: str = "tagger") -> tuple[Any, str]:
    """The CRF tagger alone, under the same policy as phimask (``tagger@T``: entities below T dropped)."""
    from phimask.detect.ensemble import EnsembleDetector, Member
    from phimask.entities import entities_to_response
    from phimask.pipeline import find_phi

    cut = float(tool.partition("@")[2].partition(":")[0] or 0.0)
    detector = EnsembleDetector([Member(_tagger(tool), default=cut)])
    detector.detect("warm up")

    def predict(text: str) -> dict[str, Any]:
        return entities_to_response(find_phi(text, threshold, detector)) if text.strip() else {"Entities": []}

    return predict, f"crf tagger >= {cut}"


def union_predict(threshold: float, _model: str, tool: str = "phimask+tagger") -> tuple[Any, str]:
    """Embedded detector + CRF tagger: plain ``phimask+tagger`` is what ``phimask --detector
    embedded+tagger`` runs; ``phimask+tagger@T[:TYPES]`` tries another cut-off and types."""
    import os

    from phimask.detect.ensemble import EnsembleDetector, Member
    from phimask.entities import entities_to_response
    from phimask.pipeline import DETECTOR_ENV, TAGGER_MIN_SCORE, default_detector, find_phi

    if "@" not in tool:
        os.environ[DETECTOR_ENV] = "embedded+tagger"
        detector = default_detector()
        cut = TAGGER_MIN_SCORE
    else:
        cut = float(tool.partition("@")[2].partition(":")[0] or 0.5)
        detector = EnsembleDetector([default_detector(), Member(_tagger(tool), default=cut)])
    detector.detect("warm up")

    def predict(text: str) -> dict[str, Any]:
        return entities_to_response(find_phi(text, threshold, detector)) if text.strip() else {"Entities": []}

    return predict, f"embedded + crf tagger >= {cut}"


MD_SHAPED = "md-shaped"  # --spacy-model value: bench/spacy_standin.py's untrained stand-in
SPEED_ONLY = "presidio-md"  # Presidio on the stand-in: timed, never scored
PEERS = ("presidio", SPEED_ONLY)  # what phimask is timed against, taking turns


def presidio_md_predict(threshold: float, _model: str) -> tuple[Any, str]:
    """Presidio on a spaCy pipeline of en_core_web_md's shape with untrained weights: its
    speed stands for Presidio's usual set-up, its findings mean nothing."""
    return presidio_predict(threshold, MD_SHAPED)


# A tool name may carry a parameter after "@" (e.g. "phimask+tagger@0.7": the tagger's threshold).
WORKERS: dict[str, Callable[..., tuple[Any, str]]] = {
    "phimask": phimask_predict, "presidio": presidio_predict, SPEED_ONLY: presidio_md_predict,
    "tagger": tagger_predict, "phimask+tagger": union_predict}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


WARM_UP = "Seen by Dr. Ilse Varn at 12 Kestrel Road, Elmsby on 3/4/2020; call 555-0100."


def _predictor(tool: str, threshold: float, model: str) -> tuple[Any, str]:
    base = tool.partition("@")[0]
    return (WORKERS[base](threshold, model, tool) if base in ("tagger", "phimask+tagger")
            else WORKERS[base](threshold, model))


def worker(tool: str, corpus: Path, out: Path, threshold: float, model: str) -> None:
    predict, label = _predictor(tool, threshold, model)
    records = read_jsonl(corpus)
    predict(WARM_UP)  # one-off set-up (regexes, lists) is start-up time, not throughput
    started = time.perf_counter()
    lines = [json.dumps({"id": r["id"], **predict(r["text"])}) for r in records]
    elapsed = time.perf_counter() - started
    out.write_text("\n".join(lines) + "\n", "utf-8")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"elapsed": elapsed, "notes": len(records), "label": label,
                      "chars": sum(len(r["text"]) for r in records), "peak_mib": peak_kib / 1024}))


CHUNK = 50  # notes per turn when two tools take turns


def timer(tool: str, corpus: Path, threshold: float, model: str) -> None:
    """A worker that takes turns: reads a chunk number per line, runs the chunk's notes and
    prints the CPU seconds they took."""
    predict, _ = _predictor(tool, threshold, model)
    texts = [r["text"] for r in read_jsonl(corpus)]
    predict(WARM_UP)
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    print(len(chunks), flush=True)
    for line in sys.stdin:
        started = time.process_time()
        for text in chunks[int(line)]:
            predict(text)
        print(time.process_time() - started, flush=True)


def taking_turns(tools: tuple[str, str], corpus: Path, args: argparse.Namespace) -> dict[str, float]:
    """CPU seconds each tool takes for the corpus when the two run in their own processes and
    take turns chunk by chunk, so that both see the same minutes of a machine whose speed
    drifts (each chunk runs twice per tool, alternating who goes first; the faster run counts)."""
    workers = {tool: subprocess.Popen(
        [sys.executable, __file__, "--timer", tool, str(corpus), "--threshold", str(args.threshold),
         "--spacy-model", args.spacy_model], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True) for tool in tools}
    # every worker first prints its number of chunks (the same corpus: the same number)
    chunks = min(int(w.stdout.readline()) for w in workers.values())  # type: ignore[union-attr]
    seconds = dict.fromkeys(tools, 0.0)

    def turn(tool: str, chunk: int) -> float:
        worker = workers[tool]
        worker.stdin.write(f"{chunk}\n")  # type: ignore[union-attr]
        worker.stdin.flush()  # type: ignore[union-attr]
        return float(worker.stdout.readline())  # type: ignore[union-attr]

    for chunk in range(chunks):
        order = tools if chunk % 2 else tools[::-1]
        runs: dict[str, list[float]] = {tool: [] for tool in tools}
        for tool in (*order, *order[::-1]):
            runs[tool].append(turn(tool, chunk))
        for tool in tools:
            seconds[tool] += min(runs[tool])
    for worker in workers.values():
        worker.stdin.close()  # type: ignore[union-attr]
        worker.wait()
    return seconds


def long_note(eval_dir: Path, megabytes: float, threshold: float) -> int:
    """One long note (the notes of the first corpus, alphabetically, joined and repeated up to
    ``megabytes``) through phimask in one ``find_phi`` call: linear time and bounded memory."""
    from phimask.pipeline import default_detector, find_phi

    corpora = sorted((eval_dir / "text").glob("*.jsonl"))
    if not corpora:
        print(f"no corpora under {eval_dir / 'text'}", file=sys.stderr)
        return 1
    joined = "\n".join(r["text"] for r in read_jsonl(corpora[0]))
    size = int(megabytes * 1_000_000)
    text = (joined * (size // max(1, len(joined)) + 1))[:size]
    default_detector()
    find_phi(WARM_UP, threshold)
    started = time.perf_counter()
    found = find_phi(text, threshold)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(text) / 1e6:.1f} MB ({corpora[0].stem} joined): {len(found)} entities in {elapsed:.1f} s "
          f"({len(text) / elapsed:,.0f} chars/s), peak RSS {peak:.0f} MiB")
    return 0


WORST_CASE_LINES = (  # invented lines that once made a pass compare every entity with every other one
    "Seen by Dr. Ilse Quarnby on May 3, 2020 at 12 Kestrel Road, Elmsby, MA 02139; call 555-201-3344. ",
    "Dr. Ilse Quarnby Apt. 5 ",
    "Ilse Varn of Harper, Collins and Wade. ",
    "Kind regards,\nIlse Varn\n7156 Kane Way Quarnby, TX 78572 US\nilse@example.com\n",
    "Ilse Quarnby\nQuarnography\n12 Elm Street\nMobile: 723 813 266\n",
    "Barnett, Melton and Garcia moved to Boston and Garcia. ",
    "Ilse, Varn, Quist, Elm, Oak and Ash. ",
    "SIGNED: ILSE QUARNBY RN -- VARN, SCOTT RN\n",
    "PT LIVES WITH KRISTIE (GRANDDAUGHTER) IN TEVETOGLUTON, CONNECTICUT. ",
    "FULL CODE, CONFIRMED WITH FATHER ANITA JUN 11. ",
    "Tel: 4004773825 or cell (02)/987-7353. ",
    "www.quarnby.com/x www.varn.co.uk ",
)
WORST_CASE_REPEATS = (1000, 4000)


def worst_case(threshold: float) -> int:
    """Each line of WORST_CASE_LINES repeated 1,000 and 4,000 times, one ``find_phi`` call
    each: linear code takes about 4× the time for 4× the text; a pass that compares every
    entity with every other one takes about 16×."""
    from phimask.pipeline import default_detector, find_phi

    default_detector()
    find_phi(WARM_UP, threshold)
    worst = 0.0
    for line in WORST_CASE_LINES:
        seconds = []
        for repeats in WORST_CASE_REPEATS:
            started = time.perf_counter()
            find_phi(line * repeats, threshold)
            seconds.append(time.perf_counter() - started)
        ratio = seconds[1] / seconds[0]
        worst = max(worst, ratio)
        print(f"{ratio:5.1f}x  {seconds[0]:6.2f} s -> {seconds[1]:6.2f} s  {line[:48]!r}")
    print(f"worst ratio {worst:.1f}x for {WORST_CASE_REPEATS[1] // WORST_CASE_REPEATS[0]}x the text")
    return 0


# ---------------------------------------------------------------- driver

def score(args: argparse.Namespace, gold: Path, pred: Path) -> dict[str, Any]:
    """The corpus scorer's JSON result for ``pred`` against ``gold``."""
    scored = subprocess.run([sys.executable, str(args.eval / "score_text.py"), str(gold), str(pred),
                             "--json"], check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(scored)
    return result


def run_tool(tool: str, corpus: Path, out: Path, args: argparse.Namespace) -> dict[str, Any] | None:
    command = [sys.executable, __file__, "--worker", tool, str(corpus), str(out),
               "--threshold", str(args.threshold), "--spacy-model", args.spacy_model]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        print(f"  {tool}: not run ({reason})", file=sys.stderr)
        return None
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["score"] = score(args, corpus, out)
    return figures


def split_scores(args: argparse.Namespace, name: str, gold: list[dict[str, Any]], pred: Path,
                 tmp: Path) -> dict[str, dict[str, Any] | None]:
    """Score the tune and held-out parts of a corpus separately (None: the part is empty)."""
    predicted = {str(r["id"]): r for r in read_jsonl(pred)}
    result: dict[str, dict[str, Any] | None] = {}
    for part in SPLITS:
        subset = [r for r in gold if split_of(name, str(r["id"])) == part]
        if not subset:
            result[part] = None
            continue
        slug = f"{name}-{part}"
        gold_file = write_jsonl(tmp / f"gold-{slug}.jsonl", subset)
        pred_file = write_jsonl(tmp / f"pred-{slug}.jsonl",
                                [predicted[str(r["id"])] for r in subset if str(r["id"]) in predicted])
        result[part] = score(args, gold_file, pred_file)
    return result


def row(corpus: str, tool: str, part: str, scored: dict[str, Any] | None, speed: str = "",
        peak: str = "", notes: int = 0) -> str:
    if scored is None:
        return f"{corpus:<15} {tool:<19} {part:<8} {notes:>5} {'-':>8} {'-':>9} {'-':>9} {speed:>9} {peak:>8}"
    o = scored["overall"]
    return (f"{corpus:<15} {tool:<19} {part:<8} {scored['notes']:>5} {o['leak_recall']:>8.4f} "
            f"{o['precision']:>9.4f} {o['typed_recall']:>9.4f} {speed:>9} {peak:>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the shared/eval folder")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--tools", default=f"phimask,presidio,{SPEED_ONLY},phimask+tagger")
    parser.add_argument("--spacy-model", default="en_core_web_md")
    parser.add_argument("--split", choices=("all", *SPLITS), default="all",
                        help="notes to run and score (all also prints phimask per part)")
    parser.add_argument("--show-misses", type=int, nargs="?", const=5, default=0, metavar="N",
                        help="phimask only: categorised misses and false positives, N examples each "
                             "(default 5)")
    parser.add_argument("--long-note", type=float, default=0, metavar="MB",
                        help="instead: one note of MB megabytes (the first corpus's notes joined) through "
                             "phimask in one call; prints time, chars/s and peak memory")
    parser.add_argument("--worst-case", action="store_true",
                        help="instead: invented lines repeated 1,000 and 4,000 times through phimask; "
                             "prints how much longer 4x the text takes (linear: about 4x)")
    parser.add_argument("--worker", nargs=3, metavar=("TOOL", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--timer", nargs=2, metavar=("TOOL", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.long_note:
        return long_note(args.eval, args.long_note, args.threshold)
    if args.worst_case:
        return worst_case(args.threshold)
    if args.timer:
        timer(args.timer[0], Path(args.timer[1]), args.threshold, args.spacy_model)
        return 0
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]), args.threshold, args.spacy_model)
        return 0
    corpora = sorted((args.eval / "text").glob("*.jsonl"))
    if not corpora:
        print(f"no corpora under {args.eval / 'text'}; nothing to measure", file=sys.stderr)
        return 1
    tools = [t for t in args.tools.split(",") if t]
    if args.show_misses and "phimask" not in tools:
        parser.error("--show-misses reviews phimask's output: include phimask in --tools")
    header = (f"{'corpus':<15} {'tool':<19} {'split':<8} {'notes':>5} {'leak_rec':>8} {'precision':>9} "
              f"{'typed_rec':>9} {'chars/s':>9} {'peak MiB':>8}")
    print(header + "\n" + "-" * len(header))
    per_type: list[str] = []
    reviews: list[Review] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for corpus in corpora:
            name = corpus.stem
            gold = read_jsonl(corpus)
            if args.split != "all":
                gold = [r for r in gold if split_of(name, str(r["id"])) == args.split]
                if not gold:
                    print(f"{name:<15} no {args.split} notes")
                    continue
                corpus = write_jsonl(tmp / f"gold-{name}-{args.split}.jsonl", gold)
            speeds: dict[str, float] = {}
            for tool in tools:
                out = tmp / f"{tool}-{name}.jsonl"
                figures = run_tool(tool, corpus, out, args)
                if figures is None:
                    continue
                speeds[tool] = figures["chars"] / figures["elapsed"]
                speed, peak = f"{speeds[tool]:.0f}", f"{figures['peak_mib']:.0f}"
                if tool == SPEED_ONLY:
                    print(row(name, tool, "speed", None, speed, peak, figures["notes"]))
                    continue
                print(row(name, tool, args.split, figures["score"], speed, peak))
                if tool != "presidio" and args.split == "all":
                    for part, scored in split_scores(args, name, gold, out, tmp).items():
                        print(row(name, tool, part, scored))
                if tool == "phimask" and args.show_misses:
                    reviews.append(review(name, gold, read_jsonl(out), args.show_misses,
                                          examples_from=args.split if args.split == "held-out" else "tune"))
                typed = figures["score"].get("per_type", {})
                cells = " ".join(f"{t}={typed[t]['typed_recall']:.2f}" for t in TYPES if t in typed)
                per_type.append(f"{name:<15} {tool:<19} [{figures['label']}] {cells}")
            for peer in (p for p in PEERS if "phimask" in speeds and p in speeds):
                seconds = taking_turns(("phimask", peer), corpus, args)
                chars = sum(len(r["text"]) for r in gold)
                print(f"{name:<15} speed ratio phimask/{peer} = "
                      f"{speeds['phimask'] / speeds[peer]:.1f}x (one after the other); "
                      f"taking turns: {seconds[peer] / seconds['phimask']:.2f}x "
                      f"(CPU: phimask {chars / seconds['phimask']:.0f}, {peer} "
                      f"{chars / seconds[peer]:.0f} chars/s)")
    print(f"\ntyped recall per gold type ({args.split} notes):")
    print("\n".join(per_type))
    if reviews:
        print_reviews(reviews, args.show_misses, args.split)
    return 0


# ---------------------------------------------------------------- misses review (--show-misses)

US_STATE_CODES = frozenset({
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "dc", "fl", "ga", "hi", "id", "il", "in", "ia",
    "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm",
    "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa",
    "wv", "wi", "wy"
})
# A person-name cue near a span: title, credential, relative, role, label or reporting verb.
NAME_CUE_BEFORE = re.compile(
    r"\b(?:dr|drs|mr|mrs|ms|miss|mx|prof|doctor|nurse|rn|np|md|pa|resident|attending|intern|fellow|"
    r"son|sons|daughter|daughters|dtr|wife|husband|hus|spouse|brother|sister|mother|mom|father|dad|"
    r"friend|aunt|uncle|niece|nephew|grand\w*|cousin|partner|proxy|hcp|name|named|per|paged|called|"
    r"spoke\s+(?:with|to)|notified|informed|dear|thanks|hi|hello)\b(?:\W+\w+){0,2}\W*$",
    re.IGNORECASE,
)
NAME_CUE_AFTER = re.compile(
    r"^(?:\W+\w+){0,2}?\W*\b(?:md|m\.d|rn|np|pa|do|phd|aware|notified|paged|called|made\s+aware|"
    r"resident|attending|intern|fellow|daughter|son|wife|husband|sister|brother|mother|father)\b",
    re.IGNORECASE,
)
FACILITY_CUE = re.compile(
    r"\b(?:hospital|hosp|medical|med|center|centre|clinic|rehab|university|univ|memorial|infirmary|"
    r"va|vamc|er|ew|ed|cath\s+lab|nursing\s+home|hospice|institute|osh|transferr?ed|tranfered|"
    r"admitted|school|college|health)\b",
    re.IGNORECASE,
)
RESIDENCE_CUE = re.compile(
    r"\b(?:grew\s+up|lives?|lived|living|born|flew|moved|travell?ed|originally)\s+(?:in|to|from)\s*$",
    re.IGNORECASE)
WORDS = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")

# What would fix each category: inferred from the examples of a full run on the dev corpora
# (docs/detector.md); looked up by (type, cause), then by cause alone. Placeholders only:
# no corpus value is quoted here.
FIXES: dict[tuple[str, str] | str, str] = {
    ("ADDRESS", "hospital/organization"): "local hospitals and their abbreviations after transfer verbs "
    "('to <2-4 CAPS>', 'from the <ABBR>', '<Saint-like word> <WORD>', '<City> Rehab', 'U of <state> Med "
    "Center'): a facility gazetteer plus 'University of <state>' / '<place> Rehab' shapes; keep every word",
    ("ADDRESS", "partial coverage (words leaked)"): "address spans cut at either end: a leading 'the corner "
    "of' or first word of a multi-word place, trailing street-type words and foreign abbreviations, a "
    "'(<language>)' tag, the ZIP and the next '<city>, <st> <zip>' line: grow confident addresses over "
    "adjacent capitalised/foreign street words and the following ZIP/city line",
    ("ADDRESS", "partial coverage (connective words leaked)"): "'the corner of <X> and <Y>': extend the span "
    "over the connective words (low risk: they carry no identity)",
    ("ADDRESS", "partial coverage (digits leaked)"): "a building number before a number-led street "
    "('<n> <Street> <n>'): grow street spans over one leading number",
    ("ADDRESS", "address part: zip/number"): "a leading building number alone on its side of the street "
    "span, postcodes after the country line: leading-number growth, a 4-6 digit line after a country",
    ("ADDRESS", "address part: unknown place"): "towns no list knows, and employers written in lower case "
    "('works for <org> health', 'his business <Org>'): organisations after employer cues; unknown "
    "capitalised words on address lines",
    ("ADDRESS", "address part: street"): "street names without a known suffix: foreign street words "
    "(gate, vej, katu, rue, str., u.) as street markers",
    ("ADDRESS", "address part: city"): "mostly 'nan' (a missing value the corpus labels as a city): ignore",
    ("OTHER", "hospital/organization"): "organisation names without a legal suffix: employer cues ('a year "
    "at <Org>', 'recorded for <Org>', 'from <Org> is', \"the <Org>'s website\"), contact-card lines, and "
    "an organisation lexicon",
    ("OTHER", "partial coverage (words leaked)"): "organisation spans cut at 'And' or a common word: extend "
    "over capitalised words to the end of the run",
    ("NAME", "name without title/cue"): "names with no cue: coordinated lists ('<A>, <B> and <C>': let the "
    "list rule start from a lower-score name), dialogue speakers ('<Name>: ...'), sentence-initial first "
    "names followed by a verb",
    ("NAME", "all-caps name"): "all-caps notes: '<I>. <SURNAME> AWARE', '<FIRST> <LAST> (RESIDENT)': an "
    "initial + caps word before AWARE/IN TO, or caps words before a (ROLE), is a name even when the "
    "surname is a common word",
    ("NAME", "lowercase name"): "lowercase names that are common words ('dr <word> aware', 'NP <word> made "
    "aware', 'wife, <word>,') and signatures ('<first> <i>. <last> bsn/rn'): a strong cue overrides the "
    "common-word veto; add BSN and '<x>/rn' credentials",
    ("NAME", "partial coverage (words leaked)"): "first names left out of two-word names: extend a name span "
    "left over a capitalised first-name-lexicon word",
    ("NAME", "cue present, missed"): "the cue is there but the word is vetoed: an initial before a caps "
    "surname, 'maiden name is <X>', a dialogue '<Name>:'",
    ("DATE", "date/number format"): "short m/d dates ('on <m>/<d>', 'fx <m>/<yy>') and bare 2-digit years in "
    "history lines: accept m/d (month<=12, day<=31) after date cues (on, of, from, s/p, fx)",
    ("PHONE_OR_FAX", "date/number format"): "area code split off by a space ('<3> <3>-<4>') and short local "
    "numbers ('<3> <4> office'): join a 3-digit group to a following phone; accept with a phone label",
    ("PHONE_OR_FAX", "partial coverage (digits leaked)"): "phone spans cut at a space or bracket: grow them "
    "over a trailing digit group",
    ("PROFESSION", "profession without cue"): "a job title as the whole note or line (multi-word, lowercase, "
    "'X and Y <title>'): match the profession list case-insensitively on a line of its own, with "
    "'and'/comma coordination",
    "partial coverage (digits leaked)": "grow spans over the neighbouring digit group",
    "partial coverage (words leaked)": "grow spans to the whole run of words",
    "ID format": "add the missing ID shape with its label cue",
    "date/number format": "add the missing numeric shape with a context cue",
    "other": "look at the examples",
    # false positives
    ("NAME", "unknown word (misspelling/abbreviation)"): "capitalised clinical words and misspellings the "
    "lexicons lack (a sentence-initial -osis/-itis/-ive word, a misspelt 'niece'): a larger medical "
    "vocabulary and a misspelling-tolerant lookup of clinical and relative words",
    ("ADDRESS", "unknown word (misspelling/abbreviation)"): "'sent from <procedure>', 'to <VERB>', 'to "
    "step-down': the unknown-place rule should not fire on 'to'/'from' in clinical notes (keep lives/moved/"
    "flew cues), nor on verbs, procedures and hyphenated words",
    ("ADDRESS", "overshoot past gold span"): "physionet labels only the name of '<X> HOSPITAL' / '<X> REHAB' "
    "(harmless: masking the head word is the safe side); presidio: an address should not start with "
    "'is on' / 'is', and gold leaves a trailing 'St.' out",
    ("NAME", "capitalized clinical/common word"): "a 'Bot:' dialogue speaker, weekdays, and initial + word "
    "inside caps clinical text ('90'S. LUNG', 'A&O. PLEASANT'): require a stand-alone initial and a "
    "surname that is not a clinical/common word; never take weekdays as names",
    ("NAME", "overshoot past gold span"): "contractions and glue taken into names (\"I'm <Name>\", "
    "\"<Name>'s <Word>\", \"<name> con't\"): strip I'm at the start and stop at apostrophe-s",
    ("AGE", "age <= 89"): "not a detector bug: ages <= 89 score 0.6 and the physionet gold labels only ages "
    "> 89; a policy with types.AGE.threshold 0.7 (or safe-harbor's age_90_plus) keeps them",
    "overshoot: punctuation only": "harmless (a period or quote mark at a span edge)",
    "overshoot: glue between gold spans": "harmless (', and' between names labelled one by one)",
    "overshoot past gold span": "trim spans at line breaks and punctuation; do not swallow the following "
    "role or label word",
    "capitalized clinical/common word": "add the word (phrase) to the clinical allow-list or the "
    "clinical-terms list so name/place rules skip it",
    "lowercase clinical/common word": "require capitals or a cue for common words in lowercase notes",
    "country/state": "a state or country alone is reported in prose only (Safe Harbor lets states stay, "
    "so clinical notes keep them); what is left is prose the gold does not label",
    "number": "numbers taken as dates/phones/IDs: require a cue or a stricter shape (vent settings, doses)",
}
FILLER = frozenset({"the", "corner", "of", "and", "de", "del", "la", "le", "du", "des", "da", "di", "van",
                    "von", "der", "den", "on", "at", "in", "is"})


@dataclass
class Bucket:
    chars: int = 0
    spans: int = 0
    examples: list[str] = field(default_factory=list)
    shapes: Counter[str] = field(default_factory=Counter)


@dataclass
class Review:
    corpus: str
    leaked: int = 0
    gold_chars: int = 0
    false_chars: int = 0
    pred_chars: int = 0
    misses: dict[tuple[str, str], Bucket] = field(default_factory=dict)
    false: dict[tuple[str, str], Bucket] = field(default_factory=dict)


def _one_line(s: str) -> str:
    return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _line_around(text: str, begin: int, end: int, width: int = 30) -> tuple[str, str]:
    """Up to ``width`` characters before and after a span, on its own line."""
    line_start = text.rfind("\n", 0, begin) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return text[max(line_start, begin - width):begin], text[end:min(line_end, end + width)]


def _shape(value: str) -> str:
    shape = re.sub(r"[^\W\d_]", "a", re.sub(r"\d", "9", value.strip()))
    return re.sub(r"a{3,}", "aa+", shape)[:14]


def _fold_words(value: str) -> str:
    from phimask.detect.lexicon import fold

    return fold(" ".join(WORDS.findall(value)))


def miss_cause(text: str, begin: int, end: int, kind: str, leaked: list[int], covered: int) -> str:
    """A heuristic reason why a gold span leaked (``leaked``: its uncovered characters,
    ``covered``: how many of its characters a prediction covers)."""
    from phimask.detect.lexicon import lexicon

    if covered:
        uncovered = set(leaked)
        rest = "".join(text[i] if i in uncovered else " " for i in range(begin, end))
        tokens = re.findall(r"\w+", rest)
        if not any(c.isalpha() for c in rest):
            return "partial coverage (digits leaked)"
        if all(t.lower() in FILLER for t in tokens):
            return "partial coverage (connective words leaked)"
        return "partial coverage (words leaked)"
    value = text[begin:end].strip(" .,:;")
    letters = "".join(c for c in value if c.isalpha())
    digits = sum(c.isdigit() for c in value)
    before, after = _line_around(text, begin, end)
    if kind == "NAME":
        if letters and letters.islower():
            return "lowercase name"
        if len(letters) > 1 and letters.isupper():
            return "all-caps name"
        if not NAME_CUE_BEFORE.search(before) and not NAME_CUE_AFTER.search(after):
            return "name without title/cue"
        return "cue present, missed"
    if kind in ("DATE", "AGE", "PHONE_OR_FAX"):
        return "date/number format"
    if kind == "ID" or (kind == "OTHER" and digits * 2 >= len(value.replace(" ", ""))):
        return "ID format"
    if kind == "OTHER":
        return "hospital/organization"
    if kind == "ADDRESS":
        lex = lexicon()
        key = _fold_words(value)
        abbreviation = (2 <= len(value) <= 4 and value.isalpha() and value.isupper()
                        and key not in US_STATE_CODES and not RESIDENCE_CUE.search(before))
        if FACILITY_CUE.search(f"{before} {value} {after}") or abbreviation:
            return "hospital/organization"
        if digits and not letters:
            return "address part: zip/number"
        if digits or any(w in lex.street_suffixes for w in key.split()):
            return "address part: street"
        if key in lex.us_states or key in lex.countries or key in US_STATE_CODES:
            return "address part: state/country"
        if key in lex.cities:
            return "address part: city"
        return "address part: unknown place"
    if kind == "PROFESSION":
        return "profession without cue"
    return "other"


def false_cause(text: str, begin: int, end: int, kind: str, outside: list[int], gold: list[int]) -> str:
    """A heuristic reason why a prediction covers characters outside gold PHI (``outside``:
    those characters; ``gold``: the prediction's characters inside gold PHI)."""
    from phimask.detect.lexicon import lexicon

    if gold:
        if all(not text[i].isalnum() for i in outside):
            return "overshoot: punctuation only"
        if all(gold[0] < i < gold[-1] for i in outside):
            return "overshoot: glue between gold spans"
        return "overshoot past gold span"
    value = text[begin:end].strip(" .,:;")
    digits = sum(c.isdigit() for c in value)
    if kind == "AGE":
        number = re.search(r"\d+", value)
        if number and int(number.group()) <= 89:
            return "age <= 89"
    lex = lexicon()
    key = _fold_words(value)
    if kind == "ADDRESS" and key and (key in lex.countries or key in lex.us_states or key in US_STATE_CODES):
        return "country/state"
    if digits and digits * 2 >= len(value.replace(" ", "")):
        return "number"
    words = WORDS.findall(value)
    if words and any(lex.is_clinical(w) or lex.raw_zipf(w) >= 3.5 for w in words):
        return "capitalized clinical/common word" if value[:1].isupper() else "lowercase clinical/common word"
    if words and not any(lex.is_name(w) for w in words):
        return "unknown word (misspelling/abbreviation)"
    return "other"


def _entities(record: dict[str, Any]) -> list[tuple[int, int, str]]:
    spans = [(int(s["start"]), int(s["end"]), str(s.get("type") or "UNTYPED"))
             for s in record.get("phi") or []]
    spans += [(int(e["BeginOffset"]), int(e["EndOffset"]), str(e.get("Type") or "UNTYPED"))
              for e in record.get("Entities") or []]
    return spans


def _add(buckets: dict[tuple[str, str], Bucket], key: tuple[str, str], chars: int, example: str | None,
         limit: int, shape: str) -> None:
    bucket = buckets.setdefault(key, Bucket())
    bucket.chars += chars
    bucket.spans += 1
    bucket.shapes[shape] += 1
    if example is not None and len(bucket.examples) < limit:
        bucket.examples.append(example)


def review(corpus: str, gold: list[dict[str, Any]], preds: list[dict[str, Any]], limit: int,
           examples_from: str) -> Review:
    """Leaked gold characters and false-positive characters of one corpus, by category.

    Characters are counted as the scorer counts them (non-whitespace only; a character in
    two gold spans, or under two predictions, counts once)."""
    predicted = {str(p["id"]): _entities(p) for p in preds}
    result = Review(corpus)
    for record in gold:
        rid, text = str(record["id"]), record["text"]
        show = split_of(corpus, rid) == examples_from
        n = len(text)
        gmask, pmask = bytearray(n), bytearray(n)
        spans = sorted(_entities(record))
        for b, e, _ in spans:
            gmask[b:e] = b"\x01" * (e - b)
        entities = sorted(((max(0, b), min(n, e), t) for b, e, t in predicted.get(rid, [])),
                          key=lambda x: (x[0], -x[1]))
        for b, e, _ in entities:
            pmask[b:max(b, e)] = b"\x01" * max(0, e - b)
        counted: set[int] = set()
        for b, e, kind in spans:
            chars = [i for i in range(b, e) if not text[i].isspace()]
            leaked = [i for i in chars if not pmask[i] and i not in counted]
            if not leaked:
                continue
            counted.update(leaked)
            result.leaked += len(leaked)
            cause = miss_cause(text, b, e, kind, leaked, sum(pmask[i] for i in chars))
            before, after = _line_around(text, b, e)
            shown = "".join("_" if pmask[i] and not text[i].isspace() else text[i] for i in range(b, e))
            example = (f"[{rid} {b}-{e}] ...{_one_line(before)}[[{_one_line(shown)}]]{_one_line(after)}..."
                       if show else None)
            _add(result.misses, (kind, cause), len(leaked), example, limit, _shape(text[b:e]))
        result.gold_chars += sum(1 for i in range(n) if gmask[i] and not text[i].isspace())
        result.pred_chars += sum(1 for i in range(n) if pmask[i] and not text[i].isspace())
        owned: set[int] = set()
        for b, e, kind in entities:
            outside = [i for i in range(b, e) if not gmask[i] and not text[i].isspace() and i not in owned]
            if not outside:
                continue
            owned.update(outside)
            result.false_chars += len(outside)
            cause = false_cause(text, b, e, kind, outside, [i for i in range(b, e) if gmask[i]])
            before, after = _line_around(text, b, e)
            shown = "".join("_" if gmask[i] and not text[i].isspace() else text[i] for i in range(b, e))
            example = (f"[{rid} {b}-{e}] ...{_one_line(before)}[[{_one_line(shown)}]]{_one_line(after)}..."
                       if show else None)
            _add(result.false, (kind, cause), len(outside), example, limit, _shape(text[b:e]))
    return result


def _fix(kind: str, cause: str) -> str:
    return FIXES.get((kind, cause)) or FIXES.get(cause) or FIXES["other"]


def _print_buckets(title: str, buckets: dict[tuple[str, str], Bucket], total: int) -> None:
    print(f"{title:<52} {'chars':>6} {'share':>6} {'spans':>6}  shapes")
    for (kind, cause), bucket in sorted(buckets.items(), key=lambda kv: -kv[1].chars):
        shapes = ", ".join(f"{_one_line(s)} x{c}" for s, c in bucket.shapes.most_common(3))
        share = bucket.chars / total if total else 0.0
        print(f"{kind + ' / ' + cause:<52} {bucket.chars:>6} {share:>6.1%} {bucket.spans:>6}  {shapes}")
        for example in bucket.examples:
            print(f"    {example}")
    by_type: Counter[str] = Counter()
    by_cause: Counter[str] = Counter()
    for (kind, cause), bucket in buckets.items():
        by_type[kind] += bucket.chars
        by_cause[cause] += bucket.chars
    print("  by type:  " + ", ".join(f"{k} {v}" for k, v in by_type.most_common()))
    print("  by cause: " + ", ".join(f"{k} {v}" for k, v in by_cause.most_common()))


def print_reviews(reviews: list[Review], limit: int, split: str) -> None:
    source = "held-out" if split == "held-out" else "tune"
    print(f"\n== phimask misses and false positives ({split} notes; up to {limit} examples per category, "
          f"from {source} notes only) ==")
    misses: dict[tuple[str, str], Bucket] = {}
    false: dict[tuple[str, str], Bucket] = {}
    for r in reviews:
        print(f"\n-- {r.corpus}: {r.leaked} of {r.gold_chars} gold chars leaked, "
              f"{r.false_chars} of {r.pred_chars} predicted chars outside gold --")
        _print_buckets("missed (gold type / cause)", r.misses, r.leaked)
        print()
        _print_buckets("false positive (predicted type / cause)", r.false, r.false_chars)
        for source_buckets, total in ((r.misses, misses), (r.false, false)):
            for key, bucket in source_buckets.items():
                merged = total.setdefault(key, Bucket())
                merged.chars += bucket.chars
                merged.spans += bucket.spans
    print("\n== what would fix it (top categories, all corpora) ==")
    for label, buckets, top in (("miss", misses, 6), ("false positive", false, 4)):
        for (kind, cause), bucket in sorted(buckets.items(), key=lambda kv: -kv[1].chars)[:top]:
            print(f"{label:<14} {kind + ' / ' + cause:<52} {bucket.chars:>6} chars: {_fix(kind, cause)}")


if __name__ == "__main__":
    sys.exit(main())
