"""The sample job behind `make run`: the bundled notes through identify and mask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from importlib import resources

from phimask.mask import MaskStyle, mask_text
from phimask.pipeline import find_phi

SAMPLES = ("aws_sample_note.txt", "fictional_note.txt")


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
