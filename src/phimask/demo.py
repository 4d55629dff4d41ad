"""The sample job behind `make run`: the bundled notes through identify, mask, the Safe
Harbor policy with its proof of removal, deidentify and reidentify (in a throw-away
vault), and the bundled scan through image redaction."""

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
    """Run every bundled sample through the text operations, then the image, printing the
    results."""
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
        run_policy_demo(echo, text)
        run_vault_demo(echo, text)
        echo("")
    run_image_demo(echo)


def run_policy_demo(echo: Callable[[str], None], text: str) -> None:
    """Mask ``text`` under the shipped safe-harbor policy and summarise its report."""
    from phimask.pipeline import default_detector, mask_document
    from phimask.policy import resolve_policy
    from phimask.report import text_report

    policy = resolve_policy("safe-harbor")
    entities, applied = mask_document(text, policy=policy)
    report = text_report("sample", entities, applied, policy, default_detector())
    echo(f"-- masked (policy=safe-harbor; second pass: {report.second_pass}, "
         f"{len(report.residual)} residual):")
    echo(applied.text.rstrip("\n"))


def run_vault_demo(echo: Callable[[str], None], text: str) -> None:
    """De-identify ``text`` into a temporary vault and re-identify it."""
    from phimask.deid import deidentify, reidentify
    from phimask.vault.sqlite import SQLiteVault

    with tempfile.TemporaryDirectory(prefix="phimask-demo-vault-") as home:
        vault = SQLiteVault.open(Path(home))
        try:
            result = deidentify(text, vault, "demo")
            echo(f"-- de-identified (tokens; messageHash {result.message_hash[:16]}…):")
            echo(result.deidentified_text.rstrip("\n"))
            restored = reidentify(vault, deidentified_text=result.deidentified_text, caller="demo")
        finally:
            vault.close()
    echo(f"-- re-identified: {'identical to the original' if restored == text else 'DIFFERENT'}")


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
