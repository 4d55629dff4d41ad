"""The shipped clinical allow-list's effect on the dev corpora and on a test list built from it.

Usage: python bench/allowlist.py [--eval DIR] [--corpora physionet-dev,...] [--show N]

For every corpus in ``DIR/text`` the embedded detector runs once per note; its entities go
through the default policy twice, with the clinical allow-list (``resolve_policy(None)``)
and without it (``.without_allow_list()``). Both prediction files are scored by the
corpus's scorer (``score_text.py``): leak_recall and precision with and without the list.

"kept share": the allow-list's occurrences in a text that do not overlap gold PHI, and the
share of them left unmasked (no predicted entity overlaps them) with and without the list.
Occurrences that do overlap gold PHI are counted apart (``on PHI``): each is an entry that
collides with real identifiers and should be looked at (``--show``).

The test list: sentences built here from the entries themselves ("History of {term}.",
"Assessed {term} today.", an upper-case one) plus examples of every regex family; with the
list every one of them should be kept (100 %).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phimask.detect.base import Detector, identify
from phimask.entities import Entity, entities_to_response
from phimask.pipeline import default_detector
from phimask.policy import Policy, resolve_policy

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
Span = tuple[int, int]

TEMPLATES = ("History of {term}.", "Assessed {term} today.", "PT WITH {TERM} NOTED.")

# Examples of the regex entries' families (the plain entries build their own sentences).
REGEX_EXAMPLES = (
    "Hunt and Hess grade 3", "Hunt-Hess 2", "Fisher grade 2", "modified Fisher scale 3", "Mallampati 2",
    "Mallampati class III", "NYHA class III", "NYHA II", "Killip class II", "Salter-Harris type II",
    "DeBakey type I", "Le Fort II", "Mobitz type II", "Mobitz I", "Billroth II", "ASA class 3",
    "Cormack-Lehane grade 2", "Spetzler-Martin grade 3", "Clark level IV", "Tanner stage 3",
    "Gleason 4+3=7", "Gleason score 3+4", "Gleason 7 (3+4)", "GCS 15", "GCS of 3T", "E4V5M6",
    "APGARs 8 and 9", "Apgar 8/9", "Apgars 8,9", "Apgar scores of 7, 8 and 9",
    "Epworth Sleepiness Scale 12", "Stanford type A dissection", "BI-RADS 4", "BIRADS 3",
    "LA grade B esophagitis", "Los Angeles grade C esophagitis", "Rome IV criteria", "Forrest Ib",
    "pain 6/10", "pain score of 4-5/10", "6/10 cp", "8/10 chest pain", "strength 5/5", "4+/5 strength",
    "3/6 systolic", "2/6 SEM", "CPAP 5/5", "BiPAP 10/5", "CPAP .5% 5/8", "PS 10/5", "SB 50s", "ST 110's",
    "NSR 80s", "HR in the 60s", "24 2/7 weeks", "33+5 weeks", "GA 33 5/7", "EGA 36+2", "born at 24 2/7",
    "33 weeks 5 days", "33w5d", "G2P1", "G3P2012", "G3P2-0-1-2", "gravida 2, para 1", "C5-C6", "L4-5",
    "T12-L1", "S1S2", "S1 and S2", "PB 7200", "PB840", "in Trendelenburg", "into reverse Trendelenberg",
    "LIMA to LAD", "LIMA-LAD", "SVG to OM", "SVG to Diag", "stent to RAMUS", "PTCA of the mid LAD",
    "LIMA graft", "Parkinsons disease", "Wegners syndrome", "non-Hodgkin lymphoma", "NICU",
    "the nicu", "NICU stay", "CCU-2", "PACU-", "made CMO", "ICD-10 I10", "ICD-10 E11.9", "ICD-9 428.0",
    "CPT 99213", "to the EW", "via EW",
)


@dataclass
class Memo:
    """``base`` with its last answer remembered: the two policies see one detection a note."""

    base: Detector
    name: str = "memo"
    _last: tuple[str, list[Entity]] | None = None

    def detect(self, text: str) -> list[Entity]:
        if self._last is None or self._last[0] != text:
            self._last = (text, self.base.detect(text))
        return list(self._last[1])


@dataclass
class Kept:
    """Allow-list occurrences off gold PHI and how many of them stayed unmasked."""

    occurrences: int = 0
    on_phi: int = 0
    kept_with: int = 0
    kept_without: int = 0
    lost: Counter[str] = field(default_factory=Counter)  # masked even with the list
    colliding: Counter[str] = field(default_factory=Counter)  # occurrences on gold PHI

    def share(self, kept: int) -> str:
        return f"{kept / self.occurrences:7.2%}" if self.occurrences else "     -"


def overlaps(begin: int, end: int, spans: Iterable[Span]) -> bool:
    return any(b < end and begin < e for b, e in spans)


def entity_spans(entities: Sequence[Entity]) -> list[Span]:
    return [(e.begin, e.end) for e in entities]


def tally(kept: Kept, text: str, occurrences: Sequence[Span], gold: Sequence[Span],
          with_list: Sequence[Span], without_list: Sequence[Span]) -> None:
    for begin, end in occurrences:
        if overlaps(begin, end, gold):
            kept.on_phi += 1
            kept.colliding[text[begin:end]] += 1
            continue
        kept.occurrences += 1
        if not overlaps(begin, end, with_list):
            kept.kept_with += 1
        else:
            kept.lost[text[begin:end]] += 1
        if not overlaps(begin, end, without_list):
            kept.kept_without += 1


def score(eval_dir: Path, corpus: Path, predictions: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(eval_dir / "score_text.py"), str(corpus), str(predictions),
                           "--json"], check=True, capture_output=True, text=True)
    overall: dict[str, Any] = json.loads(done.stdout)["overall"]
    return overall


def run_corpus(corpus: Path, policy: Policy, bare: Policy, base: Detector, tmp: Path,
               eval_dir: Path) -> tuple[dict[str, Any], dict[str, Any], Kept, Counter[str], float, int]:
    """Scores with and without the list, the kept share, the entries' texts that dropped
    predictions, the allow-list's own time and the characters read."""
    memo = Memo(base)
    on, off = policy.detector(memo), bare.detector(memo)
    kept = Kept()
    dropped: Counter[str] = Counter()
    lines_on: list[str] = []
    lines_off: list[str] = []
    allow_seconds, chars = 0.0, 0
    for line in corpus.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        text: str = record["text"]
        chars += len(text)
        with_list = identify(text, on, policy.threshold) if text.strip() else []
        without_list = identify(text, off, bare.threshold) if text.strip() else []
        lines_on.append(json.dumps({"id": record["id"], **entities_to_response(with_list)}))
        lines_off.append(json.dumps({"id": record["id"], **entities_to_response(without_list)}))
        started = time.perf_counter()
        occurrences = policy.allow.spans(text)
        allow_seconds += time.perf_counter() - started
        gold = [(span["start"], span["end"]) for span in record.get("phi", [])]
        tally(kept, text, occurrences, gold, entity_spans(with_list), entity_spans(without_list))
        kept_spans = entity_spans(with_list)
        for entity in without_list:
            if not overlaps(entity.begin, entity.end, kept_spans):
                dropped[entity.text] += 1
    path_on, path_off = tmp / f"{corpus.stem}-with.jsonl", tmp / f"{corpus.stem}-without.jsonl"
    path_on.write_text("\n".join(lines_on) + "\n", "utf-8")
    path_off.write_text("\n".join(lines_off) + "\n", "utf-8")
    return (score(eval_dir, corpus, path_on), score(eval_dir, corpus, path_off), kept, dropped,
            allow_seconds, chars)


def build_sentences(policy: Policy) -> tuple[list[tuple[str, Span]], list[str]]:
    """Sentences with the span of the term in them; and the terms the list does not match
    in their own sentence (a stale example, or an entry the matcher cannot find)."""
    terms = [entry.value for entry in policy.allow.entries if entry.kind != "regex"]
    terms += REGEX_EXAMPLES
    sentences: list[tuple[str, Span]] = []
    unmatched: list[str] = []
    for term in terms:
        for template in TEMPLATES:
            placed = term.upper() if "{TERM}" in template else term
            head = template.split("{", 1)[0]
            text = template.format(term=placed, TERM=placed)
            span = (len(head), len(head) + len(placed))
            if not any(b <= span[0] and span[1] <= e for b, e in policy.allow.spans(text)):
                unmatched.append(f"{placed!r} in {text!r}")
            sentences.append((text, span))
    return sentences, unmatched


def run_test_list(policy: Policy, bare: Policy, base: Detector) -> tuple[Kept, list[str]]:
    memo = Memo(base)
    on, off = policy.detector(memo), bare.detector(memo)
    kept = Kept()
    sentences, unmatched = build_sentences(policy)
    for text, span in sentences:
        tally(kept, text, [span], [], entity_spans(identify(text, on, policy.threshold)),
              entity_spans(identify(text, off, bare.threshold)))
    return kept, unmatched


def top(counter: Counter[str], count: int) -> str:
    return ", ".join(f"{text!r} x{n}" for text, n in counter.most_common(count)) or "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the shared/eval folder")
    parser.add_argument("--corpora", default="", help="comma-separated corpus names (default: all)")
    parser.add_argument("--show", type=int, default=10, help="how many examples to list per finding")
    args = parser.parse_args()
    corpora = sorted((args.eval / "text").glob("*.jsonl"))
    if args.corpora:
        wanted = set(args.corpora.split(","))
        corpora = [c for c in corpora if c.stem in wanted]
    policy = resolve_policy(None)
    bare = policy.without_allow_list()
    entries = policy.allow.entries
    print(f"allow-list: {len(entries)} entries ({sum(e.kind == 'regex' for e in entries)} regex), "
          f"policy {policy.name!r}, threshold {policy.threshold}")
    base = default_detector()
    header = (f"{'corpus':<15} {'list':<7} {'leak_rec':>8} {'precision':>9} {'f1':>7} "
              f"{'kept':>8} {'of':>5} {'on PHI':>6}")
    print(header + "\n" + "-" * len(header))
    notes: list[str] = []
    if not corpora:
        print(f"no corpora under {args.eval / 'text'}; only the test list is measured", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in corpora:
            with_list, without_list, kept, dropped, seconds, chars = run_corpus(
                corpus, policy, bare, base, Path(tmp), args.eval)
            for label, figures, count in (("with", with_list, kept.kept_with),
                                          ("without", without_list, kept.kept_without)):
                print(f"{corpus.stem:<15} {label:<7} {figures['leak_recall']:>8.4f} "
                      f"{figures['precision']:>9.4f} {figures['f1']:>7.4f} {kept.share(count):>8} "
                      f"{kept.occurrences:>5} {kept.on_phi:>6}")
            notes.append(f"{corpus.stem}: allow-list matching {seconds:.2f} s for {chars / 1e6:.2f} M chars; "
                         f"predictions dropped by the list: {top(dropped, args.show)}")
            if kept.lost:
                notes.append(f"{corpus.stem}: occurrences masked even with the list: "
                             f"{top(kept.lost, args.show)}")
            if kept.colliding:
                notes.append(f"{corpus.stem}: occurrences on gold PHI: {top(kept.colliding, args.show)}")
    kept, unmatched = run_test_list(policy, bare, base)
    for label, count in (("with", kept.kept_with), ("without", kept.kept_without)):
        print(f"{'test list':<15} {label:<7} {'':>26} {kept.share(count):>8} {kept.occurrences:>5}")
    if kept.lost:
        notes.append(f"test list: terms masked even with the list: {top(kept.lost, args.show)}")
    if unmatched:
        notes.append(f"test list: {len(unmatched)} terms the list does not match: "
                     + "; ".join(unmatched[:args.show]))
    if notes:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
