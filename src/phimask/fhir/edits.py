"""Removing object members from the canonical JSON text, commas included."""

from __future__ import annotations

from collections.abc import Sequence

from phimask.deid import Edit
from phimask.entities import EntityType
from phimask.fhir.jsontext import Layout, Path


def removal_edits(text: Layout, paths: Sequence[Path]) -> list[Edit]:
    """Edits that delete the members at ``paths``. Consecutive removed members are deleted
    as one run, with the comma before the run (or after it, for a run at the start)."""
    removed = {p for p in paths if p and isinstance(p[-1], str)}
    if not removed:
        return []
    parents = {p[:-1] for p in removed}
    members: dict[Path, list[Path]] = {parent: [] for parent in parents}
    for path in text.members:  # each object's members, in document order
        if path[:-1] in members:
            members[path[:-1]].append(path)
    edits: list[Edit] = []
    for ordered in members.values():
        ordered.sort(key=lambda p: text.members[p].begin)
        index = 0
        while index < len(ordered):
            if ordered[index] not in removed:
                index += 1
                continue
            last = index
            while last + 1 < len(ordered) and ordered[last + 1] in removed:
                last += 1
            first_span, last_span = text.members[ordered[index]], text.members[ordered[last]]
            if index > 0:
                begin, end = text.members[ordered[index - 1]].end, last_span.end
            elif last + 1 < len(ordered):
                begin, end = first_span.begin, text.members[ordered[last + 1]].begin
            else:
                begin, end = first_span.begin, last_span.end
            edits.append(Edit(begin, end, "", EntityType.OTHER))
            index = last + 1
    return edits
