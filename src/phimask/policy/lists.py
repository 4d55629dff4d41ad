"""Allow- and deny-list matching: exact, case-insensitive and regex entries, found fast.

Literal entries are indexed by their first word, so a text is scanned once word by word
and only the entries starting with that word are tried there; regex entries run over the
whole text. Matches sit on word boundaries; inside a phrase any run of whitespace matches
any whitespace, and a straight apostrophe also matches a typographic one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from itertools import accumulate

from phimask.detect.prefilter import match_prefixes, possible, possible_in, word_starts

_WORD = re.compile(r"\w+")
_FIRST_WORD = re.compile(r"\W*(\w+)")
MATCH_KINDS = ("exact", "text", "regex")
CLINICAL_ALLOW_FILE = "clinical_allow.txt"


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One list entry: ``kind`` is exact (case-sensitive), text (case-insensitive) or regex
    (case-sensitive unless it says ``(?i)``); ``type`` is the entity type of a deny entry."""

    kind: str
    value: str
    type: str | None = None


def _phrase_pattern(phrase: str, ignore_case: bool) -> re.Pattern[str]:
    parts = [re.escape(word).replace("'", "['\u2019]") for word in phrase.split()]
    body = r"\s+".join(parts)
    start = r"(?<!\w)" if phrase[:1].isalnum() or phrase[:1] == "_" else ""
    end = r"(?!\w)" if phrase[-1:].isalnum() or phrase[-1:] == "_" else ""
    return re.compile(start + body + end, re.IGNORECASE if ignore_case else 0)


@dataclass(slots=True)
class PhraseList:
    """Entries compiled for matching; ``spans(text)`` lists their occurrences."""

    entries: tuple[ListEntry, ...]
    _by_first_word: dict[str, list[tuple[re.Pattern[str], ListEntry]]] = field(default_factory=dict)
    _anywhere: list[tuple[re.Pattern[str], ListEntry]] = field(default_factory=list)
    _leads: list[frozenset[str] | None] = field(default_factory=list)
    _prefixes: list[frozenset[str] | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        for entry in self.entries:
            if entry.kind == "regex":
                self._anywhere.append((re.compile(entry.value), entry))
                self._leads.append(word_leads(entry.value))
                self._prefixes.append(match_prefixes(entry.value))
                continue
            pattern = _phrase_pattern(entry.value, entry.kind == "text")
            first = _FIRST_WORD.match(entry.value)
            if first is None:  # no word character at all: try it everywhere
                self._anywhere.append((pattern, entry))
                self._leads.append(None)
                self._prefixes.append(None)
            else:
                self._by_first_word.setdefault(first.group(1).casefold(), []).append((pattern, entry))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def matches(self, text: str, near: Sequence[tuple[int, int]] | None = None
                ) -> list[tuple[int, int, ListEntry]]:
        """Every occurrence ``(begin, end, entry)``, sorted by offset; with ``near``, only
        those within ``NEAR`` characters of one of those spans (an allow-list only matters
        where something was found, and its regexes are what a scan costs)."""
        found: list[tuple[int, int, ListEntry]] = []
        for pos, endpos in [(0, len(text))] if near is None else _windows(text, near):
            self._scan(text, pos, endpos, found)
        found.sort(key=lambda item: (item[0], -item[1]))
        return found

    def _scan(self, text: str, pos: int, endpos: int, found: list[tuple[int, int, ListEntry]]) -> None:
        window = text[pos:endpos]
        words = _WORD.findall(window)
        firsts = self._by_first_word.keys() & {word.casefold() for word in words}
        for word in _WORD.finditer(text, pos, endpos) if firsts else ():
            if word.group().casefold() not in firsts:
                continue
            for pattern, entry in self._by_first_word[word.group().casefold()]:
                for start in _starts(text, word.start()):
                    hit = pattern.match(text, start)
                    if hit is not None and hit.end() > hit.start():
                        found.append((hit.start(), hit.end(), entry))
                        break
        starts = word_starts(map(str.lower, words))
        # in ASCII, str.lower() agrees with a case-blind regex, so the finer prefixes are exact
        skips = self._prefixes if window.isascii() else self._leads
        for (pattern, entry), leads in zip(self._anywhere, skips, strict=True):
            if (leads is not None and leads.isdisjoint(starts)) or not (
                    possible(pattern, text) if window is text else possible_in(pattern, window)):
                continue  # no word in the window begins the way every match must, or the text
                # lacks a string every match holds
            found.extend((m.start(), m.end(), entry) for m in pattern.finditer(text, pos, endpos)
                         if m.end() > m.start())

    def spans(self, text: str, near: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """The occurrences as ``(begin, end)`` pairs, sorted (``near``: as in ``matches``)."""
        return [(begin, end) for begin, end, _ in self.matches(text, near)]


_QUANTIFIERS = "?*{"
_META = "\\[](){}?*+.|^$"


def word_leads(pattern: str) -> frozenset[str] | None:
    """The lower-case 2-3 letter beginnings one of which every match of a regex starting with
    ``\\b`` must start with ("(?i)\\b(?:Crohn|Cushing)s ..." -> {"cro", "cus"}), or None when
    that cannot be read off the pattern (then the regex always runs)."""
    body = pattern[4:] if pattern.startswith("(?i)") else pattern
    if not body.startswith("\\b"):
        return None
    body = body[2:]
    if body.startswith("(?:"):
        depth, end = 0, -1
        for i, c in enumerate(body):
            if c == "(" and body[i - 1:i] != "\\":
                depth += 1
            elif c == ")" and body[i - 1:i] != "\\":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0 or body[end + 1:end + 2] in tuple(_QUANTIFIERS):
            return None  # unbalanced, or the whole group is optional
        alternatives, depth, current = [], 0, ""
        for c in body[3:end]:
            depth += (c == "(") - (c == ")")
            if c == "|" and depth == 0:
                alternatives.append(current)
                current = ""
            else:
                current += c
        alternatives.append(current)
    else:
        alternatives = [body]
    leads: set[str] = set()
    for alternative in alternatives:
        literal = ""
        for i, c in enumerate(alternative):
            if not c.isalnum():
                break
            if alternative[i + 1:i + 2] and alternative[i + 1] in _QUANTIFIERS:
                break  # an optional letter ends the literal part
            literal += c
        if len(literal) < 2:
            return None
        leads.add(literal[:3].lower())
    return frozenset(leads)


NEAR = 256  # characters around a found span where an allow-list phrase may still cover it


def _windows(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merged ``[pos, endpos)`` windows of ``NEAR`` characters around ``spans``, widened to
    whitespace so that no word is cut at a window's edge."""
    windows: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        pos, endpos = max(0, begin - NEAR), min(len(text), end + NEAR)
        while pos > 0 and not text[pos - 1].isspace():
            pos -= 1
        while endpos < len(text) and not text[endpos].isspace():
            endpos += 1
        if windows and pos <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], endpos))
        else:
            windows.append((pos, endpos))
    return windows


def _starts(text: str, word_start: int) -> Iterable[int]:
    """Where a phrase whose first word begins at ``word_start`` may begin: there, or just
    before it when the phrase starts with punctuation (e.g. "(Apgar")."""
    yield word_start
    if word_start > 0 and not text[word_start - 1].isspace():
        yield word_start - 1


def covering(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether ``[begin, end)`` lies inside one of ``spans`` (sorted by begin):
    some span starting at or before ``begin`` reaches ``end``. One bisection a test."""
    begins = [b for b, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))

    def covered(begin: int, end: int) -> bool:
        index = bisect_right(begins, begin)
        return index > 0 and reach[index - 1] >= end

    return covered


@lru_cache(maxsize=32)
def phrase_list(entries: tuple[ListEntry, ...]) -> PhraseList:
    """The compiled list of ``entries``, shared by every policy that has them (policies
    differing only in a threshold are built per request)."""
    return PhraseList(entries)


@cache
def clinical_allow_entries() -> tuple[ListEntry, ...]:
    """The shipped clinical allow-list (package data): phrases and ``re:`` patterns."""
    text = files("phimask.policy").joinpath("data", CLINICAL_ALLOW_FILE).read_text(encoding="utf-8")
    return tuple(parse_list_file(text.splitlines()))


def parse_list_file(lines: Iterable[str]) -> Iterable[ListEntry]:
    """Entries of a list file: ``#`` comments, ``re:`` regexes (case-insensitive), phrases."""
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("re:"):
            yield ListEntry("regex", "(?i)" + entry[3:].strip())
        else:
            yield ListEntry("text", entry)
