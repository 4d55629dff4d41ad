"""`phimask deidentify`, `reidentify` and `keys rotate` on a fresh click group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from phimask.cli_vault import register

NOTE = ("PERSON INFORMATION\nName: SALAZAR, CARLOS\nMRN: RQ36114734\nED Arrival Time: 11/12/2011 18:15\n"
        "Sex: Male\nDOB: 2/11/1961")


@click.group()
def cli() -> None:
    """Test group."""


register(cli)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    options: dict[str, Any] = {"mix_stderr": False}
    try:
        runner = CliRunner(**options)
    except TypeError:  # click >= 8.2 always separates stderr
        runner = CliRunner()
    return runner.invoke(cli, list(args), input=stdin)


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_bytes(NOTE.encode("utf-8"))
    return path


def deidentify(note: Path, *args: str) -> dict[str, str]:
    result = run("deidentify", str(note), *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, str] = json.loads(result.stdout)
    return data


def test_deidentify_prints_json_and_reidentify_restores_it(note: Path, tmp_path: Path) -> None:
    data = deidentify(note)
    assert set(data) == {"deidentifiedText", "messageHash"} and "SALAZAR" not in data["deidentifiedText"]

    output = tmp_path / "out.json"
    output.write_text(json.dumps(data))
    assert run("reidentify", str(output)).stdout == NOTE  # the JSON deidentify printed
    plain = tmp_path / "deid.txt"
    plain.write_text(data["deidentifiedText"] + "\n")  # as `jq -r` would save it
    assert run("reidentify", str(plain)).stdout == NOTE
    assert run("reidentify", "-", stdin=data["deidentifiedText"]).stdout == NOTE
    assert run("reidentify", "--message-hash", data["messageHash"]).stdout == NOTE


def test_scope_links_documents_and_no_scope_does_not(note: Path) -> None:
    assert deidentify(note, "--scope", "trial-7") == deidentify(note, "--scope", "trial-7")
    assert deidentify(note)["messageHash"] != deidentify(note)["messageHash"]


def test_keys_rotate_keeps_every_mapping(note: Path, home: Path) -> None:
    data = deidentify(note, "--scope", "trial-7")
    before = json.loads((home / "keys.json").read_text())["activeKek"]

    result = run("keys", "rotate")

    assert result.exit_code == 0
    assert "vault rows re-wrapped" in result.stdout and "1 old key(s) deleted" in result.stdout
    assert before not in (home / "keys.json").read_text()
    assert run("reidentify", "--message-hash", data["messageHash"]).stdout == NOTE


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("deidentify", "missing.txt"), None, "no such file"),
    (("deidentify", "-"), b"\xff\xfe SALAZAR", "not valid UTF-8"),
    (("deidentify", "-"), "  \n", "empty"),
    (("deidentify", "-", "--threshold", "2"), NOTE, "threshold"),
    (("reidentify", "-"), NOTE.replace("SALAZAR", "[[NAME:0123456789ab]]"), "no de-identified message"),
    (("reidentify", "--message-hash", "SALAZAR"), None, "64 hexadecimal digits"),
    (("reidentify", "-"), '{"deidentifiedText": 5}', "must be strings"),
])
def test_errors_are_one_line_exit_2_and_echo_nothing(args: tuple[str, ...], stdin: str | bytes | None,
                                                     message: str) -> None:
    result = run(*args, stdin=stdin)

    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and "SALAZAR" not in result.stderr + result.stdout
