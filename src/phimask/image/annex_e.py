"""The PS3.15 Annex E attribute table (package data) and its action vocabulary.

Actions: ``D`` replace with a dummy value of the VR, ``Z`` zero length (or a dummy),
``X`` remove, ``K`` keep (sequences cleaned), ``C`` clean (mask the PHI the text detector
finds), ``U`` replace a UID consistently. The table's combined actions are resolved to the
choice that keeps the object valid whatever the attribute's type in its IOD:
``X/Z`` -> ``Z``, ``X/D``, ``Z/D``, ``X/Z/D`` -> ``D``, ``X/Z/U*`` -> ``U*`` (keep the
sequence, replace the UIDs inside). Every other attribute is kept (``K``); private
attributes are removed. Unknown actions in the table or in overrides fail loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from phimask.errors import InputError

ACTIONS = frozenset({"D", "Z", "X", "K", "C", "U", "U*"})
COMBINED = {"X/Z": "Z", "X/D": "D", "Z/D": "D", "X/Z/D": "D", "X/Z/U*": "U*"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One table row: tags with ``tag & mask == self.tag`` take ``action``."""

    tag: int
    mask: int
    action: str
    table_action: str
    name: str


@dataclass(frozen=True)
class Profile:
    """Attribute actions by tag (exact rows first, then masked rows such as 60xx,3000)."""

    exact: dict[int, Rule]
    masked: tuple[Rule, ...]
    edition: str

    def rule(self, tag: int) -> Rule | None:
        found = self.exact.get(tag)
        if found is None:
            found = next((r for r in self.masked if tag & r.mask == r.tag), None)
        return found

    def __len__(self) -> int:
        return len(self.exact) + len(self.masked)


def resolve(action: str) -> str:
    """A table action as one action of the vocabulary."""
    chosen = COMBINED.get(action, action)
    if chosen not in ACTIONS:
        raise InputError(f"unknown DICOM profile action {action!r}: expected one of "
                         f"{', '.join(sorted(ACTIONS | set(COMBINED)))}")
    return chosen


@cache
def basic_profile() -> Profile:
    """The Basic Application Level Confidentiality Profile shipped in ``data/annex_e.csv``."""
    text = resources.files("phimask.image.data").joinpath("annex_e.csv").read_text("utf-8")
    exact: dict[int, Rule] = {}
    masked: list[Rule] = []
    edition = "?"
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            if "edition" in line:
                edition = line.split("edition", 1)[1].split(";", 1)[0].strip()
            continue
        try:
            tag_hex, mask_hex, action, name = line.split(",", 3)
            rule = Rule(int(tag_hex, 16), int(mask_hex, 16), resolve(action), action, name)
        except ValueError:
            raise InputError(f"annex_e.csv line {number} is malformed") from None
        if rule.mask == 0xFFFFFFFF:
            exact[rule.tag] = rule
        else:
            masked.append(rule)
    return Profile(exact, tuple(masked), edition)
