"""Reading policies: YAML and TOML, errors naming key and line (never a list entry), shipped
and user policies by name, the hash (fictional PHI only)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from phimask.cli import main
from phimask.entities import EntityType
from phimask.errors import InputError
from phimask.policy import (
    OPERATIONS,
    Policy,
    PolicyError,
    TypeRule,
    load_policy,
    parse_policy,
    resolve_policy,
    shipped_policy_names,
)
from phimask.policy.lists import ListEntry, clinical_allow_entries

T = EntityType
OPERATION_VALUES = "mask, token, surrogate, dateshift, keep, age_90_plus, year_only, zip3"
TOP_LEVEL_KEYS = "version, name, description, threshold, scope, clinicalAllowList, types, allow, deny"
# fictional values of list entries: never in an error message
SECRET_WORDS = ("Odessa", "Quillon", "Kestrel", "Vane", "RQ4091")


def load_text(tmp_path: Path, name: str, text: str | bytes) -> Policy:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return load_policy(path)


def error_of(tmp_path: Path, name: str, text: str | bytes) -> str:
    with pytest.raises(PolicyError) as info:
        load_text(tmp_path, name, text)
    message = str(info.value)
    for word in SECRET_WORDS:
        assert word not in message
    return message


# ---------------------------------------------------------------- valid policies


def test_a_valid_yaml_policy_builds_rules_lists_and_scope(tmp_path: Path) -> None:
    policy = load_text(tmp_path, "trial.yaml", """\
version: 1
threshold: 0.4
scope: trial-7
clinicalAllowList: false
types:
  NAME: {operation: mask, style: numbered, threshold: 0.9}
  DATE: {operation: year_only}
  ID: {style: char}
  PROFESSION: {operation: keep}
allow:
  - exact: Hunt and Hess
  - text: apgar
  - regex: '\\d{2} [0-6]/7'
deny:
  - text: Kestrel Vane
    type: NAME
""")
    assert policy.name == "trial"  # the file's stem when the policy names none
    assert (policy.threshold, policy.scope, policy.clinical_allow_list) == (0.4, "trial-7", False)
    assert policy.rules == {
        T.NAME: TypeRule("mask", "numbered", 0.9),
        T.DATE: TypeRule("year_only", None, None),
        T.ID: TypeRule("mask", "char", None),  # a style alone means operation mask
        T.PROFESSION: TypeRule("keep", None, None),
    }
    assert policy.rule(T.AGE) == TypeRule()
    assert policy.allow_entries == (ListEntry("exact", "Hunt and Hess"), ListEntry("text", "apgar"),
                                    ListEntry("regex", "\\d{2} [0-6]/7"))
    assert policy.deny_entries == (ListEntry("text", "Kestrel Vane", "NAME"),)
    assert policy.threshold_for(T.NAME) == 0.9
    assert policy.threshold_for(T.DATE) == 0.4
    assert policy.min_threshold == 0.4
    assert policy.has_operations
    assert policy.operations("(style)") == {
        "NAME": "mask:numbered", "AGE": "(style)", "DATE": "year_only", "PHONE_OR_FAX": "(style)",
        "EMAIL": "(style)", "ID": "mask:char", "URL": "(style)", "ADDRESS": "(style)",
        "PROFESSION": "keep", "OTHER": "(style)"}


def test_a_toml_policy_equals_its_yaml_twin(tmp_path: Path) -> None:
    yaml_policy = load_text(tmp_path, "twin.yaml", """\
version: 1
name: twin
threshold: 0.6
types:
  NAME: {operation: surrogate, threshold: 0.8}
deny:
  - exact: Kestrel Vane
    type: NAME
""")
    toml_policy = load_text(tmp_path, "twin.toml", """\
version = 1
name = "twin"
threshold = 0.6

[types.NAME]
operation = "surrogate"
threshold = 0.8

[[deny]]
exact = "Kestrel Vane"
type = "NAME"
""")
    assert toml_policy.rules == yaml_policy.rules == {T.NAME: TypeRule("surrogate", None, 0.8)}
    assert toml_policy.deny_entries == yaml_policy.deny_entries
    assert toml_policy.source == yaml_policy.source
    assert toml_policy.sha256 == yaml_policy.sha256  # the hash is of the canonical document


def test_operations_constant_matches_the_schema() -> None:
    schema = json.loads(files("phimask.policy").joinpath("schema.json").read_text("utf-8"))
    assert ", ".join(schema["$defs"]["rule"]["properties"]["operation"]["enum"]) == OPERATION_VALUES
    assert sorted(OPERATIONS) == sorted(OPERATION_VALUES.split(", "))


def test_policy_error_is_an_input_error() -> None:
    assert issubclass(PolicyError, InputError)
    assert PolicyError.code == "InvalidPolicy"


# ---------------------------------------------------------------- errors: key and line


def test_typo_key_in_yaml_names_key_path_and_line(tmp_path: Path) -> None:
    text = "version: 1\nthreshold: 0.5\ntypes:\n  NAME:\n    operaton: mask\n"
    message = error_of(tmp_path, "p.yaml", text)
    assert message == ("p.yaml line 5: unknown key 'types.NAME.operaton' "
                       "(allowed here: operation, style, threshold)")


def test_typo_key_in_yaml_flow_mapping(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.yaml", "version: 1\ntypes:\n  DATE: {operation: keep}\n"
                                           "  NAME: {operaton: mask}\n")
    assert message.startswith("p.yaml line 4: unknown key 'types.NAME.operaton'")


@pytest.mark.parametrize(("text", "line"), [
    ('version = 1\n\n[types.NAME]\noperaton = "mask"\n', 4),
    ('version = 1\nthreshold = 0.5\n[types]\nDATE = { operation = "keep" }\n'
     'NAME = { operaton = "mask" }\n', 5),
], ids=["table", "inline"])
def test_typo_key_in_toml_names_key_path_and_line(tmp_path: Path, text: str, line: int) -> None:
    message = error_of(tmp_path, "p.toml", text)
    assert message == (f"p.toml line {line}: unknown key 'types.NAME.operaton' "
                       "(allowed here: operation, style, threshold)")


def test_toml_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert load_text(tmp_path, "p.TOML", 'version = 1\nthreshold = 0.7\n').threshold == 0.7


def test_unknown_top_level_key(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.yaml", "version: 1\nname: x\nthreshhold: 0.4\n")
    assert message == f"p.yaml line 3: unknown key 'threshhold' (allowed here: {TOP_LEVEL_KEYS})"


def test_unknown_entity_type(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.yaml", "version: 1\ntypes:\n  PERSON: {operation: mask}\n")
    assert message.startswith("p.yaml line 3: unknown key 'types.PERSON' (allowed here: NAME, AGE, DATE,")


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1\nthreshold: 0.4\nname: a\nthreshold: 0.6\n",
     "p.yaml line 4: key 'threshold' is given twice"),
    ("version: 1\ntypes:\n  NAME: {operation: keep}\n  DATE: {operation: keep}\n  NAME: {operation: mask}\n",
     "p.yaml line 5: key 'types.NAME' is given twice"),
    ("version: 1\ndeny:\n  - text: Kestrel Vane\n    type: NAME\n    text: Odessa Quillon\n",
     "p.yaml line 5: key 'deny[0].text' is given twice"),
], ids=["top", "types", "deny"])
def test_duplicate_yaml_key_names_the_second_line(tmp_path: Path, text: str, expected: str) -> None:
    assert error_of(tmp_path, "p.yaml", text) == expected


def test_duplicate_toml_key_is_a_syntax_error_with_line(tmp_path: Path) -> None:
    assert error_of(tmp_path, "p.toml", "version = 1\nthreshold = 0.5\nthreshold = 0.6\n") == \
        "p.toml line 3: not valid TOML"


def test_wrong_operation_names_allowed_values(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.yaml", "version: 1\ntypes:\n  DATE:\n    operation: maks\n")
    assert message == (f"p.yaml line 4: 'types.DATE.operation' has an unknown value 'maks' "
                       f"(allowed: {OPERATION_VALUES})")


def test_wrong_style_names_allowed_styles(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.yaml", "version: 1\ntypes:\n  NAME: {operation: mask, style: stars}\n")
    assert message == ("p.yaml line 3: 'types.NAME.style' has an unknown value 'stars' "
                       "(allowed: type, char, numbered, redact)")


def test_wrong_operation_in_toml(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.toml", 'version = 1\n\n[types.DATE]\noperation = "maks"\n')
    assert message == (f"p.toml line 4: 'types.DATE.operation' has an unknown value 'maks' "
                       f"(allowed: {OPERATION_VALUES})")


@pytest.mark.parametrize("section", ["allow", "deny"])
def test_bad_regex_names_the_line_but_not_the_pattern(tmp_path: Path, section: str) -> None:
    kind = "\n    type: NAME" if section == "deny" else ""
    text = (f"version: 1\n{section}:\n  - text: Hunt and Hess{kind}\n"
            f"  - regex: 'Odessa (Quillon'{kind}\n")
    message = error_of(tmp_path, "p.yaml", text)
    line = 5 if section == "deny" else 4
    assert message == (f"p.yaml line {line}: {section}[1].regex does not compile "
                       "(missing ), unterminated subpattern)")
    assert "(Quillon" not in message


def test_regex_matching_empty_text_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, "p.yaml", "version: 1\nallow:\n  - regex: 'Quillon|'\n")
    assert message == "p.yaml line 3: allow[0].regex matches empty text"


@pytest.mark.parametrize(("text", "fragment"), [
    # each holds a fictional name in a deny entry; no message may quote it
    ("version: 1\ndeny:\n  - text: Odessa Quillon\n", "line 3: 'deny[0].type' is required"),
    ("version: 1\ndeny:\n  - text: Odessa Quillon\n    exact: Odessa Quillon\n    type: NAME\n",
     "line 3: 'deny[0]' must hold exactly one of exact, text, regex and a type"),
    ("version: 1\ndeny:\n  - text: '" + "Odessa Quillon " * 70 + "'\n    type: NAME\n",
     "line 3: 'deny[0].text' is empty or too long"),
    ("version: 1\ndeny:\n  - regex: 'Odessa (Quillon'\n    type: NAME\n",
     "line 3: deny[0].regex does not compile"),
    ("version: 1\ndeny:\n  - text: Odessa Quillon\n    type: NAME\n  - text: Kestrel Vane\n    type: NAME\n"
     "threshold: 2\n", "line 7: 'threshold' must lie between 0 and 1"),
    ("version: 1\ndeny:\n  - text: Odessa Quillon\n    type: NAME\n    note: Kestrel\n",
     "line 5: unknown key in 'deny[0]'"),
    ("version: 1\ndeny:\n  - text: Odessa: Quillon\n    type: NAME\n", "line 3: not valid YAML"),
    ("version: 1\ndeny: Odessa Quillon\n", "line 2: 'deny' must be a list"),
    ("version: 1\ndeny:\n  - Odessa Quillon\n", "line 3: 'deny[0]' must be a mapping (key: value)"),
    ("version: 1\ndeny:\n  - text: '~~'\n    type: NAME\n  - text: Odessa Quillon\n    type: NAME\n",
     "line 3: deny[0].text holds no letter or digit"),
    pytest.param("version: 1\ndeny:\n  - Odessa Quillon: NAME\n", "line 3: unknown key"),
    pytest.param("version: 1\ndeny:\n  - text: NAME\n    type: Odessa Quillon\n", "line 4: 'deny[0].type'"),
    pytest.param("version: 1\ndeny:\n  - text: *Odessa\n    type: NAME\n", "line 3: not valid YAML"),
], ids=["no-type", "two-kinds", "too-long", "bad-regex", "other-error", "unknown-key", "yaml-syntax",
        "not-a-list", "not-a-mapping", "no-letter", "shorthand", "swapped", "yaml-alias"])
def test_deny_entry_text_never_appears_in_errors(tmp_path: Path, text: str, fragment: str) -> None:
    message = error_of(tmp_path, "p.yaml", text)  # checks SECRET_WORDS
    assert message.startswith("p.yaml ")
    assert fragment in message


@pytest.mark.parametrize(("section", "text", "line"), [
    ("allow", 'version = 1\n\n[[allow]]\ntext = "Hunt and Hess"\n\n[[allow]]\n'
              'regex = "Odessa (Quillon"\n', 6),
    ("deny", 'version = 1\n\n[[deny]]\ntext = "Hunt"\ntype = "NAME"\n\n[[deny]]\nregex = "Odessa (Quillon"\n'
             'type = "NAME"\n', 7),
], ids=["allow", "deny"])
def test_toml_array_of_tables_error_names_the_item_line(tmp_path: Path, section: str, text: str,
                                                         line: int) -> None:
    message = error_of(tmp_path, "p.toml", text)
    assert message.startswith(f"p.toml line {line}: {section}[1].regex does not compile")


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1\nthreshold: 1.5\n", "p.yaml line 2: 'threshold' must lie between 0 and 1"),
    ("version: 1\nthreshold: -0.1\n", "p.yaml line 2: 'threshold' must lie between 0 and 1"),
    ("version: 1\ntypes:\n  NAME:\n    threshold: 1.01\n", "p.yaml line 4: 'types.NAME.threshold' must lie "
                                                          "between 0 and 1"),
    ("version: 1\nthreshold: high\n", "p.yaml line 2: 'threshold' must be a number"),
    ("version: 1\nthreshold: true\n", "p.yaml line 2: 'threshold' must be a number"),
], ids=["above", "below", "type-above", "word", "bool"])
def test_threshold_out_of_range(tmp_path: Path, text: str, expected: str) -> None:
    assert error_of(tmp_path, "p.yaml", text) == expected


@pytest.mark.parametrize(("name", "text"), [
    ("p.yaml", "version: 1\nthreshold: .nan\n"),
    ("p.yaml", "version: 1\ntypes:\n  NAME:\n    threshold: .nan\n"),
    ("p.toml", "version = 1\nthreshold = nan\n"),
], ids=["yaml", "yaml-type", "toml"])
def test_nan_threshold_is_refused(tmp_path: Path, name: str, text: str) -> None:
    assert "between 0 and 1" in error_of(tmp_path, name, text)


def test_style_with_a_non_mask_operation(tmp_path: Path) -> None:
    text = "version: 1\ntypes:\n  NAME:\n    operation: token\n    style: char\n"
    message = error_of(tmp_path, "p.yaml", text)
    assert message == ("p.yaml line 5: 'types.NAME.style' goes with operation mask "
                       "(styles: type, char, numbered, redact)")


@pytest.mark.parametrize(("kind", "operation", "only"), [
    ("NAME", "year_only", "DATE"), ("DATE", "zip3", "ADDRESS"), ("NAME", "age_90_plus", "AGE"),
    ("ID", "dateshift", "DATE"),
])
def test_type_bound_operations_refuse_other_types(tmp_path: Path, kind: str, operation: str,
                                                  only: str) -> None:
    message = error_of(tmp_path, "p.yaml", f"version: 1\ntypes:\n  {kind}:\n    operation: {operation}\n")
    assert message == f"p.yaml line 4: operation {operation} applies to {only} only, not {kind}"


@pytest.mark.parametrize(("text", "expected"), [
    ("", "p.yaml: empty policy file"),
    ("# nothing but a comment\n\n", "p.yaml: empty policy file"),
    ("threshold: 0.5\n", "p.yaml line 1: 'version' is required"),
    ("version: 2\n", "p.yaml line 1: 'version' has an unknown value 2 (allowed: 1)"),
    ("- version: 1\n", "p.yaml line 1: '(top level)' must be a mapping (key: value)"),
    ("version: 1\ntypes: [\n", "p.yaml line 3: not valid YAML (expected the node content, but found "
                               "…)"),
    ("version: 1\n---\nversion: 1\n", "p.yaml line 2: not valid YAML (but found another document)"),
    ("version: 1\nname: has space\n", "p.yaml line 2: 'name' may hold letters, digits, '.', '_' and '-' "
                                      "(at most 64)"),
], ids=["empty", "comment", "no-version", "version-2", "list", "syntax", "two-documents", "bad-name"])
def test_malformed_documents(tmp_path: Path, text: str, expected: str) -> None:
    assert error_of(tmp_path, "p.yaml", text) == expected


def test_empty_toml_file_needs_a_version(tmp_path: Path) -> None:
    assert error_of(tmp_path, "p.toml", "") == "p.toml line 1: 'version' is required"


def test_non_utf8_file(tmp_path: Path) -> None:
    assert error_of(tmp_path, "p.yaml", b"version: 1\ndescription: caf\xe9\n") == "p.yaml: not UTF-8 text"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "absent.yaml")
    assert str(info.value) == "absent.yaml: no such policy file"


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "folder.yaml")
    assert str(info.value) == "folder.yaml: is a directory, not a policy file"


# ---------------------------------------------------------------- resolving by name


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def user_policy(home: Path, filename: str, text: str) -> Path:
    folder = home / "policies"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_names() -> None:
    assert shipped_policy_names() == ("default", "safe-harbor")


def test_none_and_default_are_the_shipped_default(home: Path) -> None:
    user_policy(home, "default.yaml", "version: 1\nthreshold: 0.9\n")  # shipped names win
    default = resolve_policy(None)
    assert resolve_policy("default") == default
    assert (default.name, default.threshold, default.rules, default.scope) == ("default", 0.5, {}, None)
    assert default.clinical_allow_list is True
    assert not default.has_operations
    assert default.allow_entries == default.deny_entries == ()


def test_safe_harbor_is_shipped() -> None:
    policy = resolve_policy("safe-harbor")
    assert policy.name == "safe-harbor"
    assert policy.operations("-") == {
        "NAME": "mask:type", "AGE": "age_90_plus", "DATE": "year_only", "PHONE_OR_FAX": "mask:type",
        "EMAIL": "mask:type", "ID": "mask:type", "URL": "mask:type", "ADDRESS": "zip3",
        "PROFESSION": "keep", "OTHER": "mask:type"}
    assert policy.threshold == 0.5


@pytest.mark.parametrize("filename", ["trial.yaml", "trial.yml", "trial.toml"])
def test_user_policy_by_name(home: Path, filename: str) -> None:
    body = 'version = 1\nthreshold = 0.7\n' if filename.endswith(".toml") else "version: 1\nthreshold: 0.7\n"
    user_policy(home, filename, body)
    policy = resolve_policy("trial")
    assert (policy.name, policy.threshold) == ("trial", 0.7)


def test_policy_by_path(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "elsewhere.yaml"
    path.write_text("version: 1\nname: strict\nthreshold: 0.2\n", encoding="utf-8")
    policy = resolve_policy(path)
    assert (policy.name, policy.threshold) == ("strict", 0.2)
    assert resolve_policy(str(path)).sha256 == policy.sha256


def test_unknown_name_lists_shipped_names(home: Path) -> None:
    with pytest.raises(PolicyError) as info:
        resolve_policy("strictt")
    assert str(info.value) == (f"no policy named 'strictt' (shipped: default, safe-harbor; "
                               f"yours go in {home / 'policies'})")


def test_user_policies_that_cannot_be_named_are_not_listed_but_load_by_path(home: Path) -> None:
    # names hold letters, digits, '_' and '-' (a dot would make them paths); suffixes are lower-case
    user_policy(home, "trial.v2.yaml", "version: 1\nthreshold: 0.7\n")
    user_policy(home, "loud.YAML", "version: 1\nthreshold: 0.6\n")
    listed = CliRunner().invoke(main, ["policy", "list"]).output
    assert "trial.v2" not in listed and "loud" not in listed
    with pytest.raises(PolicyError, match="no policy named 'loud'"):
        resolve_policy("loud")
    assert resolve_policy(home / "policies" / "trial.v2.yaml").threshold == 0.7
    assert resolve_policy(str(home / "policies" / "loud.YAML")).threshold == 0.6


# ---------------------------------------------------------------- hash and variants


BASE = ("version: 1\nthreshold: 0.5\ntypes:\n  NAME: {operation: mask}\n"
        "deny:\n  - text: Kestrel Vane\n    type: NAME\n")


def test_sha256_is_stable(tmp_path: Path) -> None:
    first = parse_policy(BASE, "p.yaml", "yaml").sha256
    assert len(first) == 64 and int(first, 16) >= 0
    assert parse_policy(BASE, "p.yaml", "yaml").sha256 == first
    assert load_text(tmp_path, "p.yaml", BASE).sha256 == first
    # comments, key order and layout are not part of the canonical form
    reordered = ("# a comment\ndeny:\n  - {type: NAME, text: Kestrel Vane}\n"
                 "types:\n  NAME:\n    operation: mask\nthreshold: 0.5\nversion: 1\n")
    assert parse_policy(reordered, "q.yaml", "yaml").sha256 == first


@pytest.mark.parametrize("changed", [
    BASE.replace("0.5", "0.6"),
    BASE.replace("Kestrel Vane", "Kestrel Vine"),
    BASE.replace("operation: mask", "operation: keep"),
    BASE.replace("text: Kestrel", "exact: Kestrel"),
    BASE + "clinicalAllowList: false\n",
    BASE + "scope: trial-7\n",
], ids=["threshold", "deny-value", "operation", "deny-kind", "allow-list", "scope"])
def test_sha256_changes_with_the_policy(changed: str) -> None:
    assert parse_policy(changed, "p.yaml", "yaml").sha256 != parse_policy(BASE, "p.yaml", "yaml").sha256


def test_with_threshold() -> None:
    policy = parse_policy(BASE, "p.yaml", "yaml")
    changed = policy.with_threshold(0.8)
    assert (changed.threshold, changed.source["threshold"]) == (0.8, 0.8)
    assert changed.rules == policy.rules and changed.deny_entries == policy.deny_entries
    assert changed.sha256 != policy.sha256
    assert changed.sha256 == parse_policy(BASE.replace("0.5", "0.8"), "p.yaml", "yaml").sha256
    assert (policy.threshold, policy.source["threshold"]) == (0.5, 0.5)  # the original is untouched
    assert policy.with_threshold(0.5).sha256 == policy.sha256


def test_without_allow_list() -> None:
    policy = parse_policy(BASE + "allow:\n  - text: Hunt and Hess\n", "p.yaml", "yaml")
    assert policy.allow.entries == (*clinical_allow_entries(), ListEntry("text", "Hunt and Hess"))
    bare = policy.without_allow_list()
    assert bare.clinical_allow_list is False and bare.source["clinicalAllowList"] is False
    assert bare.allow.entries == (ListEntry("text", "Hunt and Hess"),)
    assert bare.sha256 != policy.sha256
    assert bare.sha256 == parse_policy(BASE + "allow:\n  - text: Hunt and Hess\nclinicalAllowList: false\n",
                                       "p.yaml", "yaml").sha256
    assert policy.clinical_allow_list is True


def test_an_installed_policy_is_parsed_once_and_read_again_when_edited(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from phimask.policy import load as loader

    path = user_policy(home, "cohort.yaml", "version: 1\nthreshold: 0.7\n")
    parsed: list[Path] = []
    real = loader.load_policy
    def counting(file: Path) -> Policy:
        parsed.append(file)
        return real(file)

    monkeypatch.setattr(loader, "load_policy", counting)
    assert resolve_policy("cohort").threshold == resolve_policy("cohort").threshold == 0.7
    assert len(parsed) == 1  # API requests naming it again do not re-read and re-validate it
    path.write_text("version: 1\nthreshold: 0.6\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert resolve_policy("cohort").threshold == 0.6 and len(parsed) == 2
