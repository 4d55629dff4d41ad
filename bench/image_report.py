"""Proof-of-removal figures on ../shared/eval/images: every image masked in process (embedded
detector, Tesseract, shipped default policy), then OCR'd again by the second pass.

Usage: python bench/image_report.py [--eval DIR] [--out FILE] [--images DIR] [--policy NAME|FILE]

Prints per image and in total: PHI boxes of the first pass, residual PHI boxes the second
pass still finds in the output, and seconds (masking, second pass). The images are read in
place; the reports (phimask.report format, no PHI) go to --out; with --images the masked
files are written there too (to score them with the corpus's score_image.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_OUT = Path("/tmp/phimask-image-reports.json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"reports file (default {DEFAULT_OUT})")
    parser.add_argument("--images", type=Path, default=None, help="also write the masked images here")
    parser.add_argument("--policy", default=None, help="policy name or file (default: default)")
    args = parser.parse_args()
    images = args.eval / "images"
    if not (images / "truth.json").is_file():
        print(f"no image set at {images}: nothing to measure")
        return 0

    from phimask.image.proof import image_report, second_pass
    from phimask.image.service import mask_image
    from phimask.image.tesseract import TesseractOcr
    from phimask.pipeline import default_detector
    from phimask.policy import resolve_policy
    from phimask.report import DocumentReport, write_reports

    policy, detector, engine = resolve_policy(args.policy), default_detector(), TesseractOcr()
    detector.detect("warm up")  # load lexicons outside the timings
    names = sorted(json.loads((images / "truth.json").read_text("utf-8")))
    if args.images is not None:
        args.images.mkdir(parents=True, exist_ok=True)
    reports: list[DocumentReport] = []
    totals = [0, 0, 0.0, 0.0]
    print(f"policy {policy.name} ({policy.sha256[:12]}), detector {detector.name}, OCR {engine.name}")
    print(f"{'image':<28} {'boxes':>5} {'residual':>8} {'second pass':>11} {'mask s':>7} {'proof s':>7}")
    for name in names:
        data = (images / name).read_bytes()
        started = time.perf_counter()
        result = mask_image(data, engine=engine, detector=detector, policy=policy)
        masked = time.perf_counter()
        checked = second_pass(result.data, policy=policy, detector=detector, threshold=None, engine=engine,
                              known=result.known, regions=result.regions)
        proved = time.perf_counter()
        kind = "dicom" if result.format == "dicom" else "image"
        reports.append(image_report(name, kind, result, policy, detector.name, policy.threshold, checked))
        if args.images is not None:
            (args.images / name).write_bytes(result.data)
        residual = len(checked[1])
        mask_s, proof_s = masked - started, proved - masked
        totals[0] += result.boxes
        totals[1] += residual
        totals[2] += mask_s
        totals[3] += proof_s
        print(f"{name:<28} {result.boxes:>5} {residual:>8} {checked[0]:>11} {mask_s:>7.2f} {proof_s:>7.2f}")
    clean = sum(r.second_pass == "clean" for r in reports)
    print(f"{'total (' + str(len(names)) + ' images)':<28} {totals[0]:>5} {totals[1]:>8} "
          f"{f'{clean} clean':>11} {totals[2]:>7.2f} {totals[3]:>7.2f}")
    write_reports(args.out, reports)
    print(f"reports: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
