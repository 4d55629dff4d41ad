"""bench/value_probe.py: the share of invented values the detector covers, per kind."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def value_probe(load_bench: Callable[[str], ModuleType]) -> ModuleType:
    return load_bench("value_probe")


def test_e_mail_addresses_are_covered_whole(value_probe: ModuleType) -> None:
    share, shown = value_probe.probe(value_probe.KINDS["email"], 30, 3, 5)
    assert share == 1.0
    assert shown == []


def test_a_value_nothing_finds_is_a_miss_and_is_shown(value_probe: ModuleType) -> None:
    word = value_probe.Kind(lambda faker, rng: "table", ("I live at {}",), ("en_US",))
    share, shown = value_probe.probe(word, 4, 3, 2)
    assert share == 0.0
    assert shown == ["'I live at table' -> nothing", "'I live at table' -> nothing"]

