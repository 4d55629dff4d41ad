"""``phimask serve``: --init, credentials file checks, and the real command as a process."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from serverharness import MASKED, NOTE

from phimask.cli import main
from phimask.routes import Role
from phimask.server.credentials import CredentialsError, load_credentials
from phimask.server.signing import sign_headers


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_init_creates_a_private_file_and_prints_each_key_once(home: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--init", "--region", "eu-west-1"])
    assert result.exit_code == 0, result.output
    path = home / "server-credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    credentials = load_credentials(path)
    assert credentials.region == "eu-west-1"
    assert sorted(c.role for c in credentials.keys.values()) == sorted(Role)
    for credential in credentials.keys.values():
        assert result.output.count(credential.secret_access_key) == 1
        assert f"[phimask-{credential.role.value.lower()}]" in result.output
    again = CliRunner().invoke(main, ["serve", "--init"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert all(c.secret_access_key not in again.output for c in credentials.keys.values())
    assert load_credentials(path) == credentials  # not overwritten


def test_serve_without_credentials_says_how_to_create_them(home: Path) -> None:
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code != 0 and "phimask serve --init" in result.output


def test_region_belongs_to_init(home: Path) -> None:
    CliRunner().invoke(main, ["serve", "--init"])
    result = CliRunner().invoke(main, ["serve", "--region", "us-west-2"])
    assert result.exit_code != 0 and "--region goes with --init" in result.output


def test_a_readable_credentials_file_is_refused(home: Path) -> None:
    CliRunner().invoke(main, ["serve", "--init"])
    path = home / "server-credentials.json"
    path.chmod(0o644)
    with pytest.raises(CredentialsError, match="readable by other users"):
        load_credentials(path)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code != 0 and "chmod 600" in result.output


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["credentials"][0].update(role="Admin"), "role must be one of"),
    (lambda d: d["credentials"][0].update(secretAccessKey="short"), "secretAccessKey"),
    (lambda d: d["credentials"].append(dict(d["credentials"][0])), "repeats an access key id"),
    (lambda d: d.update(region="mars"), "region"),
    (lambda d: d.update(format="other"), "is not a"),
    (lambda d: d["credentials"][0].update(extra=1), "exactly"),
])
def test_malformed_credentials_fail_loudly(home: Path, change: object, message: str) -> None:
    CliRunner().invoke(main, ["serve", "--init"])
    path = home / "server-credentials.json"
    document = json.loads(path.read_text("utf-8"))
    change(document)  # type: ignore[operator]
    path.write_text(json.dumps(document), "utf-8")
    with pytest.raises(CredentialsError, match=message) as raised:
        load_credentials(path)
    assert all(e["secretAccessKey"] not in str(raised.value) for e in document["credentials"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.slow
def test_the_serve_command_serves_signed_requests_and_logs_json(home: Path, tmp_path: Path) -> None:
    CliRunner().invoke(main, ["serve", "--init"])
    credentials = load_credentials(home / "server-credentials.json")
    key = next(c for c in credentials.keys.values() if c.role is Role.MASK_ONLY)
    port = free_port()
    stderr = tmp_path / "stderr.log"
    with stderr.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "phimask.cli", "serve", "--port", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=sink, env=dict(os.environ))
    try:
        url = f"http://127.0.0.1:{port}/text/mask"
        body = json.dumps({"text": NOTE}).encode()
        deadline = time.monotonic() + 20
        while True:
            try:
                headers = sign_headers("POST", url, body, key.access_key_id, key.secret_access_key,
                                       credentials.region, {"Content-Type": "application/json"})
                response = httpx.post(url, content=body, headers=headers)
                break
            except httpx.ConnectError:
                assert process.poll() is None and time.monotonic() < deadline, stderr.read_text()
                time.sleep(0.1)
        assert response.json() == {"maskedText": MASKED}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)
    lines = [json.loads(line) for line in stderr.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if "requestId" in line]
    assert access and access[-1]["route"] == "/text/mask" and access[-1]["role"] == "MaskOnly"
    assert "SALAZAR" not in stderr.read_text()
    assert process.returncode == 0
