"""The declarative rule table: element path -> action (``rules.json``, shipped with the
package; another table can be given). A table is checked against a fixed vocabulary when it
is loaded, so a misspelt action or type fails loudly instead of being ignored."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from phimask.entities import EntityType
from phimask.errors import InputError

FORMAT = "phimask-fhir-rules/1"
ACTIONS = frozenset({"keep", "remove", "id", "reference", "date-shift", "surrogate", "token", "text", "xhtml",
                     "contact", "address", "attachment"})
TYPED = frozenset({"surrogate", "token"})
_SEGMENT = re.compile(r"\*\*|\*|[A-Za-z][A-Za-z0-9_]*")


class RuleError(InputError):
    """A rule table that does not follow the vocabulary."""


@dataclass(frozen=True, slots=True)
class Rule:
    path: str
    action: str
    type: EntityType | None = None


def _segments(path: str) -> tuple[str, ...]:
    parts = tuple(path.split("."))
    if not parts or not all(_SEGMENT.fullmatch(p) for p in parts):
        raise RuleError("a rule path must be dotted element names, '*' or '**'")
    return parts


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(rest, path[i:]) for i in range(len(path) + 1))
    return bool(path) and (head in {"*", path[0]}) and _matches(rest, path[1:])


class RuleTable:
    """Rules in order; the first whose path matches a node decides its action."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = tuple(rules)
        self._patterns = tuple(_segments(r.path) for r in rules)
        self.match = lru_cache(maxsize=4096)(self._match)

    def _match(self, path: tuple[str, ...]) -> Rule | None:
        return next((r for r, p in zip(self.rules, self._patterns, strict=True) if _matches(p, path)), None)

    @classmethod
    def from_data(cls, data: Any) -> RuleTable:
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or not isinstance(data.get("rules"), list):
            raise RuleError(f'a rule table is an object with "format": "{FORMAT}" and a "rules" list')
        rules = []
        for number, item in enumerate(data["rules"], start=1):
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise RuleError(f"rule {number}: expected an object with a path")
            action = item.get("action")
            if action not in ACTIONS:
                raise RuleError(f"rule {number}: action must be one of: {', '.join(sorted(ACTIONS))}")
            kind = item.get("type")
            known = kind is None or kind in EntityType.__members__
            if (action in TYPED) != (kind is not None) or not known:
                raise RuleError(f"rule {number}: surrogate and token rules need an entity type, others none")
            if set(item) - {"path", "action", "type", "note"}:
                raise RuleError(f"rule {number}: unexpected fields; allowed: path, action, type, note")
            _segments(item["path"])
            rules.append(Rule(item["path"], action, EntityType(kind) if kind else None))
        return cls(rules)

    @classmethod
    def load(cls, path: Path) -> RuleTable:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise RuleError("the rule file cannot be read as JSON") from None
        return cls.from_data(data)


@cache
def default_rules() -> RuleTable:
    text = resources.files("phimask.fhir").joinpath("rules.json").read_text(encoding="utf-8")
    return RuleTable.from_data(json.loads(text))
