"""The sample job behind `make run`: the bundled notes through identify and mask, and the
bundled scan through image redaction."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from phimask.mask import MaskStyle, mask_text
from phimask.pipeline import find_phi

SAMPLES = ("aws_sample_note.txt", "fictional_note.txt")
SAMPLE_IMAGE = "sample_scan.png"


def sample_text(name: str) -> str:
    """A note shipped in phimask/samples (all its PHI is fictional)."""
    return resources.files("phimask.samples").joinpath(name).read_text("utf-8")


def run_demo(echo: Callable[[str], None]) -> None:
    """Identify and mask every bundled sample, printing the results."""
    for name in SAMPLES:
        text = sample_text(name)
        entities = find_phi(text)
        counts = Counter(e.type.value for e in entities)
        summary = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
        echo(f"== {name}: {len(entities)} PHI entities ({summary})")
        echo("-- masked (style=type):")
        echo(mask_text(text, entities, MaskStyle.TYPE).rstrip("\n"))
        echo("-- masked (style=numbered):")
        echo(mask_text(text, entities, MaskStyle.NUMBERED).rstrip("\n"))
        echo("")
    run_image_demo(echo)


def run_image_demo(echo: Callable[[str], None], out_dir: Path | None = None) -> Path:
    """Redact the bundled scan into ``out_dir`` (default ``./out``, else a temporary
    directory); print the boxes and the output path."""
    from phimask.files import write_atomic
    from phimask.image.service import mask_image

    data = resources.files("phimask.samples").joinpath(SAMPLE_IMAGE).read_bytes()
    result = mask_image(data)
    target = _writable(out_dir) / SAMPLE_IMAGE.replace(".png", ".masked.png")
    write_atomic(target, result.data)
    echo(f"== {SAMPLE_IMAGE}: {result.boxes} PHI boxes redacted -> {target}")
    return target


def _writable(out_dir: Path | None) -> Path:
    for candidate in ([out_dir] if out_dir else [Path("out")]):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            return candidate
        except OSError:
            pass
    return Path(tempfile.mkdtemp(prefix="phimask-demo-"))
