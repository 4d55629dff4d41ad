"""The ``phimask`` command line (fictional PHI only)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from phimask import __version__
from phimask.cli import main

NOTE = (
    "PERSON INFORMATION\nName: SALAZAR, CARLOS\nMRN: RQ36114734\n"
    "ED Arrival Time: 11/12/2011 18:15\nSex: Male\nDOB: 2/11/1961"
)
# words of NOTE and of the bad inputs below that must never show up in an error message
PHI_WORDS = ("SALAZAR", "CARLOS", "RQ36114734", "1961", "QUILLON", "ODESSA", "ZX40912288")


def run(args: list[str], stdin: bytes | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg, unused-ignore]  # click < 8.2
    except TypeError:  # click >= 8.2 always keeps stderr apart
        runner = CliRunner()
    return runner.invoke(main, args, input=stdin)


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.stderr, result.exception)
    assert result.exception is None


def assert_clean_failure(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, (result.output, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception  # no stray exception
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr
    for word in PHI_WORDS:
        assert word not in result.stderr


# ---------------------------------------------------------------- identify


def check_response(stdout: str, text: str) -> None:
    response = json.loads(stdout)
    assert list(response) == ["Entities"]
    items = response["Entities"]
    assert [(i["Text"], i["Type"]) for i in items] == [
        ("SALAZAR, CARLOS", "NAME"), ("RQ36114734", "ID"), ("11/12/2011", "DATE"), ("2/11/1961", "DATE"),
    ]
    assert [i["Id"] for i in items] == list(range(len(items)))
    for item in items:
        assert text[item["BeginOffset"]:item["EndOffset"]] == item["Text"]
        assert item["Category"] == "PROTECTED_HEALTH_INFORMATION"
        assert item["Traits"] == []
        assert 0.5 <= item["Score"] <= 1.0


def test_identify_file(tmp_path: Path) -> None:
    result = run(["identify", write(tmp_path, "note.txt", NOTE)])
    assert_ok(result)
    check_response(result.stdout, NOTE)
    assert result.stderr == ""


@pytest.mark.parametrize("args", [["identify", "-"], ["identify"]])
def test_identify_stdin(args: list[str]) -> None:
    result = run(args, stdin=NOTE.encode())
    assert_ok(result)
    check_response(result.stdout, NOTE)


def test_identify_offsets_are_str_indices_for_unicode_and_bom(tmp_path: Path) -> None:
    text = "Zoë 😀 Name: SALAZAR, CARLOS\nMRN: RQ36114734\nED Arrival Time: 11/12/2011 18:15\n" \
           "Sex: Male\nDOB: 2/11/1961"
    result = run(["identify", write(tmp_path, "note.txt", b"\xef\xbb\xbf" + text.encode())])
    assert_ok(result)
    items = json.loads(result.stdout)["Entities"]
    assert items, "expected entities"
    for item in items:
        assert text[item["BeginOffset"]:item["EndOffset"]] == item["Text"]


@pytest.mark.parametrize("threshold", ["0", "0.9", "1"])
def test_identify_threshold(tmp_path: Path, threshold: str) -> None:
    result = run(["identify", "--threshold", threshold, write(tmp_path, "note.txt", NOTE)])
    assert_ok(result)
    assert all(i["Score"] >= float(threshold) for i in json.loads(result.stdout)["Entities"])


def test_identify_jsonl_to_out(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a-1", "text": NOTE}),
        "",  # blank lines are skipped
        json.dumps({"text": "Seen by Dr. Vantongeren."}),  # no id -> its line number
        json.dumps({"id": 7, "text": "   "}),  # blank text -> no entities, not an error
        json.dumps({"id": "u", "text": "Zoë 😀 seen by Dr. Vantongeren"}),
    ]
    source = write(tmp_path, "in.jsonl", "\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    result = run(["identify", "--jsonl", source, "--out", str(out)])
    assert_ok(result)
    assert result.stdout == ""
    assert "4 notes in" in result.stderr and "notes/s" in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a-1", 3, 7, "u"]
    assert [list(r) for r in records] == [["id", "Entities"]] * 4
    assert records[0]["Entities"][0]["Text"] == "SALAZAR, CARLOS"
    assert [(e["Text"], e["Type"]) for e in records[1]["Entities"]] == [("Vantongeren", "NAME")]
    assert records[2]["Entities"] == []
    unicode_text = "Zoë 😀 seen by Dr. Vantongeren"
    assert [e["Text"] for e in records[3]["Entities"]] == ["Zoë", "Vantongeren"]
    for e in records[3]["Entities"]:
        assert unicode_text[e["BeginOffset"]:e["EndOffset"]] == e["Text"]  # str indices, not bytes


def test_identify_jsonl_to_stdout(tmp_path: Path) -> None:
    source = write(tmp_path, "in.jsonl", json.dumps({"id": 1, "text": NOTE}) + "\n")
    result = run(["identify", "--jsonl", source])
    assert_ok(result)
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["id"] == 1
    assert "notes/s" in result.stderr
    assert "notes/s" not in result.stdout


# ---------------------------------------------------------------- mask


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("type", "PERSON INFORMATION\nName: NAME\nMRN: ID\nED Arrival Time: DATE 18:15\n"
                 "Sex: Male\nDOB: DATE"),
        ("char", "PERSON INFORMATION\nName: ######## ######\nMRN: ##########\n"
                 "ED Arrival Time: ########## 18:15\nSex: Male\nDOB: #########"),
        ("numbered", "PERSON INFORMATION\nName: NAME1\nMRN: ID1\nED Arrival Time: DATE1 18:15\n"
                     "Sex: Male\nDOB: DATE2"),
        ("redact", "PERSON INFORMATION\nName: \nMRN: \nED Arrival Time:  18:15\nSex: Male\nDOB: "),
    ],
)
def test_mask_styles(tmp_path: Path, style: str, expected: str) -> None:
    result = run(["mask", "--style", style, write(tmp_path, "note.txt", NOTE)])
    assert_ok(result)
    assert result.stdout == expected


def test_mask_default_style_from_stdin_keeps_trailing_newline() -> None:
    result = run(["mask"], stdin=(NOTE + "\n").encode())
    assert_ok(result)
    assert result.stdout.endswith("DOB: DATE\n")
    assert "SALAZAR" not in result.stdout


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("args", [[], ["identify"], ["mask"], ["demo"]])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(args: list[str], flag: str) -> None:
    result = run([*args, flag])
    assert_ok(result)
    assert "Usage:" in result.stdout


def test_help_lists_commands_and_styles() -> None:
    assert all(c in run(["--help"]).stdout for c in ("identify", "mask", "demo"))
    mask_help = run(["mask", "--help"]).stdout
    assert all(s in mask_help for s in ("type", "char", "numbered", "redact", "--threshold"))
    assert "--jsonl" in run(["identify", "--help"]).stdout


def test_version() -> None:
    result = run(["--version"])
    assert_ok(result)
    assert __version__ in result.stdout


# ---------------------------------------------------------------- bad input

PHI_LINE = "Name: QUILLON, ODESSA MRN ZX40912288"


@pytest.mark.parametrize(
    ("args", "data", "fragment"),
    [
        pytest.param(["identify", "{file}"], b"", "empty", id="empty-file"),
        pytest.param(["mask", "{file}"], b" \n\t\r\n  ", "empty", id="whitespace-file"),
        pytest.param(["identify", "{file}"], PHI_LINE.encode() + b"\x00\x01\x02", "NUL", id="nul-bytes"),
        pytest.param(["mask", "{file}"], PHI_LINE.encode() + b"\xff\xfe tail", "not valid UTF-8",
                     id="invalid-utf8"),
        pytest.param(["mask", "{file}"], PHI_LINE.encode("utf-16"), "NUL", id="utf16"),
        pytest.param(["identify", "{missing}"], None, "no such file", id="missing-file"),
        pytest.param(["mask", "{tmp}"], None, "no such file", id="directory"),
        pytest.param(["identify", "--threshold", "1.5", "{file}"], PHI_LINE.encode(), "between 0 and 1",
                     id="threshold-high"),
        pytest.param(["mask", "--threshold", "-0.1", "{file}"], PHI_LINE.encode(), "between 0 and 1",
                     id="threshold-negative"),
        pytest.param(["mask", "--threshold", "nan", "{file}"], PHI_LINE.encode(), "between 0 and 1",
                     id="threshold-nan"),
        pytest.param(["identify", "--threshold", "abc", "{file}"], PHI_LINE.encode(), "--threshold",
                     id="threshold-abc"),
        pytest.param(["mask", "--style", "bogus", "{file}"], PHI_LINE.encode(), "--style", id="style-bogus"),
        pytest.param(["identify", "--jsonl", "{file}"],
                     b'\n{"id": 2, "text": "QUILLON, ODESSA\n',
                     "line 2: not valid JSON", id="jsonl-not-json"),
        pytest.param(["identify", "--jsonl", "{file}"], b'{"id": 1, "note": "QUILLON, ODESSA"}\n',
                     'line 1: expected an object with a "text" string', id="jsonl-no-text"),
        pytest.param(["identify", "--jsonl", "{file}"], b'{"id": 1, "text": 1961}\n',
                     'expected an object with a "text" string', id="jsonl-text-not-string"),
        pytest.param(["identify", "--jsonl", "{file}"], b'["QUILLON, ODESSA"]\n',
                     'expected an object with a "text" string', id="jsonl-not-object"),
        pytest.param(["identify", "--jsonl", "{file}"], b'{"text": "QUILLON \xff ODESSA"}\n',
                     "not valid UTF-8", id="jsonl-invalid-utf8"),
        pytest.param(["identify", "{file}", "--jsonl", "{file}"], json.dumps({"text": NOTE}).encode(),
                     "either FILE or --jsonl", id="file-and-jsonl"),
        pytest.param(["bogus-command"], None, "No such command", id="unknown-command"),
    ],
)
def test_bad_input_fails_cleanly(tmp_path: Path, args: list[str], data: bytes | None, fragment: str) -> None:
    file = write(tmp_path, "input.txt", data) if data is not None else ""
    names = {"file": file, "missing": str(tmp_path / "absent.txt"), "tmp": str(tmp_path)}
    result = run([a.format(**names) for a in args])
    assert_clean_failure(result, fragment)


@pytest.mark.parametrize("stdin", [b"", b"   \n", b"QUILLON, ODESSA\x00", b"\xc3\x28 QUILLON"])
def test_bad_stdin_fails_cleanly(stdin: bytes) -> None:
    result = run(["mask", "-"], stdin=stdin)
    assert_clean_failure(result, "standard input")


def test_missing_jsonl_file_fails_cleanly(tmp_path: Path) -> None:
    assert_clean_failure(run(["identify", "--jsonl", str(tmp_path / "absent.jsonl")]), "absent.jsonl")


def test_bad_jsonl_line_writes_nothing(tmp_path: Path) -> None:
    source = write(tmp_path, "in.jsonl", b'{"text": "Seen by Dr. Vantongeren"}\nnot json\n')
    out = tmp_path / "out.jsonl"
    result = run(["identify", "--jsonl", source, "--out", str(out)])
    assert_clean_failure(result, "line 2")
    assert not out.exists() or out.read_text() == ""


def test_out_without_jsonl_is_not_ignored(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run(["identify", write(tmp_path, "note.txt", NOTE), "--out", str(out)])
    assert result.exit_code == 2 or out.exists()


# ---------------------------------------------------------------- the installed entry point


def test_installed_entry_point(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("phimask")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "phimask.cli"]
    good = subprocess.run([*command, "identify", write(tmp_path, "note.txt", NOTE)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert good.returncode == 0, good.stderr
    check_response(good.stdout, NOTE)
    bad = subprocess.run([*command, "mask", write(tmp_path, "bad.txt", NOTE.encode() + b"\xff")],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "not valid UTF-8" in bad.stderr and "Traceback" not in bad.stderr
    assert not any(word in bad.stderr for word in PHI_WORDS)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract OCR")
def test_demo_runs_every_step_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    result = run(["demo"])
    assert_ok(result)
    out = result.stdout
    assert out.count("-- re-identified: identical to the original") == 2
    assert out.count("second pass: clean") == 2 and "DOB: 1961" in out  # safe-harbor: year only
    assert "SALAZAR" not in out and "RQ36114734" not in out
    assert (tmp_path / "out" / "sample_scan.masked.png").is_file()
    assert not (tmp_path / "home").exists()  # the demo vault is temporary
