"""Addresses and other places. US city / state / ZIP tails become another valid combination
from the shipped table (the city decides the row, so ``Boston`` alone and ``Boston, MA
02115`` get the same surrogate city); street lines keep their number of digits, their
directionals, unit words and suffix style (``St`` stays abbreviated); facility and ward
names keep their generic words (``General Hospital``) and replace the proper ones."""

from __future__ import annotations

import re

from phimask.entities import replace_spans
from phimask.surrogates.atoms import Atoms
from phimask.surrogates.data import ANGLO, names, places
from phimask.surrogates.shapes import UPPER, KeyedRandom, case_like, shape_like

SUFFIXES = {
    "street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln",
    "court": "ct", "place": "pl", "terrace": "ter", "circle": "cir", "parkway": "pkwy", "highway": "hwy",
    "square": "sq", "trail": "trl", "plaza": "plz", "way": "way", "row": "row", "crescent": "cres",
}
_SUFFIX_ABBREVIATIONS = {abbr: full for full, abbr in SUFFIXES.items()} | {"av": "avenue", "str": "street"}
DIRECTIONALS = frozenset({"n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west",
                          "northeast", "northwest", "southeast", "southwest"})
UNITS = frozenset({"apt", "apartment", "suite", "ste", "unit", "floor", "fl", "room", "rm", "bldg",
                   "building", "po", "p", "o", "box", "lot", "dept", "no", "number"})
GENERIC = frozenset({
    "hospital", "hospitals", "medical", "center", "centre", "clinic", "clinics", "general", "memorial",
    "university", "health", "healthcare", "care", "nursing", "home", "rehab", "rehabilitation", "institute",
    "children's", "childrens", "women's", "womens", "community", "regional", "county", "city", "hospice",
    "ward", "wing", "tower", "pavilion", "campus", "school", "college", "church", "of", "the", "and", "at",
    "in", "for", "on", "saint", "st", "mount", "mt", "lake", "valley", "heights", "park", "village", "town",
    "state", "states", "united", "district", "province", "region", "icu", "er", "ed", "or", "pacu", "nicu",
    "picu", "ccu", "micu", "sicu", "facility", "house", "residence", "shelter", "station",
    "inc", "llc", "ltd", "corp", "corporation", "company", "co", "group", "associates", "partners", "bank",
    "insurance", "pharmacy", "laboratory", "laboratories", "labs", "services", "systems", "foundation",
    "practice", "office", "department", "dept", "unit", "floor", "room", "suite", "apt", "building",
    "assisted", "living", "senior", "skilled", "long", "term", "acute", "manor", "villa", "gardens", "lodge",
    "retirement", "behavioral", "psychiatric", "surgical", "surgery", "cancer", "heart", "eye", "dental",
}) | DIRECTIONALS | frozenset(SUFFIXES) | frozenset(_SUFFIX_ABBREVIATIONS)
_ZIP = re.compile(r"(?P<zip>\d{5})(?P<plus4>-\d{4})?")
_TAIL = re.compile(  # the last line or comma-separated part holds "City, ST 12345"
    r"(?:^|(?<=[\n,]))\s*(?P<city>[^\W\d_][^\n,\d]*?)(?P<gap>,?\s+)"
    r"(?P<state>[A-Z]{2}\b|[A-Za-z][A-Za-z ]+?)\.?"
    r"(?:\s*,?\s*(?P<zip>\d{5})(?P<plus4>-\d{4})?)?\s*$")
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th|[A-Za-z](?![A-Za-z]))?|[^\W\d_][^\W\d]*(?:['’][^\W\d_]+)*")


def _city_row(city: str, atoms: Atoms) -> tuple[str, str, tuple[str, ...]]:
    rows = places().cities
    drawn = atoms.get("city", city, lambda rng: "|".join(rng.choice(rows)[:2]))
    name, state = drawn.split("|")
    return next(r for r in rows if r[0] == name and r[1] == state)


def _state(value: str, atoms: Atoms) -> str:
    table = places().states
    abbr = atoms.get("state", value, lambda rng: rng.choice(sorted(table)))
    if len(value) == 2:
        return abbr if value.isupper() else abbr.lower()
    return case_like(value, table[abbr])


def _zip(value: str, atoms: Atoms, zips: tuple[str, ...] | None = None, context: str = "") -> str:
    match = _ZIP.fullmatch(value)
    if match is None:
        return value
    pool = zips or places().all_zips
    chosen = atoms.get("zip", f"{context}|{match['zip']}", lambda rng: rng.choice(pool), claim=False)
    plus4 = match["plus4"]
    if plus4:
        chosen += atoms.get("zip4", plus4, lambda rng: shape_like(plus4, rng), claim=False)
    return chosen


def _is_state(text: str) -> bool:
    table = places()
    return text in table.states or text.casefold() in table.state_names


def render_address(value: str, atoms: Atoms) -> str:
    """A surrogate address in the shape of ``value``."""
    text = value.strip()
    if _ZIP.fullmatch(text):
        return value.replace(text, _zip(text, atoms))
    if _is_state(text) and (len(text) > 2 or text.isupper()):
        return value.replace(text, _state(text, atoms))
    if text.casefold() in {c.casefold() for c in places().countries}:
        return value.replace(text, case_like(text, atoms.get("country", text,
                                                            lambda rng: rng.choice(places().countries))))
    tail = _TAIL.search(value)
    if tail and _is_state(tail["state"]) and (len(tail["state"]) > 2 or tail["state"].isupper()) \
            and (tail["zip"] or tail["gap"].startswith(",")):
        return _render_tail(value, tail, atoms)
    if text[:1].isdigit():
        return render_street(value, atoms)
    return render_words(value, atoms, "city")


def _render_tail(value: str, tail: re.Match[str], atoms: Atoms) -> str:
    """``... City, ST 12345``: city, state and ZIP from one row of the table."""
    city_text = tail["city"].strip()
    city_start = tail.start("city") + tail["city"].index(city_text)
    city, state, zips = _city_row(city_text, atoms)
    new_state = _state_of_row(tail["state"], state)
    edits = [(city_start, city_start + len(city_text), case_like(city_text, city)),
             (tail.start("state"), tail.end("state"), new_state)]
    if tail["zip"]:
        end = tail.end("plus4") if tail["plus4"] else tail.end("zip")
        new_zip = _zip(value[tail.start("zip"):end], atoms, zips, f"{city}|{state}")
        edits.append((tail.start("zip"), end, new_zip))
    head = value[:city_start]
    if any(c.isalnum() for c in head):
        head = render_street(head, atoms)
    moved = [(b - city_start, e - city_start, n) for b, e, n in edits]
    return head + replace_spans(value[city_start:], moved)


def _number(token: str, atoms: Atoms) -> str:
    digits = re.match(r"\d+", token)
    assert digits is not None
    number = atoms.get("house", digits.group(), lambda rng: shape_like(digits.group(), rng), claim=False)
    rest = token[digits.end():]
    if rest.lower() in {"st", "nd", "rd", "th"}:
        n = int(number)
        suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        rest = suffix.upper() if rest.isupper() else suffix
    return number + rest


def _suffix(word: str, atoms: Atoms) -> str:
    folded = word.casefold()
    abbreviated = folded in _SUFFIX_ABBREVIATIONS
    full = _SUFFIX_ABBREVIATIONS.get(folded, folded)
    drawn = atoms.get("suffix", full, lambda rng: rng.choice(sorted(SUFFIXES)), claim=False)
    return case_like(word, (SUFFIXES[drawn] if abbreviated else drawn).title())


def _street_word(word: str, atoms: Atoms) -> str:
    pool = names().pool(ANGLO, "last")
    return case_like(word, atoms.get("street", word, lambda rng: rng.choice(pool)))


def render_street(value: str, atoms: Atoms) -> str:
    """A street line: house number, name words, suffix and unit, each in its own shape."""
    def token(match: re.Match[str]) -> str:
        word = match.group()
        folded = word.casefold().rstrip(".")
        if word[0].isdigit():
            return _number(word, atoms)
        if folded in DIRECTIONALS or folded in UNITS:
            return word
        if folded in SUFFIXES or folded in _SUFFIX_ABBREVIATIONS:
            return _suffix(word, atoms)
        return _street_word(word, atoms)

    return _TOKEN.sub(token, value)


def _run_surrogate(run: str, atoms: Atoms, namespace: str) -> str:
    if run[-2:] in {"'s", "’s"} and len(run) > 3:  # St. Mary's: the possessive stays
        return _run_surrogate(run[:-2], atoms, namespace) + run[-2:]
    if _is_state(run) and len(run) > 2:
        return _state(run, atoms)
    if len(run) <= 5 and run.isupper() and " " not in run:  # an acronym: GH, MGH
        return atoms.get("acronym", run, lambda rng: "".join(rng.choice(UPPER) for _ in run))
    if namespace == "city":
        return case_like(run, _city_row(run, atoms)[0])
    pool = names().pool(ANGLO, "last")
    return case_like(run, atoms.get(namespace, run, lambda rng: _org_name(rng, pool, run)))


def _org_name(rng: KeyedRandom, pool: tuple[str, ...], run: str) -> str:
    return " ".join(rng.choice(pool) for _ in run.split())


def render_words(value: str, atoms: Atoms, namespace: str) -> str:
    """Facility, ward and organisation names: runs of proper words replaced as a whole
    (a city for places, surnames for organisations); generic words, lower-case words of a
    mixed-case name, and the shape of numbers are kept."""
    pieces: list[str] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        if run:
            text = value[run[0].start():run[-1].end()]
            pieces.append(_run_surrogate(text, atoms, namespace))
            run.clear()

    cursor = 0
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    for match in _TOKEN.finditer(value):
        word = match.group()
        gap = value[cursor:match.start()]
        if run and gap != " ":
            flush()
        if word[0].isdigit():
            flush()
            pieces += [gap, _number(word, atoms)]
        elif word.casefold().rstrip(".'’s") in GENERIC or word.casefold() in GENERIC \
                or (mixed_case and word.islower()):  # "Carpenter Assisted living": common words
            flush()
            pieces += [gap, word]
        else:
            if not run:
                pieces.append(gap)
            run.append(match)
        cursor = match.end()
    flush()
    pieces.append(value[cursor:])
    return "".join(pieces)


def render_parts(parts: dict[str, str], atoms: Atoms) -> dict[str, str]:
    """A structured address (FHIR ``Address``): ``line0``, ``line1``..., ``city``,
    ``district``, ``state``, ``postalCode``, ``country``, ``text``. A US city, state and ZIP
    come from one row of the table; the country is kept."""
    row = _city_row(parts["city"], atoms) if parts.get("city") else None
    out: dict[str, str] = {}
    for key, value in parts.items():
        if key == "city" and row:
            out[key] = case_like(value, row[0])
        elif key == "state" and _is_state(value):
            out[key] = _state_of_row(value, row[1]) if row else _state(value, atoms)
        elif key == "postalCode" and _ZIP.fullmatch(value):
            out[key] = _zip(value, atoms, row[2] if row else None, f"{row[0]}|{row[1]}" if row else "")
        elif key == "postalCode":
            out[key] = _shaped(key, value, atoms)
        elif key.startswith("line"):
            out[key] = render_street(value, atoms)
        elif key == "district":
            out[key] = render_words(value, atoms, "city")
        elif key == "text":
            out[key] = render_address(value, atoms)
        else:
            out[key] = value  # country; a non-US state stays (as Safe Harbor allows states)
    return out


def _shaped(namespace: str, value: str, atoms: Atoms) -> str:
    return atoms.get(namespace, value, lambda rng: shape_like(value, rng), claim=False)


def _state_of_row(original: str, abbr: str) -> str:
    if len(original) == 2:
        return abbr if original.isupper() else abbr.lower()
    return case_like(original, places().states[abbr])
