"""The embedded detector runs to the end on generated notes in every letter case: a rule
that builds a bad span fails the whole document (DetectorFailed), so this sweeps many
shapes of text the rules were not written from. Every value is invented."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from phimask.detect.embedded import EmbeddedDetector


@pytest.fixture(scope="module")
def notes(load_script: Callable[[str], ModuleType]) -> list[str]:
    return [note["text"] for note in load_script("synth_notes").generate(300, seed=2027)]


def test_every_generated_note_in_every_case_is_read_to_the_end(notes: list[str]) -> None:
    detector = EmbeddedDetector()
    found = 0
    for text in notes:
        for variant in (text, text.upper(), text.lower()):
            entities = detector.detect(variant)
            assert all(0 <= e.begin < e.end <= len(variant) and variant[e.begin:e.end] == e.text
                       for e in entities)
            found += len(entities)
    assert found > len(notes)  # the notes hold PHI, and the detector found it
