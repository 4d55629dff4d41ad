"""SQLite adapter specifics: location, permissions, several connections on one file."""

from __future__ import annotations

import multiprocessing
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from vault_helpers import FakeDetector, storage_items

from phimask.deid import deidentify, reidentify
from phimask.entities import EntityType
from phimask.keys import phimask_home
from phimask.vault.sqlite import VAULT_FILE, SQLiteVault

NAME = "Leocadia Vanterpool"
NOTE = f"{NAME} reports headache.\n{NAME} to return in 2 weeks."
DETECTOR = FakeDetector({NAME: EntityType.NAME})


def test_vault_lives_in_phimask_home_with_owner_only_access(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "ph"))
    vault = SQLiteVault.open()
    try:
        deidentify(NOTE, vault, detector=DETECTOR)
    finally:
        vault.close()

    assert phimask_home() == tmp_path / "ph" and vault.path == tmp_path / "ph" / VAULT_FILE
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "ph").stat().st_mode) == 0o700


def test_default_home_is_a_per_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PHIMASK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert phimask_home() == tmp_path / "phimask"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert phimask_home() == Path.home() / ".local" / "share" / "phimask"


def test_separate_instances_on_one_file_write_concurrently(tmp_path: Path) -> None:
    home = tmp_path / "ph"
    SQLiteVault.open(home).close()
    notes = [f"{NOTE} Visit {i % 3}." for i in range(12)]
    results: dict[int, str] = {}

    def run(i: int) -> None:
        vault = SQLiteVault.open(home)  # as another process would
        try:
            results[i] = deidentify(notes[i], vault, "shared", detector=DETECTOR).message_hash
        finally:
            vault.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(notes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    vault = SQLiteVault.open(home)
    try:
        assert len(set(results.values())) == 3
        assert sum(1 for i in storage_items(vault) if i["kind"] == "message") == 3
        assert sum(1 for i in storage_items(vault) if i["kind"] == "entity") == 6
        for i, message_hash in results.items():
            assert reidentify(vault, message_hash=message_hash) == notes[i]
    finally:
        vault.close()



def _open_together(home: str, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=60)
        vault = SQLiteVault.open(Path(home))
        vault.close()
        results.put(vault.keys.active_kek)
    except Exception as exc:  # reported to the test, not swallowed
        results.put(f"failed: {type(exc).__name__}: {exc}")


def test_processes_opening_a_new_vault_at_once_all_succeed(tmp_path: Path) -> None:
    # Switching a new file to WAL fails at once when another process does the same; set-up
    # is serialized by the key file's lock. Several rounds, because the race is narrow.
    context = multiprocessing.get_context("fork")
    for round_ in range(10):
        barrier, results = context.Barrier(6), context.Queue()
        home = str(tmp_path / f"h{round_}")
        workers = [context.Process(target=_open_together, args=(home, barrier, results)) for _ in range(6)]
        for worker in workers:
            worker.start()
        outcomes = {results.get(timeout=60) for _ in workers}
        for worker in workers:
            worker.join(timeout=60)
        assert len(outcomes) == 1 and not next(iter(outcomes)).startswith("failed"), outcomes
