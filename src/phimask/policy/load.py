"""Reading policies: YAML or TOML, validated against ``schema.json``, errors that name the
line and key and never quote list entries (which may hold PHI)."""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from phimask.entities import EntityType
from phimask.errors import InputError
from phimask.keys import phimask_home
from phimask.policy.lists import MATCH_KINDS, ListEntry
from phimask.policy.model import MASK_STYLES, ONLY_FOR, Policy, TypeRule

MAX_POLICY_BYTES = 8 * 1024 * 1024
SHIPPED = ("default", "safe-harbor")
POLICY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_ENUM_KEYS = {"operation", "style", "type", "version"}  # values safe to echo in errors
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
Path_ = tuple[str | int, ...]


class PolicyError(InputError):
    """A policy file that cannot be used; the message names the file, line and key."""

    code = "InvalidPolicy"


@cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(files("phimask.policy").joinpath("schema.json").read_text("utf-8"))
    return loaded


def shipped_policy_names() -> tuple[str, ...]:
    return SHIPPED


def policy_dir() -> Path:
    """Where named policies of this user live: ``$PHIMASK_HOME/policies``."""
    return phimask_home() / "policies"


def resolve_policy(ref: str | os.PathLike[str] | None) -> Policy:
    """A policy by reference: None (the shipped default), a policy name (see
    ``named_policy``), or a file path (anything with a suffix or a slash)."""
    if ref is None:
        return _shipped("default")
    text = os.fspath(ref)
    if POLICY_NAME.fullmatch(text):
        return named_policy(text)
    return load_policy(Path(text))


def named_policy(name: str) -> Policy:
    """A shipped policy, or ``$PHIMASK_HOME/policies/NAME.yaml|.yml|.toml``. Never a path:
    this is what API requests use."""
    if not POLICY_NAME.fullmatch(name):
        raise PolicyError("a policy name holds letters, digits, '_' and '-' (at most 64)")
    if name in SHIPPED:
        return _shipped(name)
    for suffix in (".yaml", ".yml", ".toml"):
        candidate = policy_dir() / f"{name}{suffix}"
        if candidate.is_file():
            stat = candidate.stat()
            return _installed(candidate, stat.st_mtime_ns, stat.st_size)
    names = ", ".join(SHIPPED)
    raise PolicyError(f"no policy named {name!r} (shipped: {names}; yours go in {policy_dir()})")


@lru_cache(maxsize=64)
def _installed(path: Path, _mtime_ns: int, _size: int) -> Policy:
    """An installed policy, parsed and validated once per version of its file (API requests
    name it again and again; an edited file is read anew)."""
    return load_policy(path)


@cache
def _shipped(name: str) -> Policy:
    source = files("phimask.policy").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return parse_policy(source, f"{name}.yaml", "yaml")


def load_policy(path: Path) -> Policy:
    """Read and validate the policy file at ``path`` (.toml is TOML; anything else YAML)."""
    label = path.name
    try:
        if path.stat().st_size > MAX_POLICY_BYTES:
            raise PolicyError(f"{label}: larger than {MAX_POLICY_BYTES // (1024 * 1024)} MiB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(f"{label}: no such policy file") from None
    except IsADirectoryError:
        raise PolicyError(f"{label}: is a directory, not a policy file") from None
    except OSError as exc:
        raise PolicyError(f"{label}: cannot be read ({exc.strerror or 'I/O error'})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{label}: not UTF-8 text") from None
    return parse_policy(text, label, "toml" if path.suffix.lower() == ".toml" else "yaml")


def parse_policy(text: str, label: str, syntax: str) -> Policy:
    """Validate policy ``text`` (``yaml`` or ``toml``) and build the Policy."""
    data, lines = _parse_yaml(text, label) if syntax == "yaml" else _parse_toml(text, label)
    _validate(data, lines, label)
    return _build(data, lines, label)


# ---------------------------------------------------------------- syntax, with line numbers

def _parse_yaml(text: str, label: str) -> tuple[Any, dict[Path_, int]]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PolicyError(f"{label}: empty policy file")
        lines: dict[Path_, int] = {}
        _walk(node, (), lines, label)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = _QUOTED.sub("…", exc.problem or "syntax error")  # the quoted token may be PHI
        raise PolicyError(f"{label}{where}: not valid YAML ({problem})") from None
    except yaml.YAMLError:
        raise PolicyError(f"{label}: not valid YAML") from None
    finally:
        loader.dispose()
    return data, lines


def _walk(node: Any, path: Path_, lines: dict[Path_, int], label: str) -> None:
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise PolicyError(f"{label} line {key_node.start_mark.line + 1}: key {_key(path, key)} "
                                  "is given twice")
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, label)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, label)


def _parse_toml(text: str, label: str) -> tuple[Any, dict[Path_, int]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        where = f" line {found.group(1)}" if found else ""
        raise PolicyError(f"{label}{where}: not valid TOML") from None
    return data, _toml_lines(text, data)


def _toml_lines(text: str, data: Any) -> dict[Path_, int]:
    """Best-effort line of each key: the first line naming it after its parent's line."""
    source = text.splitlines()
    lines: dict[Path_, int] = {(): 1}

    def visit(value: Any, path: Path_, after: int) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                line = _find_key(source, str(key), after)
                lines[(*path, key)] = line
                visit(item, (*path, key), line)
        elif isinstance(value, list):
            header = re.compile(rf"^\s*\[\[\s*{re.escape('.'.join(map(str, path)))}\s*\]\]")
            line = after
            for index, item in enumerate(value):
                found = next((n for n in range(line + (index > 0), len(source) + 1)
                              if header.match(source[n - 1])), None)
                line = found if found is not None else line
                lines[(*path, index)] = line
                visit(item, (*path, index), line)

    visit(data, (), 1)
    return lines


def _find_key(source: list[str], key: str, after: int) -> int:
    pattern = re.compile(rf"(^|[\s{{,.\[\"']){re.escape(key)}[\"']?\s*(=|\]|\.)")
    for number in range(max(after, 1), len(source) + 1):
        if pattern.search(source[number - 1]):
            return number
    return after


# ---------------------------------------------------------------- validation

def _validate(data: Any, lines: dict[Path_, int], label: str) -> None:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(_schema()).iter_errors(data),
                    key=lambda e: (_line(lines, tuple(e.absolute_path)), list(map(str, e.absolute_path))))
    if errors:
        raise PolicyError(_describe(errors[0], lines, label))


def _line(lines: dict[Path_, int], path: Path_) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def _describe(error: Any, lines: dict[Path_, int], label: str) -> str:
    path: Path_ = tuple(error.absolute_path)
    where = f"{label} line {_line(lines, path)}"
    validator, value = error.validator, error.validator_value
    listed = bool(path) and path[0] in {"allow", "deny"}  # list entries may hold PHI: never quoted
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(error.schema.get("properties", {}))
        unknown = extra[0] if extra else "?"
        named = f"in {_key(path)}" if listed else _key(path, unknown)
        return (f"{label} line {_line(lines, (*path, unknown))}: unknown key {named} "
                f"(allowed here: {allowed})")
    if validator == "required":
        missing = [k for k in value if k not in error.instance]
        return f"{where}: {_key(path, missing[0] if missing else '?')} is required"
    if validator in {"enum", "const"}:
        allowed = ", ".join(map(str, value if validator == "enum" else [value]))
        given = f" {error.instance!r}" if path and str(path[-1]) in _ENUM_KEYS and not listed else ""
        return f"{where}: {_key(path)} has an unknown value{given} (allowed: {allowed})"
    if validator == "type":
        return f"{where}: {_key(path)} must be {_TYPE_WORDS.get(str(value), value)}"
    if validator in {"minimum", "maximum"}:
        return f"{where}: {_key(path)} must lie between 0 and 1"
    if validator in {"minProperties", "maxProperties"}:
        return f"{where}: {_key(path)} must hold exactly one of {', '.join(MATCH_KINDS)}" + (
            " and a type" if path and path[0] == "deny" else "")
    if validator == "pattern":
        return f"{where}: {_key(path)} may hold letters, digits, '.', '_' and '-' (at most 64)"
    if validator in {"minLength", "maxLength", "maxItems"}:
        return f"{where}: {_key(path)} is empty or too long"
    return f"{where}: {_key(path)} is not valid ({validator})"


_TYPE_WORDS = {"object": "a mapping (key: value)", "array": "a list", "string": "a string",
               "number": "a number", "boolean": "true or false"}


def _key(path: Path_, last: str | None = None) -> str:
    parts = [*path, last] if last is not None else list(path)
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    return f"'{dotted or '(top level)'}'"


# ---------------------------------------------------------------- building

def _finite_thresholds(data: dict[str, Any], lines: dict[Path_, int], label: str) -> None:
    """JSON Schema's bounds let NaN through (every comparison with it is false)."""
    kinds: dict[str, Any] = data.get("types") or {}
    values: dict[Path_, Any] = {("threshold",): data.get("threshold")}
    for kind, rule in kinds.items():
        values[("types", kind, "threshold")] = (rule or {}).get("threshold")
    for path, value in values.items():
        if value is not None and not math.isfinite(value):
            raise PolicyError(f"{label} line {_line(lines, path)}: {_key(path)} must lie between 0 and 1")


def _build(data: dict[str, Any], lines: dict[Path_, int], label: str) -> Policy:
    _finite_thresholds(data, lines, label)
    rules: dict[EntityType, TypeRule] = {}
    for kind, spec in (data.get("types") or {}).items():
        rule = TypeRule(spec.get("operation"), spec.get("style"), spec.get("threshold"))
        path: Path_ = ("types", kind)
        if rule.style is not None and rule.operation not in {None, "mask"}:
            raise PolicyError(f"{label} line {_line(lines, (*path, 'style'))}: {_key(path, 'style')} goes "
                              f"with operation mask (styles: {', '.join(MASK_STYLES)})")
        if rule.style is not None and rule.operation is None:
            rule = TypeRule("mask", rule.style, rule.threshold)
        only = ONLY_FOR.get(rule.operation or "")
        if only is not None and kind != only:
            raise PolicyError(f"{label} line {_line(lines, (*path, 'operation'))}: operation "
                              f"{rule.operation} applies to {only} only, not {kind}")
        rules[EntityType(kind)] = rule
    allow = tuple(_entries(data.get("allow") or [], "allow", lines, label))
    deny = tuple(_entries(data.get("deny") or [], "deny", lines, label))
    return Policy(
        name=data.get("name") or Path(label).stem, source=data, threshold=data.get("threshold", 0.5),
        scope=data.get("scope"), clinical_allow_list=data.get("clinicalAllowList", True), rules=rules,
        allow_entries=allow, deny_entries=deny)


def _entries(items: list[dict[str, str]], section: str, lines: dict[Path_, int],
             label: str) -> Iterator[ListEntry]:
    for index, item in enumerate(items):
        kind = next(k for k in MATCH_KINDS if k in item)
        value = item[kind]
        if kind == "regex":
            try:
                re.compile(value)
            except re.error as exc:
                raise PolicyError(f"{label} line {_line(lines, (section, index))}: {section}[{index}].regex "
                                  f"does not compile ({exc.msg})") from None
            if re.fullmatch(value, ""):
                raise PolicyError(f"{label} line {_line(lines, (section, index))}: {section}[{index}].regex "
                                  "matches empty text")
        elif not any(c.isalnum() for c in value):
            raise PolicyError(f"{label} line {_line(lines, (section, index))}: {section}[{index}].{kind} "
                              "holds no letter or digit")
        yield ListEntry(kind, value, item.get("type"))
