"""Skip whole-text regex scans that cannot match.

``scan(regex, text)`` is ``regex.finditer(text)``, except that it first looks in the text
for the strings every match must contain, read once per regex off CPython's regex parse
tree (the way RE2 and Hyperscan prefilter): when one required group of strings is absent,
the scan is skipped. Most of the detector's regexes are cue phrases, and a short text holds
few of them, so most scans of a short text end there.

Texts are compared lower-cased with lower-case strings, which covers case-blind regexes:
outside ASCII only four letters match an ASCII letter case-blind (İ ı ſ K), and a text
holding one of them is always scanned.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

try:  # CPython's own regex parser (private); without it every scan runs
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python
    sre = _parser = None

MAX_STRINGS = 512  # a group with more possible strings is not worth checking
COMMON_CHARS = frozenset(" \t\n.,;:-'\"()")  # nor one that may be a letter, digit or one of these
MAX_GROUPS = 2  # required groups checked per regex, longest first
BOUNDARY = "\x00"  # stands for \b in a required string (lower() keeps every letter a letter, but İ)
ASCII_LOOKALIKES = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ K match i, i, s, k case-blind

WORD = re.compile(r"\w+")
HEAD = re.compile(r"\w{1,3}")

# a required group: the beginnings (up to 3 letters) of the words one of its strings must
# open, when each string opens a word (a cheap first test), and a search for its strings
Check = tuple[frozenset[str] | None, Callable[[str], object]]
# by id(regex), as hashing a compiled regex hashes its whole program; the regex is kept to own the id
_checks: dict[int, tuple[re.Pattern[str], tuple[Check, ...]]] = {}
# for a window: without what lookarounds see, which may lie outside it
_window_checks: dict[int, tuple[re.Pattern[str], tuple[Check, ...]]] = {}
# the latest text, its lower-case form (None: always scan) and its words' 1-3 letter beginnings
_last: tuple[str, str | None, set[str]] = ("", None, set())


def scan(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)``, or nothing at once when a required string is absent."""
    return regex.finditer(text) if possible(regex, text) else iter(())


def search(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``regex.search(text)``, or None at once when a required string is absent."""
    return regex.search(text) if possible(regex, text) else None


def possible(regex: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> bool:
    """False when ``regex`` cannot match in ``text`` (between ``pos`` and ``endpos``, as
    finditer reads them), as a string it requires is absent."""
    if not pos and (endpos is None or endpos >= len(text)):
        entry = _checks.get(id(regex)) or _add(regex, True)
        return _holds(entry[1], text)
    return possible_in(regex, text[pos:endpos])


def possible_in(regex: re.Pattern[str], window: str) -> bool:
    """``possible`` for a window already cut out of a text: only its own characters count
    (what a lookaround sees may lie outside it), so a scan of a window costs a window."""
    entry = _window_checks.get(id(regex)) or _add(regex, False)
    return _holds(entry[1], window)


def _holds(checks: tuple[Check, ...], text: str) -> bool:
    if checks:
        last = _last if _last[0] is text else _remember(text)
        lowered = last[1]
        if lowered is not None:
            for heads, search in checks:
                if (heads is not None and heads.isdisjoint(last[2])) or search(lowered) is None:
                    return False
    return True


def _add(regex: re.Pattern[str], lookarounds: bool) -> tuple[re.Pattern[str], tuple[Check, ...]]:
    sources = _shipped().get(table_key(regex, lookarounds))
    if sources is None:
        sources = check_sources(regex, lookarounds)
    checks = tuple((None if heads is None else frozenset(heads), re.compile(source).search)
                   for heads, source in sources)
    entry = (_checks if lookarounds else _window_checks)[id(regex)] = (regex, checks)
    return entry


CheckSource = tuple[list[str] | None, str]  # word beginnings (sorted) or None, and a search's regex
TABLE = "prefilter.json.gz"  # in phimask/detect/data: the shipped regexes' checks


def check_sources(regex: re.Pattern[str], lookarounds: bool = True) -> list[CheckSource]:
    """What ``regex``'s checks are made of (``lookarounds``: as for the whole text)."""
    sources: list[CheckSource] = [
        (None if heads is None else sorted(heads), _any_of(group))
        for group in required_strings(regex, lookarounds) for heads in [_heads(group)]]
    guard = guard_source(regex) if lookarounds else None  # a window would cut what a lookbehind sees
    return [*sources, (None, guard)] if guard else sources


GUARDED_STARTS = (r"\d", r"(?:\d", r"\+", r"(?:\+", r"\(", r"(?:\(", "'", "(?:'")
INLINE_FLAGS = ((re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"), (re.ASCII, "a"))


def guard_source(regex: re.Pattern[str]) -> str | None:
    """A cheaper regex every match of ``regex`` also matches, or None: the pattern without the
    lookbehinds and word boundaries it opens with, made case-blind (it searches the lower-cased
    text), when what is left opens with a digit, '+', '(' or an apostrophe. CPython's engine
    tries a pattern that opens with a lookbehind at every position; one that opens with a digit
    class it skips to the next digit, so on a note with few matches the guard costs a fraction
    of the scan it spares."""
    pattern = regex.pattern
    stripped = _strip_leading_assertions(pattern)
    if stripped == pattern or not stripped.startswith(GUARDED_STARTS) or "(?-" in stripped:
        return None  # a case-bound part ('(?-i:...)') could not match the lower-cased text
    if stripped.startswith("(?:"):
        end = _group_end(stripped)
        if end is None or stripped[end:end + 1] in ("?", "*") or stripped[end:end + 2] == "{0":
            return None  # an optional first group: the match may open with anything
    flags = "i" + "".join(letter for flag, letter in INLINE_FLAGS if regex.flags & flag)
    source = f"(?{flags}){stripped}"
    try:
        re.compile(source)
    except re.error:
        return None
    return source


def _strip_leading_assertions(pattern: str) -> str:
    """``pattern`` without the ``\\b`` and lookbehind groups it opens with."""
    while True:
        if pattern.startswith("\\b"):
            pattern = pattern[2:]
        elif pattern.startswith(("(?<!", "(?<=")):
            end = _group_end(pattern)
            if end is None:
                return pattern
            pattern = pattern[end:]
        else:
            return pattern


def _group_end(pattern: str) -> int | None:
    """The index after the group that opens ``pattern`` (escapes and classes skipped)."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i += 1
            if pattern[i:i + 1] == "^":
                i += 1
            if pattern[i:i + 1] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def table_key(regex: re.Pattern[str], lookarounds: bool) -> str:
    source = f"{int(lookarounds)}:{regex.flags}:{regex.pattern}"
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@cache
def _shipped() -> dict[str, list[CheckSource]]:
    """The checks of the shipped regexes, read off their parse trees when the package was
    built (scripts/build_prefilter.py): parsing 150 regexes costs about 150 ms, once per
    process. A regex missing from the table (changed, or a policy's own) is read here."""
    try:
        data = resources.files("phimask.detect.data").joinpath(TABLE).read_bytes()
    except FileNotFoundError:
        return {}
    table: dict[str, list[CheckSource]] = json.loads(gzip.decompress(data))
    return table


def _heads(group: frozenset[str]) -> frozenset[str] | None:
    heads: set[str] = set()
    for string in group:
        head = HEAD.match(string.lstrip(BOUNDARY))
        if not string.startswith(BOUNDARY) or head is None:
            return None
        heads.add(head.group())
    return frozenset(heads)


def _remember(text: str) -> tuple[str, str | None, set[str]]:
    global _last
    lowered = text.lower() if text.isascii() or ASCII_LOOKALIKES.isdisjoint(text) else None
    _last = (text, lowered, word_starts(WORD.findall(lowered or "")))
    return _last


def word_starts(words: Iterable[str]) -> set[str]:
    """The 1- to 3-letter beginnings of ``words`` (lower-case already)."""
    return {word[:size] for word in words for size in (1, 2, 3)}


def _any_of(strings: frozenset[str]) -> str:
    """A regex finding any of ``strings``, as a trie ('ab|ac' -> 'a(?:b|c)'); a string that
    another one begins is left out, as finding the shorter one is enough."""
    trie: dict[str, Any] = {}
    for string in sorted(strings, key=len):
        node = trie
        for char in string:
            if node.get("") is not None:
                break  # a shorter string ends here
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [(r"\b" if char == BOUNDARY else re.escape(char)) + _trie_regex(child)
                for char, child in sorted(node.items()) if char]
    if len(branches) == 1:
        return branches[0]
    return f"(?:{'|'.join(branches)})" if branches else ""


def required_strings(regex: re.Pattern[str], lookarounds: bool = True) -> list[frozenset[str]]:
    """Groups of lower-case strings such that every match of ``regex`` contains one string of
    each group (or, with ``lookarounds``, a lookaround sees one), the groups with the longest
    shortest string first (at most MAX_GROUPS; none when the parse tree is not understood)."""
    if _parser is None:
        return []
    try:
        groups = _required(list(_parser.parse(regex.pattern, regex.flags)), lookarounds=lookarounds)
    except (AttributeError, TypeError, ValueError, IndexError, RecursionError):
        return []  # a parser that changed shape: always scan
    kept: list[frozenset[str]] = []
    for group in sorted(set(groups), key=lambda group: (-_strength(group), sorted(group))):
        if not any(all(any(need in string for need in group) for string in other) for other in kept):
            kept.append(group)  # unless a kept group's every string holds one of this group's
    return kept[:MAX_GROUPS]


def _required(nodes: list[Any], lead: frozenset[str] = frozenset({""}), lookarounds: bool = True
              ) -> list[frozenset[str]]:
    """Required groups of a node sequence: runs of consecutive nodes with few possible
    strings, and the required groups inside groups and repeats that must match (``lead``:
    the strings right before the sequence)."""
    found: list[frozenset[str]] = []
    run: set[str] = set(lead)

    def close() -> None:
        if _selective(run):
            found.append(frozenset(run))

    for kind, value in nodes:
        if kind is sre.ASSERT and lookarounds:  # what a lookaround sees is in the text too
            found += _required(list(value[1]))
        strings = _strings(kind, value)
        joined = None if strings is None else _product(run, strings)
        if joined is not None:
            run = joined
            continue
        close()
        before = frozenset(run)
        run = {""} if strings is None else strings
        if kind is sre.SUBPATTERN:
            found += _required(list(value[-1]), before, lookarounds)
        elif kind in (sre.MAX_REPEAT, sre.MIN_REPEAT) and value[0] >= 1:
            found += _required(list(value[2]), before, lookarounds)
        elif kind is sre.BRANCH:  # a match holds a string of its branch's best group
            either = _union(_best(list(branch), before, lookarounds) for branch in value[1])
            if either is not None and _selective(either):
                found.append(frozenset(either))
    close()
    return found


def _selective(strings: set[str]) -> bool:
    """Worth looking for: no string is empty, one letter or digit, or one common mark."""
    return bool(strings) and all(
        len(bare) > 1 or (bare and not bare.isalnum() and bare not in COMMON_CHARS)
        for bare in (s.replace(BOUNDARY, "") for s in strings))


def _strength(group: Iterable[str]) -> int:
    return min(map(len, group))  # a word boundary counts as a character


def _best(nodes: list[Any], lead: frozenset[str], lookarounds: bool) -> set[str] | None:
    groups = _required(nodes, lead, lookarounds)
    return set(max(groups, key=_strength)) if groups else None


def _strings(kind: Any, value: Any) -> set[str] | None:
    """Every lower-case string a node can match, or None when they are many or unknown."""
    if kind is sre.LITERAL:
        char = chr(value)
        return {char.lower()} if char.isascii() else None
    if kind is sre.AT:
        return {BOUNDARY if value is sre.AT_BOUNDARY else ""}
    if kind in (sre.ASSERT, sre.ASSERT_NOT):
        return {""}  # zero width
    if kind is sre.IN:
        return _class_strings(value)
    if kind is sre.SUBPATTERN:
        return _sequence(value[-1])
    if kind is sre.BRANCH:
        return _union(_sequence(branch) for branch in value[1])
    if kind in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = value
        once = _sequence(body)
        if once is None or high > 2:
            return None
        rounds: set[str] = {""}
        options = {""} if low == 0 else set()
        for count in range(1, high + 1):
            product = _product(rounds, once)
            if product is None:
                return None
            rounds = product
            if count >= low:
                options |= rounds
        return options if len(options) <= MAX_STRINGS else None
    return None


def _class_strings(items: Any) -> set[str] | None:
    chars = _class_chars(items, MAX_STRINGS - 1)
    if chars is None or not all(char.isascii() for char in chars):
        return None
    lowered = {char.lower() for char in chars}
    return lowered if len(lowered) <= MAX_STRINGS else None


def _sequence(nodes: Iterable[Any]) -> set[str] | None:
    strings: set[str] | None = {""}
    for kind, value in nodes:
        part = _strings(kind, value)
        strings = None if part is None or strings is None else _product(strings, part)
        if strings is None:
            return None
    return strings


PREFIX = 3  # letters of a match's beginning that match_prefixes reads


def match_prefixes(pattern: str) -> frozenset[str] | None:
    """The lower-case ASCII beginnings (1-3 letters or digits) one of which every match of a
    regex starting with ``\\b`` must start with, read off its parse tree ("(?i)\\b(?:E?GA|PMA)"
    -> {"ega", "ga", "pma"}), or None when a match may start otherwise. Only exact for ASCII
    text: elsewhere a case-blind regex and str.lower() may disagree ("ſ" matches "s")."""
    if _parser is None:
        return None  # another Python: the entry is always tried
    try:
        tree = list(_parser.parse(pattern))
        if not tree or tree[0] != (sre.AT, sre.AT_BOUNDARY):
            return None
        found = _prefixes(tree[1:], "")
    except (AttributeError, TypeError, ValueError, RecursionError):
        return None  # a parser that changed shape: no prefixes, the entry is always tried
    return None if found is None else frozenset(found)


def _prefixes(nodes: list[Any], begun: str) -> set[str] | None:
    """The beginnings a match of ``nodes`` has after ``begun``: None if one can be empty or
    unknown, and a beginning ends at PREFIX letters, at the nodes' end or at a node not
    followed here (a class of words, a lookaround, a repeat after its first round)."""
    cut = {begun} if begun else None
    if len(begun) == PREFIX or not nodes:
        return cut
    (kind, value), rest = nodes[0], nodes[1:]
    if kind is sre.AT:  # zero width
        return _prefixes(rest, begun)
    if kind is sre.SUBPATTERN:
        return _prefixes([*value[-1], *rest], begun)
    if kind is sre.BRANCH:
        return _union((_prefixes([*branch, *rest], begun) for branch in value[1]), None)
    if kind in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = value
        once = _prefixes([*body, *rest] if high == 1 else list(body), begun)  # else: cut after a round
        return _union([once, _prefixes(rest, begun)], None) if low == 0 else once
    chars = _plain_chars(kind, value)
    if chars is None:
        return cut
    return _union((_prefixes(rest, begun + char.lower()) for char in chars), None)


def _plain_chars(kind: Any, value: Any) -> set[str] | None:
    """The ASCII letters and digits a literal or a small class stands for, else None."""
    chars = {chr(value)} if kind is sre.LITERAL else _class_chars(value, 36) if kind is sre.IN else None
    return chars if chars is not None and all(c.isascii() and c.isalnum() for c in chars) else None


def _class_chars(items: Any, widest: int) -> set[str] | None:
    """The characters a class of literals and ranges (none wider than ``widest``) stands for;
    None for a negated class, a category (\\w, \\s) or a wider range."""
    chars: set[str] = set()
    for item, arg in items:
        low, high = (arg, arg) if item is sre.LITERAL else arg if item is sre.RANGE else (1, 0)
        if high < low or high - low > widest:
            return None
        chars.update(chr(code) for code in range(low, high + 1))
    return chars


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > MAX_STRINGS:
        return None
    return {a + b for a in left for b in right}


def _union(parts: Iterable[set[str] | None], limit: int | None = MAX_STRINGS) -> set[str] | None:
    found: set[str] = set()
    for part in parts:
        if part is None:
            return None
        found |= part
    return found if limit is None or len(found) <= limit else None
