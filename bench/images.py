"""Image redaction figures on ../shared/eval/images (when present), with Presidio's image
redactor and other OCR engines side by side.

Usage: python bench/images.py [--eval DIR] [--presidio-python PY] [--skip-engines]

1. phimask: every image masked with the CLI (``phimask image mask IN OUT``, one process per
   image, a throwaway ``$PHIMASK_HOME``), scored by the corpus's ``score_image.py``:
   box_recall, collateral, seconds per image, identifying DICOM header tags left unchanged.
2. OCR engines: how many truth boxes each engine reads (>= 50 % of the box under its word
   boxes) and the whole pipeline's score with it: Tesseract page pass only, Tesseract with
   phimask's line pass (the default), RapidOCR (ONNX models inside its wheel; the
   ``ocr-compare`` extra) when installed.
3. Ablation: the detector alone, without the image context rules.
4. Presidio's image redactor (``ImageRedactorEngine`` / ``DicomImageRedactorEngine``) in a
   separate interpreter (``--presidio-python``; its analyzer has no spaCy NER model here,
   as none is on PyPI, so it runs on patterns only and says so).
5. The Annex E table's coverage of the standard (``scripts/annex_e_coverage.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
PHIMASK = Path(sys.executable).with_name("phimask")


def score(eval_dir: Path, out: Path) -> dict[str, Any]:
    """``score_image.py --dir --json`` on ``out``."""
    images = eval_dir / "images"
    command = [sys.executable, str(eval_dir / "score_image.py"), "--dir", str(images), str(out),
               "--truth", str(images / "truth.json"), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def names(eval_dir: Path) -> list[str]:
    return sorted(json.loads((eval_dir / "images" / "truth.json").read_text("utf-8")))


def mask_with_cli(eval_dir: Path, out: Path) -> dict[str, float]:
    """Seconds per image of ``phimask image mask`` (process start included)."""
    seconds: dict[str, float] = {}
    env = {**os.environ, "PHIMASK_HOME": str(out / ".phimask-home")}
    for name in names(eval_dir):
        started = time.perf_counter()
        command = [str(PHIMASK), "image", "mask", str(eval_dir / "images" / name), str(out / name)]
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        seconds[name] = time.perf_counter() - started
        if done.returncode:
            print(f"  {name}: {done.stderr.strip()}")
    return seconds


def mask_in_process(eval_dir: Path, out: Path, engine: Any) -> float:
    """Mask every image with ``engine`` in this process; mean seconds per image."""
    from phimask.image.service import mask_image

    started = time.perf_counter()
    for name in names(eval_dir):
        data = (eval_dir / "images" / name).read_bytes()
        (out / name).write_bytes(mask_image(data, engine=engine).data)
    return (time.perf_counter() - started) / len(names(eval_dir))


def ocr_coverage(eval_dir: Path, engine: Any) -> tuple[int, int, float]:
    """Truth boxes read by ``engine`` (half their area under word boxes), boxes, s/image."""
    import numpy as np

    from phimask.image.service import _ocr_targets, load

    truth = json.loads((eval_dir / "images" / "truth.json").read_text("utf-8"))
    read = total = 0
    started = time.perf_counter()
    for name, entry in truth.items():
        image = load((eval_dir / "images" / name).read_bytes())
        words = [w for _, view in _ocr_targets(image) for w in engine.read(view)]
        for box in entry["boxes"]:
            total += 1
            mask = np.zeros((box["height"], box["width"]), dtype=bool)
            for w in words:
                x0, y0 = max(w.left - box["left"], 0), max(w.top - box["top"], 0)
                x1, y1 = min(w.right - box["left"], box["width"]), min(w.bottom - box["top"], box["height"])
                if x1 > x0 and y1 > y0:
                    mask[y0:y1, x0:x1] = True
            read += int(mask.mean() >= 0.5)
    return read, total, (time.perf_counter() - started) / len(truth)


class RapidOcrWords:
    """RapidOCR (PaddleOCR models as ONNX, shipped in the wheel) as an OCR engine: its
    per-character boxes grouped into words."""

    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self.engine = RapidOCR()

    def read(self, image: Any) -> list[Any]:
        import numpy as np

        from phimask.image.ocr import Word, reading_order

        found, _ = self.engine(np.asarray(image.convert("RGB")), return_word_box=True)
        words: list[Word] = []
        for line in found or []:
            chars, boxes = line[4], line[3]
            current: list[tuple[str, Any]] = []
            for char, box in [*zip(chars, boxes, strict=False), (" ", None)]:
                if char.strip():
                    current.append((char, box))
                    continue
                if current:
                    xs = [p[0] for _, b in current for p in b]
                    ys = [p[1] for _, b in current for p in b]
                    text = "".join(c for c, _ in current)
                    words.append(Word(text, int(min(xs)), int(min(ys)), int(max(xs) - min(xs)),
                                      int(max(ys) - min(ys)), 100 * float(line[2])))
                    current = []
        return reading_order(words)


def engines() -> dict[str, Callable[[], Any]]:
    from phimask.image.tesseract import TesseractOcr

    found: dict[str, Callable[[], Any]] = {
        "tesseract (phimask: page + line pass)": TesseractOcr,
        "tesseract (page pass only)": lambda: TesseractOcr(line_pass=False),
    }
    try:
        import rapidocr_onnxruntime  # noqa: F401

        found["rapidocr-onnxruntime (models in wheel)"] = RapidOcrWords
    except ImportError:
        print("  (rapidocr_onnxruntime not installed: pip install -e '.[ocr-compare]')")
    return found


PRESIDIO_WORKER = r"""
import json, sys, time, io
from pathlib import Path
import pydicom
from PIL import Image
from presidio_image_redactor import ImageRedactorEngine, DicomImageRedactorEngine
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
import spacy, tempfile
model = "en_core_web_lg"
label = model
if not spacy.util.is_package(model):
    blank = Path(tempfile.mkdtemp()) / "blank_en"
    spacy.blank("en").to_disk(blank)
    model, label = str(blank), "blank:en (no spaCy NER model installed)"
nlp = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy",
                        "models": [{"lang_code": "en", "model_name": model}]}).create_engine()
analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
from presidio_image_redactor import ImageAnalyzerEngine
image_engine = ImageRedactorEngine(image_analyzer_engine=ImageAnalyzerEngine(analyzer_engine=analyzer))
dicom_engine = DicomImageRedactorEngine(image_analyzer_engine=ImageAnalyzerEngine(analyzer_engine=analyzer))
src, out = Path(sys.argv[1]), Path(sys.argv[2])
seconds = {}
for name in json.loads((src / "truth.json").read_text()):
    started = time.perf_counter()
    try:
        if name.endswith(".dcm"):
            ds = pydicom.dcmread(src / name)
            dicom_engine.redact(ds, fill="contrast", use_metadata=True).save_as(out / name)
        else:
            image = Image.open(src / name)
            fmt = image.format
            fill = (0, 0, 0) if len(image.getbands()) >= 3 else 0
            image_engine.redact(image, fill=fill).save(out / name, format=fmt)
    except Exception as exc:
        print(f"  presidio {name}: {type(exc).__name__}: {str(exc)[:80]}", file=sys.stderr)
    seconds[name] = time.perf_counter() - started
print(json.dumps({"label": label, "seconds": seconds}))
"""


def presidio(eval_dir: Path, out: Path, python: str) -> dict[str, Any] | None:
    done = subprocess.run([python, "-c", PRESIDIO_WORKER, str(eval_dir / "images"), str(out)],
                          capture_output=True, text=True)
    if done.returncode:
        print(f"  presidio failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    for message in done.stderr.splitlines():
        if message.startswith("  presidio"):
            print(message)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line(label: str, result: dict[str, Any], seconds: float) -> str:
    return (f"  {label:<42} box_recall={result['box_recall']:.4f} collateral={result['collateral']:.4f} "
            f"boxes={result['boxes']} s/image={seconds:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--presidio-python", default=os.environ.get("PRESIDIO_PYTHON", ""))
    parser.add_argument("--skip-engines", action="store_true", help="only the CLI run (and Presidio)")
    args = parser.parse_args()
    if not (args.eval / "images" / "truth.json").is_file():
        print(f"no image set at {args.eval}/images: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("== phimask image mask (CLI, one process per image)")
        (work / "cli").mkdir()
        seconds = mask_with_cli(args.eval, work / "cli")
        result = score(args.eval, work / "cli")
        for image in result["per_image"]:
            leaks = [b["text"] for b in image["boxes"] if not b["redacted"]]
            header = ", ".join(image["header_unchanged"]) or "-"
            spent, collateral = seconds[image["name"]], image["collateral"]
            print(f"  {image['name']:<28} {spent:5.2f} s  collateral={collateral:.4f}  "
                  f"leaked={leaks or '-'}  header tags unchanged: {header}")
        print(line("phimask (CLI)", result, sum(seconds.values()) / len(seconds)))
        if not args.skip_engines:
            compare_engines(args.eval, work)
        print("\n== Presidio image redactor")
        if args.presidio_python:
            (work / "presidio").mkdir()
            found = presidio(args.eval, work / "presidio", args.presidio_python)
            if found:
                spent = sum(found["seconds"].values()) / len(found["seconds"])
                scored = score(args.eval, work / "presidio")
                for image in scored["per_image"]:
                    if image["header_unchanged"]:
                        tags = ", ".join(image["header_unchanged"])
                        print(f"  {image['name']:<28} header tags unchanged: {tags}")
                print(line(f"presidio ({found['label']})", scored, spent))
        else:
            print("  skipped: give --presidio-python (an interpreter with presidio-image-redactor)")

    print("\n== Annex E table coverage")
    coverage = ROOT / "scripts" / "annex_e_coverage.py"
    subprocess.run([sys.executable, str(coverage), "--phimask-only"], check=False)
    return 0


def compare_engines(eval_dir: Path, work: Path) -> None:
    """OCR engines side by side, and the ablation without the image context rules."""
    import phimask.image.context as context
    from phimask.image.tesseract import TesseractOcr

    print("\n== OCR engines: truth boxes read, and the whole pipeline with each")
    for label, make in engines().items():
        engine = make()
        read, total, ocr_seconds = ocr_coverage(eval_dir, engine)
        out = work / f"engine-{len(list(work.iterdir()))}"
        out.mkdir()
        per_image = mask_in_process(eval_dir, out, engine)
        print(f"  {label:<42} OCR read {read}/{total} boxes ({ocr_seconds:.2f} s/image OCR)")
        print(line("    pipeline", score(eval_dir, out), per_image))

    print("\n== ablation: the detector alone (no image context rules)")
    rules = context.add_context
    context.add_context = lambda *_args: None  # type: ignore[assignment]
    try:
        (work / "ablation").mkdir()
        per_image = mask_in_process(eval_dir, work / "ablation", TesseractOcr())
    finally:
        context.add_context = rules  # type: ignore[assignment]
    print(line("phimask without context rules", score(eval_dir, work / "ablation"), per_image))


if __name__ == "__main__":
    sys.exit(main())
