"""`phimask policy check|show|list` and `--policy` / `--report` on identify, mask,
deidentify and reidentify, with the embedded detector (fictional PHI only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from phimask.cli import main
from phimask.policy import load_policy, resolve_policy
from phimask.tokens import find_tokens

NOTE = ("Name: SALAZAR, CARLOS\nMRN: RQ36114734\nAge: 92\nDOB: 2/11/1961\n"
        "Address: 12 Elm St, Boston, MA 02118\nOccupation: nurse\n")
SAFE_HARBOR_NOTE = "Name: NAME\nMRN: ID\nAge: 90+\nDOB: 1961\nAddress: MA 021\nOccupation: nurse\n"
PHI_WORDS = ("SALAZAR", "CARLOS", "RQ36114734", "2/11", "Elm St", "02118", "Boston", "Kestrel")
REVERSIBLE = """\
version: 1
name: trial
scope: trial-7
types:
  NAME: {operation: surrogate}
  DATE: {operation: year_only}
  AGE: {operation: age_90_plus}
  ADDRESS: {operation: zip3}
  PROFESSION: {operation: keep}
  ID: {operation: token}
deny:
  - text: Kestrel Vane
    type: NAME
"""
BAD = "version: 1\ntypes:\n  NAME:\n    operaton: mask\n"
BAD_ERROR = ("Error: bad.yaml line 4: unknown key 'types.NAME.operaton' "
             "(allowed here: operation, style, threshold)\n")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def run(*args: str, stdin: str | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg, unused-ignore]  # click < 8.2
    except TypeError:  # click >= 8.2 always keeps stderr apart
        runner = CliRunner()
    return runner.invoke(main, list(args), input=stdin)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    assert result.stderr == ""
    return result.stdout


def clean_failure(result: Result) -> str:
    """The one-line ``Error: ...`` of a failed command (exit code 2, nothing on stdout)."""
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for word in PHI_WORDS:
        assert word not in result.stderr
    return result.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report_document(path: Path) -> dict[str, Any]:
    raw = path.read_text(encoding="utf-8")
    for word in PHI_WORDS:
        assert word not in raw
    body = json.loads(raw)
    assert set(body) == {"phimaskVersion", "documents"}
    (document,) = body["documents"]
    assert isinstance(document, dict)
    return document


@pytest.fixture
def note(tmp_path: Path) -> Path:
    return write(tmp_path / "note.txt", NOTE)


# ---------------------------------------------------------------- phimask policy


def test_policy_check_ok(tmp_path: Path) -> None:
    first = write(tmp_path / "trial.yaml", REVERSIBLE)
    second = write(tmp_path / "lax.toml", 'version = 1\nthreshold = 0.3\n')
    assert ok(run("policy", "check", str(first), str(second))) == (
        f"trial.yaml: ok (policy trial, sha256 {load_policy(first).sha256})\n"
        f"lax.toml: ok (policy lax, sha256 {load_policy(second).sha256})\n")


def test_policy_check_failing_names_key_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", BAD)
    assert clean_failure(run("policy", "check", str(bad))) == BAD_ERROR


def test_policy_check_stops_at_the_first_bad_file(tmp_path: Path) -> None:
    good = write(tmp_path / "trial.yaml", REVERSIBLE)
    bad = write(tmp_path / "bad.yaml", BAD)
    result = run("policy", "check", str(good), str(bad), str(good))
    assert result.exit_code == 2
    assert result.stdout == f"trial.yaml: ok (policy trial, sha256 {load_policy(good).sha256})\n"
    assert result.stderr == BAD_ERROR


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1\ndeny:\n  - regex: 'Kestrel (Vane'\n    type: NAME\n",
     "Error: bad.yaml line 3: deny[0].regex does not compile (missing ), unterminated subpattern)\n"),
    ("version: 1\ndeny:\n  - text: Kestrel Vane\n", "Error: bad.yaml line 3: 'deny[0].type' is required\n"),
], ids=["bad-regex", "no-type"])
def test_policy_check_never_quotes_a_deny_entry(tmp_path: Path, text: str, expected: str) -> None:
    bad = write(tmp_path / "bad.yaml", text)
    assert clean_failure(run("policy", "check", str(bad))) == expected  # checks "Kestrel"


def test_policy_check_missing_file(tmp_path: Path) -> None:
    result = run("policy", "check", str(tmp_path / "absent.yaml"))
    assert clean_failure(result) == "Error: absent.yaml: no such policy file\n"


def test_policy_show_safe_harbor() -> None:
    shown = json.loads(ok(run("policy", "show", "safe-harbor")))
    policy = resolve_policy("safe-harbor")
    assert shown["name"] == "safe-harbor"
    assert shown["sha256"] == policy.sha256
    assert shown["document"] == policy.source
    assert shown["document"]["types"]["DATE"] == {"operation": "year_only"}
    assert shown["operations"] == {
        "NAME": "mask:type", "AGE": "age_90_plus", "DATE": "year_only", "PHONE_OR_FAX": "mask:type",
        "EMAIL": "mask:type", "ID": "mask:type", "URL": "mask:type", "ADDRESS": "zip3",
        "PROFESSION": "keep", "OTHER": "mask:type"}
    assert shown["thresholds"] == {**{kind: 0.5 for kind in shown["operations"]}, "(default)": 0.5}


def test_policy_show_default_and_a_file(tmp_path: Path) -> None:
    shown = json.loads(ok(run("policy", "show")))
    assert shown["name"] == "default"
    assert set(shown["operations"].values()) == {"(the command's --style)"}
    assert shown["thresholds"] == {"(default)": 0.5}
    path = write(tmp_path / "strict.toml", 'version = 1\nthreshold = 0.4\n[types.NAME]\nthreshold = 0.2\n')
    shown = json.loads(ok(run("policy", "show", str(path))))
    assert (shown["name"], shown["thresholds"]) == ("strict", {"NAME": 0.2, "(default)": 0.4})


def test_policy_show_unknown_name(home: Path) -> None:
    result = run("policy", "show", "strictt")
    assert clean_failure(result) == (f"Error: no policy named 'strictt' (shipped: default, safe-harbor; "
                                     f"yours go in {home / 'policies'})\n")


def test_policy_list_includes_user_policies(home: Path) -> None:
    assert ok(run("policy", "list")) == "default\t(shipped)\nsafe-harbor\t(shipped)\n"
    mine = write(home / "policies" / "mine.yaml", REVERSIBLE)
    other = write(home / "policies" / "other.toml", "version = 1\n")
    write(home / "policies" / "notes.txt", "not a policy")
    assert ok(run("policy", "list")) == (f"default\t(shipped)\nsafe-harbor\t(shipped)\n"
                                         f"mine\t{mine}\nother\t{other}\n")


# ---------------------------------------------------------------- mask


def test_mask_with_safe_harbor(note: Path) -> None:
    assert ok(run("mask", "--policy", "safe-harbor", str(note))) == SAFE_HARBOR_NOTE
    assert ok(run("mask", "--policy", "safe-harbor", "-", stdin=NOTE)) == SAFE_HARBOR_NOTE


def test_mask_with_a_user_policy_by_name(note: Path, home: Path) -> None:
    write(home / "policies" / "chars.yaml",
          "version: 1\ntypes:\n  NAME: {style: char}\n  AGE: {operation: keep}\n")
    assert ok(run("mask", "--policy", "chars", "--style", "numbered", str(note))) == (
        "Name: ######## ######\nMRN: ID1\nAge: 92\nDOB: DATE1\nAddress: ADDRESS1\nOccupation: PROFESSION1\n")


def test_mask_report(note: Path, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    assert ok(run("mask", "--policy", "safe-harbor", "--report", str(report), str(note))) == SAFE_HARBOR_NOTE
    document = report_document(report)
    assert document["policy"] == {"name": "safe-harbor", "sha256": resolve_policy("safe-harbor").sha256}
    assert (document["document"], document["kind"], document["status"]) == (str(note), "text", "ok")
    assert (document["detector"], document["threshold"]) == ("embedded", 0.5)
    assert document["entities"] == {"ADDRESS": 1, "AGE": 1, "DATE": 1, "ID": 1, "NAME": 1, "PROFESSION": 1}
    assert document["operations"] == {"ADDRESS": "zip3", "AGE": "age_90_plus", "DATE": "year_only",
                                      "ID": "mask:type", "NAME": "mask:type", "PROFESSION": "keep"}
    assert document["secondPass"] == {"result": "clean", "residualCount": 0, "residual": []}
    assert "messageHash" not in document


def test_mask_report_with_threshold_records_the_effective_policy(note: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    ok(run("mask", "--policy", "safe-harbor", "--threshold", "0.7", "--report", str(report), str(note)))
    document = report_document(report)
    changed = resolve_policy("safe-harbor").with_threshold(0.7)
    assert document["policy"] == {"name": "safe-harbor", "sha256": changed.sha256}
    assert document["threshold"] == 0.7
    assert document["policy"]["sha256"] != resolve_policy("safe-harbor").sha256


def test_mask_scope_needs_a_surrogate_style_or_policy(note: Path) -> None:
    result = run("mask", "--scope", "trial-7", str(note))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.endswith(
        "Error: --scope goes with --style surrogate (or a policy with surrogate operations)\n")
    assert result.stderr.startswith("Usage: ")


def test_mask_scope_with_surrogates_is_repeatable(note: Path) -> None:
    first = ok(run("mask", "--style", "surrogate", "--scope", "trial-7", str(note)))
    assert ok(run("mask", "--style", "surrogate", "--scope", "trial-7", str(note))) == first
    assert "SALAZAR, CARLOS" not in first and "RQ36114734" not in first and "2/11/1961" not in first


def test_mask_with_a_scoped_policy_without_surrogates(note: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "scoped.yaml", "version: 1\nscope: trial-7\ntypes:\n  NAME: {operation: mask}\n")
    assert ok(run("mask", "--policy", str(path), str(note))).startswith("Name: NAME\n")


def test_mask_with_a_token_operation_needs_the_vault(note: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "token.yaml", "version: 1\ntypes:\n  ID: {operation: token}\n")
    assert clean_failure(run("mask", "--policy", str(path), str(note))) == (
        "Error: operation token needs the vault: use phimask deidentify (or the /text/deidentify route)\n")


def test_mask_with_a_broken_policy(note: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", BAD)
    assert clean_failure(run("mask", "--policy", str(bad), str(note))) == BAD_ERROR


# ---------------------------------------------------------------- identify, deidentify, reidentify


def test_identify_with_a_deny_entry(tmp_path: Path) -> None:
    text = "Seen with Kestrel Vane today.\n"
    path = write(tmp_path / "seen.txt", text)
    assert json.loads(ok(run("identify", str(path)))) == {"Entities": []}
    policy = write(tmp_path / "trial.yaml", REVERSIBLE)
    assert json.loads(ok(run("identify", "--policy", str(policy), str(path)))) == {"Entities": [
        {"Id": 0, "BeginOffset": 10, "EndOffset": 22, "Score": 1.0, "Text": "Kestrel Vane",
         "Category": "PROTECTED_HEALTH_INFORMATION", "Type": "NAME", "Traits": []}]}


def test_deidentify_with_a_policy_and_report_then_reidentify(note: Path, tmp_path: Path) -> None:
    policy = write(tmp_path / "trial.yaml", REVERSIBLE)
    report = tmp_path / "report.json"
    out = json.loads(ok(run("deidentify", "--policy", str(policy), "--report", str(report), str(note))))
    text = out["deidentifiedText"]
    (token,) = [m.token for m in find_tokens(text)]
    assert token.startswith("[[ID:")
    name = text.split("\n")[0].removeprefix("Name: ")
    surname, given = name.split(", ")  # a surrogate per word, in the original's shape (it may reuse
    assert surname != "SALAZAR" and given != "CARLOS"  # another word of the note elsewhere)
    assert surname.isupper() and given.isupper()
    assert text == (f"Name: {name}\nMRN: {token}\nAge: 90+\nDOB: 1961\nAddress: MA 021\n"
                    "Occupation: nurse\n")
    document = report_document(report)
    assert document["policy"] == {"name": "trial", "sha256": load_policy(policy).sha256}
    assert document["messageHash"] == out["messageHash"]
    assert document["operations"] == {"ADDRESS": "zip3", "AGE": "age_90_plus", "DATE": "year_only",
                                      "ID": "token", "NAME": "surrogate", "PROFESSION": "keep"}
    assert document["secondPass"]["result"] == "clean"

    # the policy's scope links documents: the same note gives the same output
    again = json.loads(ok(run("deidentify", "--policy", str(policy), str(note))))
    assert again == out

    saved = write(tmp_path / "deid.json", json.dumps(out))
    restored = ("Name: SALAZAR, CARLOS\nMRN: RQ36114734\nAge: 90+\nDOB: 1961\nAddress: MA 021\n"
                "Occupation: nurse\n")
    assert ok(run("reidentify", str(saved))) == restored
    assert ok(run("reidentify", "--message-hash", out["messageHash"])) == restored
