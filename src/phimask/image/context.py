"""What only the image context reveals: rules for burned-in annotations.

Each rule adds PHI words to ``hits`` (word index -> PhiWord) and never removes one:

- ``known``: words matching values known to be PHI for this image (DICOM header: names,
  IDs, institution, dates and times in the formats banners print them; a word cut short
  with an ellipsis matches the start of a value).
- names: a capitalised first name + last name pair (name lexicons), a first name just
  before a found name, and every other occurrence of a found name's words.
- banners: the capitalised words just before a sex marker on a line with a date
  ("MARTIN CHAD [U] 01.01.2000"), a time right after a date, and the sex marker itself
  ("[M]", or a lone "M" between PHI words) - a quasi-identifier beside the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from phimask.image.boxes import Page, PhiWord

NAME, DATE, OTHER = "NAME", "DATE", "OTHER"
MARKER = re.compile(r"^(?=.*[\[\]()|])[\[(|lI1]?[MFUONW]{1,2}[\])|lI1J]?$")  # [M], [F], OCR'd as IF], [NM]
LONE_SEX = re.compile(r"^[MFU]$")
TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?([.,]\d+)?\s*([AaPp]\.?[Mm]\.?)?$")
DATE_LIKE = re.compile(r"^\d[\d./-]{4,}\d$")
_LEXICON_ZIPF = 5.5  # first+last name pairs: neither word more common than this


def add_context(page: Page, hits: dict[int, PhiWord], known: Sequence[tuple[str, str]]) -> None:
    """Apply every rule, in order (later rules see earlier rules' hits)."""
    rules: list[Callable[[Page, dict[int, PhiWord]], None]] = [
        lambda p, h: _known(p, h, known), _name_pairs, _first_names, _names_before_markers,
        _times_after_dates, _repeated_names, _sex_markers,
    ]
    for rule in rules:
        rule(page, hits)


def norm(text: str) -> str:
    """Upper-case letters and digits only."""
    return "".join(c for c in text.upper() if c.isalnum())


def _add(hits: dict[int, PhiWord], page: Page, index: int, kind: str, score: float, source: str) -> None:
    if index not in hits:
        hits[index] = PhiWord(page.words[index], kind, score, source)


def _neighbours(page: Page, index: int) -> Iterator[int]:
    """Indexes of the words just before and after ``index`` on its line."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(page.words) and page.lines[other] == page.lines[index]:
            yield other


# ---------------------------------------------------------------- known values (DICOM header)

def _known(page: Page, hits: dict[int, PhiWord], known: Sequence[tuple[str, str]]) -> None:
    tokens: dict[str, str] = {}
    dates: set[str] = set()
    times: set[str] = set()
    for kind, value in known:
        if kind == DATE:
            found_dates, found_times = date_forms(value)
            dates |= found_dates
            times |= found_times
            continue
        for token in re.split(r"[\s^=,;/\\]+", value):
            token = norm(token)
            if len(token) >= (2 if kind == NAME else 3):
                tokens[token] = kind
    for index, word in enumerate(page.words):
        found: str | None = tokens.get(norm(word.text)) or _prefix_match(word.text, tokens)
        digits = "".join(c for c in word.text if c.isdigit())
        if found is None and len(digits) >= 4:
            if ":" in word.text:
                found = DATE if digits in times else None
            elif DATE_LIKE.match(word.text.strip(".,;")):
                found = DATE if digits in dates else None
        if found:
            _add(hits, page, index, found, 0.99, "known")


def _prefix_match(text: str, tokens: dict[str, str]) -> str | None:
    """A word cut short with an ellipsis ("PATIENTFI..") matches the start of a token."""
    stripped = text.rstrip()
    if not stripped.endswith(("…", "..")):
        return None
    stem = norm(stripped.rstrip(".…'\\"))
    if len(stem) < 3:
        return None
    return next((kind for token, kind in tokens.items() if token.startswith(stem) and token != stem), None)


def date_forms(value: str) -> tuple[set[str], set[str]]:
    """Digit strings a DICOM DA, TM or DT value may be printed as, separators dropped:
    ``(dates, times)``; 20170302 -> 03022017, 02032017, 030217...; 172457 -> 172457, 052457."""
    value = "".join(c for c in value.split(".")[0] if c.isdigit())
    dates: set[str] = set()
    times: set[str] = set()
    is_date = len(value) >= 8 and value[:2] in {"18", "19", "20"}
    date, time = (value[:8], value[8:]) if is_date else ("", value)
    if len(date) == 8:
        y, m, d = date[:4], date[4:6], date[6:8]
        dates |= {y + m + d, m + d + y, d + m + y, m + d + y[2:], d + m + y[2:], y[2:] + m + d}
    if len(time) >= 4:
        hour, rest = int(time[:2]), time[2:6]
        for h in {hour, hour % 12 or 12}:
            times |= {f"{h:02d}{rest}", f"{h}{rest}", f"{h:02d}{rest[:2]}", f"{h}{rest[:2]}"}
    return dates, {t for t in times if len(t) >= 3}


# ---------------------------------------------------------------- names

def _capitalised(text: str) -> bool:
    letters = text.strip(".,;:")
    return letters.isalpha() and letters[:1].isupper()


def _name_pairs(page: Page, hits: dict[int, PhiWord]) -> None:
    from phimask.detect.lexicon import fold, lexicon

    lex = lexicon()
    for i in range(len(page.words) - 1):
        if page.lines[i] != page.lines[i + 1]:
            continue
        first, last = page.words[i].text.strip(".,;:"), page.words[i + 1].text.strip(".,;:")
        if not (_capitalised(first) and _capitalised(last)):
            continue
        if (fold(first) in lex.first_names and fold(last) in lex.last_names
                and max(lex.zipf(first), lex.zipf(last)) < _LEXICON_ZIPF):
            _add(hits, page, i, NAME, 0.8, "context")
            _add(hits, page, i + 1, NAME, 0.8, "context")


def _first_names(page: Page, hits: dict[int, PhiWord]) -> None:
    """'John' of 'John Constantine' when only 'Constantine' was found."""
    from phimask.detect.lexicon import fold, lexicon

    lex = lexicon()
    for index in sorted(hits):
        if hits[index].type != NAME or index == 0 or index - 1 in hits:
            continue
        before = page.words[index - 1].text
        if page.lines[index - 1] == page.lines[index] and _capitalised(before) \
                and fold(before.strip(".,;:")) in lex.first_names and lex.zipf(before) < _LEXICON_ZIPF:
            _add(hits, page, index - 1, NAME, hits[index].score, "context")


def _repeated_names(page: Page, hits: dict[int, PhiWord]) -> None:
    """Every other occurrence of a word of a found name."""
    names = {norm(h.word.text) for h in hits.values() if h.type == NAME and len(norm(h.word.text)) >= 3}
    for index, word in enumerate(page.words):
        if norm(word.text) in names:
            _add(hits, page, index, NAME, 0.8, "context")


# ---------------------------------------------------------------- banners

def _markers(page: Page) -> list[int]:
    return [i for i, w in enumerate(page.words) if MARKER.match(w.text.strip())]


def _names_before_markers(page: Page, hits: dict[int, PhiWord]) -> None:
    for marker in _markers(page):
        line = page.lines[marker]
        if not any(h.type == DATE and page.lines[i] == line for i, h in hits.items()):
            continue
        index = marker - 1
        while index >= 0 and marker - index <= 3 and page.lines[index] == line \
                and page.words[index].text.strip(",").isalpha() and page.words[index].text.isupper():
            _add(hits, page, index, NAME, 0.7, "context")
            index -= 1


def _times_after_dates(page: Page, hits: dict[int, PhiWord]) -> None:
    for index in sorted(hits):
        if hits[index].type == DATE:
            nxt = index + 1
            if nxt < len(page.words) and page.lines[nxt] == page.lines[index] \
                    and TIME.match(page.words[nxt].text):
                _add(hits, page, nxt, DATE, hits[index].score, "context")


def _sex_markers(page: Page, hits: dict[int, PhiWord]) -> None:
    """A bracketed marker beside PHI; a lone M/F/U with PHI within two words on both sides."""
    for index, word in enumerate(page.words):
        text = word.text.strip()
        if MARKER.match(text) and any(n in hits for n in _neighbours(page, index)):
            _add(hits, page, index, OTHER, 0.7, "context")
        elif LONE_SEX.match(text):
            line = page.lines[index]
            before = any(i in hits for i in (index - 1, index - 2) if i >= 0 and page.lines[i] == line)
            after = any(i in hits for i in (index + 1, index + 2)
                        if i < len(page.words) and page.lines[i] == line)
            if before and after:
                _add(hits, page, index, OTHER, 0.7, "context")
