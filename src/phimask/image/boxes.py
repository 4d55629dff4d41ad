"""OCR words -> page text with offsets -> detector -> the words that hold PHI.

Words are laid out line by line: a space between the words of a field, a line break
between lines and between fields or columns set apart by a wide gap. A word ending in a
hyphen at the end of a line is joined to the first word of the next line without the
hyphen, so split words read as one. A word is PHI when its characters overlap an entity;
:mod:`phimask.image.context` then adds what only the image context reveals (burned-in
header values, sex markers beside a name...).

Detection runs under a policy (the shipped default unless one is given): its per-type
thresholds and deny-list apply to the page text; its allow-list also drops the words the
context rules add (never words matching known header values).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phimask.detect.base import Detector
from phimask.image.ocr import Word, group_lines, median_height
from phimask.pipeline import effective_policy, find_phi
from phimask.policy.lists import covering

if TYPE_CHECKING:
    from phimask.policy import Policy

COLUMN_GAP = 3.0  # text heights: a wider gap always separates columns
FIELD_GAP = 2.0   # times the line's median gap (and over 0.6 text heights): separates fields


@dataclass(frozen=True, slots=True)
class PhiWord:
    """An OCR word that holds PHI, with the entity type and score that made it so."""

    word: Word
    type: str
    score: float
    source: str = "detector"

    def to_dict(self) -> dict[str, Any]:
        return {**self.word.to_dict(), "type": self.type, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class Page:
    """The page text of OCR words: ``text[spans[i][0]:spans[i][1]]`` is word ``i`` (minus a
    line-end hyphen); ``lines[i]`` is the number of its visual line."""

    text: str
    words: tuple[Word, ...]
    spans: tuple[tuple[int, int], ...]
    lines: tuple[int, ...]


def build_page(words: Sequence[Word]) -> Page:
    """Lay ``words`` out as text, in reading order: a space between the words of a field,
    a line break between fields (wide gaps: "ELENA   MRN: ...", columns) and lines."""
    pieces: list[str] = []
    ordered: list[Word] = []
    spans: list[tuple[int, int]] = []
    rows: list[int] = []
    cursor = 0
    joined = False
    lines = group_lines(words)
    for row, line in enumerate(lines):
        breaks = _field_breaks(line)
        for index, word in enumerate(line):
            gap = "" if joined or not pieces else ("\n" if index in breaks else " ")
            text = word.text
            joined = index == len(line) - 1 and row + 1 < len(lines) and _hyphenated(text)
            if joined:
                text = text[:-1]
            pieces.extend((gap, text))
            cursor += len(gap)
            spans.append((cursor, cursor + len(text)))
            cursor += len(text)
            ordered.append(word)
            rows.append(row)
    return Page("".join(pieces), tuple(ordered), tuple(spans), tuple(rows))


def _field_breaks(line: Sequence[Word]) -> set[int]:
    """Indexes of the words of a line that start a new field or column (and 0)."""
    height = median_height(line)
    gaps = [line[i].left - line[i - 1].right for i in range(1, len(line))]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0
    return {0} | {i for i, gap in enumerate(gaps, start=1)
                  if gap > COLUMN_GAP * height or (gap > FIELD_GAP * usual and gap > 0.6 * height)}


def _hyphenated(text: str) -> bool:
    """A word broken at the line end: "Con-" (not "-" alone, not "2-")."""
    return len(text) > 2 and text.endswith("-") and text[-2].isalpha()


def find_phi_words(words: Sequence[Word], threshold: float | None = None, detector: Detector | None = None,
                   known: Sequence[tuple[str, str]] = (), policy: Policy | None = None) -> list[PhiWord]:
    """The PHI words of an image's OCR output, in reading order, under ``policy`` (default:
    the shipped one; ``threshold``, when given, as its default threshold). ``known`` holds
    ``(type, value)`` pairs known to be PHI for this image (e.g. DICOM header values)."""
    from phimask.image.context import add_context

    if not words:
        return []
    page = build_page(words)
    chosen = effective_policy(policy, threshold)
    entities = find_phi(page.text, threshold, detector, chosen) if page.text.strip() else []
    hits: dict[int, PhiWord] = {}
    for index, (begin, end) in enumerate(page.spans):
        entity = next((e for e in entities if e.begin < end and begin < e.end), None)
        if entity is not None:
            hits[index] = PhiWord(page.words[index], entity.type.value, entity.score)
    detected = set(hits)
    add_context(page, hits, known)
    allowed = chosen.allow.spans(page.text) if chosen.allow else []
    if allowed:
        covered = covering(allowed)
        hits = {i: hit for i, hit in hits.items() if i in detected or hit.source == "known"
                or not covered(*page.spans[i])}
    return [hits[i] for i in sorted(hits)]
