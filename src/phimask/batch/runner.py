"""Run an operation over every file of a tree: parallel worker processes, a progress bar
on a terminal, resumable (finished outputs are skipped), and a summary report.

The main process lists, reads and writes (so S3 clients and outputs stay in one place and
an interrupted run leaves only complete files); workers only compute. At most two files
per worker are in flight, so memory stays flat on large trees.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TextIO

from phimask.batch.storage import REPORT_NAME, Tree
from phimask.batch.work import CONTENT_TYPES, Options, Outcome, Worker, init_worker, kind_of, run_in_worker
from phimask.errors import PhimaskError
from phimask.textio import MAX_TEXT_BYTES

STATUSES = ("ok", "failed", "skipped", "unsupported")


@dataclass(slots=True)
class Report:
    """Counts per kind and status, entities per kind and type, time; one summary per file."""

    operation: str
    workers: int
    policy: dict[str, str] = field(default_factory=dict)  # name, sha256
    seconds: float = 0.0
    files: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    entities: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    second_pass: Counter[str] = field(default_factory=Counter)  # result -> files; "found" -> residuals

    def add(self, outcome: Outcome) -> None:
        self.statuses[outcome.kind][outcome.status] += 1
        if outcome.second_pass is not None:
            self.second_pass[outcome.second_pass] += 1
            self.second_pass["found"] += len(outcome.residual)
        self.entities[outcome.kind].update(outcome.entities)
        self.files.append(outcome.summary())

    @property
    def processed(self) -> int:
        return sum(c["ok"] + c["failed"] for c in self.statuses.values())

    @property
    def failed(self) -> int:
        return sum(c["failed"] for c in self.statuses.values())

    def to_dict(self) -> dict[str, Any]:
        rate = self.processed / self.seconds if self.seconds > 0 else 0.0
        return {
            "operation": self.operation, "workers": self.workers, "policy": self.policy,
            "detector": "embedded", "seconds": round(self.seconds, 3),
            "filesPerSecond": round(rate, 2),
            "totals": {s: sum(c[s] for c in self.statuses.values()) for s in STATUSES},
            "byKind": {k: {s: c[s] for s in STATUSES} for k, c in sorted(self.statuses.items())},
            "entities": {k: dict(sorted(c.items())) for k, c in sorted(self.entities.items()) if c},
            "secondPass": dict(sorted(self.second_pass.items())),
            "files": sorted(self.files, key=lambda f: str(f["key"])),
        }

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False).encode("utf-8")

    def table(self) -> str:
        """The stderr summary: counts and types only, never file names or text."""
        lines = [f"{'kind':<8}" + "".join(f"{s:>12}" for s in STATUSES)]
        for kind, counts in sorted(self.statuses.items()):
            lines.append(f"{kind:<8}" + "".join(f"{counts[s]:>12}" for s in STATUSES))
        for kind, counts in sorted(self.entities.items()):
            if counts:
                lines.append(f"{kind} entities: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
        if self.second_pass:
            passes = self.second_pass
            lines.append(f"second pass: {passes['clean']} clean, {passes['residual']} with PHI left "
                         f"({passes['found']} spans or boxes), {passes['failed']} failed, "
                         f"{passes['not run']} not run")
        rate = self.processed / self.seconds if self.seconds > 0 else 0.0
        lines.append(f"{self.processed} files processed in {self.seconds:.2f} s ({rate:.1f} files/s), "
                     f"{self.workers} worker{'s' if self.workers != 1 else ''}")
        return "\n".join(lines)


def _progress(total: int, enabled: bool, stream: TextIO) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="file", disable=not enabled, file=stream, leave=False)


def run(source: Tree, target: Tree, options: Options, *, workers: int | None = None,
        progress: bool | None = None, stream: TextIO = sys.stderr) -> Report:
    """Process every file of ``source`` into ``target``; the report is also written there."""
    workers = max(1, workers or os.cpu_count() or 1)
    from phimask.policy import resolve_policy

    policy = resolve_policy(options.policy)
    report = Report(options.operation, workers, {"name": policy.name, "sha256": policy.sha256})
    started = time.perf_counter()
    todo: list[tuple[str, str]] = []
    for key in source.names():
        if key.rsplit("/", 1)[-1] == REPORT_NAME:
            continue
        kind = kind_of(key)
        if target.exists(key):
            report.add(Outcome(key, kind, "skipped"))
        else:
            todo.append((key, kind))
    bar = _progress(len(todo), stream.isatty() if progress is None else progress, stream)
    with bar:
        for outcome in _outcomes(source, todo, options, workers):
            if outcome.status == "ok" and outcome.output is not None:
                try:
                    target.write(outcome.key, outcome.output, CONTENT_TYPES[outcome.kind])
                except PhimaskError as exc:
                    outcome = Outcome(outcome.key, outcome.kind, "failed", error=(exc.code, str(exc)))
                except OSError as exc:
                    error = ("WriteFailed", exc.strerror or "I/O error")
                    outcome = Outcome(outcome.key, outcome.kind, "failed", error=error)
            outcome.output = None
            report.add(outcome)
            bar.update(1)
    report.seconds = time.perf_counter() - started
    target.write(REPORT_NAME, report.to_json(), "application/json")
    return report


def _read(source: Tree, key: str, kind: str) -> tuple[bytes | None, Outcome | None]:
    try:
        return source.read(key, MAX_TEXT_BYTES if kind in {"text", "fhir"} else 512 * 1024 * 1024), None
    except PhimaskError as exc:
        return None, Outcome(key, kind, "failed", error=(exc.code, str(exc)))
    except OSError as exc:
        return None, Outcome(key, kind, "failed", error=("ReadFailed", exc.strerror or "I/O error"))


def _outcomes(source: Tree, todo: list[tuple[str, str]], options: Options, workers: int) -> Iterator[Outcome]:
    if workers == 1:
        worker = Worker(options)
        try:
            for key, kind in todo:
                data, failure = _read(source, key, kind)
                yield failure or worker.run(key, kind, data or b"")
        finally:
            worker.close()
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=(options,)) as pool:
        yield from _pooled(pool.submit, source, iter(todo), 2 * workers)


def _pooled(submit: Callable[..., Future[Outcome]], source: Tree, todo: Iterator[tuple[str, str]],
            window: int) -> Iterator[Outcome]:
    running: dict[Future[Outcome], tuple[str, str]] = {}
    while True:
        while len(running) < window:
            item = next(todo, None)
            if item is None:
                break
            data, failure = _read(source, *item)
            if failure is not None:
                yield failure
                continue
            running[submit(run_in_worker, item[0], item[1], data)] = item
        if not running:
            return
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            key, kind = running.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # a worker process died (killed, out of memory)
                yield Outcome(key, kind, "failed", error=("WorkerFailed", type(exc).__name__))
