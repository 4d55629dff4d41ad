"""The CRF tagger (optional ``tagger`` extra) and the synthetic notes it is trained on.
All PHI below is fictional."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("pycrfsuite")

from phimask.detect.tagger import TaggerDetector, chunks, spans_from_tags, tokenize
from phimask.entities import EntityType


@pytest.fixture(scope="module")
def tagger() -> TaggerDetector:
    return TaggerDetector()


@pytest.fixture(scope="module")
def synth(load_script: Callable[[str], ModuleType]) -> ModuleType:
    pytest.importorskip("faker")
    return load_script("synth_notes")


def test_tags_a_name_after_a_relative(tagger: TaggerDetector) -> None:
    text = "Pt comfortable overnight. Wife Margaret Hollings in to visit, updated by Dr. Okafor."
    found = tagger.detect(text)
    names = {e.text for e in found if e.type is EntityType.NAME}
    assert any("Hollings" in n for n in names)
    assert any("Okafor" in n for n in names)


def test_leaves_clinical_text_alone(tagger: TaggerDetector) -> None:
    text = ("Neuro: A&Ox3, MAE. Resp: lungs coarse bilat, sx for thick tan secretions, PS 5/8, "
            "FiO2 40%. CV: HR 80s NSR, BP 120/70. Pain 4/10, medicated with morphine 2mg IV.")
    assert tagger.detect(text) == []


def test_offsets_map_to_the_text(tagger: TaggerDetector) -> None:
    text = "DTR JANICE PELLETIER CALLED FROM 617-555-0143.\nTRANSFERRED TO ST. LUKE'S ON 3/14."
    found = tagger.detect(text)
    assert found
    for entity in found:
        assert text[entity.begin:entity.end] == entity.text
        assert 0.0 <= entity.score <= 1.0


def test_types_filter(tagger: TaggerDetector) -> None:
    text = "Son Peter Vandermeer called at (617) 555-0199 on 4/2."
    only_names = TaggerDetector(types=[EntityType.NAME]).detect(text)
    assert only_names and all(e.type is EntityType.NAME for e in only_names)


def test_linear_on_long_input(tagger: TaggerDetector) -> None:
    line = "Pt resting, HR 80s, BP 110/60. Daughter Ann called, dr smith aware. PS 5/8 FiO2 40%.\n"
    small, large = line * 200, line * 2000
    tagger.detect(small)
    started = time.perf_counter()
    tagger.detect(small)
    t_small = time.perf_counter() - started
    started = time.perf_counter()
    found = tagger.detect(large)
    t_large = time.perf_counter() - started
    assert t_large < 30 * max(t_small, 0.01)  # 10x the text: loosely linear
    assert found[-1].end <= len(large)


def test_chunks_are_whole_lines_and_bounded() -> None:
    text = ("word " * 700) + "\nshort line\n"
    pieces = list(chunks(text, max_tokens=300))
    assert all(len(p) <= 300 for p in pieces)
    assert [t.text for p in pieces for t in p] == [t.text for t in tokenize(text)]


def test_bio_runs() -> None:
    tokens = tokenize("a b c d e")
    assert spans_from_tags(tokens, ["B-NAME", "I-NAME", "O", "I-DATE", "B-DATE"]) == [
        (0, 2, "NAME"), (3, 4, "DATE"), (4, 5, "DATE")]


def test_generated_spans_are_consistent(synth: Any) -> None:
    notes = synth.generate(60, seed=7)
    assert notes == synth.generate(60, seed=7)
    assert notes != synth.generate(60, seed=8)
    kinds = set()
    for note in notes:
        text = note["text"]
        for span in note["phi"]:
            assert 0 <= span["start"] < span["end"] <= len(text)
            assert text[span["start"]:span["end"]] == span["text"]
            assert span["text"].strip() == span["text"] != ""
            kinds.add(span["type"])
    assert {"NAME", "DATE", "ADDRESS"} <= kinds


@pytest.fixture
def fresh_detector(monkeypatch: pytest.MonkeyPatch) -> Any:
    """default_detector() rebuilt for this test (and again after it)."""
    from phimask.pipeline import DETECTOR_ENV, default_detector

    monkeypatch.setenv(DETECTOR_ENV, "embedded")  # restored afterwards, whatever the CLI sets
    default_detector.cache_clear()
    yield default_detector
    default_detector.cache_clear()


def test_detector_choice_from_the_environment(fresh_detector: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from phimask.pipeline import DETECTOR_ENV

    assert fresh_detector().name == "embedded"
    fresh_detector.cache_clear()
    monkeypatch.setenv(DETECTOR_ENV, "embedded+tagger")
    assert fresh_detector().name == "ensemble(embedded+tagger)"
    fresh_detector.cache_clear()
    monkeypatch.setenv(DETECTOR_ENV, "spacy")
    from phimask.errors import InputError

    with pytest.raises(InputError, match="embedded, embedded\\+tagger"):
        fresh_detector()


def test_cli_detector_option_runs_the_union(fresh_detector: Any) -> None:
    import json

    from click.testing import CliRunner

    from phimask.cli import main

    text = "Pt comfortable. Wife Margaret Hollings in to visit, updated by Dr. Okafor.\n"
    result = CliRunner().invoke(main, ["--detector", "embedded+tagger", "identify", "-"], input=text)
    assert result.exit_code == 0, result.output
    assert fresh_detector().name == "ensemble(embedded+tagger)"
    names = {e["Text"] for e in json.loads(result.output)["Entities"] if e["Type"] == "NAME"}
    assert any("Hollings" in n for n in names) and any("Okafor" in n for n in names)
