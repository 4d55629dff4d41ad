"""Date shifting that keeps each date's format, and Safe Harbor age aggregation.

One offset per scope (a patient, or a dataset): ``offset_days(salt)`` is derived from the
scope's secret salt, between 1 and 365 days back or forward (never 0), so every date of a
scope moves by the same number of days and the intervals between dates are kept.

``shift_dates(text, days, ref_year)`` finds the dates inside ``text`` and rewrites each in
its own format: ``11/12/2011``, ``Nov 12, 2011``, ``2011-11-12``, ``12 November 2011``,
``Tuesday, Nov. 12th``, ``11/12`` (no year: ``ref_year`` is assumed), ``11/98`` (month and
two-digit year), ``2011``, ``November``. Zero padding, month-name spelling (full, 3 or 4
letters), letter case, ordinal suffixes and weekdays follow the new date. Times and other
characters are kept. Parsing is done here rather than by a general date parser because the
output must reproduce each component of the input exactly.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from phimask.tokens import keyed_hash

MAX_SHIFT_DAYS = 365
AGE_LIMIT = 89  # Safe Harbor: ages over 89 are aggregated into one category
AGGREGATED_AGE = "90+"
FALLBACK_YEAR = 2000  # a leap year: m/d dates without a year context (29 Feb included)

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAY = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
            r"|sat(?:urday)?|sun(?:day)?)")
_ORD = r"(?:st|nd|rd|th)"
_PATTERN = re.compile(
    rf"(?<![\w])(?:(?P<wd>{_WEEKDAY})\.?,?\s+)?(?:"
    rf"(?P<mf>(?P<mf_m>{_MONTH})\.?\s+(?P<mf_d>\d{{1,2}})(?P<mf_o>{_ORD})?(?!\d)(?:,?\s+(?P<mf_y>\d{{4}}|'\d{{2}}))?(?!\d))"
    rf"|(?P<df>(?P<df_d>\d{{1,2}})(?P<df_o>{_ORD})?\s+(?:of\s+)?(?P<df_m>{_MONTH})\.?(?:,?\s+(?P<df_y>\d{{4}}))?(?!\d))"
    rf"|(?P<my>(?P<my_m>{_MONTH})\.?,?\s+(?P<my_y>\d{{4}}|'\d{{2}})(?!\d))"
    rf"|(?P<num>(?P<a>\d{{1,4}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?:(?P=sep)(?P<c>\d{{4}}|\d{{2}}))?(?!(?P=sep)\d)(?!\d))"
    rf"|(?P<compact>(?P<cy>(?:19|20)\d\d)(?P<cm>\d\d)(?P<cd>\d\d))(?!\d)"
    rf"|(?P<year>(?:1[89]\d\d|20\d\d)|'\d\d)(?!\d)"
    rf"|(?P<mo>{_MONTH})\.?(?![\w])"
    rf"|(?P<od>\d{{1,2}})(?P<od_o>{_ORD})(?![\w])"
    rf")(?!(?!T\d)[^\W\d_])",
    re.IGNORECASE,
)
_TWO_DIGITS = re.compile(r"\d\d")
_WEEKDAY_ONLY = re.compile(rf"(?<![\w])(?P<wd>{_WEEKDAY})\.?(?![\w])", re.IGNORECASE)
_MONTHS = [m.lower() for m in calendar.month_name]
_WEEKDAYS = [d.lower() for d in calendar.day_name]


def offset_days(salt: bytes) -> int:
    """The scope's shift in days: in [-365, -1] or [1, 365], from its secret salt."""
    n = int(keyed_hash(salt, "date-shift")[:12], 16) % (2 * MAX_SHIFT_DAYS)
    return n - MAX_SHIFT_DAYS if n < MAX_SHIFT_DAYS else n - MAX_SHIFT_DAYS + 1


@dataclass(frozen=True, slots=True)
class _Field:
    begin: int
    end: int
    kind: str  # year4 year2 month monthname day ordinal weekday


@dataclass(frozen=True, slots=True)
class _Found:
    begin: int
    end: int
    fields: tuple[_Field, ...]
    value: date | None  # None: a weekday alone
    precision: str  # day, month, year


def _month_number(name: str) -> int:
    lowered = name.lower().rstrip(".")
    return next(i for i, full in enumerate(_MONTHS) if i and full.startswith(lowered[:3]))


def _year(text: str, today: date) -> int:
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    century = 2000 if int(digits) <= today.year % 100 + 5 else 1900
    return century + int(digits)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _spans(m: re.Match[str], *names: tuple[str, str]) -> tuple[_Field, ...]:
    """Fields of the groups that matched (a two-digit year's apostrophe is not part of it)."""
    return tuple(_Field(m.start(g) + m.group(g).startswith("'"), m.end(g), kind)
                 for g, kind in names if m.group(g) is not None)


def _year_kind(text: str | None) -> str:
    return "year4" if text is not None and len(text.lstrip("'")) == 4 else "year2"


def _numeric(m: re.Match[str], ref_year: int, today: date) -> _Found | None:
    a, b, c = m.group("a"), m.group("b"), m.group("c")
    fields: list[tuple[str, str]]
    if len(a) == 4:  # YYYY-MM-DD or YYYY-MM
        if c is not None and len(c) != 2:
            return None
        value = _make(int(a), int(b), int(c) if c else 15)
        fields = [("a", "year4"), ("b", "month")] + ([("c", "day")] if c else [])
        precision = "day" if c else "month"
    elif len(a) > 2:
        return None
    elif c is not None:
        month_first = not (int(a) > 12 >= int(b))
        month, day = (int(a), int(b)) if month_first else (int(b), int(a))
        value = _make(_year(c, today), month, day)
        fields = [("a", "month" if month_first else "day"), ("b", "day" if month_first else "month"),
                  ("c", _year_kind(c))]
        precision = "day"
    elif int(b) > 31:
        return None
    elif int(a) > 12 >= int(b) and int(b) > 0:  # d/m
        value = _make(ref_year, int(b), int(a)) or _make(FALLBACK_YEAR, int(b), int(a))
        fields, precision = [("a", "day"), ("b", "month")], "day"
    else:  # m/d
        value = _make(ref_year, int(a), int(b)) or _make(FALLBACK_YEAR, int(a), int(b))
        fields, precision = [("a", "month"), ("b", "day")], "day"
    if value is None:
        return None
    return _Found(m.start("num"), m.end("num"), _spans(m, *fields), value, precision)


def _month_year(m: re.Match[str], ref_year: int, today: date) -> _Found | None:
    """A numeric m/yy (``11/98``) is read by ``_numeric`` as a m/d date unless the second
    number cannot be a day; here: ``Nov 2011`` and ``Nov '11``."""
    value = _make(_year(m.group("my_y"), today), _month_number(m.group("my_m")), 15)
    return _Found(m.start("my"), m.end("my"),
                  _spans(m, ("my_m", "monthname"), ("my_y", _year_kind(m.group("my_y")))), value, "month")


def _parse(m: re.Match[str], ref_year: int, today: date) -> _Found | None:
    weekday = _spans(m, ("wd", "weekday"))
    found: _Found | None
    if m.group("mf"):
        year = m.group("mf_y")
        value = _make(_year(year, today) if year else ref_year, _month_number(m.group("mf_m")),
                      int(m.group("mf_d")))
        if value is None and not year:
            value = _make(FALLBACK_YEAR, _month_number(m.group("mf_m")), int(m.group("mf_d")))
        fields = _spans(m, ("mf_m", "monthname"), ("mf_d", "day"), ("mf_o", "ordinal"),
                        ("mf_y", _year_kind(year)))
        found = _Found(m.start("mf"), m.end("mf"), fields, value, "day") if value else None
    elif m.group("df"):
        year = m.group("df_y")
        value = _make(int(year) if year else ref_year, _month_number(m.group("df_m")), int(m.group("df_d")))
        if value is None and not year:
            value = _make(FALLBACK_YEAR, _month_number(m.group("df_m")), int(m.group("df_d")))
        fields = _spans(m, ("df_d", "day"), ("df_o", "ordinal"), ("df_m", "monthname"), ("df_y", "year4"))
        found = _Found(m.start("df"), m.end("df"), fields, value, "day") if value else None
    elif m.group("my"):
        found = _month_year(m, ref_year, today)
    elif m.group("num"):
        found = _numeric(m, ref_year, today)
        if found is None and m.group("c") is None and len(m.group("a")) <= 2 and len(m.group("b")) == 2 \
                and 1 <= int(m.group("a")) <= 12:  # m/yy
            value = _make(_year(m.group("b"), today), int(m.group("a")), 15)
            found = _Found(m.start("num"), m.end("num"), _spans(m, ("a", "month"), ("b", "year2")),
                           value, "month") if value else None
    elif m.group("compact"):
        value = _make(int(m.group("cy")), int(m.group("cm")), int(m.group("cd")))
        fields = _spans(m, ("cy", "year4"), ("cm", "month"), ("cd", "day"))
        found = _Found(m.start("compact"), m.end("compact"), fields, value, "day") if value else None
    elif m.group("year"):
        text = m.group("year")
        found = _Found(m.start("year"), m.end("year"),
                       (_Field(m.start("year") + (1 if text.startswith("'") else 0), m.end("year"),
                               _year_kind(text)),), date(_year(text, today), 7, 2), "year")
    elif m.group("mo"):
        found = _Found(m.start("mo"), m.end("mo"), _spans(m, ("mo", "monthname")),
                       date(ref_year, _month_number(m.group("mo")), 15), "month")
    else:
        value = _make(ref_year, 1, int(m.group("od")))
        found = _Found(m.start("od"), m.end("od_o"), _spans(m, ("od", "day"), ("od_o", "ordinal")),
                       value, "day") if value else None
    if found is None:
        return None
    if weekday and found.precision == "day":
        return _Found(m.start(), found.end, weekday + found.fields, found.value, found.precision)
    return found


def _padded(text: str, others: list[str]) -> bool:
    """Keep a zero-padded width: '03' is padded; so is '11' when the date's other numeric
    fields all have two digits ('11/12' -> '01/17', but '12/3' -> '1/17')."""
    return len(text) == 2 and (text.startswith("0") or (bool(others) and all(len(o) == 2 for o in others)))


def _name_like(original: str, full: str) -> str:
    """``full`` (a month or weekday name) spelled like ``original``: full or 3-letter
    abbreviation ('Sept' for September when the original had 4 letters), and letter case."""
    stem = original.rstrip(".")
    if stem.lower() in _MONTHS or stem.lower() in _WEEKDAYS:
        short = full
    elif len(stem) >= 4 and full == "September":
        short = "Sept"
    else:
        short = full[:3]
    if stem.isupper() and len(stem) > 1:
        return short.upper()
    if stem.islower():
        return short.lower()
    return short[:1].upper() + short[1:].lower()


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _render_field(field: _Field, original: str, new: date, numeric: list[str]) -> str:
    """One field for the new date; ``numeric``: the date's other month/day fields."""
    if field.kind == "year4":
        return f"{new.year:04d}"
    if field.kind == "year2":
        return f"{new.year % 100:02d}"
    if field.kind in {"month", "day"}:
        number = new.month if field.kind == "month" else new.day
        return f"{number:02d}" if _padded(original, numeric) else str(number)
    if field.kind == "monthname":
        return _name_like(original, calendar.month_name[new.month])
    if field.kind == "ordinal":
        suffix = _ordinal(new.day)
        return suffix.upper() if original.isupper() else suffix
    return _name_like(original, calendar.day_name[new.weekday()])


def _render(text: str, found: _Found, days: int) -> str:
    assert found.value is not None
    new = found.value + timedelta(days=days)
    pieces, cursor = [], found.begin
    for field in found.fields:
        original = text[field.begin:field.end]
        others = [text[f.begin:f.end] for f in found.fields if f.kind in {"month", "day"} and f != field]
        pieces += [text[cursor:field.begin], _render_field(field, original, new, others)]
        cursor = field.end
    pieces.append(text[cursor:found.end])
    return "".join(pieces)


def shift_dates(text: str, days: int, ref_year: int | None = None, today: date | None = None) -> str | None:
    """``text`` with every date in it moved by ``days``, each in its own format; ``None``
    if ``text`` holds no date (the caller decides what to do with it)."""
    today = today or date.today()
    ref = ref_year or FALLBACK_YEAR
    pieces: list[str] = []
    cursor = 0
    for match in _PATTERN.finditer(text):
        found = _parse(match, ref, today)
        if found is None:
            continue
        pieces += [text[cursor:found.begin], _render(text, found, days)]
        cursor = found.end
    if not pieces and _TWO_DIGITS.fullmatch(text.strip()):  # "in 88": a two-digit year
        year = _year(text.strip(), today)
        new = (date(year, 7, 2) + timedelta(days=days)).year % 100
        return text.replace(text.strip(), f"{new:02d}")
    if not pieces:
        only = _WEEKDAY_ONLY.fullmatch(text.strip())
        if only is None:
            return None
        index = next(i for i, d in enumerate(_WEEKDAYS) if d.startswith(only.group("wd").lower()[:3]))
        name = _name_like(only.group("wd"), calendar.day_name[(index + days) % 7])
        start = text.index(only.group("wd"))
        return text[:start] + name + text[start + len(only.group("wd")):]
    pieces.append(text[cursor:])
    return "".join(pieces)


def parse_dates(text: str, ref_year: int | None = None, today: date | None = None) -> list[date]:
    """The full dates (day precision) found in ``text``; used to check intervals."""
    today = today or date.today()
    found = (_parse(m, ref_year or FALLBACK_YEAR, today) for m in _PATTERN.finditer(text))
    return [f.value for f in found if f is not None and f.value is not None and f.precision == "day"]


def years_in(text: str, today: date | None = None) -> list[int]:
    """Explicit four-digit years of the full dates in ``text`` (the year context of m/d dates)."""
    today = today or date.today()
    years: list[int] = []
    for match in _PATTERN.finditer(text):
        found = _parse(match, FALLBACK_YEAR, today)
        if found is not None and found.value is not None and any(f.kind == "year4" for f in found.fields):
            years.append(found.value.year)
    return years


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_OLD_WORDS = re.compile(r"\b(?:ninety|hundred)", re.IGNORECASE)


def safe_harbor_age(text: str) -> str:
    """An age over 89 becomes ``90+`` (its number only: ``92-year-old`` -> ``90+-year-old``);
    younger ages are kept, as HIPAA's Safe Harbor method allows."""
    if _OLD_WORDS.search(text) and not _NUMBER.search(text):
        return AGGREGATED_AGE
    return _NUMBER.sub(lambda m: AGGREGATED_AGE if float(m.group()) > AGE_LIMIT else m.group(), text)
