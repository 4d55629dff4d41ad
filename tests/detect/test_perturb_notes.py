"""scripts/perturb_notes.py rewrites notes with their gold spans kept on the right text.
Every value below is fictional."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

NOTE = {
    "id": "n1",
    "text": "Seen by Dr. Ilse Varnholt at Quarnby Hospital; Varnholt aware. E. Quist called.",
    "phi": [
        {"start": 12, "end": 25, "type": "NAME"},
        {"start": 29, "end": 36, "type": "ADDRESS"},
        {"start": 47, "end": 55, "type": "NAME"},
        {"start": 63, "end": 64, "type": "NAME"},
        {"start": 66, "end": 71, "type": "NAME"},
    ],
}


@pytest.fixture(scope="module")
def perturb(load_script: Callable[[str], ModuleType]) -> ModuleType:
    return load_script("perturb_notes")


def _values(record: dict[str, Any]) -> list[str]:
    return [record["text"][span["start"]:span["end"]] for span in record["phi"]]


@pytest.mark.parametrize("mode", ["upper", "lower"])
def test_one_case_keeps_every_span_on_its_text(perturb: Any, mode: str) -> None:
    out = perturb.rewrite(NOTE, mode, random.Random(1))
    assert out["text"] == (NOTE["text"].upper() if mode == "upper" else NOTE["text"].lower())
    assert [span["text"] for span in out["phi"]] == _values(out)
    assert [v.lower() for v in _values(out)] == [v.lower() for v in _values(NOTE)]


@pytest.mark.parametrize("mode", ["names", "places"])
def test_swaps_move_the_spans_with_the_new_values(perturb: Any, mode: str) -> None:
    pytest.importorskip("faker")
    out = perturb.rewrite(NOTE, mode, random.Random(3))
    values = _values(out)
    assert [span["text"] for span in out["phi"]] == values
    assert values[0] != "Ilse Varnholt" and len(values[0].split()) == 2  # a first name and a surname
    assert values[2] != "Varnholt" and values[4] != "Quist"
    assert len(values[3]) == 1 and values[3].isupper()  # an initial stays an initial
    assert (values[1] != "Quarnby") is (mode == "places")
    assert out["text"].endswith(" called.") and " aware. " in out["text"]


def test_a_value_is_swapped_the_same_way_within_a_note(perturb: Any) -> None:
    pytest.importorskip("faker")
    swapper = perturb.Swapper(random.Random(5), {"NAME"})
    assert swapper.value("VARNHOLT", "NAME") == swapper.value("varnholt", "NAME").upper()
    assert swapper.value("VARNHOLT", "NAME").isupper() and swapper.value("varnholt", "NAME").islower()
    assert swapper.value("Quarnby", "ADDRESS") == "Quarnby"  # not a swapped type
