"""Pattern recognizers for structured PHI: contacts, numbers, dates, ages, addresses.

Each recognizer is a generator ``(text) -> Entity...``; scores reflect how sure the
pattern alone is (context words raise them).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator

from phimask.detect.lexicon import fold, lexicon
from phimask.detect.prefilter import scan
from phimask.entities import Entity, EntityType

Recognizer = Callable[[str], Iterator[Entity]]

I = re.IGNORECASE  # noqa: E741
DIGIT = re.compile(r"\d")  # most shapes below need one: a text without any skips their scans


def hit(text: str, begin: int, end: int, kind: EntityType, score: float) -> Entity:
    """An entity over ``text[begin:end]`` with surrounding spaces and end punctuation trimmed."""
    while begin < end and text[begin] in " \t\r\n":
        begin += 1
    while end > begin and text[end - 1] in " \t\r\n,;:":
        end -= 1
    return Entity(begin, end, kind, min(score, 1.0), text[begin:end])


def led(alternation: str) -> str:
    """A regex alternation as a group behind a lookahead for the letters its branches open
    with, in both cases ('son|(?i:bro)ther' -> '(?=[BSbs])(?:son|(?i:bro)ther)'): the same
    matches, but a scan rejects most word starts with one test instead of trying every branch."""
    letters = {case for letter in _first_letters(alternation) for case in (letter.lower(), letter.upper())}
    return f"(?=[{''.join(sorted(letters))}])(?:{alternation})"


QUANTIFIER = ("?", "*", "{")


def _first_letters(alternation: str) -> set[str]:
    """The letters the branches open with, looking into a group that opens one; ValueError
    when a branch opens with anything else (a class, an optional letter or group)."""
    letters: set[str] = set()
    for branch in _top_level_split(alternation, "|"):
        if branch.startswith("(?") and ":" in branch[:5]:
            body = _top_level_split(branch[branch.index(":") + 1:], ")")
            if len(body) < 2 or body[1][:1] in QUANTIFIER:
                raise ValueError(f"an optional or unclosed group opens {branch[:40]!r}")
            letters |= _first_letters(body[0])
        elif branch[:1].isalpha() and branch[1:2] not in QUANTIFIER:
            letters.add(branch[0])
        else:
            raise ValueError(f"no plain letter opens {branch[:40]!r}")
    return letters


def _top_level_split(pattern: str, separator: str) -> list[str]:
    """``pattern`` split at each ``separator`` outside groups, classes and escapes (at ")",
    once: the rest of a group's pattern follows its body)."""
    parts, depth, start, in_class, i = [], 0, 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == separator and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
            if separator == ")":
                break
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _before(text: str, begin: int, width: int = 40) -> str:
    return text[max(0, begin - width):begin].lower()


# ---------------------------------------------------------------- contacts and web

EMAIL = re.compile(r"\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b", I)
URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"'|]+", I)
TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|us|uk|ca|au|de|fr|it|es|nl|be|ch|at|se|no|"
    "dk|fi|pl|cz|sk|hu|pt|br|ru|jp|cn|in|nz|ie|gr|ro|bg|hr|si|is|ee|lv|lt|za|mx|ar|cl|tr|il|"
    "health|care|clinic|hospital|app|dev|ai"
)
DOMAIN = re.compile(rf"(?<![@\w.-])(?:[a-z0-9][a-z0-9-]{{1,62}}\.)+(?:{TLDS})\b(?![.-]\w)", I)
WEB_PATH = re.compile(r"/[\w%~-]+(?:[/.][\w%~-]+)*/?(?![\w/])")  # "/index.html", "/en/home", "/232"
WEB_CUE = re.compile(r"\b(?:visit|website|web[ \t]+site|homepage|online[ \t]+at|see)\b[^\n]{0,12}$", I)
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")  # "... at 10.0.0.4." too
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", I)


def find_contacts(text: str) -> Iterator[Entity]:
    """E-mail addresses, URLs, bare domain names and IP addresses."""
    emails = [(m.start(), m.end()) for m in scan(EMAIL, text)]
    for begin, end in emails:
        yield hit(text, begin, end, EntityType.EMAIL, 0.99)
    for m in scan(URL, text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?)]}":
            end -= 1
        yield hit(text, m.start(), end, EntityType.URL, 0.97)
    path_end = 0
    for m in scan(DOMAIN, text):
        if m.start() < path_end or any(b <= m.start() < e for b, e in emails):
            continue  # inside an e-mail address or the path of the domain before
        label = m.group(0).split(".")[0]
        tld = m.group(0).rsplit(".", 1)[-1].lower()
        path = WEB_PATH.match(text, m.end())
        end = path_end = path.end() if path else m.end()
        web = bool(path) or alone_on_line(text, m.start(), end) or bool(
            WEB_CUE.search(_before(text, m.start(), 30)))
        known_word = lexicon().zipf(label) >= 3.0 or lexicon().is_clinical(label)
        if len(tld) == 2 and m.group(0).count(".") < 2 and not (web and label.isalpha() and len(label) >= 4
                                                                and not known_word):
            continue  # "dosing.no", "8cms.pt": a missing space, not a web address
        score = 0.85 if (len(label) >= 4 and not known_word) or web else 0.45
        yield hit(text, m.start(), end, EntityType.URL, score)
    for m in scan(IPV4, text) if DIGIT.search(text) else ():
        if all(int(part) <= 255 for part in m.group(0).split(".")):
            yield hit(text, m.start(), m.end(), EntityType.OTHER, 0.9)
    for m in scan(IPV6, text) if ":" in text else ():
        if m.group(0).count(":") >= 3:
            try:
                ipaddress.IPv6Address(m.group(0))
            except ValueError:
                continue
            yield hit(text, m.start(), m.end(), EntityType.OTHER, 0.9)


# ---------------------------------------------------------------- phone numbers

PHONE = re.compile(
    r"(?<![\w/.])(?<!\d-)(?:(?:\+\d{1,3}|1(?=[\s.-]?\())[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?(?:\(0\)\s?)?)?"
    r"\d{1,5}(?:[ \t.-]{1,2}\d{1,5}){0,4}[ \t.-]{1,2}\d{1,8}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w/]|\.\d)",
    I,
)
PHONE_CONTEXT = re.compile(
    r"(phone|tel\b|telephone|call|cell|mobile|fax|pager|beeper|contact|home|work|reach|"
    r"number|#|ph\b|office|registered)",
    I,
)
PHONE_AFTER = re.compile(r"[ \t]*\(?(?:office|fax|mobile|cell|home|work|phone|tel)\b", I)
PHONE_LABEL = re.compile(
    r"(?:phone|tel|telephone|fax|cell|mobile|pager)\s*(?:no\.?|number|#)?\s*[:=]?\s*$", I
)
ID_WORDS_BEFORE = re.compile(
    r"(?:ssn|social\s+security|licen[cs]e|passport|account|policy|member|medicare|medicaid|mrn|record)"
    r"(?:\s+(?:number|no\.?|#))?\s*(?:is|:|#)?\s*$", I)
PLAIN_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{8,15}(?!\d|[.,/-]\d)")  # "+447700900123"
LONG_SUBSCRIBER = re.compile(  # "+34 957326638", "(351) 930216858", "(07114) 71049": a country or area code,
    # then 6-12 digits (5-12 after an area code in brackets)
    r"(?<![\w+])(?:\+\d{1,3}[ \t.-]?\d{6,12}|\(\d{1,5}\)[ \t.-]?\d{5,12})(?!\d|[.,/-]\d)")
INTERNATIONAL = re.compile(  # "+33 (0)1 46 88 28 54", "+90(559)2890104", "(+358) 135922051", "001-241-291-38"
    r"(?<![\w+])(?:\(\+\d{1,3}\)|\+\d{1,3}|00[1-9]\d{0,2}(?=[ \t.-]))(?:[ \t.-]?\(\d{1,4}\))?"
    r"[ \t./-]{0,2}\d{1,10}(?:[ \t./-]{1,2}\d{1,10}){0,5}"  # a separator between groups: no backtracking
    r"(?:[ \t]?(?i:x|ext\.?)[ \t]?\d{1,6})?(?![\w/]|[.,]\d)")
LOOSE_PHONE = re.compile(  # after a phone label: "(02)/987-7353", "(08772) 10622", "(06)86/801-5141"
    r"(?<![\w/.])(?:\(\d{1,5}\)[ \t]?/?[ \t]?)?(?:\d{7,12}|\d{2,5}(?:[ \t./-]{1,2}\d{2,8}){0,3})"
    r"(?![\w/]|[.,]\d)")
PHONE_LEAD = re.compile(  # the words right before a number that make it a phone number
    r"(?:(?<![\w@.-])(?:phone|tel|telephone|fax|cell|mobile|reached[ \t]+at|called[ \t]+back[ \t]+at|"
    r"call[ \t]+(?:me|us)[ \t]+at|(?:desk|office|home|work)(?=[ \t]*:)|"  # a card's "Desk: 5403926876"
    r"(?:my|our|his|her|their)[ \t]+(?:new[ \t]+)?number[ \t]+"
    r"(?:changed,?[ \t]+it[ \t]+)?is(?:[ \t]+now)?)|@[\w-]+(?:\.[\w-]+)+[ \t]+or)"
    r"[ \t]*(?:no\.?|number|#)?[ \t]*[:=]?[ \t]*$", I)
YEAR_RANGE = re.compile(r"(?:19|20)\d\d[ \t]*[-/][ \t]*(?:19|20)?\d\d")  # "sickle cell 2012-2014"
PHONE_WORD = re.compile(r"\b(?:phone|tel|telephone|fax|cell|mobile|number|call)\b", I)  # not "Workout: I/O"
SLASHED_AREA = re.compile(  # "Tel: 0316/11833989", "TEL 59/545 0043": area code, slash, subscriber
    r"(?<![\w/.])\d{2,5}/\d{3,8}(?:[ \t]\d{2,6})?(?![\w/]|[.,]\d)")
SLASHED_PHONE = re.compile(r"(?<![\d/])\d{3}/\d{3}[/-]\d{4}(?![\d/])")
PAGER = re.compile(
    r"\b(?:pager|pgr|pg|beeper|bpr|ext|extension|x)\.?\s*[#:]?\s*[#:]?\s*(\d{4,5}|\d-\d{4})\b(?!-\d)", I
)
MEASURE_AFTER = re.compile(
    r"\s*(?:mg|mcg|g|kg|lb|lbs|ml|cc|l|mm|cm|units?|u|meq|mmol|%|x|times|hrs?|min|sec|bpm|"
    r"am|pm|h|d|days?|weeks?|months?|years?|yo)\b",
    I,
)


def _digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


LINE_END = re.compile(r"[^\S\n]*(?:\n|$)")
LINE_HEAD = re.compile(r"(?:^|\n)[^\S\n]*$")


def _clock_times(value: str) -> bool:
    """'0015 0200 0400': times of a shift, not a number starting with the 00 prefix."""
    groups = re.findall(r"\d+", value)
    return all(len(g) == 4 and int(g[:2]) < 24 and int(g[2:]) < 60 for g in groups)


def alone_on_line(text: str, begin: int, end: int) -> bool:
    """Nothing but blanks around text[begin:end] on its line (looking back at most 200
    characters, so that many calls on one long line stay linear)."""
    return bool(LINE_END.match(text, end)) and bool(LINE_HEAD.search(text, max(0, begin - 200), begin))


def find_phones(text: str) -> Iterator[Entity]:
    """Phone and fax numbers (national and international shapes), pagers, extensions."""
    if not DIGIT.search(text):
        return
    for m in scan(PHONE, text):
        value = m.group(0)
        digits = _digits(value)
        groups = re.findall(r"\d+", value)
        pairs = len(groups) >= 4 and all(len(g) == 2 for g in groups) and \
            len(set(re.findall(r"\D+", value.lstrip("+")))) == 1  # "02.41.63.90.17", "+47 21 83 74 32"
        if digits < 7 or digits > 15 or (max(len(g) for g in groups) < 3 and not pairs):
            continue
        if MEASURE_AFTER.match(text, m.end()) and not re.search(r"[()+]", value):
            continue
        if _clock_times(value):
            continue  # "1900-0700": a shift, not a phone
        if SSN.fullmatch(value) or ID_WORDS_BEFORE.search(_before(text, m.start(), 40)):
            continue  # "social security number is 123-45-6789", "license number is 3391-55-0101"
        context = bool(PHONE_CONTEXT.search(_before(text, m.start(), 30)))
        shaped = bool(re.fullmatch(
            r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?:\s?(?:x|ext\.?)\s?\d+)?",
            value, I))
        international = bool(re.match(r"[+(]", value)) or (
            digits >= 8 and min(len(g) for g in groups) >= 2 and len(set(re.findall(r"\D+", value))) == 1
            and not re.fullmatch(r"\d+-\d+", value))
        local = bool(re.fullmatch(r"\d{3}[-. ]\d{4}", value))
        context = context or bool(PHONE_AFTER.match(text, m.end()))
        labelled = bool(PHONE_LABEL.search(_before(text, m.start(), 12)))
        trunk = bool(re.fullmatch(r"0\d{2,4}-\d{5,8}", value))  # "0843-5550123": trunk 0, area, subscriber
        alone = local and alone_on_line(text, m.start(), m.end())  # "382-0612" on a signature's line
        if not (shaped or international or pairs or ((local or trunk) and context) or labelled or alone
                or (context and digits >= 8)):  # "PHONE 0986-948 86": mixed separators after a phone word
            continue
        score = 0.95 if shaped else 0.75 if international else 0.6
        if context:
            score += 0.2
        yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, score)
    for m in scan(PLAIN_INTERNATIONAL, text):
        yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, 0.85)
    for m in scan(PAGER, text):
        before = _before(text, m.start(), 30)
        if m.group(0)[:1] in "xX" and not PHONE_CONTEXT.search(before) and before.rpartition("\n")[2].strip():
            continue  # ".45 X 2000": times or a volume; "call x4512" or a line "x4512" is an extension
        glued = m.start(1) == m.start() + 1  # "x4512" is written as one
        yield hit(text, m.start() if glued else m.start(1), m.end(1), EntityType.PHONE_OR_FAX, 0.85)
    for m in scan(INTERNATIONAL, text):
        if 8 <= _digits(m.group(0)) <= 18 and not _clock_times(m.group(0)):
            yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, 0.85)
    for m in scan(LOOSE_PHONE, text):
        if 7 <= _digits(m.group(0)) <= 15 and not YEAR_RANGE.fullmatch(m.group(0)) and \
                PHONE_LEAD.search(_before(text, m.start(), 60)):
            run = m.group(0).isdigit()  # "Tel: 4004773825": a phone, not the identifier a bare run would be
            yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, 0.85 if run else 0.8)
    for m in scan(LONG_SUBSCRIBER, text):
        yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, 0.85)
    for m in scan(SLASHED_AREA, text):
        if _digits(m.group(0)) >= 7 and PHONE_WORD.search(_before(text, m.start(), 30)):
            yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, 0.8)
    for m in scan(SLASHED_PHONE, text):
        yield hit(text, m.start(), m.end(), EntityType.PHONE_OR_FAX, 0.85)


# ---------------------------------------------------------------- identifiers

SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
CARD_CUE = re.compile(r"\b(?:card|cc|visa|mastercard|amex)\b[^\n\d]{0,25}$", I)  # "limit for card 5018..."
CARD = re.compile(r"(?<![\d-])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?![\d-])")
LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{6,}(?![\w/]|[.,]\d)")
MIXED_ID = re.compile(r"(?<![\w-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{5,}(?![\w-])", I)
LABELLED_ID = re.compile(
    r"\b" + led(
        r"MRN|MR#|medical record(?: number| no\.?)?|record(?: number| no\.?)|acct|account"
        r"(?: number| no\.?)?|patient id|pt id|id|ID#|SSN|social security(?: number)?|"
        r"licen[cs]e(?: number| no\.?| plate)?|plate(?: number)?|VIN|serial(?: number| no\.?)?|"
        r"device(?: id| number)?|policy(?: number| no\.?)?|member(?: id| number)?|"
        r"insurance(?: id| number)?|ref(?:erence)?|case(?: number| no\.?)?|claim(?: number)?|"
        r"DEA|NPI|badge|passport(?: number)?|unit no\.?|health plan(?: number)?|beneficiary"
        r"(?: number)?|certificate(?: number)?|accession(?: number| no\.?)?|order(?: number)?"
    ) + r"\s*(?:#|no\.?|number|is)?\s*[:=]?\s*#?\s*"
    r"(?=[A-Z0-9-]*\d)([A-Z0-9](?:[A-Z0-9-]{2,}[A-Z0-9]|[A-Z0-9]{2,}))\b",
    I,
)
ZIP_CODE = re.compile(r"\d{5}(?:-\d{4})?")
UNIT_SUFFIX = re.compile(
    r"^\d+(?:\.\d+)?(?:mg|mcg|ml|cc|kg|g|l|mm|cm|hr|hrs|h|min|mmhg|meq|u|units|x|am|pm|"
    r"st|nd|rd|th|s|yo|y|mo|wk|wks|d|f|c|k|pm|bpm|fr)$",
    I,
)
VIN = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_valid(value: str) -> bool:
    compact = value.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return len(compact) >= 15 and int(numeric) % 97 == 1


def find_identifiers(text: str) -> Iterator[Entity]:
    """SSNs, labelled IDs (MRN, account, licence...), cards, IBANs, VINs, long numbers."""
    if not DIGIT.search(text):
        return  # a VIN is kept only with 5 digits
    for m in scan(SSN, text):
        yield hit(text, m.start(), m.end(), EntityType.ID, 0.92)
    for m in scan(LABELLED_ID, text):
        value = m.group(1)
        if UNIT_SUFFIX.match(value) or (value.isdigit() and len(value) < 3):
            continue
        state = m.group(0)[:2] == "ID" and _before(text, m.start(), 4).rstrip().endswith(",")
        if state and ZIP_CODE.fullmatch(value):
            continue  # "Boise, ID 83702": Idaho and a ZIP code
        yield hit(text, m.start(1), m.end(1), EntityType.ID, 0.93)
    for m in scan(IBAN, text):
        if _iban_valid(m.group(0)):
            yield hit(text, m.start(), m.end(), EntityType.OTHER, 0.95)
    for m in scan(CARD, text):
        if 12 <= _digits(m.group(0)) <= 19:
            score = 0.9 if _luhn(m.group(0)) else 0.7
            yield hit(text, m.start(), m.end(), EntityType.OTHER, score)
    for m in scan(LONG_NUMBER, text):
        value = m.group(0)
        card = (13 <= len(value) <= 19 and _luhn(value)) or (
            len(value) >= 12 and CARD_CUE.search(_before(text, m.start(), 40)))
        kind = EntityType.OTHER if card else EntityType.ID  # a payment card's number is no record ID
        yield hit(text, m.start(), m.end(), kind, 0.8 if len(value) >= 7 else 0.6)
    for m in scan(MIXED_ID, text):
        value = m.group(0)
        if UNIT_SUFFIX.match(value) or _digits(value) < 4 or value.count("-") > 3 or \
                re.fullmatch(r"[\d-]+-(?:office|fax|mobile|home|work|cell|desk)", value, re.IGNORECASE):
            continue  # "8211-Office": the end of a phone number and its label
        if re.fullmatch(r"[\d.,/-]+(?:x[\d.]+)?[a-z]{0,4}s?", value, re.IGNORECASE) or \
                max(len(run) for run in re.findall(r"\d+", value)) < 4:
            continue  # "20-30cc", "600x12", "70s-80s": ranges and settings
        if re.fullmatch(r"\d{1,4}(?:-\d{1,4})+", value):  # ranges and dates, not IDs
            continue
        letters = sum(c.isalpha() for c in value)
        yield hit(text, m.start(), m.end(), EntityType.ID, 0.8 if letters <= 4 else 0.65)
    for m in scan(VIN, text):
        if _digits(m.group(0)) >= 5 and any(c.isalpha() for c in m.group(0)):
            yield hit(text, m.start(), m.end(), EntityType.ID, 0.9)


# ---------------------------------------------------------------- dates

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d)"
TIME = r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
DATE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"\b{YEAR}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01]){TIME}(?!\d)"), 0.97),
    (re.compile(r"(?<![\d/.xX-])(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|[12]\d|3[01])\1"
                rf"(?:{YEAR}|\d\d)(?![\d/%A-Za-z]|\.\d)"), 0.93),
    (re.compile(rf"\b(?:{WEEKDAY},?\s+)?{MONTH}\.?\s+{DAY}(?:\s*,\s*|\s+)(?:{YEAR}|'\d\d)\b", I), 0.97),
    (re.compile(rf"\b(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH}\.?,?\s+{YEAR}\b", I), 0.97),
    (re.compile(rf"\b{MONTH}\.?,?\s+(?:of\s+)?{YEAR}\b", I), 0.9),
    (re.compile(rf"\b{DAY}[-\s]{MONTH}[-\s](?:{YEAR}|\d\d)\b", I), 0.92),
    (re.compile(rf"\b{DAY}\s+(?-i:(?=[A-Z])){MONTH}\.?(?:,?\s+(?:{YEAR}|'?\d\d)\b)?(?![\w/])", I), 0.85),
    (re.compile(rf"\b(?:{WEEKDAY},?\s+)?{MONTH}\.?\s+{DAY}\b(?![:.]\d)", I), 0.85),
    (re.compile(rf"\b(?:the\s+)?{DAY}\s+of\s+{MONTH}\b", I), 0.85),
    (re.compile(rf"(?<=\bon\s)(?:{WEEKDAY})\b|(?<=\bmeet\s)(?:{WEEKDAY})\b|"
                rf"\b{WEEKDAY}(?=\s+(?:morning|afternoon|evening|night)\b)", I), 0.6),
    (re.compile(rf"\b{WEEKDAY}\b", I), 0.45),  # a weekday alone is no Safe Harbor date
)
SHORT_DATE = re.compile(  # not inside "1.5/2" or "LA-10/3"; "Varnholm.8/31" is a date
    r"(?<![\d/:x])(?<![\d/]\.)(?<!\D-)(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?![\d/]|\.\d|%)")
DASHED_DATE = re.compile(  # "transferred from Elmsby 7-24", "cxr 9-10:": m-d after a date cue only
    r"(?<![\w/.+-])(0?[1-9]|1[0-2])-(0?[1-9]|[12]\d|3[01])(?![\w/%-]|[.,]\d)")
RANGE_AFTER = re.compile(r"[ \t]+(?:of|to|per|times)\b", I)  # "weaned from 5-10 of PEEP": a range
STUDY_BEFORE = re.compile(r"\b(?:cxr|echo|ekg|ecg|ct|mri|cath|tte|tee|us)[ \t]*$", I)


def _study_dated(text: str, begin: int, end: int) -> bool:
    """'CXR 4/3:', 'echo 1944:', 'cxr 9-10:': a study, its date, a colon and its result."""
    return text[end:end + 1] == ":" and bool(STUDY_BEFORE.search(text, max(0, begin - 8), begin))


SHORT_RANGE = re.compile(r"(?<![\d/.:x-])(\d{1,2})/(\d{1,2})[ \t]?-[ \t]?(\d{1,2})/(\d{1,2})(?![\d/]|\.\d|%)")
YEAR_ALONE = re.compile(rf"(?<![\w#$./-]){YEAR}(?![\w%/]|\.\d|-\d)")
APOSTROPHE_YEAR = re.compile(r"(?<!['\d])'(\d\d)\b|(?<![\w'])(\d\d)'(?![\w'])")
MONTH_YEAR = re.compile(  # "5/97", "2/2019": a month and a year
    r"(?<![\d/.:])(0?[1-9]|1[0-2])/(3[2-9]|[4-9]\d|(?:19|20)\d\d)(?![\d/%]|\.\d)")
COMPACT_BIRTH_DATE = re.compile(  # "DOB: 19620304": a birth date written without separators
    r"\b(?i:dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth|birth[ \t]*date|born)[ \t]*[:#]?[ \t]*"
    r"((?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)")
NOT_SHORT_DATE_BEFORE = re.compile(  # whole words: "fx 5/97" and "approx 10/16" are dates, "x 2/3" is not
    r"(?<![a-z])(?:bp|b/p|pressure|nbp|abp|ratio|i:e|peep|strength|grade|power|motor|mmhg|psv|"
    r"bipap|flowby|settings?|ps|pc|pcv|trialed on|weaned? to|perrla|in|rales|upper|lower|"
    r"sbp|dbp|map|vent|ac|ps|imv|simv|cpap|fio2|x|rate|dose|of|tab|tabs|q|every|score|"
    r"gcs|pupils?|aox|ao|a&o|oriented|%[ \t]*,?[ \t]*&?)\s*[:=]?\s*$",
    I,
)
NOT_SHORT_DATE_AFTER = re.compile(
    r"\s*(?:weeks?|wks?|mg|mcg|ml|cc|units?|strength|tabs?|mmhg|hrs?|\(?ns\)?|ns|tab|pills?|"
    r"cups?|liters?|l\b|x\b|(?:th|rd|nd)\b|peep|dil(?:ution|uted)?\b)",
    I,
)
SHORT_DATE_CUE = re.compile(  # "extubated 5/2", "transferred to the floor on 11/4": events have dates
    r"(?:\bon|\bfrom|\bsince|\buntil|\btill|\bthru|admit(?:ted)?|readmitted|extub(?:ated)?|intubated|transferred|"
    r"weaned|wened|presented|discharged|d/?c'?d|s/p|dated?|\blast\s+bm|\blbm|\bnote|\d{1,2}/\d{1,2}-|"
    r"\bdx|diagnosed)\s*$",
    I,
)
EVENT_PLACE_CUE = re.compile(  # "admitted to Elmsby 8/2", "s/p fall at home 3/2": an event, where, its date
    r"(?:\b(?:admit(?:ted)?|readmitted|transferred|presented|seen)\s+(?:to|at|in|from)\s+(?:the\s+)?"
    r"(?:[a-z.'’]+[ \t]+){0,3}|\bs/p[ \t]+(?:[a-z]+[ \t]+){0,3})[a-z]+\s*$",
    I)
EVENT_DATE_BEFORE = re.compile(  # "am of 8/28", "12am 9/3", "today, 10/4", "Wed 3/4": a clock or day
    r"(?:\b(?:am|pm|morning|evening|night|afternoon)\s+of|\d(?::\d\d)?\s*(?:am|pm)|"
    rf"\b(?:today|yesterday|tonight|{'|'.join(WEEKDAY_ABBREVIATIONS)}|{WEEKDAY})\.?,?)\s*$",
    I,
)
EVENT_DATE_AFTER = re.compile(  # "7/2 cath:", "(10/4 ECHO-": a study or procedure done that day
    r"[ \t]*[-:]?[ \t]*(?:cath|echo|tte|tee|cta|mri|cxr|ekg|ecg|egd|ercp|cabg|ptca|pci|stent|surgery|"
    r"bronch|biopsy|angio(?:gram)?)\b",
    I,
)
CLOCK_AFTER = re.compile(  # "3/2 ~ 2130": a 24-hour time that day
    r"[ \t]*(?:~|@|at)[ \t]*[0-2]\d[0-5]\d\b(?![ \t]*(?:cc|ml|mg|units?)\b)", I)
EVENT = r"(?:n?q?wmi|[nais]?mi|stemi|nstemi|cabg|ptca|pci|stents?|cva|tia|avr|mvr)"
EVENT_YEAR = re.compile(  # "NQWMI 13", "09 PTCA": a two-digit year beside a cardiac or stroke event
    rf"(?<![\w/.-])(?:(?i:{EVENT})[ \t]+('?\d\d)(?![\w/:%-]|\.\d)|('?\d\d)[ \t]+(?i:{EVENT})\b)"
)
SETTING_AFTER = re.compile(r"\s*(?:x\s*)?\d{2,3}\s*%")  # "5/10 30%": ventilator settings
PAIN_AFTER = re.compile(r"\s*(?:c?pain|cp|ha|headache|discomfort)\b", I)
PAIN_BEFORE = re.compile(r"(?:pain|cp|rat(?:ing|ed|es)|scale|discomfort|#|\()", I)
YEAR_CONTEXT = re.compile(
    r"(?:\bin|\bon|since|year|born|\bdob:?|\bdx|diagnosed|s/p|\bhx|history|cabg|surgery|married|admitted|expires?|"
    r"retired|until|before|after|from|of|during|\bsince|class|its|it's|'|"
    r"\b(?:mi|nstemi|stemi|cva|tia|ptca|pci|stent|avr|mvr|chf|ca|dvt|pe|turp|lap\s+chole|repair|replacement))"
    r"\s*(?:early|late|mid|the)?\s*$",
    I,
)
YEAR_UNITS_AFTER = re.compile(
    r"\s*(?:mg|mcg|ml|cc|kcal|cal|units?|u\b|mmhg|mm|cm|kg|g\b|lbs?|ft|feet|meters|m\b|"
    r"steps|calories|patients|people|beds|hours?|hrs?|mins?|minutes|ml/hr|cc/hr|/)",
    I,
)


MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# every month-name pattern holds a month's name as a whole word: 'summary' and 'decreased' hold
# stems, not months, and most notes hold only such stems
MONTH_NAME = re.compile(rf"\b{MONTH}\b", I)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _date_patterns(text: str, digits: bool) -> tuple[tuple[re.Pattern[str], float], ...]:
    """The date patterns worth running: numeric ones where a digit occurs, month-name ones
    (each with a day or year) where a digit and a month's name (a whole word) occur, weekday
    ones where a weekday occurs (a substring test is far cheaper than a case-blind regex scan)."""
    lowered = text.lower()
    month = digits and any(stem in lowered for stem in MONTH_STEMS) and MONTH_NAME.search(text) is not None
    weekday = any(day in lowered for day in WEEKDAYS)
    return (DATE_PATTERNS[:2] if digits else ()) + (DATE_PATTERNS[2:9] if month else ()) + (
        DATE_PATTERNS[9:] if weekday else ())


def find_dates(text: str) -> Iterator[Entity]:
    """Dates in numeric, ISO and month-name forms, short m/d dates, years, weekdays."""
    digits = DIGIT.search(text) is not None
    for pattern, score in _date_patterns(text, digits):
        for m in scan(pattern, text):
            value = m.group(0)
            if value[:3].lower() == "may" and not re.search(r"\d", value):
                continue
            if re.fullmatch(rf"(?:{MONTH}|{WEEKDAY})", value, I) and value.islower():
                continue
            yield hit(text, m.start(), m.end(), EntityType.DATE, score)
    if not digits:
        return  # every shape below has one
    for m in scan(SHORT_DATE, text):
        month, day = int(m.group(1)), int(m.group(2))
        if (month, day) == (2, 2):
            continue  # "2/2": secondary to
        if EVENT_DATE_BEFORE.search(_before(text, m.start(), 14)) or \
                EVENT_DATE_AFTER.match(text, m.end()) or _study_dated(text, m.start(), m.end()):
            yield hit(text, m.start(), m.end(), EntityType.DATE, 0.72)
            continue
        cued = bool(SHORT_DATE_CUE.search(_before(text, m.start(), 14)) or
                    EVENT_PLACE_CUE.search(_before(text, m.start(), 40)) or CLOCK_AFTER.match(text, m.end()))
        if ((month >= day and day <= 5) or month < day <= 4) and not (cued and month > day):
            continue  # "1/2", "2/3", "5/5", "4/4": fractions, scores and settings
        if NOT_SHORT_DATE_BEFORE.search(_before(text, m.start(), 12)):
            continue
        if NOT_SHORT_DATE_AFTER.match(text, m.end()) or SETTING_AFTER.match(text, m.end()):
            continue
        if day == 10 and (PAIN_BEFORE.search(_before(text, m.start(), 30)) or
                          PAIN_AFTER.match(text, m.end())):
            continue  # "pain 6/10", "3-4/10 cpain": a pain score
        yield hit(text, m.start(), m.end(), EntityType.DATE, 0.72)
    for m in scan(DASHED_DATE, text):
        before = _before(text, m.start(), 40)
        dash_cued = bool(SHORT_DATE_CUE.search(before[-14:]) or EVENT_PLACE_CUE.search(before) or
                         _study_dated(text, m.start(), m.end()))
        if dash_cued and not NOT_SHORT_DATE_AFTER.match(text, m.end()) and \
                not SETTING_AFTER.match(text, m.end()) and not RANGE_AFTER.match(text, m.end()):
            yield hit(text, m.start(), m.end(), EntityType.DATE, 0.7)
    for m in scan(SHORT_RANGE, text):  # "3/14-3/19": the dash between two dates too
        if all(int(a) <= 12 and int(b) <= 31 for a, b in (m.group(1, 2), m.group(3, 4))) and \
                max(int(m.group(2)), int(m.group(4))) > 5:
            yield hit(text, m.start(), m.end(), EntityType.DATE, 0.72)
    for m in scan(YEAR_ALONE, text):
        if YEAR_UNITS_AFTER.match(text, m.end()):
            continue
        value = m.group(0)
        clock = int(value[:2]) < 24 and int(value[2:]) < 60
        article = bool(re.search(r"\b(?:a|an|the)\s+$", _before(text, m.start(), 6))) and \
            int(value) >= 1930 and bool(re.match(r"\s+[A-Za-z]", text[m.end():m.end() + 3]))
        if clock and not article and not YEAR_CONTEXT.search(_before(text, m.start(), 25)) and \
                not _study_dated(text, m.start(), m.end()):
            continue  # "at 1900", "1800 labs": a 24-hour time ("echo 1944:" dates a study)
        yield hit(text, m.start(), m.end(), EntityType.DATE, 0.75)
    for m in scan(MONTH_YEAR, text):
        if not NOT_SHORT_DATE_BEFORE.search(_before(text, m.start(), 12)) and \
                not NOT_SHORT_DATE_AFTER.match(text, m.end()):
            yield hit(text, m.start(), m.end(), EntityType.DATE, 0.7)
    for m in scan(COMPACT_BIRTH_DATE, text):
        yield hit(text, m.start(1), m.end(1), EntityType.DATE, 0.9)
    for m in scan(EVENT_YEAR, text):
        group = 1 if m.group(1) else 2
        if not MEASURE_AFTER.match(text, m.end(group)):
            yield hit(text, m.start(group), m.end(group), EntityType.DATE, 0.6)
    for m in scan(APOSTROPHE_YEAR, text):
        group = 1 if m.group(1) else 2
        yield hit(text, m.start(group), m.end(group), EntityType.DATE, 0.6)


# ---------------------------------------------------------------- ages

AGE_AFTER = re.compile(
    r"(?<![\w.])(\d{1,3})(?:\s*|-)(?:y/o|y\.o\.?|yo|yr?s?\.?\s*old|years?(?:[\s-]+old)?|"
    r"yrs?|year-old|y(?=\s*(?:m|f|male|female|man|woman)\b)|yo[mf])\b",
    I,
)
DURATION_BEFORE = re.compile(  # "smoker x 20 yrs", "girlfriend of 20yrs", "for 5 years"
    r"(?:\b(?:x|for|of|over|past|last|within|after|since|about|approx)|[~x])\s*$", I)
DURATION_UNITS = frozenset({"yr", "yrs", "year", "years"})
DURATION_AFTER = re.compile(  # "mi 10 years ago", "5 yrs prior": a time span, not an age
    r"\s*(?:ago|prior|earlier|before|later|back|previously|duration)\b", I)
AGE_WHEN = re.compile(  # "painted when she was 64.", "since he was 12,": an age, not a count
    r"\b(?:when|since|until|till)\s+(?:he|she|i|they|we)\s+(?:was|were|turned)\s+(\d{1,3})"
    r"(?=\s*[.,;!?)]|\s*$)", I)
AGE_IS = re.compile(  # "Ilse Varn is 82.", "Quarnby, Ilse is 7": a person's age, not a count
    r"\b([A-ZÀ-Þ][^\W\d_'’-]+)[ \t]+(?:is|was|turns|turned)[ \t]+(\d{1,3})(?=[ \t]*(?:[.!?;](?:\s|$)|$))",
    re.MULTILINE)
AGE_BEFORE = re.compile(
    r"\b(?:age[ds]?|aged|age of|turned|turn|turning|turns)\s*:?\s*(\d{1,3})\b"
    r"(?!\s*(?:%|mg|am|pm|[:/.]\d))",
    I,
)


SAFE_HARBOR_AGE = 89  # HIPAA Safe Harbor: only ages over 89 are identifiers
YOUNGER_AGE_SCORE = 0.6  # kept by default (like DetectPHI); above 0.6 only Safe Harbor ages


def _age_score(value: str) -> float:
    return 0.9 if int(value) > SAFE_HARBOR_AGE else YOUNGER_AGE_SCORE


def _is_duration(text: str, m: re.Match[str]) -> bool:
    """'20 yrs ago', 'x 5yrs', 'of 20 years': a span of time; '20 years old' stays an age."""
    if text[m.end(1):m.end()].strip(" -.").lower() not in DURATION_UNITS:
        return False
    return bool(DURATION_AFTER.match(text, m.end())
                or DURATION_BEFORE.search(text, max(0, m.start() - 8), m.start()))


def find_ages(text: str) -> Iterator[Entity]:
    """Ages: '50 yo', '28 year old', 'Age: 50 Years', 'turned 54'. Ages up to 89 score
    lower (Safe Harbor needs only ages over 89 removed)."""
    if not DIGIT.search(text):
        return
    for m in scan(AGE_AFTER, text):
        if int(m.group(1)) <= 125 and not _is_duration(text, m):
            yield hit(text, m.start(1), m.end(1), EntityType.AGE, _age_score(m.group(1)))
    for m in scan(AGE_WHEN, text):
        if int(m.group(1)) <= 125:
            yield hit(text, m.start(1), m.end(1), EntityType.AGE, _age_score(m.group(1)))
    lex = lexicon()
    for m in scan(AGE_IS, text):
        key = fold(m.group(1))
        if (key in lex.first_names or key in lex.last_names) and key not in lex.clinical_terms and \
                int(m.group(2)) <= 125:
            yield hit(text, m.start(2), m.end(2), EntityType.AGE, _age_score(m.group(2)))
    for m in scan(AGE_BEFORE, text):
        word = m.group(0).split()[0].lower().rstrip(":")
        if int(m.group(1)) > 125:
            continue
        strong = word.startswith("age") or word.startswith("turn")
        if not strong:
            continue
        yield hit(text, m.start(1), m.end(1), EntityType.AGE, _age_score(m.group(1)))


# ---------------------------------------------------------------- addresses

STATE_ABBREVIATIONS = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI"
)
TITLE_WORD = re.compile(r"(?i:mr|mrs|ms|mx|miss|dr|prof|sir|madam)\.?")  # a title, never a name or a town
CITY_STATE_ZIP = re.compile(
    rf"\b([A-Z][A-Za-z.'-]+(?:\s[A-Z][A-Za-z.'-]+){{0,2}}),\s*(?:{STATE_ABBREVIATIONS})\b"
    rf"(?:\.?,?\s+\d{{5}}(?:-\d{{4}})?)?"
)
INITIAL = re.compile(r"[A-Z]\.")
TRAVEL_CUE = re.compile(
    r"\b(?i:in|to|from|left|near|leaves|arrive[sd]?[ \t]+in|moved[ \t]+to|lives[ \t]+in)[ \t]+$")
CREDENTIAL_STATE = re.compile(r",\s*(?:MD|PA|DO)\b")
SURNAME_BEFORE = re.compile(r"(?:^|[:\n]|\b(?i:by))[ \t]*[^\W\d_][\w'’-]*,[ \t]*$")  # "By: Varn, " Ilse, MD
STATE_ZIP = re.compile(rf"\b(?:{STATE_ABBREVIATIONS})\s+\d{{5}}(?:-\d{{4}})?\b")
ZIP_LABEL = re.compile(
    r"\b(?:zip|postal\s*code|post\s*code|postcode)\s*(?:code)?\s*(?:is|:|#)?\s*"
    r"(?!is\b)(?=[A-Z0-9 -]*\d)([A-Z0-9][A-Z0-9 -]{1,9}[A-Z0-9])\b",
    I,
)
UNIT = r"(?:,?\s+(?:apt|apartment|suite|ste|unit|room|rm|floor|fl|bldg|building|#)\.?\s*#?\s*[\w-]+)"
STREET_WORDS = (
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    r"terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|plaza|plz|alley|"
    r"crescent|close|row|walk|route|rte|pike|turnpike|expressway|freeway"
)
STREET_SET = frozenset(STREET_WORDS.split("|"))
LONG_STREET_WORDS = frozenset({"street", "avenue", "road", "boulevard", "lane", "drive"})


def clinical_not_street(word: str) -> bool:
    """A clinical word that is not also a street word ("ST" is a rhythm and a street)."""
    bare = word.rstrip(".")
    return lexicon().is_clinical(bare) and fold(bare) not in STREET_SET


def _street_alternation() -> str:
    """Every street suffix and street word, longest first (then in order, so the regex is the
    same in every process), as a regex alternation."""
    suffixes = sorted(lexicon().street_suffixes | STREET_SET, key=lambda w: (-len(w), w))
    return "|".join(re.escape(s) for s in suffixes)
POST_BOX = re.compile(
    r"\b(?:(?:PSC|unit)\s+\d{3,5},?\s+box\s+\d{3,5}|p\.?\s?o\.?\s+box\s+\d+|"
    r"(?:USNS|USS|USNV|USCGC)\s+[^\W\d_]+)"
    r"(?:,?\s+(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5})?|\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b",
    I,
)
# Street words that open a street's name in Romance, Slavic and other languages; words that are
# also people's names ('Ronda', 'Vila', 'Camino') are left out
STREET_OPENERS = (
    "via", "viale", "piazza", "corso", "borgo", "contrada", "rotonda", "incrocio", "stretto", "vicolo",
    "canale", "rua", "rúa", "avenida", "travessa", "passarela", "alameda", "largo", "praça", "praia",
    "estação", "ladeira", "jardim", "parque", "rodovia", "viela", "viaduto", "vereda", "quadra", "setor",
    "trecho", "trevo", "chácara", "colônia", "condomínio", "conjunto", "esplanada", "fazenda", "lagoa",
    "loteamento", "morro", "núcleo", "recanto", "residencial", "sítio", "calle", "carrer", "paseo",
    "plaza", "rambla", "glorieta", "urbanización", "callejón", "pasaje", "pasadizo", "acceso", "andador",
    "cerrada", "privada", "prolongación", "retorno", "rue", "avenue", "boulevard", "chemin", "place",
    "allée", "impasse", "ulica", "aleja", "plac", "utca", "ulice", "strada", "aleea", "intrarea",
    "bulevardul", "soseaua", "drumul", "calea", "odos", "leoforos")
STREET_OPENER = "|".join(sorted(STREET_OPENERS, key=lambda w: (-len(w), w)))  # longest first
HOUSE_NUMBER = r"\d+[a-z]?(?:[-/]\d+[a-z]?)?"  # "12", "12b", "6-8", "21/99"
FOREIGN_STREET = re.compile(
    r"\b(?:" + led(
        rf"(?i:{STREET_OPENER}|avda\.?|av\.|ul\.|al\.|pl\.|str\.)\s+|(?i:c/)\s*"
    ) + r"(?:(?:de|da|do|dos|das|del|della|dei|degli|delle|di|la|"
    r"le|les|du|des)\s+){0,2}"
    rf"[A-ZÀ-ÞĀ-ž][^\W\d_A-Z][\w'.-]*(?:\s+[A-ZÀ-ÞĀ-ž][\w'.-]*){{0,3}}(?:,?\s+{HOUSE_NUMBER})?"
    r"|[A-ZÀ-Þ][\wà-ÿ]*(?:stra(?:ss|ß)e|gasse|weg|vej|gatan|gata|vägen|veien|vegen|laan|baan|"
    r"straat|plein|gade|stræde|tie|katu|polku|kuja|allee|platz|ring|dreef|kade|gracht|gränd|stigen|"
    r"torget|singel|steeg)"
    rf"(?:\s+{HOUSE_NUMBER})?"
    # "Rico-Siering-Gasse 28": names joined by hyphens, then the street word
    r"|[A-ZÀ-Þ][\wà-ÿ]*(?:-[A-ZÀ-Þ][\wà-ÿ]*)*-(?:Stra(?:ss|ß)e|Str\.|Gasse|Weg|Allee|Platz|Ring|Ufer|Damm)"
    rf"(?:\s+{HOUSE_NUMBER})?"
    r"|[A-ZÀ-Þ][a-zß-ÿ'-]+(?:\s+[A-ZÀ-Þ][a-zß-ÿ'-]+){1,2}\s+\d{1,5}[a-z]?(?=\s*(?:,|\n|  |$)))",
)
SEPARATE_STREET_WORDS = ("gate", "gata", "gade", "vej", "vei", "veien", "vegen", "terrasse", "allé", "tie",
                         "tee", "katu", "straße", "strasse", "gasse", "weg", "laan", "straat", "utca", "út",
                         "útja", "sokak", "sokağı", "caddesi")
SEPARATE_STREET_WORD = re.compile(  # "Kestrelby gate 41", "hjalmar terrasse 7": name, street word, number
    r"\b([^\W\d_][\w'-]+)[ \t]+(?i:"
    + "|".join(sorted(SEPARATE_STREET_WORDS, key=lambda w: (-len(w), w))) + r")[ \t]+\d{1,5}[a-z]?\b")


STREET_PREFIX = re.compile(
    rf"(?:{STREET_OPENER}|avda|av|ul|al|pl|str)\b", I)
NUMBERED_PREFIX_STREET = re.compile(  # house numbers and a street prefix vouch for a lower-case name
    r"(?<![\w.,/:-])\d{1,6}(?:[ \t]+\d{1,6})?[ \t]+(?i:rue|rua|rúa|calle|avenida|ul\.|ulica|strada)[ \t]+"
    r"((?:(?:de|des|du|la|le|les|da|do|dos|das|del|della)[ \t]+){0,2}"
    r"[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){0,2})(?=[ \t]*(?:[,.;\n]|$))")
HOUSE_NUMBERS_BEFORE = re.compile(r"(?<![\w.,/:-])\d{1,6}(?:[ \t]+\d{1,6})?,?[ \t]+$")  # "16, boulevard"
POST_BOX_KEYS = ("box", "uss", "usn", "uscgc", "apo", "fpo", "dpo")  # one is in every post-box address
UNIT_ALONE = re.compile(r"\b(?:apt|apartment|suite|ste|unit|flat|studio)\.?\s*#?\s*\d{1,5}[a-z]?\b(?!/\d)", I)
NUMBERED_STREET = re.compile(
    r"(?<![\w/.,-])(?:\d{1,6}[ \t]+)?(?:[^\W\d_][^\W\d_'.-]*[ \t]+){0,3}"
    r"[^\W\d_a-z][^\W\d_'.-]+[ \t]+\d{1,5}[a-z]?\.?(?=\s*(?:,|\n|$|\s{2}|\s+(?i:apt|suite|ste|unit)\b))",
    re.MULTILINE,
)


ADDRESS_CUE = re.compile(
    r"\b" + led(
        r"lives?[ \t]+(?:at|on)|living[ \t]+at|located[ \t]+at|is[ \t]+at|off[ \t]+at|meet[ \t]+me[ \t]+at|"
        r"address(?:[ \t]+is)?[ \t]*:?|(?:sent|send|return|deliver(?:ed)?|mail(?:ed)?)(?:[ \t]+it)?[ \t]+to|"
        r"moved[ \t]+to|arrived[ \t]+at|enter[ \t]+on|taxi[ \t]+to|refers[ \t]+to"
    ) + r"[ \t]+"
    r"(?=\d{1,6}(?:[ -]\d{1,5})?[ \t]+[^\W\d_])",
    I,
)
CUED_NUMBER = re.compile(r"\d{1,6}(?:[ -]\d{1,5})?")
CUED_WORD = re.compile(r"[ \t]+([^\W\d_][^\s,;!?()]*|\d{1,5}[a-z]?\.?(?=[\s,;!?]|$))")
STREET_PARTICLES = {"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "les",
                    "el", "van", "von", "der", "den", "e", "y", "u.", "út", "utca", "ul.", "str.", "st.",
                    "rue", "via"}


NAMED_STREET = re.compile(  # "gigs on Quorvel Fort Street", "lives off Kestrel Lane"
    r"\b(?:on|at|off|near|along|down|up|in)[ \t]+((?:[A-Z][\w'’-]+[ \t]+){1,3}"
    r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Boulevard|Blvd\.|Lane|Drive|Way|Terrace|Crescent|Close|Parkway|"
    r"Highway))(?![\w-])"
)
HUNGARIAN_STREET = re.compile(  # "Varnai u. 15.", "Ilvád fejedelem útja 62."
    r"\b((?:[A-ZÀ-ÞĀ-ž][\w'’-]*[ \t]+(?:and[ \t]+)?){1,3}(?:[a-zà-ÿ]+[ \t]+)?(?:u\.|utca|út|útja|körút|tér)"
    r"[ \t]+\d{1,4}\.?)"
)


def find_named_streets(text: str) -> Iterator[Entity]:
    """Streets named without a house number, and Hungarian 'X u. 15.' forms."""
    lex = lexicon()
    for m in scan(NAMED_STREET, text):
        words = m.group(1).split()[:-1]
        if not any(lex.is_clinical(w) or lex.is_drug(w) or fold(w) in {"the", "a", "an"} for w in words):
            yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.7)
    for m in scan(HUNGARIAN_STREET, text) if DIGIT.search(text) else ():
        yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.8)


def find_cued_addresses(text: str) -> Iterator[Entity]:
    """'lives at 58204 47 Rue de Varnouan', 'drops you off at 518 Ilvád fejedelem útja 62.':
    after an address cue, a house number and the words up to the punctuation are an address."""
    lex = lexicon()
    for m in scan(ADDRESS_CUE, text) if DIGIT.search(text) else ():
        number = CUED_NUMBER.match(text, m.end())
        if number is None or MEASURE_AFTER.match(text, number.end()):
            continue
        value = number.group(0)
        first = CUED_WORD.match(text, number.end())
        if len(value) == 4 and int(value[:2]) < 24 and int(value[2:]) < 60 and not (
                first and first.group(1)[:1].isupper() and not first.group(1).isupper()):
            continue  # "weaned off at 0830 AFTER ...": a 24-hour time
        end, words = number.end(), 0
        two_numbers = not value.isdigit()  # "at 389 167 king alexander": a building and a street number
        while words < 7:
            w = CUED_WORD.match(text, end)
            if not w:
                break
            word = w.group(1)
            key = fold(word)
            bare = word.rstrip(".")
            if not word[0].isdigit() and key not in STREET_PARTICLES and (lex.is_clinical(bare) or (
                    word.islower() and lex.zipf(bare) >= (6.0 if two_numbers else 4.5))):
                break  # "at 12 mg", "off at 2420 in the morning": a unit or an ordinary word ends it
            end, words = w.end(), words + 1
            if word[0].isdigit():
                break
        if words and any(c.isalpha() for c in text[number.end():end]):
            yield hit(text, m.end(), end, EntityType.ADDRESS, 0.8)


def _street_pattern() -> re.Pattern[str]:
    words = _street_alternation()
    return re.compile(
        rf"(?<![\w/.-])((?:\d{{1,6}}[A-Za-z]?\s+|\d{{1,6}}-\d+[ \t]+)"  # "641-1478\n": a phone ends
        rf"(?:[NSEW]\.?\s+|(?:north|south|east|west)\s+)?"
        rf"(?:[A-Za-z0-9][\w'.-]*[ \t]+){{0,4}}(?:{words})\b\.?)({UNIT}?)",
        I,
    )


def _corner_pattern() -> re.Pattern[str]:
    """'the corner of <street> and <...> <street word>': both streets and the lead-in."""
    words = _street_alternation()
    return re.compile(
        rf"\b(?:the[ \t]+)?corner[ \t]+of[ \t]+(?:(?!and\b)[^\s,;]+[ \t]+){{1,6}}?(?:and|&)[ \t]+"
        rf"(?:[^\W_][\w'.-]*[ \t]+){{0,3}}(?:{words})\b",
        I,
    )


_STREET: list[re.Pattern[str]] = []
_CORNER: list[re.Pattern[str]] = []


def _credential_after(text: str, begin: int, end: int) -> bool:
    """'Ilse Varn, MD', 'I. Varn,PA', 'By: Varn, Ilse, MD': a person's name (a first name or an
    initial and a surname, or a first name after 'Surname, ') before a credential that is
    also a state's code."""
    if not CREDENTIAL_STATE.match(text, end):
        return False
    lex, words = lexicon(), text[begin:end].split()
    if len(words) >= 2:
        return (fold(words[0]) in lex.first_names and lex.is_name(words[-1])) or (
            bool(INITIAL.fullmatch(words[0])) and fold(words[-1]) not in lex.cities)
    return lex.is_name(words[0]) and fold(words[0]) not in lex.cities and bool(
        SURNAME_BEFORE.search(text, max(0, begin - 30), begin))


def find_addresses(text: str) -> Iterator[Entity]:
    """Street addresses (US and common foreign shapes), PO/military boxes, city-state-ZIP."""
    if not _STREET:
        _STREET.append(_street_pattern())
    lex = lexicon()
    digits = DIGIT.search(text) is not None  # in every shape but corners, ships, towns and foreign streets
    for m in scan(_STREET[0], text) if digits else ():
        value = m.group(0)
        words = value.split()
        if MEASURE_AFTER.match(value, len(words[0])) or (len(words) < 3 and not words[0].isdigit()):
            continue
        middle = [w for w in re.findall(r"[^\W\d_][\w'.-]*", m.group(1))[:-1]
                  if fold(w.rstrip(".")) not in {"n", "s", "e", "w", "north", "south", "east", "west"}]
        titled = m.group(1).split()[-1][:1].isupper()
        if not middle or any(clinical_not_street(w) and not (titled and w.istitle() and lex.is_name(w))
                             for w in middle):
            continue  # "10 CC NS ..." is no street; "1668 Kestrel St street" and "12 Ward Street" are
        title_case = sum(w[:1].isupper() and not w.isupper() for w in middle)
        number = int(re.match(r"\d+", value).group(0))  # type: ignore[union-attr]
        street_word = fold(m.group(1).split()[-1].rstrip("."))
        spelt_out = number >= 100 and street_word in LONG_STREET_WORDS  # "2811 fourth avenue"
        if not title_case and not spelt_out and any(lex.zipf(w.rstrip(".")) >= 4.5 for w in middle):
            continue  # "10 AND TOLERATING WELL": ordinary words in capitals
        rare = sum(lex.zipf(w.rstrip(".")) < 3.5 for w in middle)
        score = 0.9 if title_case or spelt_out or (rare and number >= 10) else 0.4
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, score)
    if not _CORNER:
        _CORNER.append(_corner_pattern())
    for m in scan(_CORNER[0], text):
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.85)
    lowered = text.lower()
    for m in scan(POST_BOX, text) if any(key in lowered for key in POST_BOX_KEYS) else ():
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.9)
    for m in scan(UNIT_ALONE, text) if digits else ():
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.8)
    head = text[:5000]
    mixed_case = digits and sum(map(str.isupper, head)) < 0.5 * sum(map(str.isalpha, head))
    for m in scan(NUMBERED_STREET, text) if mixed_case else ():
        begin = m.start()
        for lead in re.finditer(r"([a-z]+)[ \t]+", m.group(0)):
            if lead.start() != begin - m.start() or lex.zipf(lead.group(1)) < 4.5:
                break
            begin = m.start() + lead.end()  # "is on Hoptrup Vej 12": the verb is no street
        words = re.findall(r"[^\W\d_][\w'.-]*", text[begin:m.end()])
        if words and re.fullmatch(MONTH, words[-1].rstrip("."), re.IGNORECASE):
            continue  # "Ilse Varn on Dec 18,": a date
        if not words or words[-1].isupper() or any(
                lex.is_clinical(w.rstrip(".")) or lex.is_drug(w) for w in words):
            continue
        every = re.findall(r"[^\W\d_][\w'.-]*", m.group(0))
        if sum(lex.zipf(w.rstrip(".")) >= 4.0 for w in every) > len(every) // 2:
            continue  # "seen on day 3", "Room 12": ordinary words and a number
        leading_number = m.group(0)[0].isdigit()
        if not leading_number and len(words) < 2 and (
                len(words[0]) < 5 or lex.raw_zipf(words[0]) >= 2.0 or (words[0].isascii() and
                not words[0][1:].islower())):
            continue  # "Na 153", "Hct 26": a lab value
        yield hit(text, begin, m.end(), EntityType.ADDRESS, 0.8 if leading_number else 0.6)
    for m in scan(CITY_STATE_ZIP, text):
        city = m.group(1)
        has_zip = bool(re.search(r"\d{5}", m.group(0)))
        if not has_zip and city.isupper():
            continue  # "NO VEA, CA": capitals and a clinical abbreviation, not a town
        words = city.split()
        if not has_zip and (TITLE_WORD.fullmatch(words[0]) or _credential_after(text, m.start(1), m.end(1))):
            continue  # "Dr. Quarn, MD", "I. Varn,MD": a credential, not a state
        if not has_zip and (lex.is_clinical(words[-1]) or (
                fold(city) not in lex.cities and lex.zipf(words[-1]) >= 3.5
                and not (len(words) > 1 and TRAVEL_CUE.search(text, max(0, m.start(1) - 20), m.start(1))))):
            continue  # "Pine Creek, NC" only after a travel word ("The package left Pine Creek, NC")
        if re.match(r"['’]|\s+line\b", text[m.end():m.end() + 6], re.IGNORECASE):
            continue
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.85)
    for m in scan(STATE_ZIP, text) if digits else ():
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.85)
    for m in scan(ZIP_LABEL, text) if digits else ():
        yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.9)
    for m in scan(FOREIGN_STREET, text):
        value = m.group(0)
        if any(lex.is_clinical(w.strip(".,")) or lex.is_drug(w.strip(".,")) for w in value.split()[1:]
               if fold(w) not in STREET_PARTICLES):
            continue  # "via NGT", but "Rua do Varn 12" ("DO" is also a credential)
        prefixed = bool(STREET_PREFIX.match(value))
        numbers = HOUSE_NUMBERS_BEFORE.search(text, max(0, m.start() - 15), m.start()) if prefixed else None
        numbered = numbers is not None or re.search(r"\d", value) is not None  # "408, rue Gay"
        if not numbered and len(value.split()) < 2:
            continue
        words = value.split()
        if not numbered and all(lexicon().zipf(w) > 4.0 for w in words[1:]):
            continue
        score = 0.8 if re.search(r"\d", value) else 0.6
        if not prefixed and words[0][0].isupper() and words[-1][:1].isdigit():
            # "Oude Laan 218": capitalised words + number; weaker unless uncommon words
            if any(lexicon().is_clinical(w) for w in words[:-1]):
                continue
            common = sum(lexicon().zipf(w) >= 3.5 for w in words[:-1])
            score = 0.7 if common == 0 and len(words) > 2 else 0.6 if common == 0 else 0.3
        begin, score = (numbers.start(), max(score, 0.8)) if numbers else (m.start(), score)
        yield hit(text, begin, m.end(), EntityType.ADDRESS, score)  # "40731 29 Rue de Varnel": numbers first
    for m in scan(NUMBERED_PREFIX_STREET, text) if digits else ():
        if not any(lex.is_clinical(w) or lex.is_drug(w) for w in m.group(1).split()):
            yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.8)  # "770 26 rue des varnelles"
    for m in scan(SEPARATE_STREET_WORD, text) if any(w in lowered for w in SEPARATE_STREET_WORDS) else ():
        name = m.group(1)
        if lex.zipf(name) < 3.5 and not lex.is_clinical(name) and not lex.is_drug(name):
            yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.75)


ADDRESS_LABEL = re.compile(
    r"(?:^|\n)[ \t>]*(?:(?:home|mailing|postal|billing|street|new)[ \t]+)?address[ \t]*:", re.IGNORECASE)
BLOCK_LINE = re.compile(r"[ \t>]*([^\n]{1,80}?)[ \t.]*(?:\n|$)")
INLINE_LABEL = re.compile(r"(?:[ \t]{2,}|\t)[^\W\d_][\w .]{0,30}:")  # "    Phone:" after the address
LABEL_LINE = re.compile(r"[^\W\d_][\w ]{0,30}:")  # "Phone:", "Desk:": the next field, not the address


def find_labelled_addresses(text: str) -> Iterator[Entity]:
    """'Address: 77 Kestrel Way, NE 40512', 'address:\\n512 trg varnholm 17 apt. 8\\nelmsby': after
    an address label, the lines up to a blank line or the next label, from the first that
    holds a number (a name line may come first on an envelope)."""
    if "ddress" not in text and "DDRESS" not in text:
        return
    for label in scan(ADDRESS_LABEL, text):
        at = label.end()
        while at < len(text) and text[at].isspace():
            at += 1
        begin = end = -1
        for _ in range(6):
            line = BLOCK_LINE.match(text, at)
            if not line or LABEL_LINE.match(line.group(1)) or (begin < 0 and not DIGIT.search(line.group(1))):
                if begin >= 0 or not line:
                    break
            elif begin < 0:
                begin = line.start(1)
            field = INLINE_LABEL.search(text, line.start(1), line.end(1))
            if begin >= 0:
                end = field.start() if field else line.end(1)
            at = line.end()
            if field or at >= len(text) or text[at] == "\n":
                break  # the next field on the line ("    Phone: ...") or a blank line ends the block
        if begin >= 0:
            yield hit(text, begin, end, EntityType.ADDRESS, 0.85)


RECOGNIZERS: tuple[Recognizer, ...] = (
    find_contacts,
    find_phones,
    find_identifiers,
    find_dates,
    find_ages,
    find_addresses,
    find_cued_addresses,
    find_named_streets,
    find_labelled_addresses,
)
