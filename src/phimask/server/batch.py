"""POST /batch on one machine: the batch state machine's loop, run in a background thread.

The request is validated before it is accepted (the cloud validates in the first state).
Each object goes through ``phimask.aws.batch.process_object``, the function the batch
Lambda runs. The run's manifest, ``batch-results/<id>/manifest.json`` in the output bucket,
says RUNNING, then SUCCEEDED or FAILED (more than 5 % of objects failed, as the state
machine's ToleratedFailurePercentage) with one summary per object: keys, counts, error
codes, never text.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from phimask.aws.batch import BatchRequest, process_object
from phimask.aws.handlers import classify
from phimask.detect.base import Detector
from phimask.errors import PhimaskError
from phimask.server.store import LocalStore
from phimask.vault.base import Vault

log = logging.getLogger("phimask.server")
TOLERATED_FAILURE_PERCENT = 5.0
MAX_PENDING = 8


class BatchBusy(PhimaskError):
    code = "ServiceBusy"


def manifest_key(run_id: str) -> str:
    return f"batch-results/{run_id}/manifest.json"


class LocalBatches:
    """Runs accepted batches one at a time, in order, off the request threads."""

    def __init__(self, store: LocalStore, output_bucket: str, detector: Detector,
                 vault: Callable[[], Vault]) -> None:
        self._store, self._output, self._detector, self._vault = store, output_bucket, detector, vault
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phimask-batch")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def start(self, request: BatchRequest) -> str:
        """Accept ``request``; its execution ARN (``arn:phimask:local:batch:<id>``)."""
        with self._lock:
            if len(self._pending) >= MAX_PENDING:
                raise BatchBusy(f"{MAX_PENDING} batch runs are already waiting; try again later")
            run_id = uuid.uuid4().hex
            self._write(run_id, {"status": "RUNNING", "request": request.to_dict()})
            future = self._executor.submit(self._run, run_id, request)
            self._pending.add(future)
        future.add_done_callback(self._done)
        return f"arn:phimask:local:batch:{run_id}"

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def shutdown(self) -> None:
        """Finish the run in progress; runs not started yet are dropped (their manifests say RUNNING)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, run_id: str, request: BatchRequest) -> None:
        results: list[dict[str, Any]] = []
        try:
            for key in self._store.keys(request.s3_bucket, request.prefix):
                if request.s3_bucket == self._output and key.startswith("batch-results/"):
                    continue  # manifests of runs, not input
                try:
                    results.append(process_object(request, key, self._store, self._output, self._detector,
                                                  self._vault))
                except Exception as exc:  # one object's failure never stops the run
                    results.append({"key": key, "error": classify(exc)[0]})
        except Exception as exc:
            log.error("batch %s failed: type=%s", run_id, type(exc).__name__)
            self._write(run_id, {"status": "FAILED", "request": request.to_dict(), "error": classify(exc)[0],
                                 "results": results})
            return
        failed = sum(1 for r in results if "error" in r)
        tolerated = failed * 100 <= TOLERATED_FAILURE_PERCENT * max(len(results), 1)
        self._write(run_id, {"status": "SUCCEEDED" if tolerated else "FAILED", "request": request.to_dict(),
                             "objects": len(results), "failed": failed, "results": results})
        log.info("batch %s: %d objects, %d failed", run_id, len(results), failed)

    def _write(self, run_id: str, manifest: dict[str, Any]) -> None:
        data = json.dumps({"executionArn": f"arn:phimask:local:batch:{run_id}", **manifest}, indent=1)
        self._store.write(self._output, manifest_key(run_id), data.encode("utf-8"), "application/json")
