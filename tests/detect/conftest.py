"""Shared fixtures for the detector tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
BENCH = SCRIPTS.parent / "bench"


def _load(name: str, folder: Path = SCRIPTS) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_script() -> Callable[[str], ModuleType]:
    """Imports ``scripts/<name>.py`` (scripts are no package) under its own name."""
    return _load


@pytest.fixture(scope="session")
def load_bench() -> Callable[[str], ModuleType]:
    """Imports ``bench/<name>.py`` under its own name."""
    return lambda name: _load(name, BENCH)
