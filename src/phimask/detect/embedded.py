"""The embedded detector: offline, no model download, linear in the input size.

Fail closed: an unexpected exception anywhere in detection becomes DetectorFailed (its
message names the exception type and place, never the text), never a partial result. An
optional time budget (``deadline_seconds``, off by default) is checked before each further
100,000-character window; past it, DetectorTimeout is raised.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Iterable, Iterator
from functools import cache

from phimask.detect import names, patterns, places
from phimask.detect.lexicon import (
    Lexicon,
    fold,
    frequent_words,
    lexicon,
    long_common_words,
    medical_or_misspelt,
    medical_words,
)
from phimask.detect.patterns import led
from phimask.detect.places import lower_initials
from phimask.detect.prefilter import scan, search
from phimask.entities import Entity, EntityType
from phimask.errors import DetectorFailed, DetectorTimeout, PhimaskError, raised_at

CHUNK = 100_000  # characters per detection window on long inputs
OVERLAP = 2_000  # characters shared by neighbouring windows
QUOTE_MARK = r"(?:[>|]+|\?{2,})"  # "> " or "??? " opening a quoted line of a forwarded message

EPONYM_WORDS = (  # what an eponym names: "Parkinson disease", "Swan-Ganz catheter"
    r"(?:disease|syndrome|sign|signs|test|scale|score|maneuver|manoeuvre|catheter|procedure|"
    r"criteria|classification|body|bodies|palsy|phenomenon|reflex|fracture|tumou?r|lymphoma|"
    r"sarcoma|ulcer|node|triad|position|encephalopathy|dementia|disorder|deformity|"
    r"contracture|esophagus|oesophagus|ectasia|cyst|diverticulum|anomaly|disease's|tube|"
    r"drain|stockings|hose|line|grade|stage|coma|pupil|respirations|murmur|point|block|pouch)\b"
)
EPONYM_HEAD = re.compile(
    r"\b([A-Z][\w'-]+(?:(?:\s*-\s*|\s+and\s+|\s+)[A-Z][\w'-]+)?)(?:['’]s)?\s+" + EPONYM_WORDS,
    re.IGNORECASE,
)
EPONYM_WORD = re.compile(r"\s" + EPONYM_WORDS, re.IGNORECASE)  # in every EPONYM_HEAD match; 3x cheaper
CLINICAL_PHRASES = re.compile(
    r"\b" + led(
        r"hunt\s+and\s+hess|swan[\s-]+ganz|guillain[\s-]+barr[eé]|creutzfeldt[\s-]+jakob|"
        r"lewy\s+body|glasgow\s+coma|cheyne[\s-]+stokes|wolff[\s-]+parkinson[\s-]+white|"
        r"mallory[\s-]+weiss|sengstaken[\s-]+blakemore|stevens[\s-]+johnson|non[\s-]+hodgkin|"
        r"roux[\s-]+en[\s-]+y|a\s+fib|a-fib|in\s+and\s+out"
    ) + r"\b",
    re.IGNORECASE,
)


NOT_A_NAME = re.compile(  # "I'm", "Sunday", "Princess Royal": contractions, weekdays, royal titles
    rf"{names.CONTRACTION.pattern}|(?i:i|im)|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)DAY|"
    r"(?i:(?:the[ \t]+)?(?:princess[ \t]+royal|prince[ \t]+consort|queen[ \t]+(?:mother|consort)|"
    r"(?:prince|princess)[ \t]+of[ \t]+wales))"
)
WORDLIKE = {EntityType.NAME, EntityType.ADDRESS, EntityType.OTHER, EntityType.PROFESSION}


class EmbeddedDetector:
    """Rules, context cues and shipped lexicons; see docs in README ("Detector")."""

    name = "embedded"

    def __init__(self, deadline_seconds: float | None = None) -> None:
        if deadline_seconds is not None and not deadline_seconds > 0:
            raise ValueError("deadline_seconds must be positive (or None for no budget)")
        self.deadline_seconds = deadline_seconds
        lexicon()  # load word lists up front, not on the first request
        medical_words()
        long_common_words()  # the typo check's lists: ~35 ms, else paid by the first unknown word
        frequent_words()

    def detect(self, text: str) -> list[Entity]:
        """All entities of ``text``; DetectorFailed (or DetectorTimeout) instead of a partial list."""
        try:
            return self._detect(text)
        except PhimaskError:
            raise
        except Exception as exc:  # a bug or resource failure: fail the document, name no text
            where = raised_at(exc)
            raise DetectorFailed(f"the embedded detector failed ({type(exc).__name__} at {where})") from None

    def _detect(self, text: str) -> list[Entity]:
        budget = self.deadline_seconds
        deadline = None if budget is None else time.monotonic() + budget
        found: list[Entity] = []
        for offset, window in _windows(text):
            if offset and deadline is not None and time.monotonic() > deadline:
                raise DetectorTimeout(f"the embedded detector ran past its {budget:g} s budget")
            for entity in _detect_window(window):
                found.append(_shift(entity, offset))
        trimmed = [_trimmed(e) for e in _dedupe(found)]  # before the passes below grow or learn from them
        found = _towns_above_countries(text, _extend_addresses(text, trimmed))
        found = _coordinated_facilities(text, _coordinated_names(text, found))
        found = _grow_names(text, found)
        found = _particle_surnames(text, found)
        found = _particle_places(text, found)
        found = _ampersand_firms(text, found)
        found = _surname_comma_first(text, found)
        found = _card_organisations(text, found)
        found = _card_header(text, found)
        found = _affiliations(text, found)
        found = _venues(text, found)
        found = [e for e in _inside_addresses_or_firms(found) if not _not_a_name(e)]  # before propagation
        found = _names_before_dates(_addresses_after_names(found))
        # "LBM on Sunday": in a note a weekday alone is no date (Safe Harbor dates have a day or a month)
        weekdays = {id(e) for e in found if e.type is EntityType.DATE and WEEKDAY_ALONE.fullmatch(e.text)}
        if weekdays and names.clinical_text(text):
            found = [e for e in found if id(e) not in weekdays]
        return [piece for e in map(_trimmed, _propagate_names(text, found))
                for piece in _unquoted_lines(e) if piece.end > piece.begin and not _not_a_name(piece)]


def _inside_addresses_or_firms(entities: list[Entity]) -> list[Entity]:
    """Without the names inside a confident address after its first word ('12 Victor Varn Street',
    'Rua do Varnel 16, Elmsby') or before its house number ('Varn Quist 188'), or inside an
    organisation ('Harper, Collins and Wade'): a street, town or firm named after someone."""
    addresses = _by_begin(e for e in entities if e.type is EntityType.ADDRESS and e.score >= 0.75)
    firms = _by_begin(e for e in entities if e.type is EntityType.OTHER and e.score >= 0.6)
    return [e for e in entities if e.type is not EntityType.NAME or not (
        any(a.begin <= e.begin and e.end <= a.end and (a.begin < e.begin or (
            e.end < a.end and a.text[-1:].isdigit()))  # "Varn Quist 188"
            for a in _around(addresses, e.begin)) or any(
            f.begin <= e.begin and e.end <= f.end and f.end - f.begin > e.end - e.begin
            for f in _around(firms, e.begin)))]


SpanIndex = tuple[list[int], list[Entity], int]  # begins, entities sorted by begin, longest span


def _by_begin(entities: Iterable[Entity]) -> SpanIndex:
    ordered = sorted(entities, key=lambda e: e.begin)
    return [e.begin for e in ordered], ordered, max((e.end - e.begin for e in ordered), default=0)


def _around(spans: SpanIndex, position: int) -> list[Entity]:
    """The spans that may contain ``position``: those that begin at most the longest span's
    length before it (a bisection, not a scan of every span)."""
    begins, ordered, longest = spans
    first = bisect.bisect_left(begins, position - longest)
    return ordered[first:bisect.bisect_right(begins, position)]


def _addresses_after_names(entities: list[Entity]) -> list[Entity]:
    """'Mrs. Barbara Yudina |Apt. 675 ...': an address that starts inside a sure name (after a
    title) starts after it instead."""
    sure = sorted((e.begin, e.end) for e in entities if e.type is EntityType.NAME and e.score >= 0.9)
    if not sure:
        return entities
    starts = [begin for begin, _ in sure]
    kept: list[Entity] = []
    for e in entities:
        at = bisect.bisect_right(starts, e.begin) - 1
        if e.type is EntityType.ADDRESS and at >= 0 and sure[at][0] < e.begin < sure[at][1] < e.end:
            rest = e.text[sure[at][1] - e.begin:]
            begin = e.end - len(rest.lstrip())
            e = Entity(begin, e.end, e.type, e.score, rest.lstrip(), e.traits)
        kept.append(e)
    return kept


MONTH_START = re.compile(patterns.MONTH + r"\b", re.IGNORECASE)


def _names_before_dates(entities: list[Entity]) -> list[Entity]:
    """'CONFIRMED WITH FATHER ANITA |JUN 11', 'HCP Aureliana |August 28': a name ends where a date
    that opens with its month begins ('June' and 'August' are first names too)."""
    dates = sorted((e.begin, e.end) for e in entities
                   if e.type is EntityType.DATE and MONTH_START.match(e.text))
    if not dates:
        return entities
    starts = [begin for begin, _ in dates]
    kept: list[Entity] = []
    for e in entities:
        at = bisect.bisect_left(starts, e.begin)
        if e.type is EntityType.NAME and at < len(starts) and starts[at] < e.end:
            head = e.text[:starts[at] - e.begin].rstrip(" \t,")
            if not head and e.end <= dates[at][1]:
                continue  # "jun. 11th" is the date itself
            if head:
                e = Entity(e.begin, e.begin + len(head), e.type, e.score, head, e.traits)
        kept.append(e)
    return kept


def _not_a_name(entity: Entity) -> bool:
    return entity.type is EntityType.NAME and bool(NOT_A_NAME.fullmatch(entity.text))


POSSESSIVE_CUT = re.compile(r"['’]s\b")  # "Ilse Varn's Tales": the name ends before its possessive
SAINT_START = re.compile(r"(?i:st\.?|saint|ste\.?)\s")
HYPHEN_TAIL = re.compile(r"-([a-z]+)$")  # "Varn-who", "Quorvath-thinking": a word run on after a hyphen
LAST_STREET_WORD = re.compile(r"[ \t]+(?i:st\.?|street\.?)$")
REDUNDANT_STREET_WORD = re.compile(  # "Kestrel St street", "Varnelo 32 St.": the street was whole
    r"(?:\d[a-z]?\.?|\b(?i:st|street|avenue|ave|road|rd|lane|way|gateway|loop|mall))[ \t]+(?i:st\.?|street)$")


def _trimmed(entity: Entity) -> Entity:
    """An entity without the words around it that identify no one: a possessive and what
    follows it, a common word run on after a hyphen, a street word repeated after a whole
    street."""
    lex = lexicon()
    value = entity.text
    if entity.type in WORDLIKE and not SAINT_START.match(value):  # "St. Mary's" keeps its 's
        cut = POSSESSIVE_CUT.search(value)
        rest = value[cut.end():].split() if cut else []
        if cut and (not rest or (entity.type is EntityType.NAME and len(rest) == 1
                                 and not lex.is_name(rest[0]))):
            value = value[:cut.start()]  # not "Quenvaro's Ilse Varn": an organisation's person
    if entity.type is EntityType.NAME:
        tail = HYPHEN_TAIL.search(value)
        if tail and lex.zipf(tail.group(1)) >= 3.5 and not lex.is_name(tail.group(1)):
            value = value[:tail.start()]
    elif entity.type is EntityType.ADDRESS:
        last = LAST_STREET_WORD.search(value)
        if last and (REDUNDANT_STREET_WORD.search(value) or any(
                fold(w.rstrip(".")) in patterns.STREET_SET for w in value[:last.start()].split()[1:])):
            value = value[:last.start()]  # "12 Av Varnel street.": the street had its word already
    return _cut(entity, 0, len(value)) if len(value) < len(entity.text) else entity


QUOTE_PREFIX = re.compile(rf"\n[ \t]*{QUOTE_MARK}[ \t]*")


def _unquoted_lines(entity: Entity) -> list[Entity]:
    """An address over quoted lines ('12 Kestrel Rd\\n> Elmsby'): one entity per line, the
    quote marks left out."""
    if "\n" not in entity.text or not QUOTE_PREFIX.search(entity.text):
        return [entity]
    pieces, start = [], 0
    for mark in QUOTE_PREFIX.finditer(entity.text):
        pieces.append(_cut(entity, start, mark.start()))
        start = mark.end()
    return [*pieces, _cut(entity, start, len(entity.text))]


def _cut(entity: Entity, begin: int, end: int) -> Entity:
    return Entity(entity.begin + begin, entity.begin + end, entity.type, entity.score,
                  entity.text[begin:end], entity.traits)


def _windows(text: str) -> Iterator[tuple[int, str]]:
    if len(text) <= CHUNK:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK // 2, end)
            end = cut + 1 if cut > 0 else end
        yield start, text[start:end]
        if end >= len(text):
            return
        start = max(end - OVERLAP, start + 1)
        while start < end and not text[start - 1].isspace():
            start += 1


def _shift(entity: Entity, offset: int) -> Entity:
    if not offset:
        return entity
    return Entity(entity.begin + offset, entity.end + offset, entity.type, entity.score,
                  entity.text, entity.traits)


def _dedupe(entities: Iterable[Entity]) -> list[Entity]:
    best: dict[tuple[int, int, EntityType], Entity] = {}
    for e in entities:
        key = (e.begin, e.end, e.type)
        if key not in best or best[key].score < e.score:
            best[key] = e
    return list(best.values())


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Clinical phrases that look like names ("Parkinson disease", "Hunt and Hess")."""
    lex = lexicon()
    spans = [(m.start(), m.end()) for m in scan(CLINICAL_PHRASES, text)]
    for m in scan(EPONYM_HEAD, text) if search(EPONYM_WORD, text) else ():
        head = m.group(1)
        parts = re.split(r"\s*-\s*|\s+and\s+|\s+", head)
        if any(lex.is_clinical(p) for p in parts) or lex.is_name(parts[-1]):
            spans.append((m.start(1), m.end(1)))
    return spans


def _detect_window(text: str) -> list[Entity]:
    found: list[Entity] = []
    for recognizer in (*patterns.RECOGNIZERS, *places.RECOGNIZERS):
        found.extend(recognizer(text))
    found.extend(names.find_names(text))
    protected = _protected_spans(text)
    if protected:
        found = [e for e in found if e.type not in WORDLIKE
                 or not any(b <= e.begin and e.end <= end for b, end in protected)]
    return [e for e in found if e.end > e.begin and e.text.strip()]


PARTICLE = (r"(?:de|del|della|di|da|do|dos|das|du|des|la|le|les|el|van|von|der|den|nad|pod|am|an|im|"
            r"sur|u|v|e|y)")
PARTICLES = set(PARTICLE[3:-1].split("|"))
CAPITAL = "A-ZÀ-ÞΆ-ΏΑ-ΩА-ЯЁ"  # Latin, Greek and Cyrillic capitals ("ΕΛΜΣΜΠΙ")
ADDRESS_TAIL = re.compile(
    rf",[ \t]*((?:[{CAPITAL}][\wß-ÿ'.-]*[ \t]*)(?:(?:{PARTICLE}[ \t]+)?[{CAPITAL}][\wß-ÿ'.-]*[ \t]*){{0,3}}"
    rf"(?:[A-Z]\b|\d{{3,6}})?)"
)
LOWER_TAIL = re.compile(  # ", elmsbyhaza, quorvia 31208" in a lower-case text
    r",[ \t]*([^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){0,2}(?:[ \t]+\d{3,6})?)(?=[ \t]*(?:[,.?!;]|\n|$))")


def _lower_place(part: str) -> bool:
    """A known place, or words no dictionary knows (none clinical): a town or country in lower case."""
    lex = lexicon()
    words = [w for w in part.split() if not w.isdigit()]
    return bool(words) and (_place(" ".join(words)) or all(
        _place(w) or (lex.zipf(w) < 3.0 and not lex.is_clinical(w) and not lex.is_drug(w)) for w in words))


LOWER_UNIT_TOWN = re.compile(  # "suite 9 elmsby alberta" in a lower-case text
    r"[ \t]+([^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){0,2})(?=[ \t]*(?:[.,?!;]|\n|$))")
UNIT_TOWN = re.compile(  # "Apt. 12 LARKFORD NW", "Suite 4 Elmsby Vale": the town after the unit
    rf"(?:[ \t]+(?:[{CAPITAL}][\wß-ÿ'-]*|{PARTICLE}(?=[ \t]+[{CAPITAL}]))){{1,4}}"
    r"(?=[ \t]*(?:[.,?!;]|\n|$)|[ \t]+[a-z])"
)
POSTCODE_AFTER = re.compile(  # "Elmsby 40117", "Elmsby 452 31", "Elmsby 4120-301"
    r"[ \t]*(?:\([^\W\d_]+\)[ \t]*)?(\d{3,6}(?:-\d{3,4}|[ ]\d{2}(?![ \t]*\d))?)(?![\w/:%]|[.,]\d)"
)
POSTCODE_LINE = re.compile(r"[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?")
PLACEHOLDERS = {"nan", "null", "none", "n/a"}  # missing values printed by data pipelines
PLACEHOLDER = re.compile(r"[ \t,]*(?:nan|null|None|N/A)\b(?:[ \t]+\d{3,6}(?:[ -]\d{2,4})?)?")
QUOTE = rf"[ \t]*{QUOTE_MARK}?[ \t]*"
LINE_LEAD = re.compile(rf"(?:^|\n){QUOTE}((?:[A-ZÀ-ÞĀ-ž][\w'’.-]*[ \t]+(?:and[ \t]+)?){{1,2}})$")
ADDRESS_LINE = re.compile(rf"\n{QUOTE}([^\n]{{1,40}}?)[ \t]*(?=\n|$)")
LAST_LINE = re.compile(
    rf"\n{QUOTE}(((?:[^\W\d_][\w'-]*,?[ \t]+){{0,4}}(?:nan,?[ \t]+)?)\d{{3,6}}(?:-\d{{3,4}})?)"
    r"(?=[.,?!;:]?(?:[ \t]+[^\W\d_]|[ \t]*(?:\n|$)))")  # a postcode, not the first group of a phone


TOWN_REGION_POSTCODE = re.compile(
    r"[^\W\d_][\w'.-]*(?:[ \t]+[^\W\d_][\w'.-]*){0,3},?[ \t]+[A-Za-z]{2}[ \t]+\d{4,6}")


def _address_line(line: str, lower: bool = False) -> bool:
    """A short line that continues a postal address: town, region, country, postcode (in
    any letter case when the whole text is lower-case)."""
    lex = lexicon()
    words = [w.rstrip(".") for w in re.findall(r"[^\W\d_][\w'.-]*", line)
             if fold(w) not in PARTICLES | PLACEHOLDERS]
    if POSTCODE_LINE.fullmatch(line.strip()) or TOWN_REGION_POSTCODE.fullmatch(line.strip()) or \
            line.strip().lower() in PLACEHOLDERS:
        return True  # "X9Z 4Q2", "Varzea do Norte, ZQ 40117", "nan" (a missing value)
    if line.startswith(",") and len(words) <= 2 and all(
            (w.isupper() and len(w) <= 3) or not lex.is_clinical(w) for w in words):
        return True  # ", ZQ", ", 41", ", GU": the region after a town line
    if not words or "@" in line or "://" in line or line.strip().lower().startswith("www.") or \
            places.COMPANY.search(line):
        return False  # an e-mail, web address or firm on the next line is no part of the postal address
    if len(words) > 4 or any(patterns.clinical_not_street(w) for w in words) or ":" in line:
        return False  # "St Elmsby" is a town line although "ST" is also a heart rhythm
    capitalised = all(w[:1].isupper() or lower or lex.zipf(w) < 2.0 for w in words)
    distinctive = _place(line) or any(
        lex.zipf(w) < 3.5 or (w.isupper() and len(w) <= 3) for w in words)
    return capitalised and distinctive


LINE_ABOVE = re.compile(r"(?:^|\n)[ \t>]*([^\W\d_][^\n\d:@]{1,38}?)[ \t]*\n[ \t>]*$")


def _towns_above_countries(text: str, entities: list[Entity]) -> list[Entity]:
    """'ALFRICK' on the line above 'United Kingdom': a country alone on its line closes a
    postal address, so a short line of words no dictionary knows right above it is the town."""
    lex = lexicon()
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.ADDRESS or e.score < 0.75 or fold(e.text) not in lex.countries:
            continue
        above = LINE_ABOVE.search(text, max(0, e.begin - 41), e.begin)
        words = above.group(1).split() if above else []
        if above and words and len(words) <= 3 and all(
                (lex.raw_zipf(w) < 2.0 or fold(w) in lex.cities) and not lex.is_clinical(w) and
                not medical_or_misspelt(w) for w in words):
            extra.append(Entity(above.start(1), above.end(1), EntityType.ADDRESS, 0.75, above.group(1)))
    return entities + extra


def _town_after_unit(words: list[str]) -> bool:
    """'ELMSBY NW', 'Elmsby Vale': no clinical word, but for a region code after the town
    ('ΕΛΜΣΜΠΙ PA'; 'unit 5 CCU' has no town)."""
    lex = lexicon()
    clinical = [i for i, w in enumerate(words) if lex.is_clinical(w)]
    return not clinical or (clinical[0] > 0 and all(
        words[i].isupper() and len(words[i]) <= 3 for i in clinical))


def _town_line(line: str) -> bool:
    """'Mill Haven': the line right after a street and its number names the town, in words
    however common."""
    lex = lexicon()
    words = line.split()
    return 0 < len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() and not lex.is_clinical(w)
                                       for w in words)


def _place(line: str) -> bool:
    lex = lexicon()
    key = fold(re.sub(r"[\d,.]+", " ", line)).strip()
    return key in lex.cities or key in lex.countries or key in lex.us_states


def _extend_addresses(text: str, entities: list[Entity]) -> list[Entity]:
    """Grow confident addresses over the rest of a postal address: ', Ravensholt' on the same
    line, and up to four short following lines (town, region, country, postcode)."""
    extra: list[Entity] = []
    lower = names.document_case(text) is names.Case.LOWER
    for e in entities:
        if e.type is not EntityType.ADDRESS or e.score < 0.75 or not any(c.isdigit() for c in e.text):
            continue
        begin, end = e.begin, e.end
        head = patterns.HOUSE_NUMBERS_BEFORE.search(text, max(0, begin - 15), begin)  # "417 28 rue …": both
        if head:
            begin = head.start()
        for _ in range(3):
            tail = ADDRESS_TAIL.match(text, end)
            if not tail or not tail.group(1).strip():
                tail = LOWER_TAIL.match(text, end) if lower else None
                if not tail or not _lower_place(tail.group(1)):
                    break
            end = tail.end(1)
        town = UNIT_TOWN.match(text, end) if text[end - 1].isdigit() else None
        if town and _town_after_unit(town.group(0).split()):
            end = town.end()
        elif lower and text[end - 1].isdigit():
            town = LOWER_UNIT_TOWN.match(text, end)
            if town and _lower_place(town.group(1)):
                end = town.end(1)  # "... suite 9 elmsby alberta"
        lines = 0
        for _ in range(4):
            line = ADDRESS_LINE.match(text, end)
            if not line or not (_address_line(line.group(1), lower) or (
                    not lines and _town_line(line.group(1)) and text[end - 1].isdigit())):
                break
            end = line.end(1)
            lines += 1
        last = LAST_LINE.match(text, end)
        if last and (_address_line(last.group(2), lower) if last.group(2).strip() else lines):
            end = last.end(1)  # "…\n, ZQ\n 40117. It serves…": the postcode opens a line of prose
        placeholder = PLACEHOLDER.match(text, end)
        if placeholder:
            end = placeholder.end()  # "…, nan 78618": a missing value printed inside the address
        lead = LINE_LEAD.search(text, max(0, begin - 60), begin)
        if lead and not any(lexicon().is_clinical(w) for w in lead.group(1).split()):
            begin = lead.start(1)  # "Varnecker Kestrelgatan 12": the address opens its line
        if end > e.end or begin < e.begin:
            extra.append(Entity(begin, end, EntityType.ADDRESS, e.score, text[begin:end]))
    grown = _postcode_towns(text, _postcodes_after(text, _grow_places(text, entities + extra)))
    return _bridge_addresses(text, grown)


POSTCODE_TOWN = re.compile(  # "Parkstigen 599\n14492 Ängelholm", "Hoffmannstrasse 78, 6835 Villars-sur-Glâne"
    r"(?:,[ \t]*|[ \t]*\n[ \t]*)(?:\d{4,5}|\d{3}[ \t]\d{2})[ \t]+"
    r"[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){0,2}(?=[ \t]*(?:[,.;]|\n|$))")


def _postcode_towns(text: str, entities: list[Entity]) -> list[Entity]:
    """A street and house number followed by a postcode and a town, on its line after a comma
    or on the next line."""
    lex = lexicon()
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.ADDRESS or e.score < 0.6 or not e.text[-1:].isdigit():
            continue
        m = POSTCODE_TOWN.match(text, e.end)
        if m and not any(lex.is_clinical(w) or patterns.MEASURE_AFTER.fullmatch(" " + w)
                         for w in re.findall(r"[^\W\d_][\w'’.-]*", m.group(0))):
            extra.append(Entity(e.begin, m.end(), EntityType.ADDRESS, e.score, text[e.begin:m.end()]))
    return entities + extra


PLACE_LEAD = {"port", "fort", "mount", "mt", "mt.", "saint", "st", "st.", "san", "santa", "sao", "são",
              "lake", "new", "north", "south", "east", "west", "upper", "lower", "great", "little", "bad",
              "villa", "quinta", "cite", "cité", "ciudad", "vila", "porto", "puerto", "cape", "glen",
              "bay", "station", "castle", "old", "las", "los", "el", "la", "le", "les", "den", "de", "del",
              "di", "da", "do", "nad", "pod", "am", "an", "im", "sur", "sint", "sankt", "ste", "ste.",
              "ban", "kota"}
LEFT_WORD = re.compile(r"([^\W\d_][\w'.-]*)[ \t]+$")
PLACE_TAG = re.compile(r"[ \t]*\(([A-Za-z][a-z]+)\)")
PLACE_TAIL = re.compile(  # "Shelly Park", "Tokvarn Ext": a place word after a town's name
    r"[ \t]+(?:Park|Lodge|Ext\.?|Extension|Fort|Village|Heights|Hills|Springs|Falls|Beach|Bay|Creek|Valley|"
    r"Town|City|Island|Isle|Harbou?r|Point|Junction|Grove|Gardens|Estate|Mills?|Station|Vale|Green)\b"
)


PARTICLE_TAIL = re.compile(
    r"[ \t]+(?:de|del|della|di|da|do|dos|das|du|des|sur|na|nad|pod|van|von|der)[ \t]+"
    r"((?:[^\W\d_][\w'-]*)(?:[ \t]+[A-ZÀ-Þ][\w'-]*)?)(?![\w'-])")


def _place_word(word: str) -> bool:
    """A word that may go on a town's name after a particle: capitalised or rare, never clinical."""
    lex = lexicon()
    return (word[:1].isupper() or lex.zipf(word) < 3.0) and not lex.is_clinical(word) and \
        not lex.is_drug(word) and lex.zipf(word) < 4.5


def _grow_places(text: str, entities: list[Entity]) -> list[Entity]:
    """'Port Elmsby', 'Vila de São Varn', 'Velki Dol nad Elms': the place words and
    particles (or words no dictionary knows) right before a confident place belong to it,
    and so does a place word right after it ('Elmsby Park')."""
    lex = lexicon()
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.ADDRESS or e.score < 0.6:
            continue
        begin = e.begin
        for _ in range(3):
            m = LEFT_WORD.search(text, max(0, begin - 40), begin)
            if not m:
                break
            word = m.group(1)
            key = fold(word)
            lead = key in PLACE_LEAD and (word[:1].isupper() or key in PARTICLES)
            unknown = word[:1].isupper() and len(word) >= 4 and lex.raw_zipf(word) < 1.5 and \
                not lex.is_clinical(word) and not lex.is_name(word) and not medical_or_misspelt(word) \
                and not patterns.TITLE_WORD.fullmatch(word)  # "Mrs. Elmsby" is a person
            if not (lead or unknown):
                break
            begin = m.start(1)
        while begin < e.begin and fold(text[begin:].split(None, 1)[0]) in PARTICLES:
            begin = text.index(" ", begin) + 1  # never start on "de", "nad"
        tail = PLACE_TAIL.match(text, e.end)
        end = tail.end() if tail else e.end
        joined = PARTICLE_TAIL.match(text, end)
        if joined and all(_place_word(w) for w in joined.group(1).split()):
            end = joined.end()  # "Villaverde del Ocaso", "Quinta de São Varn": the town goes on
        tag = PLACE_TAG.match(text, end)
        if tag and not lex.is_clinical(tag.group(1)) and not names.RELATIVES.fullmatch(tag.group(1)):
            end = tag.end()  # "Varnos (Greek)": a language or region tag, not "(sister)"
        if begin < e.begin or end > e.end:
            extra.append(Entity(begin, end, EntityType.ADDRESS, e.score, text[begin:end]))
    return entities + extra


def _postcodes_after(text: str, entities: list[Entity]) -> list[Entity]:
    """'Norway 40117', 'Belgium (Dutch) 4021': a postcode right after a confident place."""
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.ADDRESS or e.score < 0.6:
            continue
        m = POSTCODE_AFTER.match(text, e.end)
        if m and e.score < 0.75 and len(m.group(1).replace("-", "")) < 4:
            continue  # after a less sure place, only a 4+ digit postcode
        if m and not patterns.MEASURE_AFTER.match(text, m.end()):
            extra.append(Entity(e.begin, m.end(), EntityType.ADDRESS, e.score, text[e.begin:m.end()]))
    return entities + extra


def _bridge_addresses(text: str, entities: list[Entity]) -> list[Entity]:
    """'Elmsby, Norway': two address parts with only a comma between are one address."""
    parts = sorted((e for e in entities if e.type is EntityType.ADDRESS and e.score >= 0.6),
                   key=lambda x: (x.begin, -x.end))
    extra: list[Entity] = []
    reach: Entity | None = None
    for e in parts:
        if reach is not None and reach.end <= e.begin and max(reach.score, e.score) >= 0.75 and \
                re.fullmatch(r"[ \t]*,[ \t]*", text[reach.end:e.begin]):
            extra.append(Entity(reach.begin, e.end, EntityType.ADDRESS, min(reach.score, e.score),
                                text[reach.begin:e.end]))
        if reach is None or e.end > reach.end:
            reach = e
    return entities + extra


NAME_RIGHT = re.compile(r"[ \t]((?:[A-ZÀ-Þ]\.?[ \t])?([A-ZÀ-Þ][^\W\d_]*(?:['’-][^\W\d_]+)?))(?![\w'’-])")
NAME_LEFT = re.compile(r"(?<![\w'’.-])([A-ZÀ-Þ][^\W\d_]+)[ \t]$")
CREDENTIAL = re.compile(names.SIGNOFF_CREDENTIAL)


def _credential(word: str) -> bool:
    """'PharmD', 'RN', 'MSW': a credential as written after a name (not the surname 'Do')."""
    return bool(CREDENTIAL.fullmatch(word)) and (word.isupper() or not word[1:].islower())


def _name_word(word: str, first: bool = False) -> bool:
    """A capitalised word that may complete a name: a known name (a first name, when
    ``first``) or a word no dictionary knows; never a clinical, medical or common word."""
    lex = lexicon()
    bare = word.rstrip(".")
    if lex.is_clinical(bare) or lex.is_drug(bare) or medical_or_misspelt(bare) or bare.isupper() or \
            _credential(bare):  # "Ilse Varn PharmD"
        return False
    key = fold(bare)
    if key in lex.first_names or (not first and key in lex.last_names):
        return lex.zipf(bare) < 4.5
    return lex.raw_zipf(bare) < 3.0 and not lex.is_common_noun(bare)


VERB_LIKE_SURNAMES = {"will", "may", "can", "so", "be", "do", "is", "see", "say", "else", "ever", "call",
                      "calls", "still", "well", "more", "most", "less", "last", "next", "back", "here"}


def _known_surname(word: str) -> bool:
    lex = lexicon()
    return fold(word) in lex.last_names and not lex.is_clinical(word) and not word.isupper() and \
        fold(word) not in VERB_LIKE_SURNAMES


def _grow_names(text: str, entities: list[Entity]) -> list[Entity]:
    """'Ilva Quorvath', 'Ilse D. Quorvath': a confident name takes the name-like word right
    after it (with a middle initial) and a first name or unknown word right before it."""
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.NAME or e.score < 0.6 or len(e.text.split()) > 2:
            continue  # three words are a whole name already
        begin, end = e.begin, e.end
        right = NAME_RIGHT.match(text, end)
        surname = right.group(2) if right else ""
        after_first = len(e.text.split()) == 1 and fold(e.text) in lexicon().first_names
        if right and (_name_word(surname) or (after_first and _known_surname(surname))):
            end = right.end(1)  # "Ilse Young": after a first name, a capitalised surname however common
        left = NAME_LEFT.search(text, max(0, begin - 30), begin)
        if left and _name_word(left.group(1), first=True) and \
                not patterns.TITLE_WORD.fullmatch(left.group(1)):
            begin = left.start(1)
        if (begin, end) != (e.begin, e.end):
            extra.append(Entity(begin, end, EntityType.NAME, e.score - 0.05, text[begin:end]))
    return entities + extra


SURNAME_PARTICLE = re.compile(  # "Ilse van Dalen", "Wil ten Bosch", "ILSE DE BEER"
    r"[ \t]+((?i:van|von|de|der|den|ten|ter|du|da|di|del|della|dos|das|la|le|bin|ibn|al)"
    r"(?:[ \t]+(?i:der|den|de|la|le|los|las))?)[ \t]+([^\W\d_]{2,}(?:-[^\W\d_]{2,})?)(?![\w'’-])")
TITLE_PARTICLES = re.compile(  # "Dr. van Dalen", "dr van de pol": particles right after a title
    r"\b(?i:dr|mr|mrs|ms|miss|prof|doctor)\.?[ \t]+((?i:van|von|de|der|den|ten|ter|du|da|di|del|della)"
    r"(?:[ \t]+(?i:der|den|de|la|le))?)[ \t]+$")
SURNAME_HEADS = {"van", "von", "ten", "ter", "der", "den", "de"}  # "de Beer", "van Dam": any word after
CAPITAL_PARTICLES = {"van", "von", "de", "der", "den", "ten", "ter", "del", "della"}  # not LE, LA, DOS


def _particle_surnames(text: str, entities: list[Entity]) -> list[Entity]:
    """'Ilse van Dalen', 'ILSE DE BEER', 'Dr. van Dalen': a name goes on over a surname particle
    and the word after it, and back over particles right after a title. The particle is written
    as the note writes words (lower case in mixed case, capitals in capitals), the word after it
    as a name is, and never a clinical word or a place."""
    lex = lexicon()
    case = names.document_case(text)
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.NAME or e.score < 0.5:
            continue
        m = SURNAME_PARTICLE.match(text, e.end)
        if m and _surname_after(m.group(1), m.group(2), case, lex):
            extra.append(Entity(e.begin, m.end(), EntityType.NAME, e.score, text[e.begin:m.end()]))
        before = TITLE_PARTICLES.search(text, max(0, e.begin - 30), e.begin)
        if before and _particle_case(before.group(1), case):
            begin = before.start(1)
            extra.append(Entity(begin, e.end, EntityType.NAME, e.score, text[begin:e.end]))
    return entities + extra


PLACE_PARTICLE_GAP = re.compile(r"[ \t]+(?i:de|da|do|das|dos|di|del|della|du|des)[ \t]+")
NAME_OR_PLACE = (EntityType.NAME, EntityType.ADDRESS)
AMPERSAND_GAP = re.compile(r"[ \t]*&[ \t]*")
FIRM_OR_NAME = (EntityType.NAME, EntityType.OTHER)


def _joined_pairs(text: str, entities: list[Entity], kinds: tuple[EntityType, ...],
                  gap: re.Pattern[str]) -> Iterator[tuple[Entity, Entity]]:
    """Confident entities of ``kinds`` with only ``gap`` between them, left then right (of two
    starting at the same character the place, else the later one, is the right one)."""
    confident = [e for e in entities if e.type in kinds and e.score >= 0.5]
    starts: dict[int, Entity] = {}
    for e in confident:
        held = starts.get(e.begin)
        if held is None or held.type is not EntityType.ADDRESS:
            starts[e.begin] = e
    for e in confident:
        joint = gap.match(text, e.end)
        after = starts.get(joint.end()) if joint else None
        if after is not None:
            yield e, after


def _span_of(text: str, left: Entity, right: Entity, kind: EntityType) -> Entity:
    return Entity(left.begin, right.end, kind, max(left.score, right.score), text[left.begin:right.end])


def _particle_places(text: str, entities: list[Entity]) -> list[Entity]:
    """'Azevedo de Goiás', 'Lido Di Mortelle', 'Cassiano das Flores': a name or place, a
    particle and a name or place, one of the two a place, are one place."""
    pairs = _joined_pairs(text, entities, NAME_OR_PLACE, PLACE_PARTICLE_GAP)
    extra = [_span_of(text, e, after, EntityType.ADDRESS) for e, after in pairs
             if EntityType.ADDRESS in (e.type, after.type)]
    return entities + extra


def _ampersand_firms(text: str, entities: list[Entity]) -> list[Entity]:
    """'Moensendijk & Korsman', 'Varn & Quist Ltd': two surnames or firms joined by '&' are
    one firm (not two first names: 'Ilse & Tom' are a couple)."""
    lex = lexicon()
    pairs = _joined_pairs(text, entities, FIRM_OR_NAME, AMPERSAND_GAP)
    extra = [_span_of(text, e, after, EntityType.OTHER) for e, after in pairs
             if EntityType.OTHER in (e.type, after.type) or all(
                 " " not in x.text and fold(x.text) not in lex.first_names for x in (e, after))]
    return entities + extra


def _particle_case(particles: str, case: names.Case) -> bool:
    if case is names.Case.UPPER:
        return particles.isupper() and particles.split()[0].lower() in CAPITAL_PARTICLES
    return particles.islower()


def _surname_after(particles: str, word: str, case: names.Case, lex: Lexicon) -> bool:
    if not _particle_case(particles, case) or lex.is_clinical(word) or _place(word):
        return False
    if case is names.Case.MIXED and not word[:1].isupper():
        return False
    head = particles.split()[0].lower()
    return lex.zipf(word) < 4.0 or (case is not names.Case.LOWER and head in SURNAME_HEADS)


WEEKDAY_ALONE = re.compile(patterns.WEEKDAY, re.IGNORECASE)
FIRST_AFTER_COMMA = re.compile(r",[ \t]*([^\W\d_][\w'’-]*)(?![\w'’-])")
NEXT_ITEM = re.compile(r"[ \t]*(?:,|[ \t](?:and|&|AND))[ \t]*([^\W\d_][\w'’-]*)")
NEXT_CAPITAL = re.compile(r"[ \t]+[A-ZÀ-Þ]")


def _list_goes_on(text: str, pos: int, mixed: bool) -> bool:
    """'Varn, Ilse, Quist and Elm': another person follows, so 'Varn, Ilse' is a list, not one
    name. In mixed case any capitalised word counts; in one-case text only a listed name that
    is no relative ('LEINO, MELISSA AND SON-IN-LAW', 'Giles, Kirstin, cinolazepam')."""
    item = NEXT_ITEM.match(text, pos)
    if item:
        word = item.group(1)
        if mixed:
            return word[:1].isupper()
        lex = lexicon()
        return lex.is_name(word) and not names.RELATIVES.fullmatch(word) and not lex.is_clinical(word)
    return mixed and bool(NEXT_CAPITAL.match(text, pos))


def _surname_comma_first(text: str, entities: list[Entity]) -> list[Entity]:
    """'Quarnby, Ilse' (surname, comma, first name) is one name, comma included, unless it is
    part of a list ('Varn, Ilse, Quist and Elm'); the first name need not have been found
    ('rt quarnby, christopher in to see pt')."""
    lex = lexicon()
    singles = [e for e in entities if e.type is EntityType.NAME and " " not in e.text.strip()]
    found_at = {e.begin: e for e in singles}
    case = names.document_case(text)
    lower = case is names.Case.LOWER
    extra: list[Entity] = []
    for first in singles:
        m = FIRST_AFTER_COMMA.match(text, first.end)
        if not m or fold(m.group(1)) not in lex.first_names:
            continue
        second = found_at.get(m.start(1))
        word = m.group(1)
        if second is None and (lex.is_clinical(word) or lex.is_drug(word) or lex.zipf(word) >= 4.5 or not (
                lower or word[:1].isupper()) or fold(word) in lex.us_states or fold(word) in lex.countries):
            continue  # not "mesa, arizona": a town and its state
        line_before = text[text.rfind("\n", 0, first.begin) + 1:first.begin]
        if line_before.rstrip().endswith(",") or _list_goes_on(text, m.end(), case is names.Case.MIXED):
            continue
        score = min(first.score, second.score) if second else first.score - 0.05
        extra.append(Entity(first.begin, m.end(), EntityType.NAME, score, text[first.begin:m.end()]))
    return entities + extra + list(_signed_surname_first(text, singles))


SIGNED_SURNAME = re.compile(  # "-- kutera, |heino, MSW", "By: levine, |cara": a sign-off's surname, a comma
    r"(?:^|(?<=[.;!?])[ \t]+|--|(?i:by|signed):)[ \t]*(?:--?[ \t]*)?([^\W\d_][\w'’-]+),[ \t]*$", re.MULTILINE)
CREDENTIAL_AFTER = re.compile(rf"[ \t]*,?[ \t]*{names.SIGNOFF_CREDENTIAL}\b")


def _signed_surname_first(text: str, singles: list[Entity]) -> Iterator[Entity]:
    """'CLAUS, ANJOLAOLUWA, RN', 'macgroarty, yan,rn': a found first name after a sign-off's
    surname and a comma, a credential after it; the surname joins the name."""
    lex = lexicon()
    for first in singles:
        if fold(first.text) not in lex.first_names or not CREDENTIAL_AFTER.match(text, first.end):
            continue
        line_start = text.rfind("\n", 0, first.begin) + 1
        m = SIGNED_SURNAME.search(text, max(line_start, first.begin - 80), first.begin)
        surname = m.group(1) if m else ""
        if m and not (lex.is_clinical(surname) or lex.is_drug(surname) or fold(surname) in places.STOP_WORDS
                      or _credential(surname)):
            begin = m.start(1)
            yield Entity(begin, first.end, EntityType.NAME, first.score - 0.05, text[begin:first.end])


COORDINATION = re.compile(r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and|&|or)[ \t]+)([A-ZÀ-Þ][\wß-ÿ'-]+)")


COORDINATED_ORGANISATION = re.compile(
    r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and|&)[ \t]+)"
    r"((?:\d+[ \t]+)?[A-ZÀ-Þ][\w&'.-]*(?:[ \t]+[A-ZÀ-Þ][\w&'.-]*){0,3})"
)


FACILITY_AND = re.compile(  # "BALTIMORE REHAB AND KIMBROUGH", "srqomc and kcnwmc"
    r"(?:[ \t]+(?i:hospital|hosp|rehab|medical[ \t]+cent(?:er|re)|med[ \t]+ctr|va|vamc|nursing[ \t]+home|"
    r"clinic))?[ \t]+(?i:and|&)[ \t]+([^\W\d_][\w'’-]*)"
    r"(?=[ \t]*(?:[.,;]|\n|$|[ \t]+(?i:hospital|rehab|for|on|when)\b))")


def _coordinated_facilities(text: str, entities: list[Entity]) -> list[Entity]:
    """'SCREENED BY BALTIMORE REHAB AND KIMBROUGH.': after a place that names a facility, a
    word no dictionary knows (or a short acronym) joined by 'and' names another one."""
    lex = lexicon()
    capitals = names.document_case(text) is names.Case.UPPER
    extra: list[Entity] = []
    for e in entities:
        m = FACILITY_AND.match(text, e.end) if e.type is EntityType.ADDRESS and e.score >= 0.5 else None
        if not m or (e.score < 0.7 and fold(m.group(0).split()[0]) in {"and", "&"}):
            continue  # a less sure place needs its kind of place between ("BALTIMORE REHAB AND")
        word = m.group(1)
        acronym = word.isupper() and 2 <= len(word) <= 5 and not capitals
        unknown = len(word) >= 4 and names.no_dictionary_word(lex, word)
        if (acronym or unknown) and not lex.is_clinical(word) and not lex.is_drug(word) and \
                not names.RELATIVES.fullmatch(word):
            extra.append(Entity(m.start(1), m.end(1), EntityType.ADDRESS, 0.7, word))
    return entities + extra


COORDINATED_BEFORE = re.compile(r"(?<![\w'’-])([A-ZÀ-Þ][\wß-ÿ'-]+)[ \t]+(?:and|&)[ \t]+$")


def _listed_name(word: str) -> bool:
    lex = lexicon()
    return not word.isupper() and (lex.zipf(word) < 3.5 or lex.is_name(word)) and not lex.is_clinical(word) \
        and not _credential(word)  # "Ilse Varn, PharmD"


def _coordinated_names(text: str, entities: list[Entity]) -> list[Entity]:
    """'Dunmere and Holt', 'Kovás, Brenner and Alcott': a capitalised word listed right
    after (or just before) a confident name is a name too, unless it is listed with
    organisations ('Varnco Labs, Quorvex and Elmsby Inc.')."""
    lex = lexicon()
    extra: list[Entity] = []
    for e in sorted(entities, key=lambda x: x.begin):
        if e.type is not EntityType.OTHER or e.score < 0.7 or not e.text[:1].isupper():
            continue
        end = e.end
        for _ in range(4):
            m = COORDINATED_ORGANISATION.match(text, end)
            if not m or any(lex.is_clinical(w) for w in m.group(1).split()):
                break
            value = m.group(1).rstrip(".")
            extra.append(Entity(m.start(1), m.start(1) + len(value), EntityType.OTHER, 0.65, value))
            end = m.end(1)
    organisations = _by_begin(x for x in entities + extra if x.type in (EntityType.OTHER, EntityType.DATE))
    least = 0.5 if not names.clinical_text(text) else 0.6  # in prose a lone unknown word is a name
    for e in sorted(entities, key=lambda x: x.begin):
        if e.type is not EntityType.NAME or e.score < least:
            continue
        end = e.end
        for _ in range(6):
            m = COORDINATION.match(text, end)
            if not m or not _listed_name(m.group(1)) or any(  # not inside a firm, nor a date ("Quarn, May 3")
                    o.begin <= m.start(1) < o.end for o in _around(organisations, m.start(1))):
                break
            word = names.POSSESSIVE.sub("", m.group(1))  # "and Varn's" -> "Varn"
            extra.append(Entity(m.start(1), m.start(1) + len(word), EntityType.NAME, 0.7, word))
            end = m.end(1)
        before = COORDINATED_BEFORE.search(text, max(0, e.begin - 40), e.begin)
        if before and _listed_name(before.group(1)):
            extra.append(Entity(before.start(1), before.end(1), EntityType.NAME, 0.65, before.group(1)))
    return entities + extra


LINE_PREFIX = re.compile(r"[ \t>?]*")


def _card_organisations(text: str, entities: list[Entity]) -> list[Entity]:
    """On a contact card — a name line, then a short line, then a postal address — the
    short line is the organisation ('Ilse Marwood / Brightwell Labs / PSC 1021, Box 4410'); the name
    (or a job title) may be repeated between the organisation and the address."""
    addresses = [e for e in entities if e.type is EntityType.ADDRESS and e.score >= 0.75]
    if not addresses:
        return entities  # no card: no index to build
    names = _by_begin(e for e in entities if e.type in (EntityType.NAME, EntityType.PROFESSION))
    sure_names = _by_begin(e for e in names[1] if e.score >= 0.7)
    every = _by_begin(entities)
    extra: list[Entity] = []
    done: set[int] = set()
    for e in addresses:
        line_end = text.rfind("\n", max(0, e.begin - 200), e.begin)
        if line_end < 0 or text[line_end + 1:e.begin].strip(" \t>?"):
            continue  # the address does not open its line
        for _ in range(3):
            line_start = text.rfind("\n", 0, line_end) + 1
            begin = LINE_PREFIX.match(text, line_start, line_end).end()  # type: ignore[union-attr]
            end = line_end
            while end > begin and text[end - 1] in " \t":
                end -= 1
            value = text[begin:end]
            if not value or len(value) > 60 or len(value.split()) > 5 or re.search(r"[\d:@]", value):
                break
            covered = [n for n in _around(every, end - 1) if begin < n.end]
            if any(n.type is not EntityType.NAME or n.score >= 0.7 for n in covered):
                if not any(end <= n.end for n in _around(sure_names, begin)):
                    break  # a known place or an address line, not a name line
                line_end = line_start - 1
                if line_end < 0:
                    break
                continue  # the name (or job title) line: the organisation is above
            above = text.rfind("\n", 0, max(0, line_start - 1)) + 1
            first_line = (not text[:line_start].strip() and any(c.isdigit() for c in e.text)
                          and all(w[:1].isupper() for w in value.split()))  # "Quenvaro\n9791 Kestrel Rd"
            name_above = bisect.bisect_left(names[0], above) < bisect.bisect_left(names[0], line_start)
            if begin not in done and (first_line or name_above):
                extra.append(Entity(begin, end, EntityType.OTHER, 0.6, value))
                done.add(begin)
            break
    return entities + extra


CARD_LABEL = re.compile(
    r"[ \t>]*(?:personal\s+info(?:rmation)?|phone|tel|telephone|e-?mail|mobile|website)[ \t]*:",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(r"[ \t>]*([^\W\d_][^\d:@\n]{1,60}?)[ \t]*")


def _card_header(text: str, entities: list[Entity]) -> list[Entity]:
    """A résumé or contact card — a name line, a job-title line, then 'Personal Info:' /
    'Phone:' lines: the first line is a name and the second a profession."""
    lines = text[:600].split("\n")[:8]
    if not any(CARD_LABEL.match(line) for line in lines):
        return entities
    lex = lexicon()
    extra: list[Entity] = []
    offset = 0
    kinds = [EntityType.NAME, EntityType.PROFESSION]
    for line in lines:
        begin = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        if CARD_LABEL.match(line) or not kinds:
            break
        m = HEADER_LINE.fullmatch(line)
        words = m.group(1).split() if m else []
        kind = kinds[0]
        clinical = [w for w in words if lex.is_clinical(w)]
        if not m or len(words) > 7 or (clinical and (kind is EntityType.NAME or clinical[-1] == words[-1])):
            break  # a job title may hold a clinical word ('Recovery room porter'), not end with one
        kinds.pop(0)
        if kind is EntityType.NAME and (len(words) > 4 or not any(
                lex.is_name(w.rstrip(".")) or lex.zipf(w.rstrip(".")) < 3.0 for w in words)):
            break
        if kind is EntityType.PROFESSION and not _job_line(words):
            kind = EntityType.OTHER  # "Innography", "Weber-Santana": the card's firm, not a job
        extra.append(Entity(begin + m.start(1), begin + m.end(1), kind, 0.7, m.group(1)))
    return entities + extra


@cache
def _job_heads() -> frozenset[str]:
    return frozenset(title.split()[-1] for title in lexicon().professions)


def _job_line(words: list[str]) -> bool:
    """Words that name a job: a listed title, or ending in a listed title's last word or an
    agent noun's ending ('Echocardiographer', 'Talking-books clerk')."""
    lex = lexicon()
    phrase, last = fold(" ".join(words)), fold(words[-1]).split("-")[-1]
    return phrase in lex.professions or phrase in lex.foreign_professions or last in _job_heads() or \
        bool(AGENT_NOUN.search(last))


AGENT_NOUN = re.compile(places.AGENT_END + "$")


EMPLOYER_ROLE = re.compile(  # "Brightwell Care songwriter " right before a name, opening a sentence
    r"(?:^|(?<=[.!?][ \t])|(?<=\n))((?:[A-Z][\w&'.-]*)(?:[ \t]+[A-Z][\w&'.-]*){0,2})[ \t]+([a-z]{4,})[ \t]+$")
JOB_ENDING = re.compile(r"(?:er|or|ist|ian|ant|ent)$")


def _job_word(word: str) -> bool:
    """A job noun: in the profession list, or an agent noun ('songwriter', 'analyst')."""
    lex = lexicon()
    return fold(word) in lex.professions or (bool(JOB_ENDING.search(word)) and lex.is_common_noun(word)
                                            and not lex.is_clinical(word))


AFFILIATION = re.compile(
    r"[ \t]+(?:of|from)[ \t]+((?:[A-Z][\w&'.-]*)(?:[ \t]+[A-Z][\w&'.-]*){0,3}?)(?=['’]s\b|[ \t]*[,;:)]|"
    r"[ \t]+(?:is|was|has|will|said|says|and|in|at)\b)"
)


def _affiliations(text: str, entities: list[Entity]) -> list[Entity]:
    """'Ilse Marwood from Brightwell is the keynote speaker', 'Ilvo Varnek of Quenta's': the
    capitalised words after a confident name and 'of'/'from' name the person's organisation
    (a known place stays an address); 'Brightwell engineer Ilse Marwood': so do the
    capitalised words opening a sentence before a job word and a confident name."""
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.NAME or e.score < 0.7:
            continue
        boss = EMPLOYER_ROLE.search(text, max(0, e.begin - 60), e.begin)
        if boss and _job_word(boss.group(2)) and not places.clinical_name(boss.group(1).split(), text):
            extra.append(Entity(boss.start(1), boss.end(1), EntityType.OTHER, 0.65, boss.group(1)))
        m = AFFILIATION.match(text, e.end)
        if not m:
            continue
        words = m.group(1).split()
        if places.clinical_name(words, text) or any(_place(w) for w in words) or \
                fold(words[0]) in {"the", "this", "that", "my", "his", "her", "our", "their"}:
            continue  # "Dr. Lindqvist from Cardiology", "from Boston"
        extra.append(Entity(m.start(1), m.end(1), EntityType.OTHER, 0.65, m.group(1)))
    return entities + extra


VENUE = re.compile(r"\b(?:at|to)[ \t]+((?:[A-Z][\w&'.-]*)(?:[ \t]+[A-Z][\w&'.-]*){0,3}),[ \t]*$")


def _venues(text: str, entities: list[Entity]) -> list[Entity]:
    """'meet at Quenvore, 641 Kestrel Road': the capitalised words between 'at' and a comma right
    before a confident street address name the place there (a town stays an address)."""
    extra: list[Entity] = []
    for e in entities:
        if e.type is not EntityType.ADDRESS or e.score < 0.75 or not e.text[:1].isdigit():
            continue
        m = VENUE.search(text, max(0, e.begin - 60), e.begin)
        if m and not _place(m.group(1)) and not places.clinical_name(m.group(1).split(), text):
            extra.append(Entity(m.start(1), m.end(1), EntityType.OTHER, 0.6, m.group(1)))
    return entities + extra


def _propagate_names(text: str, entities: list[Entity]) -> list[Entity]:
    """Every other mention of a name (or of a one-word place no dictionary knows) found
    with confidence is masked too."""
    lex = lexicon()
    lower = names.document_case(text) is names.Case.LOWER
    known: set[str] = set()
    places: set[str] = set()
    acronyms: set[str] = set()
    for e in entities:
        words = names.WORD.findall(e.text)
        if e.type is EntityType.ADDRESS and e.score >= 0.65 and len(words) == 1:
            bare = words[0].rstrip(".")
            if len(bare) >= 4 and lex.raw_zipf(bare) < 2.0 and not lex.is_clinical(bare) and \
                    not medical_or_misspelt(bare):
                places.add(fold(bare))
            elif bare.isupper() and 2 <= len(bare) <= 5 and not lex.is_clinical(bare):
                acronyms.add(bare)  # "KQH": a facility named by its initials, written the same way
            elif lower and bare.isalpha() and not lex.is_clinical(bare) and lower_initials(bare, lex):
                acronyms.add(bare)  # "gh" in a lower-case note
        if e.type is EntityType.NAME and e.score >= 0.7:
            for word in names.WORD.findall(e.text):
                bare = word.rstrip(".")
                if len(bare) >= 3 and not lex.is_clinical(bare) and (
                    lex.zipf(bare) < 4.0 or (lex.is_name(bare) and lex.zipf(bare) < 4.6)
                ):
                    known.add(fold(bare))
    if not known and not places and not acronyms:
        return entities
    extra: list[Entity] = []
    for m in names.WORD.finditer(text):  # the whole document: one pass, nothing kept
        bare = m.group(0).rstrip(".")
        key = fold(bare)
        if key in known:
            extra.append(Entity(m.start(), m.start() + len(bare), EntityType.NAME, 0.8, bare))
        elif key in places or bare in acronyms:
            extra.append(Entity(m.start(), m.start() + len(bare), EntityType.ADDRESS, 0.75, bare))
    return entities + extra
