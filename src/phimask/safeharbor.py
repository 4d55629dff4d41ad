"""HIPAA Safe Harbor generalization operators (45 CFR 164.514(b)(2)): pure functions on an entity's text.

``age_90_plus`` (AGE): ages over 89 become ``90+``, younger ages are kept.
``year_only`` (DATE): a date keeps only its year; years indicative of an age over 89 are
aggregated into ``<year> or earlier`` (``1936 or earlier`` in 2026); no year -> ``DATE``.
``zip3`` (ADDRESS): only the state and the first three digits of the ZIP code survive
(``000`` for the restricted prefixes); nothing of either -> ``ADDRESS``.

``OPERATORS`` maps each operator's policy name to its function, ``APPLIES_TO`` to the entity
types it accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from phimask.dateshift import _PATTERN, AGE_LIMIT, AGGREGATED_AGE, FALLBACK_YEAR, _parse

DATE_LABEL = "DATE"
ADDRESS_LABEL = "ADDRESS"

# Three-digit ZIP prefixes whose geographic units hold 20,000 or fewer people: Safe Harbor
# requires them to be replaced by 000. Source: HHS Office for Civil Rights, "Guidance Regarding
# Methods for De-identification of Protected Health Information in Accordance with the HIPAA
# Privacy Rule" (26 Nov 2012), section 3.3, computed from 2000 Census data. HHS says the list
# is to be revised with newer Census data; update it here if it is.
RESTRICTED_ZIP3 = ("036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831",
                   "878", "879", "884", "890", "893")
RESTRICTED_ZIP3_REPLACEMENT = "000"

# The 50 states and the District of Columbia (the shipped lexicon's us_states list, with USPS codes).
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}

_UNIT = "one|two|three|four|five|six|seven|eight|nine"
_TEEN = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_AGE_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\+?")
_OLD_AGE_WORDS = re.compile(
    rf"\b(?:(?:a|one|two)[\s-]+)?hundred(?:[\s-]+(?:and[\s-]+)?(?:(?:{_TENS})(?:[\s-]+(?:{_UNIT}))?"
    rf"|{_TEEN}|{_UNIT}))?\b|\bninety(?:[\s-]+(?:{_UNIT}))?\b",
    re.IGNORECASE,
)
_OLD_AGE_STEM = re.compile(r"ninety|hundred", re.IGNORECASE)

_STATE_NAME = "|".join(sorted((re.escape(n) for n in US_STATES.values()), key=len, reverse=True))
_STATE_CODE = "|".join(US_STATES)
_STATE = rf"(?:(?i:{_STATE_NAME})|(?:{_STATE_CODE}))"
_TAIL = r"(?:[\s,]+(?:USA|U\.S\.A\.?|US|U\.S\.?|(?i:United States(?: of America)?)))?[\s,.;]*"
# A ZIP code ends the text (a country may follow); not a box, apartment or suite number.
_ZIP_END = re.compile(
    rf"(?<![\w-])(?P<zip>\d{{5}})(?:-\d{{4}})?{_TAIL}$"
)
_NOT_ZIP_BEFORE = re.compile(r"(?:\b(?:box|apt|apartment|suite|ste|unit|room|rm|no)\.?|#)\s*$", re.IGNORECASE)
_STATE_BEFORE_ZIP = re.compile(rf"(?:^|[\s,])(?P<state>{_STATE})[\s,]*$")
_STATE_LAST = re.compile(rf"(?:^|,)\s*(?P<state>{_STATE})\.?{_TAIL}$")


def age_90_plus(text: str) -> str:
    """An age over 89 becomes ``90+`` (``92-year-old`` -> ``90+-year-old``, ``ninety-three`` ->
    ``90+``, ``95+`` -> ``90+``); younger ages are kept. Same rule as ``dateshift.safe_harbor_age``,
    but idempotent (``90+`` stays ``90+``) and spelled-out old ages inside longer text are replaced."""

    def number(m: re.Match[str]) -> str:
        return AGGREGATED_AGE if float(m.group().rstrip("+")) > AGE_LIMIT else m.group()

    out = _OLD_AGE_WORDS.sub(AGGREGATED_AGE, _AGE_NUMBER.sub(number, text))
    return AGGREGATED_AGE if _OLD_AGE_STEM.search(out) else out  # a spelling the pattern missed


def _years(text: str, today: date) -> list[int]:
    """The years written in ``text``'s dates (dates without one are skipped)."""
    years: list[int] = []
    for match in _PATTERN.finditer(text):
        found = _parse(match, FALLBACK_YEAR, today)
        if found is not None and found.value is not None \
                and any(f.kind in {"year4", "year2"} for f in found.fields):
            years.append(found.value.year)
    return years


def year_only(text: str, today: date | None = None) -> str:
    """A date's year only: ``2/11/1961`` -> ``1961``, ``March 3rd, 2019`` -> ``2019``.

    A year more than 89 years before ``today`` (indicative of an age over 89) is aggregated
    into ``f"{today.year - 90} or earlier"``, e.g. ``1930`` -> ``1936 or earlier`` in 2026.
    Text without a year (``3/4``, ``March 3rd``) or without a date gives ``DATE``. A range
    gives its distinct years joined by `` - `` (``2018-2019`` -> ``2018 - 2019``).
    """
    today = today or date.today()
    rendered: list[str] = []
    for year in _years(text, today):
        shown = f"{today.year - 90} or earlier" if today.year - year > AGE_LIMIT else str(year)
        if shown not in rendered:
            rendered.append(shown)
    return " - ".join(rendered) if rendered else DATE_LABEL


def _zip3(zip5: str) -> str:
    prefix = zip5[:3]
    return RESTRICTED_ZIP3_REPLACEMENT if prefix in RESTRICTED_ZIP3 else prefix


def zip3(text: str) -> str:
    """An address reduced to what Safe Harbor allows: the state and the ZIP code's first three
    digits (``000`` for the restricted prefixes), e.g. ``12 Elm St, Springfield, MA 01103`` ->
    ``MA 011``, ``01103-4421`` -> ``011``, ``Springfield, MA`` -> ``MA``. The state is kept as
    written: a state name (any case) or an upper-case USPS code, alone, right before the ZIP
    code, or as the last comma-separated part. Neither -> ``ADDRESS``."""
    text = text.strip()
    zip_match = _ZIP_END.search(text)
    if zip_match is not None and _NOT_ZIP_BEFORE.search(text[:zip_match.start()]):
        zip_match = None
    if zip_match is not None:
        state = _STATE_BEFORE_ZIP.search(text[:zip_match.start()])
        prefix = _zip3(zip_match.group("zip"))
        return f"{state.group('state')} {prefix}" if state else prefix
    state = _STATE_LAST.search(text)
    return state.group("state") if state else ADDRESS_LABEL


OPERATORS: dict[str, Callable[[str], str]] = {
    "age_90_plus": age_90_plus,
    "year_only": year_only,
    "zip3": zip3,
}

APPLIES_TO: dict[str, frozenset[str]] = {
    "age_90_plus": frozenset({"AGE"}),
    "year_only": frozenset({"DATE"}),
    "zip3": frozenset({"ADDRESS"}),
}
