"""The prefilter's shipped table: which regexes it covers, and how it is written.

Used by scripts/build_prefilter.py and the tests, never at run time."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from phimask.detect import embedded, names, patterns, places
from phimask.detect.lexicon import lexicon
from phimask.detect.prefilter import CheckSource, check_sources, table_key
from phimask.policy.lists import clinical_allow_entries


def detector_regexes() -> list[re.Pattern[str]]:
    """The detector's regexes: module-level ones, those in module-level tuples and lists, and
    those built from the lexicons on first use."""
    if not patterns._STREET:
        patterns._STREET.append(patterns._street_pattern())
        patterns._CORNER.append(patterns._corner_pattern())
    if not places._HEADS:
        places._HEADS.append(places._profession_heads(lexicon()))
    found: dict[int, re.Pattern[str]] = {}
    for module in (patterns, places, names, embedded):
        for value in vars(module).values():
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                for part in item if isinstance(item, tuple) else [item]:
                    if isinstance(part, re.Pattern):
                        found[id(part)] = part
    return sorted(found.values(), key=lambda regex: (regex.pattern, regex.flags))


def allow_list_regexes() -> list[re.Pattern[str]]:
    """The clinical allow-list's regex entries (checked window by window)."""
    return [re.compile(entry.value) for entry in clinical_allow_entries() if entry.kind == "regex"]


def table() -> dict[str, list[CheckSource]]:
    rows = {table_key(regex, True): check_sources(regex, True) for regex in detector_regexes()}
    for regex in allow_list_regexes():  # checked on a window, or on the whole text when short
        rows.update({table_key(regex, whole): check_sources(regex, whole) for whole in (True, False)})
    return rows


def write(path: Path) -> int:
    """Write the table (gzip, JSON); the number of regexes in it."""
    rows = table()
    path.write_bytes(gzip.compress(json.dumps(rows, sort_keys=True).encode(), mtime=0))
    return len(rows)
