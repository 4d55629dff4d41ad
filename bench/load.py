"""Bounded load on the local API server over loopback, then a vault completeness check.

Usage: python bench/load.py [--mask N] [--deid N] [--concurrency C] [--max-seconds S] [--json]

Starts ``phimask serve`` as a separate process on 127.0.0.1 (free port, temporary
$PHIMASK_HOME), then, with SigV4-signed requests:
1. N signed POST /text/mask requests (default 2,000), C at a time (default 16);
2. N POST /text/deidentify requests (default 600), C at a time, on overlapping synthetic
   notes: a few patients mentioned across many notes, the same note sent several times,
   half in one shared scope (the same text -> the same message: idempotent concurrent writes);
3. every de-identified text re-identified (Reidentify role), by text and by hash, and
   compared with its original byte for byte.
Reports req/s, p50/p99/max latency and errors per phase; exits 1 on any error, any failed
round trip, a synthetic name in the server's log, or when --max-seconds is exceeded.
Synthetic data only; nothing leaves loopback; the temporary directory is removed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from phimask.routes import Role
from phimask.server.credentials import Credential, Credentials, init_credentials
from phimask.server.signing import sign_headers

FIRST = ["Carlos", "Maria", "Wei", "Aisha", "Dmitri", "Fatima", "John", "Priya", "Kwame", "Ingrid"]
LAST = ["Salazar", "Okafor", "Nguyen", "Kowalski", "Haddad", "Lindqvist", "Tanaka", "Moreau", "Osei",
        "Brennan"]
TEMPLATES = [
    "PERSON INFORMATION\nName: {LAST}, {FIRST}\nMRN: {MRN}\nED Arrival Time: {DATE} 18:15\nSex: Male\n"
    "DOB: {DOB}",
    "{FIRST} {LAST} is a {AGE} year old seen on {DATE}. Call {PHONE} or email {EMAIL}. MRN {MRN}.",
    "Discharge summary for {FIRST} {LAST} (MRN {MRN}). Follow up with Dr. {DOCTOR} on {DATE}.\n"
    "Mr. {LAST} tolerated the procedure well; Lewy body dementia was ruled out.",
]


def note(rng: random.Random, patient: int) -> str:
    """A synthetic note about one of a small set of patients (so notes overlap)."""
    first, last = FIRST[patient % len(FIRST)], LAST[patient % len(LAST)]
    return rng.choice(TEMPLATES).format(
        FIRST=first, LAST=last, MRN=f"RQ{36114734 + patient}",
        DATE=f"{1 + patient % 12}/{1 + rng.randrange(28)}/2011",
        DOB=f"2/11/19{40 + patient}", AGE=30 + patient, PHONE=f"555-01{patient:02d}",
        EMAIL=f"{first.lower()}.{last.lower()}@example.org", DOCTOR=LAST[(patient + 3) % len(LAST)])


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    def report(self) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]
        return {"phase": self.name, "requests": len(self.latencies), "seconds": round(self.seconds, 2),
                "reqPerSecond": round(len(self.latencies) / max(self.seconds, 1e-9), 1),
                "p50Ms": round(statistics.median(ordered) * 1000, 2),
                "p99Ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
                "maxMs": round(ordered[-1] * 1000, 2),
                "errors": sum(n for status, n in self.statuses.items() if status != 200),
                "statuses": dict(self.statuses)}


class Client:
    def __init__(self, base_url: str, credentials: Credentials, concurrency: int) -> None:
        self.base_url, self.credentials = base_url, credentials
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self.http = httpx.Client(limits=limits, timeout=30)

    def key(self, role: Role) -> Credential:
        return next(c for c in self.credentials.keys.values() if c.role is role)

    def post(self, role: Role, path: str, body: dict[str, Any]) -> tuple[int, Any, float]:
        data = json.dumps(body).encode("utf-8")
        key, url = self.key(role), self.base_url + path
        started = time.perf_counter()
        headers = sign_headers("POST", url, data, key.access_key_id, key.secret_access_key,
                               self.credentials.region, {"Content-Type": "application/json"})
        response = self.http.post(url, content=data, headers=headers)
        return response.status_code, response.json(), time.perf_counter() - started


def run_phase(name: str, jobs: list[Callable[[], tuple[int, Any, float]]], concurrency: int,
              deadline: float) -> tuple[Phase, list[Any]]:
    phase = Phase(name)
    results: list[Any] = [None] * len(jobs)

    def one(index: int) -> None:
        if time.monotonic() > deadline:
            phase.statuses[0] += 1  # not sent: over the time budget
            return
        try:
            status, body, seconds = jobs[index]()
        except httpx.HTTPError:
            phase.statuses[-1] += 1
            return
        phase.latencies.append(seconds)
        phase.statuses[status] += 1
        results[index] = body if status == 200 else None

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(len(jobs))))
    phase.seconds = time.perf_counter() - started
    return phase, results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start_server(home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PHIMASK_HOME": str(home)}
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "phimask.cli", "serve", "--host", "127.0.0.1",
                                    "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=sink)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, base_url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mask", type=int, default=2000, help="POST /text/mask requests")
    parser.add_argument("--deid", type=int, default=600, help="POST /text/deidentify requests")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=180.0, help="time budget of the whole run")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if not (0 < args.mask <= 20000 and 0 < args.deid <= 5000 and 0 < args.concurrency <= 64):
        parser.error("bounded: --mask 1..20000, --deid 1..5000, --concurrency 1..64")
    deadline = time.monotonic() + args.max_seconds
    rng = random.Random(8)
    with tempfile.TemporaryDirectory(prefix="phimask-load-") as tmp:
        home = Path(tmp) / "home"
        credentials = init_credentials(home / "server-credentials.json")
        process, base_url = start_server(home, Path(tmp) / "server.log")
        client = Client(base_url, credentials, args.concurrency)
        try:
            for _ in range(20):  # warm-up: connections, detector, vault
                client.post(Role.MASK_ONLY, "/text/mask", {"text": note(rng, 0)})
            mask_texts = [note(rng, rng.randrange(40)) for _ in range(args.mask)]
            mask, _ = run_phase("POST /text/mask", [
                partial(client.post, Role.MASK_ONLY, "/text/mask", {"text": t}) for t in mask_texts],
                args.concurrency, deadline)
            pool = [note(rng, p) for p in range(12) for _ in range(3)]  # 36 notes, 12 patients
            deid_inputs = [(rng.choice(pool), "load-study" if i % 2 == 0 else None) for i in range(args.deid)]
            bodies = [{"text": t, **({"scope": s} if s else {})} for t, s in deid_inputs]
            deid, outputs = run_phase("POST /text/deidentify", [
                partial(client.post, Role.FULL_ACCESS, "/text/deidentify", b) for b in bodies],
                args.concurrency, deadline)
            pairs = [(text, out) for (text, _), out in zip(deid_inputs, outputs, strict=True) if out]

            def round_trip(original: str, out: dict[str, str]) -> tuple[int, Any, float]:
                status, by_text, seconds = client.post(Role.REIDENTIFY, "/text/reidentify",
                                                       {"deidentifiedText": out["deidentifiedText"]})
                status_hash, by_hash, more = client.post(Role.REIDENTIFY, "/text/reidentify",
                                                         {"messageHash": out["messageHash"]})
                ok = status == status_hash == 200 and by_text["text"] == by_hash["text"] == original
                return (200 if ok else (status if status != 200 else 409)), ok, seconds + more

            reid, verified = run_phase("reidentify round trips (2 req each)", [
                partial(round_trip, o, d) for o, d in pairs], args.concurrency, deadline)
        finally:
            client.http.close()
            process.terminate()
            process.wait(30)
        server_log = (Path(tmp) / "server.log").read_text("utf-8", "replace")
    names_in_log = sorted({n for n in FIRST + LAST if n in server_log})
    round_trips = sum(1 for v in verified if v)
    report = {
        "phases": [mask.report(), deid.report(), reid.report()],
        "concurrency": args.concurrency,
        "deidentified": len(pairs), "distinctMessages": len({d["messageHash"] for _, d in pairs}),
        "roundTripsVerified": round_trips, "roundTripsFailed": len(pairs) - round_trips,
        "syntheticNamesInServerLog": names_in_log,
        "overTimeBudget": time.monotonic() > deadline,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"phimask local server, loopback, concurrency {args.concurrency}")
        for row in report["phases"]:
            print(f"  {row['phase']:<34} {row['requests']:>5} req  {row['reqPerSecond']:>7.1f} req/s  "
                  f"p50 {row['p50Ms']:>6.2f} ms  p99 {row['p99Ms']:>7.2f} ms  max {row['maxMs']:>7.2f} ms  "
                  f"errors {row['errors']}")
        print(f"  de-identified texts: {report['deidentified']} ({report['distinctMessages']} distinct "
              f"messages); round trips verified: {round_trips}/{len(pairs)}")
        print(f"  synthetic names in the server log: {names_in_log or 'none'}")
    failed = (any(p["errors"] for p in report["phases"]) or report["roundTripsFailed"] or names_in_log
              or report["overTimeBudget"] or len(pairs) != args.deid)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
