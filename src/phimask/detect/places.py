"""Gazetteer recognizers: cities, states, countries, facilities, organisations and
professions."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

from phimask.detect.lexicon import Lexicon, fold, lexicon, medical_or_misspelt
from phimask.detect.names import (
    KIND_AFTER,
    PEOPLE_WORDS,
    WORD,
    Case,
    clinical_text,
    document_case,
    no_dictionary_word,
    words_of,
)
from phimask.detect.patterns import (
    MEASURE_AFTER,
    MONTH,
    STATE_ABBREVIATIONS,
    WEEKDAY_ABBREVIATIONS,
    WEEKDAYS,
    alone_on_line,
    hit,
    led,
)
from phimask.detect.prefilter import scan, search
from phimask.entities import Entity, EntityType

PLACE_CONTEXT = re.compile(
    r"\b(?:in|to|from|at|near|lives|living|live|born|moved|visit|visiting|arrived|"
    r"flew|fly|travel(?:l?ed)?|trip|based|located|resident|native|hometown|city|town)\s*$",
    re.IGNORECASE,
)
# a kind of place, left outside the name like "hospital"
SPECIALTY_CENTER = (r"(?:heart|cancer|eye|kidney|dialysis|surgery|imaging|sleep|pain|trauma|burn|wellness|"
                    r"birth)\s+cent(?:er|re)")
FACILITY = re.compile(
    r"\b((?:[A-Za-z][\w'&-]*\.?[ \t]+){1,5}?)"
    r"(hospital|hosp|medical\s+cent(?:er|re)|health\s+(?:center|centre|system|care)|clinic|"
    r"healthcare|rehab(?:ilitation)?(?:\s+(?:center|hospital|facility))?|nursing\s+home|"
    r"nursing\s+facility|hospice|infirmary|memorial|institute|university|college|campus|"
    r"medical\s+group|surgical\s+center|urgent\s+care|pharmacy|manor|assisted\s+living|va|vamc|"
    r"care\s+cent(?:er|re)|senior\s+living|living\s+cent(?:er|re)|"
    rf"{SPECIALTY_CENTER})\b"
    r"(?!\s+(?:hospital|hosp|medical|med\s+cent|health|clinic|rehab))",  # "Memorial Hospital": one name
    re.IGNORECASE,
)
FACILITY_HINTS = ("hosp", "medical", "health", "clinic", "rehab", "nursing", "infirmary", "memorial",
                  "institute", "universit", "college", "campus", "surgical", "urgent", "pharmacy", "manor",
                  "assisted", " va", "\tva", "care", "living", "center", "centre")  # in every FACILITY match
FACILITY_HEADS = {"hospital", "hosp", "medical", "memorial", "university", "institute", "college", "health",
                  "regional", "community", "general", "county", "nursing", "childrens", "children's"}
GENERIC_HEADS = {"hospital", "hosp", "medical", "health", "regional", "community", "general", "county",
                 "nursing", "childrens", "children's"}  # never a facility's name by themselves
FACILITY_GLUE = {"of", "the", "and", "&", "de", "la", "for"}
# kind-of-place words left outside a facility's span: "[Elmsby] Hospital" reads as a hospital and
# identifies no one ("Medical Center", "Memorial", "VAMC" stay: they are usually part of the name)
KIND_HEAD = re.compile(rf"(?:hospital|hosp|campus|rehab|va|er|ed|ew)\.?|{SPECIALTY_CENTER}", re.IGNORECASE)
MORE_LEGAL_FORMS = (  # Latin-script legal forms of more countries ("Varga és Társa Kft.", "Quarnby S/A")
    "& Cie.", "& Co. KG", "& Co.", "& Partner", "& Söhne", "Limited", "Limitada", "Kft.", "Kht.", "Oyj", "HB",
    "S/A", "S.p.A.", "S.P.A.", "S.A.R.L.", "S.L.L.", "S.L.N.E", "S.L.U.", "S.N.C.", "S.Coop.", "d.o.o.",
    "d.d.", "k.s.", "v.o.s.", "Sp.j.", "e Filhos", "et Fils", "GbR", "VOF", "Groep", "Gruppen", "A.Ş.",
    "Şti.", "s.r.l.", "SPA", "SA", "S.C.P.", "S.C.P", "S.A.T.", "e.G.", "i syn s.c.", "i syn",
    "i wspólnicy s.c.", "y asociados S.L.", "y asociados", "- EI", "- ME", "- EPP")
COMPANY = re.compile(
    r"\b((?:(?:[A-Z][\w&'.-]*|&)[ \t]+){0,3}[A-Z][\w&'.-]*),?[ \t]+"
    r"(Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Corp\.?|Corporation|Company|Co\.|Group|PLC|GmbH|AG|"
    r"S\.A\.|SpA|Software|Technologies|Technology|Systems|Consulting|Partners|Associates|"
    r"Bank|Insurance|Holdings|Labs|Foundation|Enterprises|Industries|and Sons|Analytics|Research|Capital|"
    r"Services|Markets|Solutions|Ventures|Networks|Logistics|Studios|Movers|Airlines|Pharmaceuticals|"
    r"Health|Studio|Media|Foods|Motors|"
    r"KG|OG|A/S|ApS|APS|AS|AB|Oy|BV|B\.V\.|NV|N\.V\.|a\.s\.|s\.r\.o\.|s\.c\.|S\.C\.|Sàrl|SARL|S\.L\.|"
    r"S\.r\.l\.|SRL|Lda\.?|LDA\.?|Ltda\.?|Tmi|e\.V\.|SAS|S\.Com\.|S\.A\.S\.|OHG|KGaA|Kkt\.?|Bt\.?|Zrt\.?|"
    r"Nyrt\.?|Sp\.[ \t]z[ \t]o\.o\.(?:[ \t]Sp\.k\.)?|Sp\.k\.|S\.A\.[ \t]de[ \t]C\.V\.|e[ \t]figli|"
    r"og[ \t]Sønner|e[ \t]Hijos|y[ \t]Asociados|"
    + "|".join(re.escape(form) for form in MORE_LEGAL_FORMS) + r")(?![\w])"
)
# legal forms that are words or clinical shorthand too ("WORKS AS", "new S.L." saline lock, "S.C." injection):
# a firm's only in mixed-case text that is no clinical note
AMBIGUOUS_LEGAL = {"kg", "og", "as", "ab", "oy", "bv", "nv", "sas", "s.l.", "s.c.", "a.s.", "hb", "limited",
                   "sa", "spa", "- me"}
LAW_FIRM = re.compile(  # "Varn, Quist and Elm", "CÔTÉ, LEBEL AND GUILLEMOT"
    r"(?<![\w-])([^\W\d_][^\W\d_]+(?:-[^\W\d_][^\W\d_]+)?), ([^\W\d_][^\W\d_]+) (?:and|AND|y|e|und|et) "
    r"([^\W\d_][^\W\d_]+)(?![\w-])")
DOUBLE_BARRELLED = re.compile(r"(?<![\w-])([A-Za-z][a-z]+)-([A-Za-z][a-z]+)(?![\w-])")
# "works as a field seismologist at", "has been a proofreader with": the job title, then the employer
EMPLOYED_AS = (r"work(?:s|ed|ing)?[ \t]+as[ \t]+(?:an?[ \t]+)?(?:[\w/-]+[ \t]+){1,5}?(?:at|for|with)|"
               r"been[ \t]+an?[ \t]+(?:[\w/-]+[ \t]+){1,5}?(?:with|at)")
EMPLOYER = re.compile(
    r"\b(?:(?:his|her|their|own)\s+(?:business|company|firm|shop|store)|(?i:" + EMPLOYED_AS + ")|"
    r"(?:work(?:s|ed|ing)?|employed|job|position|intern(?:ed)?|emplyee|employee)\s+"
    r"(?:for|at|with|by)|support|later\s+became|joined|(?:a|one|following|first|second|last)\s+year\s+at|"
    r"recorded\s+for|(?i:(?:signed\s+)?(?:a\s+)?contract\s+with))\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})"
)
WEBSITE = re.compile(  # "according to the Brightwave Transit website"
    r"\b(?i:the)\s+((?:[A-Z][\w&'.-]*)(?:\s+[A-Z][\w&'.-]*){0,3})\s+(?i:website|web\s+site|homepage)\b"
)
DESCRIBED_ORGANISATION = re.compile(  # "Brightwave Labs is a small agency from ..."
    r"(?:^|(?<=[.!?]\s)|(?<=\n))((?:[A-Z][\w&'.-]*)(?:[ \t]+(?:[A-Z][\w&'.-]*|and|of|&)){0,3}?)[ \t]+"
    r"(?:is|was)[ \t]+(?:a|an|the)[ \t]+(?:[\w-]+[ \t]+){0,3}?(?:company|agency|firm|start-?up|multinational|"
    r"bank|organi[sz]ation|non-?profit|corporation|brainchild|consultancy|manufacturer|retailer)\b"
)
ORGANISATION_NOUN = re.compile(  # "The Velmora Brass Orchestra played", "The Quenvaro office is at"
    r"(?:^|(?<=[.!?]\s)|(?<=\n))[Tt]he[ \t]+((?:[A-Z][\w&'.-]*)(?:[ \t]+[A-Z][\w&'.-]*){0,3})[ \t]+"
    r"(?i:office|offices|orchestra|band|choir|foundation|headquarters|board|employees)\b"
)
ADDRESS_OF = re.compile(  # "The address of Quenvaro Data Works is 12 …": whose address it is
    r"\b[Tt]he[ \t]+address[ \t]+of[ \t]+((?:[A-Z][\w&'.-]*)(?:[ \t]+[A-Z][\w&'.-]*){0,4})[ \t]+is\b")
ORGANISATION_VERB = re.compile(  # "In 2008, Quenvaro Iq invested", "Velmora announced"
    r"(?:^|(?<=,[ \t])|(?<=\n))((?:[A-Z][\w&'.-]*[ \t]+){0,3}[A-Z][\w&'.-]*)[ \t]+"
    r"(?:invested|announced|acquired|reported|launched|raised|merged|employs|partnered|expanded|"
    r"(?i:signed[ \t]+a[ \t]+contract))\b"
)
RELATIVE_WORD = re.compile(r"(?i:family|wife|husband|son|daughter|mother|father|sister|brother|patient|team|"
                           r"doctor|nurse|staff|physician|surgeon|friend)")
LOWER_LEGAL = r"(?:inc|llc|ltd|corp|plc|gmbh)\b\.?"
LOWER_COMPANY = re.compile(  # "quenvaro data labs inc.", "mcquarn insurance"
    r"\b((?:[a-z][\w&'-]*[ \t]+){1,3}?)(?:(?:insurance|consulting|labs|analytics|systems|media|holdings|"
    r"capital|solutions|ventures|networks|logistics|studios|partners|associates|technologies|industries|"
    r"enterprises)\b"
    rf"(?:[ \t]+{LOWER_LEGAL})?|{LOWER_LEGAL})")
LOWER_EMPLOYER = re.compile(  # lower-case texts: "he works for quenvaro in ..."
    r"\b(?:work(?:s|ed|ing)?[ \t]+(?:for|at)|employed[ \t]+(?:by|at)|support|recorded[ \t]+for|joined|"
    + EMPLOYED_AS + r")[ \t]+"
    r"([a-z][\w&'.-]*(?:[ \t]+[a-z][\w&'.-]*)?)"
    r"(?=[ \t]+(?:in|as|and|became|is|was|for|before|since|until|when|from)\b|[ \t]*[.,;]|$)"
)
LEGAL_SUFFIXES = {"inc", "inc.", "incorporated", "llc", "l.l.c.", "ltd", "ltd.", "corp", "corp.",
                  "corporation", "plc", "gmbh", "kg", "og", "a/s", "aps", "as", "ab", "oy", "bv", "b.v.",
                  "nv", "n.v.", "a.s.", "s.r.o.", "s.c.", "sarl", "s.l.", "s.r.l.", "srl", "lda", "lda.",
                  "ltda", "ltda.", "tmi", "e.v.", "sas", "s.com.", "s.a.s.", "ohg", "kgaa", "kkt", "kkt.",
                  "bt", "bt.", "zrt", "zrt.", "nyrt", "nyrt.", "sp. z o.o.", "sp. z o.o. sp.k.", "sp.k.",
                  "s.a. de c.v.", "e figli", "og sonner", "e hijos", "y asociados",
                  *(fold(form) for form in MORE_LEGAL_FORMS)}
PROFESSION_CONTEXT = re.compile(
    r"\b(?:as\s+an?|as\s+the|work(?:s|ed|ing)?\s+as|occupation|profession|job|retired|been\s+an?|"
    r"employed\s+as|career\s+as|former|is\s+an?|was\s+an?)\s*:?\s*$",
    re.IGNORECASE,
)
JOINED_AS = re.compile(r"\b(?i:joined)[ \t]+[^\n]{1,60}?[ \t]+as[ \t]+$")  # "joined Quarnvik as pilot"
STATE_CODES = rf"(?:{STATE_ABBREVIATIONS})"
STATE_CODE_SET = frozenset(STATE_ABBREVIATIONS.split("|"))
AMBIGUOUS_COUNTRIES = {"turkey", "chad", "jordan", "georgia", "guinea", "jersey", "man", "niger",
                       "togo", "peru", "cuba", "china", "japan"}
TOWN_COMMA = re.compile(r"[^\W\d_],[ \t]*$")
DOTTED_SHORT = re.compile(r"(?:[^\W\d_]\.)+")  # "J.", "U.S.": initials, not a sentence's end
WEEKDAY_SHORT = frozenset(WEEKDAY_ABBREVIATIONS)  # "VISIT MON"
SAINTS = {"st.", "st", "saint", "ste.", "ste", "san", "santa", "sao"}
DOTTED_NAME_WORDS = LEGAL_SUFFIXES | SAINTS  # "Quarnvik Ltd.", "St.": their full stop ends no sentence
STOP_WORDS = {"the", "a", "an", "at", "for", "with", "from", "of", "and", "in", "on", "to", "by",
              "this", "that", "our", "my", "his", "her", "their", "i", "we", "he", "she", "it"}
CARE_STAFF = {
    "nurse", "doctor", "physician", "surgeon", "paramedic", "pharmacist", "therapist",
    "dietitian", "radiographer", "physiotherapist", "psychiatrist", "psychologist",
    "chaplain", "counsellor", "counselor", "midwife", "social worker", "care assistant",
    "translator", "interpreter", "case manager",
}


def _proper(word: str, lex: Lexicon, case: Case) -> bool:
    bare = word.rstrip(".-")  # "PT-": the abbreviation, not a name
    if lex.is_clinical(bare) or (word.endswith(".") and len(bare) > 2):
        return False
    if case is Case.MIXED:
        return bare[:1].isupper()
    return lex.zipf(bare) < 3.5


@cache
def _place_heads() -> frozenset[str]:
    """The first word of every city, state and country name (a word that is none is skipped)."""
    lex = lexicon()
    names = lex.cities | lex.countries | lex.us_states
    return frozenset(key.replace("-", " ").split(" ")[0] for key in names)


@cache
def _profession_starts() -> dict[str, int]:
    """The first word of every job title, and how many words the longest such title has."""
    lex = lexicon()
    longest: dict[str, int] = {}
    for key in lex.professions | lex.foreign_professions:
        words = key.replace("/", " ").split()
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


@lru_cache(maxsize=1 << 15)
def _head_key(word: str) -> str:
    return fold(word.rstrip(".")).replace("-", " ").split(" ")[0]


def find_places(text: str) -> Iterator[Entity]:
    """Cities, US states and countries (1-3 word look-ups)."""
    lex = lexicon()
    case = document_case(text)
    words = words_of(text)
    heads = _place_heads()
    i = 0
    while i < len(words):
        matched = False
        if _head_key(words[i].group(0)) not in heads:
            i += 1
            continue
        for size in (3, 2, 1):
            group = words[i:i + size]
            if len(group) < size:
                continue
            phrase = text[group[0].start():group[-1].end()].rstrip(".")
            hyphened = fold(phrase)  # the gazetteer writes "winston-salem", "aix-en-provence"
            key = hyphened.replace("-", " ")
            kind = ("country" if key in lex.countries else "state" if key in lex.us_states
                    else "city" if key in lex.cities or hyphened in lex.cities else "")
            if not kind or lex.is_clinical(phrase) or len(key) < 3 or key in WEEKDAY_SHORT:
                continue  # first, as most phrases tried are no place: the tests below cost more
            if any(text[a.end():b.start()] not in {" ", "-"} for a, b in itertools.pairwise(group)):
                continue
            first = group[0].group(0)
            if case is Case.MIXED and not first[:1].isupper() and (size == 1 or not PLACE_CONTEXT.search(
                    text, max(0, group[0].start() - 20), group[0].start())):
                continue  # lower-case: only a multi-word town after a place cue ("returned to new haven")
            if kind != "city" and _alone(text, group[0].start(), group[-1].end()) and clinical_text(text):
                continue  # "retired to Florida": Safe Harbor keeps states; a note names no country to hide
            context = bool(PLACE_CONTEXT.search(text[max(0, group[0].start() - 20):group[0].start()])) or (
                kind != "city" and _cued_town_before(text, group[0].start()))
            acronym = case is Case.MIXED and ((phrase.isupper() and len(phrase) <= 4)
                                              or any(c.isupper() for c in phrase[1:3]))
            if (case is not Case.MIXED or acronym) and not context:
                continue
            common = max(lex.zipf(w.group(0).rstrip(".")) for w in group)
            noun = any(lex.is_common_noun(w.group(0).rstrip(".")) for w in group)
            after = text[group[-1].end():group[-1].end() + 30]
            followed = bool(re.match(r",\s*[A-Z]", after)) and not _surname_next(lex, after)
            if kind == "city" and _inside(_law_firms(text), group[0].start()):
                continue  # "Barnett, Melton and Garcia": a firm named after people
            first_name_town = kind == "city" and size == 1 and fold(first) in lex.first_names
            if first_name_town and (_surname_next(lex, after) or not (
                    context or followed or _placed(lex, text, group[0].start(), after))):
                continue  # "change it to Mary Gavrilova", "shouted at Gary": a first name, not a town
            if kind == "country":
                score = 0.85 if key not in AMBIGUOUS_COUNTRIES or context else 0.45
            elif kind == "state":  # "Dunakeszi, New York": a state after a town and a comma
                after_town = bool(TOWN_COMMA.search(text, max(0, group[0].start() - 4), group[0].start()))
                score = 0.85 if not (noun or lex.is_name(phrase)) or context or after_town else 0.45
            elif not noun:
                score = 0.75 + (0.15 if context or followed else 0.0)
            elif common < 4.5:
                score = 0.65 if context or followed else 0.35
            else:
                score = 0.5 if context and followed else 0.2
            if case is not Case.MIXED and kind == "city":
                score -= 0.15
                tail = group[0].start() + len(phrase)
                if noun and not (PLACE_CLOSER.match(text, tail) or KIND_AFTER.match(text, tail)):
                    score = max(0.0, score - 0.1)  # "AT SUPERIOR PORTION OF": it describes the noun after it
            if size > 1 and context and not first[:1].isupper():
                score = max(score, 0.6)  # a multi-word town written in lower case after a place cue
            end = group[0].start() + len(phrase)
            yield hit(text, group[0].start(), end, EntityType.ADDRESS, score)
            i += size
            matched = True
            break
        if not matched:
            i += 1


@lru_cache(maxsize=4)  # find_places and find_organisations read the same document's firms
def _law_firms(text: str) -> tuple[re.Match[str], ...]:
    """'Varn, Quist and Elm': firms named after people, in order and not overlapping."""
    return tuple(scan(LAW_FIRM, text))


def _inside(spans: Sequence[re.Match[str]], position: int) -> bool:
    """Whether ``position`` falls in one of ``spans`` (in order, not overlapping): a bisection."""
    at = bisect.bisect_right(spans, position, key=lambda span: span.start()) - 1
    return at >= 0 and spans[at].start() <= position < spans[at].end()


def _cued_town_before(text: str, begin: int) -> bool:
    """'LIVES ALONE IN QUARNBY, |IDAHO': a town after a cue that only a place follows, then a comma."""
    before = text[max(0, begin - 60):begin]
    return bool(TOWN_COMMA.search(before)) and any(
        CUED_TOWN.fullmatch(before, m.end()) is not None for m in STRONG_PLACE_CUE.finditer(before))


CUED_TOWN = re.compile(r"(?:[^\W\d_][\w'’.-]*[ \t]+){0,2}[^\W\d_][\w'’.-]*,[ \t]*")
PREVIOUS_WORD = re.compile(r"(\w+)[ \t]+$")
TOWN_TAILS = {"bay", "vale", "falls", "city", "creek", "springs", "beach", "harbor", "harbour", "park",
              "heights", "hills", "valley", "village", "lake", "island", "junction", "point", "ridge", "town"}


def _placed(lex: Lexicon, text: str, begin: int, after: str) -> bool:
    """A word inside a place's name: after a house number or 'South', before 'Vale' or a street word."""
    before = PREVIOUS_WORD.search(text, max(0, begin - 20), begin)
    if before and (before.group(1).isdigit() or fold(before.group(1)) in PLACE_PREFIXES):
        return True
    following = NEXT_WORD.match(after)
    word = fold(following.group(1)) if following else ""
    return (word in TOWN_TAILS or word in lex.street_suffixes) and not after.lstrip().startswith(",")


NEXT_WORD = re.compile(r",?[ \t]+([A-ZÀ-Þ][^\W\d_]+)\b")


def _surname_next(lex: Lexicon, after: str) -> bool:
    """The next word (after an optional comma) is a listed surname or a word no dictionary
    knows, and no place: 'Davis, Reynolds and ...', 'Mary Gavrilova'."""
    m = NEXT_WORD.match(after)
    if not m:
        return False
    key = fold(m.group(1))
    region = key in lex.countries or key in lex.us_states
    surname = key in lex.last_names  # "Goldberg" and "Lima" are towns too, but after a first name a surname
    return not region and (surname or (lex.raw_zipf(m.group(1)) == 0 and key not in lex.cities)) and \
        not lex.is_clinical(m.group(1))


ALONE_NOT_AFTER = re.compile(r"[ \t]*(?:\d{5}|(?i:er|ed|hosp|hospital|medical|univ|university|rehab|va)\b)")


def _alone(text: str, begin: int, end: int) -> bool:
    """Not part of a postal address or a facility's name: no comma before, no postcode or
    kind of place after ('U Elmsland ER')."""
    return not re.search(r",[ \t]*$", text[max(0, begin - 3):begin]) and \
        not ALONE_NOT_AFTER.match(text, end)


def find_facilities(text: str) -> Iterator[Entity]:
    """'Brookhaven Fictional Medical Center', 'VAMC HOSPITAL', 'elmsby hospital'."""
    lex = lexicon()
    case = document_case(text)
    lowered = text.lower()
    if not any(head in lowered for head in FACILITY_HINTS):
        return
    for m in scan(FACILITY, text):
        words = m.group(1).split()
        start = m.start(1)
        # keep the trailing run of proper words (and glue words between them)
        kept: list[str] = []
        for word in reversed(words):
            if _proper(word, lex, case) or fold(word) in SAINTS or fold(word) in FACILITY_HEADS or (
                    fold(word) in lex.cities and not lex.is_clinical(word) and fold(word) not in STOP_WORDS
                    and not lex.is_common_noun(word)) or (
                    (kept or word is words[-1]) and fold(word) in FACILITY_GLUE):  # "Varn Nursing and Rehab"
                kept.insert(0, word)
            else:
                break
        while kept and fold(kept[0]) in FACILITY_GLUE:
            kept.pop(0)
        if all(fold(w) in GENERIC_HEADS | FACILITY_GLUE for w in kept):
            kept = []
        by_name = False
        if not kept or (case is not Case.MIXED and fold(" ".join(kept)) not in lex.cities and not any(
                lex.zipf(w.rstrip(".")) < 4.0 and len(w) > 1 for w in kept)):
            # in capitals a facility needs a rare word or a town ("BALTIMORE REHAB"), or a
            # person's name after an arrival word ("TRANSFERRED FROM WEST TIMOTHY HOSPITAL")
            kept = [] if case is Case.MIXED else _arrival_named(words, lex)
            if not kept:
                continue
            by_name = True
        begin = start + len(" ".join(words[:len(words) - len(kept)])) + (1 if len(kept) < len(words) else 0)
        begin = text.index(kept[0], max(start, begin - 2))
        proper = sum(lex.zipf(w.rstrip(".")) < 3.5 for w in kept)
        score = 0.85 if proper or case is Case.MIXED else 0.7 if by_name else 0.5
        end = m.start(2) if KIND_HEAD.fullmatch(m.group(2)) else m.end()
        if end == m.start(2) and fold(kept[-1]) in FACILITY_GLUE:
            end = text.rindex(kept[-1], begin, end)  # "[Varn Nursing] and Rehab"
        if end <= begin:
            continue
        yield hit(text, begin, end, EntityType.ADDRESS, score)


ARRIVAL_WORDS = frozenset({"to", "from", "at", "@", "leave", "left", "tx", "transfer"})  # not "in hall"


def _arrival_named(words: list[str], lex: Lexicon) -> list[str]:
    """In a one-case note, the words before a facility's head that name it after a person,
    with an optional place prefix, right after an arrival word ('FROM WEST TIMOTHY',
    'TO THE ROSE'); [] when there are none. Names that are also words count here."""
    kept: list[str] = []
    for word in reversed(words):
        key = fold(word.rstrip("."))
        if len(kept) < 3 and key not in STOP_WORDS and key not in FACILITY_GLUE and (key in TOWN_PREFIXES or (
                lex.is_name(key) and not lex.is_clinical(key) and not MONTH_WORD.fullmatch(key)
                and key not in WEEKDAYS)):
            kept.insert(0, word)
        else:
            break
    while kept and fold(kept[-1]) in TOWN_PREFIXES:
        kept.pop()
    rest = [fold(w) for w in words[:len(words) - len(kept)] if fold(w) != "the"]
    if not kept or all(fold(w) in TOWN_PREFIXES for w in kept) or not rest or rest[-1] not in ARRIVAL_WORDS:
        return []
    return kept


HOSPITAL_HEAD = (r"(?:hospital|hosp|medical\s+cent(?:er|re)|med\s+cent(?:er|re)|health\s+cent(?:er|re)|"
                 r"er|ed|ew|rehab|campus|clinic|cath\s+lab|va)\b")
NAMED_HOSPITAL = re.compile(  # names many hospitals share; the place around them identifies
    r"\b(" + led(
        r"holy\s+cross|sacred\s+heart|good\s+sam(?:aritan)?|union\s+memorial|mount\s+sinai|mt\.?\s+sinai|"
        r"beth\s+israel|johns\s+hopkins|shock\s+trauma|mercy|providence|presbyterian|methodist|baptist|"
        r"lutheran|adventist|memorial|general|(?:university|univ\.?|u)\s+of\s+(?:[a-z]+(?:\s+[a-z]+)?)"
    ) + r")"
    rf"(\s+{HOSPITAL_HEAD})?",
    re.IGNORECASE,
)
ARRIVAL = re.compile(r"\b(?:to|from|at|in|@|leave|left|tx|transfer|back\s+to)\s+(?:the\s+)?$", re.IGNORECASE)
SHARED_WORDS = {"mercy", "providence", "memorial", "general", "presbyterian", "methodist", "baptist",
                "lutheran", "adventist"}  # ordinary words too: need a head word or capitals


def _state(words: str, lex: Lexicon) -> bool:
    key = fold(words)
    return key in lex.us_states or bool(re.fullmatch(STATE_CODES, words, re.IGNORECASE))


SAINT_PLACE = re.compile(  # "from st. mary's", "to St. Clare 5-15": a hospital named after a saint
    r"\b(?i:to|from|at|@|transfer(?:red)?\s+to)\s+((?i:st\.?|saint|ste\.?)\s+([^\W\d_]+)(?:['’]s)?)(?![\w'’])")


SAINT_HINT = re.compile(r"\b(?i:st|saint|ste)\b")


def find_saint_places(text: str) -> Iterator[Entity]:
    """'transferred from st. mary's': after an arrival word, a saint's name is a hospital or a town."""
    if not search(SAINT_HINT, text):
        return
    lex = lexicon()
    for m in scan(SAINT_PLACE, text):
        key = fold(m.group(2))
        if (key in lex.first_names or key in lex.last_names) and not lex.is_clinical(m.group(2)) and \
                key not in STOP_WORDS:
            yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.75)


def find_named_hospitals(text: str) -> Iterator[Entity]:
    """'went to Sacred Heart', 'from Good Samaritan hosp', 'U of NV Med Center': hospital names
    that many hospitals share, after an arrival preposition or before a hospital word."""
    lex = lexicon()
    case = document_case(text)
    for m in scan(NAMED_HOSPITAL, text):
        name, head = m.group(1), m.group(2)
        arrival = bool(ARRIVAL.search(text, max(0, m.start() - 20), m.start()))
        university = re.match(r"(?:university|univ\.?|u)\s+of\s+(.+)", name, re.IGNORECASE)
        if university:
            place = university.group(1)
            if not _state(place, lex):
                first = place.split()[0]
                if not _state(first, lex):
                    continue
                name = name[:len(name) - len(place)] + first
                head = None
            if not (head or arrival):
                continue
        elif not (head or arrival) or (fold(name.split()[0]) in SHARED_WORDS and not head and not (
                name[:1].isupper() and (case is Case.MIXED or fold(name) != "general"))):
            continue
        end = m.start(1) + len(name) + (
            len(head) if head and name == m.group(1) and not KIND_HEAD.fullmatch(head.strip()) else 0)
        yield hit(text, m.start(1), end, EntityType.ADDRESS, 0.75)


FACILITY_ACRONYM = re.compile(
    r"\b(?:to|at|from|in|@|leave|left)\s+(?:the\s+)?([A-Z]{2,5}|[a-z]{2,4})\s+"
    r"(?=(?:cath(?:eterization)?\s+lab|er|ew|ed|emergency|ccu|micu|sicu|cvicu|icu|hospital|hosp|"
    r"clinic|campus|rehab|attorneys?)\b)",
    re.IGNORECASE,
)


HOSPITAL_INITIALS = re.compile(  # "at KQH", "LEAVE KH,": hospital initials after a place word ("CH": chair)
    r"\b(?i:at|in|from|leave|left|to|into)\s+(?:the\s+)?(?!CH\b)([A-Z]{1,2}H)\b"
    r"(?![-/'’]|\s+(?i:level|deficiency|axis))")


ONE_WORD_HOSPITAL = re.compile(  # "WENT TO HARBOR HOSP", "from mercy rehab": a one-word name, then the kind
    r"\b(?i:to|from|at|@)[ \t]+(?:(?i:the)[ \t]+)?([A-Za-z][A-Za-z'’-]{2,})[ \t]+"
    r"(?i:hosp(?:ital)?|rehab|medical[ \t]+cent(?:er|re)|med[ \t]+ctr|nursing[ \t]+home)\b")
NOT_HOSPITAL_NAMES = frozenset({  # words that say which hospital without naming it
    "outside", "local", "another", "same", "other", "nearest", "nearby", "previous", "prior", "referring",
    "private", "state", "city", "teaching", "psychiatric", "psych", "acute", "skilled", "home", "this",
    "that", "our", "their", "his", "her", "any", "each", "new", "old", "different", "receiving", "sending",
    "closest", "original", "main", "area", "day", "children", "women", "veterans", "public", "federal",
    "military", "university", "cancer", "heart", "eye", "mental", "affiliated", "community", "general",
    "regional", "county", "memorial", "medical", "surgical", "rehab", "specialty", "tertiary",
    "transferring", "va",
})


def _moved_to(text: str, pos: int) -> bool:
    """A movement verb and 'to' end right at ``pos`` ('transferred to ', 'D/C TO ')."""
    window = text[max(0, pos - 40):pos]
    return any(m.end() == len(window) for m in MOVEMENT.finditer(window))


def find_one_word_hospitals(text: str) -> Iterator[Entity]:
    """'WENT TO HARBOR HOSP', 'from mercy rehab': in a note written in one case, a word naming a
    hospital between an arrival preposition and 'hosp', 'rehab' or 'medical center', however
    common a word (in mixed case its capital says so, and find_facilities reads it)."""
    if document_case(text) is Case.MIXED:
        return
    lex = lexicon()
    for m in scan(ONE_WORD_HOSPITAL, text):
        word = m.group(1)
        if fold(word) in NOT_HOSPITAL_NAMES or fold(word) in STOP_WORDS or lex.is_clinical(word) or \
                lex.is_drug(word) or fold(word) in GENERIC_HEADS:
            continue
        if m.group(0)[:2].lower() == "to" and not _moved_to(text, m.start(1)):
            continue  # "cont to monitor rehab": a verb
        yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.7)


def find_facility_acronyms(text: str) -> Iterator[Entity]:
    """'to KQH cath lab', 'at KQH EW', 'enroute to kqh er': a short name before a hospital unit;
    'at KQH': initials ending in H (hospital) after a place word."""
    lex = lexicon()
    for m in scan(HOSPITAL_INITIALS, text):
        if not lex.is_clinical(m.group(1)) and not lex.is_drug(m.group(1)) and lex.zipf(m.group(1)) < 4.0:
            yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.7)
    capitals = document_case(text) is Case.UPPER
    for m in scan(FACILITY_ACRONYM, text):
        word = m.group(1)
        if (word.islower() and lex.zipf(word) >= 3.5) or (capitals and lex.zipf(word) >= 4.5):
            continue  # "to the er", "to his er", "TF AT GOAL CCU"
        if lex.is_clinical(word) or lex.is_drug(word) or fold(word) in STOP_WORDS:
            continue
        yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.7)


def clinical_name(words: list[str], text: str) -> bool:
    """A capitalised run that names a clinical thing ('Cardiology', 'Renal'), not an organisation:
    any clinical or medical word does it in a clinical note or alone, only all of them in prose
    ('Social Health Insights'), where the medical dictionary counts for rare words only (it has
    'data' and 'rapid')."""
    lex = lexicon()
    if len(words) > 1 and not clinical_text(text):
        return all(lex.is_clinical(w) or (lex.zipf(w) < 3.0 and medical_or_misspelt(w)) for w in words)
    return any(lex.is_clinical(w) or medical_or_misspelt(w) for w in words)


LIST_BEFORE = re.compile(rf"(?:\b(?i:{PEOPLE_WORDS})[ \t]*:|([^\W\d_]+),)[ \t]*$")


def _listed_people(text: str, begin: int, lex: Lexicon) -> bool:
    """'founders: Varn, Quist and Elm', 'Ilse, Anna, Varn, Quist and Elm': the end of a list
    of people, not a firm's name."""
    before = LIST_BEFORE.search(text, max(0, begin - 30), begin)
    if before is None:
        return False
    return before.group(1) is None or fold(before.group(1)) in lex.first_names


ABBREVIATED_WORD = re.compile(r"(?:[A-Z]\.)+|(?:St|Mt|Ft|Co|Bros|Dr|Mr|Mrs|Ms)\.")


def _after_sentence_end(words: list[str]) -> list[str]:
    """'S1S2. PPx4. Labs' is no firm: only the words after the last full stop count
    ('J.P. Varn Capital' and 'St. Ilse Foundation' keep theirs)."""
    for i in range(len(words) - 1, -1, -1):
        if words[i].endswith(".") and not ABBREVIATED_WORD.fullmatch(words[i]):
            return words[i + 1:]
    return words


def find_organisations(text: str) -> Iterator[Entity]:
    """Companies and employers (type OTHER)."""
    lex = lexicon()
    for m in scan(COMPANY, text):
        words = _after_sentence_end(m.group(1).split())
        while words and fold(words[0]) in STOP_WORDS:
            words.pop(0)
        legal = fold(m.group(2)) in LEGAL_SUFFIXES
        if fold(m.group(2)) in AMBIGUOUS_LEGAL and (
                document_case(text) is not Case.MIXED or clinical_text(text)):
            continue
        if not words or not (legal or any(
                (lex.zipf(w) < 3.5 or lex.is_name(w)) and not lex.is_clinical(w) for w in words)):
            continue
        begin = m.end(1) - len(" ".join(words))
        yield hit(text, begin, m.end(), EntityType.OTHER, 0.8)
    for m in _law_firms(text):
        if _listed_people(text, m.start(), lex):
            continue
        names = sum(fold(g) in lex.last_names and not lex.is_clinical(g) for g in m.groups())
        if names == 3 or (names == 2 and all(g[0].isupper() for g in m.groups())):
            yield hit(text, m.start(), m.end(), EntityType.OTHER, 0.6 + 0.1 * (names == 3))
    for m in scan(DOUBLE_BARRELLED, text):
        # "Hale-Morrow": two surnames, a firm or a person; both are identifying
        if all(fold(g) in lex.last_names and lex.zipf(g) < 4.0 and not lex.is_clinical(g)
               for g in m.groups()):
            yield hit(text, m.start(), m.end(), EntityType.OTHER, 0.65)
    for m in scan(DESCRIBED_ORGANISATION, text):
        words = m.group(1).split()
        if not lex.is_clinical(words[0]) and fold(words[0]) not in STOP_WORDS | {"she", "he", "it", "this"}:
            yield hit(text, m.start(1), m.end(1), EntityType.OTHER, 0.7)
    for m in scan(ORGANISATION_VERB, text):
        words = [w.rstrip(".") for w in m.group(1).split()]
        if len(words) > 1 and fold(words[0]) == "the":
            words = words[1:]  # "The Vanguard Group invested": the article is part of the name
        if any(lex.is_clinical(w) or fold(w) in STOP_WORDS or fold(w) == "they" or
               (lex.is_name(w) and not lex.is_common_noun(w)) or RELATIVE_WORD.fullmatch(w) for w in words):
            continue  # "Dr. Okafor reported", "Family reported", "Pt reported"
        if any(not lex.is_common_noun(w) and lex.zipf(w) < 4.0 for w in words):
            yield hit(text, m.start(1), m.end(1), EntityType.OTHER, 0.65)
    if document_case(text) is Case.LOWER:
        # "ilse works at quenvaro analytics inc."; never in a note, where "inc" is "increase"
        for m in scan(LOWER_COMPANY, text) if not clinical_text(text) else ():
            words = m.group(1).split()
            stops = [k for k, w in enumerate(words) if fold(w) in STOP_WORDS]
            words = words[stops[-1] + 1:] if stops else words  # "streamer at varnco labs": after "at"
            while words and lex.zipf(words[0]) >= 5.0:
                words.pop(0)
            if words and any(lex.zipf(w) < 3.5 and not lex.is_clinical(w) for w in words):
                begin = m.start(1) + len(m.group(1).rstrip()) - len(" ".join(words))
                yield hit(text, begin, m.end(), EntityType.OTHER, 0.75)
        for m in scan(LOWER_EMPLOYER, text):
            words = [w.rstrip(".") for w in m.group(1).split()]
            if not any(lex.is_clinical(w) or fold(w) in STOP_WORDS for w in words) and \
                    not all(lex.zipf(w) >= 4.0 for w in words):  # "works for varnista health"
                yield hit(text, m.start(1), m.end(1), EntityType.OTHER, 0.65)
    for m in scan(ORGANISATION_NOUN, text):
        if not clinical_name(m.group(1).split(), text):
            yield hit(text, m.start(1), m.end(1), EntityType.OTHER, 0.65)  # not "The Renal office"
    for m in scan(ADDRESS_OF, text):
        if not any(lex.is_clinical(w) for w in m.group(1).split()):
            yield hit(text, m.start(1), m.end(1), EntityType.OTHER, 0.65)
    for m in scan(WEBSITE, text):
        words = m.group(1).split()
        if not lex.is_clinical(words[0]) and fold(words[0]) not in STOP_WORDS:
            yield hit(text, m.start(1), m.end(1), EntityType.OTHER, 0.7)
    for m in scan(EMPLOYER, text):
        end = _employer_end(m.group(1))
        if end and not lex.is_clinical(m.group(1).split()[0]):
            yield hit(text, m.start(1), m.start(1) + end, EntityType.OTHER, 0.75)


def _employer_end(value: str) -> int:
    """Where an employer's name ends: before a stop word ('RUSTENBURG ANALYTICS IN WAHIAWA'),
    a line break or a kind of place ('Hospital', 'Rehab'), or at a full stop that closes the
    sentence ('at Cannon.\nPlease'; not after an initial: 'J. Crew')."""
    end = 0
    for word in re.finditer(r"\S+", value):
        if fold(word.group(0)) in STOP_WORDS or "\n" in value[end:word.start()] or (
                end and KIND_HEAD.fullmatch(word.group(0).rstrip(".,"))):
            break  # "at Harford Memorial Hospital": the kind of place stays, as for facilities
        end = word.end()
        bare = word.group(0)
        if bare.endswith(".") and fold(bare) not in DOTTED_NAME_WORDS and not DOTTED_SHORT.fullmatch(bare):
            end -= 1  # "at Cannon.": the sentence ends ("U.S. Steel", "J. Crew" go on)
            break
    return end


TITLE_GAPS = {" ", "/", " / "}  # "Ranger/warden", "Gerontologe / Gerontologin"
TITLE_BRACKET = re.compile(r" \([^()\n]{1,40}\)")  # "Research scientist (maths)"


def _is_title(lex: Lexicon, key: str) -> bool:
    return key in lex.professions or key in lex.foreign_professions


def find_professions(text: str) -> Iterator[Entity]:
    """Job titles from the profession lists (English, and other languages' longer titles);
    staff roles and other languages' one-word titles only with an occupation cue."""
    lex = lexicon()
    words = words_of(text)
    starts = _profession_starts()
    i = 0
    while i < len(words):
        longest = starts.get(fold(words[i].group(0).rstrip(".")), 0)
        if not longest:
            i += 1
            continue
        for size in range(min(longest, len(words) - i), 0, -1):
            group = words[i:i + size]
            if any(text[a.end():b.start()] not in TITLE_GAPS for a, b in itertools.pairwise(group)):
                continue
            phrase = text[group[0].start():group[-1].end()].rstrip(".")
            key = fold(phrase)
            foreign = key in lex.foreign_professions
            if not foreign and key not in lex.professions:
                continue
            bracket = TITLE_BRACKET.match(text, group[0].start() + len(phrase))
            if bracket and _is_title(lex, fold(phrase + bracket.group(0))):
                phrase += bracket.group(0)
            begin = group[0].start()
            sign_off = alone_on_line(text, begin, begin + len(phrase)) and not clinical_text(text)
            context = sign_off or bool(PROFESSION_CONTEXT.search(text[max(0, begin - 25):begin])) or bool(
                JOINED_AS.search(text, max(0, begin - 80), begin))
            if (key in CARE_STAFF or (foreign and size == 1)) and not context:
                continue
            zipf = lex.zipf(phrase) if size == 1 else 0.0
            score = 0.75 if size > 1 or zipf < 4.0 else 0.4
            if context:
                score += 0.2
            yield hit(text, group[0].start(), group[0].start() + len(phrase), EntityType.PROFESSION, score)
            i += size - 1
            break
        i += 1


MOVEMENT = re.compile(
    r"\b" + led(
        r"admitted|admit|readmitted|transferred|transfered|transfer|trasferred|sent|brought|"
        r"went|taken|flighted|discharged|dc'?d|returned|return|presented|arrived|seen|"
        r"evaluated|screened|go|going|consult|tx|txd|txed|xfer|xferred|d/c|dc"
    ) + r"\s+(?:back\s+)?(?:to|from|at|by)\s+"
    r"(?:the\s+)?",
    re.IGNORECASE,
)
PLACE_TOKEN = re.compile(r"([A-Za-z][A-Za-z'&-]*)(\s*\d{1,2}\b)?")
ROOM_NUMBER = re.compile(r"\d{1,4}[ \t]+(?=[A-Za-z])")
WARD_PREFIXES = ("north", "south", "east", "west", "new", "lake", "port", "fort", "mount")
TOWN_PREFIXES = frozenset({*WARD_PREFIXES, "saint", "san", "santa"})  # "SON FROM WEST ALANBY"
WARD = re.compile(  # "to Halloway 2", "ON WEST VARNHOLM 6": a building's name and a ward number
    rf"\b(?:on|to|from|at|in)\s+(?:the\s+)?((?:(?:{'|'.join(WARD_PREFIXES)})\s+)?"
    r"([A-Za-z][a-z]{4,}|[A-Z]{5,}))\s*(\d{1,2})\b(?![./:%-]?\d)",
    re.IGNORECASE,
)


def _unit_typo(lex: Lexicon, word: str) -> bool:
    """'micua', 'ccuu', 'xmicu', 'MICUA': a unit's name with a letter added before or after
    (in capitals from five letters: 'CCUH' may be a hospital's initials)."""
    shortest = 5 if word.isupper() else 4
    return len(word) >= shortest and (lex.is_clinical(word[:-1]) or lex.is_clinical(word[1:]))


def lower_initials(word: str, lex: Lexicon) -> bool:
    """'transferred to gh' in a lower-case note: 2-4 letters no dictionary uses much, no state code."""
    return 2 <= len(word) <= 4 and lex.raw_zipf(word) < 3.5 and not lex.is_common_noun(word) and \
        not medical_or_misspelt(word) and word.upper() not in STATE_CODE_SET


def find_destinations(text: str) -> Iterator[Entity]:
    """Hospitals and wards a patient moves between: 'transferred to KQH', 'admitted to
    Halloway 3' — acronyms or unknown words right after a movement verb."""
    lex = lexicon()
    case = document_case(text)
    for m in scan(MOVEMENT, text):
        room = ROOM_NUMBER.match(text, m.end())  # "sent to 412 quarnholm": a room, then the building
        token = PLACE_TOKEN.match(text, room.end() if room else m.end())
        if not token:
            continue
        word = token.group(1)
        town = _town_after(text, token.start(1), case, lex)
        if town:
            yield hit(text, token.start(1), town, EntityType.ADDRESS, 0.75)
            continue
        if lex.is_clinical(word) or lex.is_drug(word) or "-" in word or (
                case is Case.MIXED and word.islower()) or _unit_typo(lex, word):
            continue  # "to step-down", "plan to transfuse", "admitted to micua": no place
        acronym = (word.isupper() and 2 <= len(word) <= 5 and lex.zipf(word) < 4.5
                   and not lex.is_common_noun(word)) or (case is Case.LOWER and lower_initials(word, lex))
        unknown = len(word) >= 4 and lex.zipf(word) < 2.0 and lex.raw_zipf(word) < 3.0 and \
            not medical_or_misspelt(word)
        if acronym or unknown:
            yield hit(text, token.start(1), token.end(1), EntityType.ADDRESS, 0.65 if acronym else 0.7)


TWO_OR_THREE_WORDS = re.compile(r"([A-Za-z]+)[ \t]+([A-Za-z]+)(?:[ \t]+([A-Za-z]+))?")


def _town_after(text: str, pos: int, case: Case, lex: Lexicon) -> int:
    """Where a town of two or three words starting at ``pos`` ends ('returned to NEW HAVEN',
    'to 209 south varnholm'): a listed town, or a place prefix and a word no dictionary knows;
    0 when there is none (written as the note writes names)."""
    m = TWO_OR_THREE_WORDS.match(text, pos)
    if not m or (case is Case.MIXED and not m.group(1).istitle()):
        return 0
    for end in (3, 2):
        words = [w for w in m.groups()[:end] if w]
        if len(words) == end and fold(" ".join(words)) in lex.cities and not any(
                lex.is_clinical(w) for w in words[1:]):
            return m.end(end)
    second = m.group(2)
    if fold(m.group(1)) in PLACE_PREFIXES and len(second) >= 4 and lex.zipf(second) < 2.0 and \
            not medical_or_misspelt(second) and not lex.is_clinical(second) and (
                case is not Case.MIXED or second.istitle()):
        return m.end(2)
    return 0


PLACE_PREPOSITION = re.compile(
    r"\b" + led(
        r"in|to|from|near|visit(?:ing|ed)?|arrived\s+at|based\s+in|lives\s+in|live\s+in|"
        r"moved\s+to|born\s+in|trip\s+to|flew\s+to"
    ) + r"\s+",
    re.IGNORECASE,
)


PLACE_PREFIXES = frozenset({"new", "north", "south", "east", "west", "upper", "lower", "port", "fort",
                            "saint", "san", "santa", "mount", "lake", "great", "little", "old", "station",
                            "store", "lille", "cite"})
UNIVERSITY_PLACE = re.compile(  # "University of Varnholm": the town a university is named after
    r"\b(?i:university|univ\.)[ \t]+of[ \t]+([^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*)?)"
)
STRONG_PLACE_CUE = re.compile(
    r"\b" + led(
        r"grew[ \t]+up[ \t]+in|originally[ \t]+from|flew[ \t]+to|home[ \t]+(?:city|town)|"
        r"moved[ \t]+(?:here[ \t]+)?from|born[ \t]+in|raised[ \t]+in|hometown(?:[ \t]+is)?|"
        r"(?:i[ \t]+am|i['’]m)[ \t]+in|where[ \t]*:|"
        r"(?:drove|came|flew|travell?ed)[ \t]+(?:\w+[ \t]+)?in[ \t]+from|"
        r"lives[ \t]+(?:alone[ \t]+)?in|resides[ \t]+in|moved[ \t]+to|(?:pt|patient)[ \t]+(?:is[ \t]+)?from|"
        r"lives[ \t]+with[ \t]+(?:[^\s.;:]+[ \t]+){1,4}?in"
    ) + r"[ \t]+",
    re.IGNORECASE,
)
PLACE_WORD = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?")


WEANED = re.compile(r"\b(?i:wean(?:ed|ing)?|ween(?:ed|ing)?|off|remove[ds]?|removing|liberated?)[ \t]+$")


def find_cued_places(text: str) -> Iterator[Entity]:
    """'grew up in SUNDVIK', 'originally from ΑΝΩ ΠΟΛΕΜΙΔΙΑ', 'flew to finnbogastaðir': after
    a cue that only a place follows, up to three words no dictionary knows as common
    words (the first of them capitalised, unless the whole text is lower-case)."""
    lex = lexicon()
    case = document_case(text)
    for m in scan(STRONG_PLACE_CUE, text):
        if WEANED.search(text, max(0, m.start() - 12), m.start()):
            continue  # "REMOVE PT FROM RESPIRATOR", "WEAN PT FROM VENT": a device, no place
        end, taken = m.end(), list[str]()
        while len(taken) < 3:
            w = PLACE_WORD.match(text, end if not taken else end + 1)
            if not w or (taken and text[end] != " "):
                break
            word = w.group(0).rstrip(".")
            titled = case is Case.MIXED and word[:1].isupper() and not word.isupper() and not any(
                lex.zipf(t) < 4.0 for t in taken)  # "Two Harbors", not "Elmsby Country Club"
            if lex.is_clinical(word) or fold(word) in STOP_WORDS or (
                    not word[:1].isupper() and not (case is Case.LOWER or taken)) or (
                    lex.zipf(word) >= 4.0 and not _town_word(word, lex) and not titled):
                break
            end = w.start() + len(word)
            taken.append(word)
        if taken and any(lex.zipf(w) < 4.0 or _town_word(w, lex) for w in taken):
            yield hit(text, m.end(), end, EntityType.ADDRESS, 0.7)  # not "from Home" alone


TOWN_STATE_CUE = re.compile(STRONG_PLACE_CUE.pattern + r"|\b(?i:from)[ \t]+", re.IGNORECASE)
TOWN_THEN_STATE = re.compile(  # "Boring, OR.", "bullhead city, ms arriving": 1-4 words, a comma, a state
    r"((?:[^\W\d_][\w'’.-]*[ \t]+){0,3}[^\W\d_][\w'’.-]*),[ \t]*([^\W\d_]+(?:[ \t]+[^\W\d_]+)?)"
    r"(?=[ \t]*(?:[.,;:!?)]|\n|$)|[ \t]+(?i:arriving|last|and|with|since|for|where|until)\b)")
CLINICAL_STATE_CODES = {  # state codes that notes also use as shorthand
    "md", "pa", "or", "in", "me", "ok", "hi", "id", "de", "ct", "ms", "la", "co", "ga", "va", "ma", "al",
    "sc", "ne", "nd", "mi", "mn", "tn", "ar", "pr", "vi"}


def find_cued_town_states(text: str) -> Iterator[Entity]:
    """'LIVES ALONE IN BORING, OR.', 'from bullhead city, ms arriving': a town and its state after a
    place cue, in any case and even when the town's words are common; after a bare 'from' the
    town needs a word no dictionary uses often when the state is a code notes also use
    ('from OR, MD aware' is no place)."""
    lex = lexicon()
    for m in scan(TOWN_STATE_CUE, text):
        place = TOWN_THEN_STATE.match(text, m.end())
        if not place:
            continue
        town, state, end = place.group(1), fold(place.group(2)), place.end(2)
        if state not in lex.us_states and " " in state:  # "TX last month": the state is the first word
            state = state.split()[0]
            end = place.start(2) + len(state)
        words = [w.rstrip(".") for w in town.split()]
        code = state.upper() in STATE_CODE_SET
        if not (code or state in lex.us_states) or any(
                lex.is_clinical(w) or lex.is_drug(w) or fold(w) in STOP_WORDS for w in words):
            continue
        weak_cue = m.group(0).strip().lower() == "from"
        if weak_cue and (not code or state in CLINICAL_STATE_CODES) and not any(
                lex.zipf(w) < 3.0 or _town_word(w, lex) for w in words):
            continue
        yield hit(text, place.start(1), end, EntityType.ADDRESS, 0.8)


def _town_word(word: str, lex: Lexicon) -> bool:
    """A common word that may still be (part of) a town's name: 'Reading', 'New'."""
    key = fold(word)
    return key in lex.cities or key in PLACE_PREFIXES


def find_university_places(text: str) -> Iterator[Entity]:
    """'at the University of Varnholm': the place a university is named after (capitalised, or
    any case in a lower-case text); US states are left to the hospital rule."""
    lex = lexicon()
    lower = document_case(text) is Case.LOWER
    for m in scan(UNIVERSITY_PLACE, text):
        words = m.group(1).split()
        kept: list[str] = []
        for word in words:
            if lex.is_clinical(word) or fold(word) in STOP_WORDS or not (word[:1].isupper() or lower) or (
                    lex.zipf(word) >= 4.0 and not _town_word(word, lex) and len(word) > 1):
                break
            kept.append(word)
        if kept and fold(" ".join(kept)) not in lex.us_states:
            end = m.start(1) + len(" ".join(kept).rstrip("."))
            yield hit(text, m.start(1), end, EntityType.ADDRESS, 0.7)


ONE_CASE_PLACE_CUE = re.compile(
    r"\b(?i:from|near|visiting|based[ \t]+in|born[ \t]+in|moved[ \t]+to|"
    r"(?:lives?|living|resides?|son|daughter|dtr|wife|husband|brother|sister|mother|father|family|"
    r"home|house|apartment|works?|working)[ \t]+in)[ \t]+")
PLACE_CLOSER = re.compile(  # what follows a town, not a noun it describes ('from demarked area')
    r"[ \t]*(?:[,.;:()\"”]|\n|$|(?i:arriving|arrived|with|who|and|to|for|on|at|in|today|tonight|tomorrow|"
    r"yesterday|via|was|is|will|has|had|called|came|visiting|here|by|just)\b)")


def find_unknown_places(text: str) -> Iterator[Entity]:
    """'I am in Elmsvik', 'flew to Varnès': a capitalised word no list knows after a place
    preposition; in a one-case note ('FROM QUARNBY ARRIVING') a word no dictionary knows."""
    if document_case(text) is not Case.MIXED:
        yield from _one_case_unknown_places(text)
        return
    lex = lexicon()
    for m in scan(PLACE_PREPOSITION, text):
        word = WORD.match(text, m.end())
        if not word:
            continue
        begin = word.start()
        prefix = fold(word.group(0).rstrip(".")) if word.group(0)[:1].isupper() else ""
        if prefix in PLACE_PREFIXES or prefix in {"st", "ste"}:
            word = WORD.match(text, word.end() + 1) if text[word.end():word.end() + 1] == " " else None
            if not word:  # "to Port Varnholm": the place word belongs to the name
                continue
            if _prefixed_name_town(text, begin, word, lex):  # "in East Juan", "to St. Kelly"
                yield hit(text, begin, word.end(), EntityType.ADDRESS, 0.85)
                continue
        bare = word.group(0).rstrip(".")
        shaped = bare[1:].islower() or (bare.isupper() and len(bare) >= 5)
        if (len(bare) >= 4 and bare[0].isupper() and shaped and lex.raw_zipf(bare) < 2.0
                and not lex.is_clinical(bare) and not lex.is_drug(bare) and not lex.is_name(bare)
                and not medical_or_misspelt(bare)):
            yield hit(text, begin, word.start() + len(bare), EntityType.ADDRESS, 0.6)


WIDE_REGIONS = frozenset({"new england", "middle east", "north america", "south america", "central america",
                          "east coast", "west coast", "east asia", "south asia", "west africa", "east africa",
                          "north africa", "south pacific", "north pole", "south pole", "west nile"})
AFTER_REGION = re.compile(r"[ \t]*(?:[,.;:!?)]|\n|$|(?i:and|or|with|for|last|next|this|since|until|to|in|at|"
                          r"where|when|who|but|after|before|on)\b)")


def _prefixed_name_town(text: str, begin: int, word: re.Match[str], lex: Lexicon) -> bool:
    """'in East Juan', 'to St. Kelly', 'from Lake Lindsey': after a place preposition, a
    capitalised place prefix and a listed name (a town named after someone), before what
    follows a place; never a state, a country or a wide region ('North Carolina', 'New England')."""
    bare = word.group(0).rstrip(".")
    town = fold(f"{text[begin:word.start()].strip()} {bare}".replace(".", ""))
    return (bare[:1].isupper() and bare[1:].islower() and lex.is_name(bare) and not lex.is_clinical(bare)
            and town not in lex.countries and town not in lex.us_states and town not in WIDE_REGIONS
            and AFTER_REGION.match(text, word.start() + len(bare)) is not None)


def _prefixed_town(text: str, word: re.Match[str], lex: Lexicon) -> int:
    """Where 'WEST ALANBY' or 'LAKE QUARNBURGH' ends after a place cue: a place prefix, then a
    word no dictionary knows or a listed name that is no common word ('NORTH WING' is none),
    before what follows a town, a full stop included; 0 when there is none."""
    if fold(word.group(0)) not in TOWN_PREFIXES:
        return 0
    after = WORD.match(text, word.end() + 1) if text[word.end():word.end() + 1] == " " else None
    if not after:
        return 0
    bare = after.group(0).rstrip(".")  # "SON FROM WEST ALANBY." ends a sentence
    end = after.start() + len(bare)
    if lex.is_clinical(bare) or medical_or_misspelt(bare) or lex.is_drug(bare) or len(bare) < 3 or (
            lex.is_common_noun(bare) and fold(bare) not in lex.cities) or not (
            no_dictionary_word(lex, bare) or lex.is_name(bare) or fold(bare) in lex.cities):
        return 0
    return end if PLACE_CLOSER.match(text, end) else 0


def _one_case_unknown_places(text: str) -> Iterator[Entity]:
    """'(MOTHER) FROM QUARNBY ARRIVING', 'son from elmsvik': in a note written in one case, a
    word of 5+ letters no dictionary, name list or medical list knows after 'from', 'near',
    'born in', 'lives in', 'son in', 'home in' and the like, before what follows a town (a comma, a
    closing quote mark, 'arriving', 'with')."""
    lex = lexicon()
    for m in scan(ONE_CASE_PLACE_CUE, text):
        word = WORD.match(text, m.end())
        if not word or WEANED.search(text, max(0, m.start() - 12), m.start()):
            continue  # "WEEN FROM NOREPI": a drug or a device, no place
        town = _prefixed_town(text, word, lex)
        if town:
            yield hit(text, word.start(), town, EntityType.ADDRESS, 0.6)
            continue
        bare = word.group(0).rstrip(".")
        if len(bare) >= 5 and bare.isalpha() and no_dictionary_word(lex, bare) and not lex.is_clinical(bare) \
                and not lex.is_drug(bare) and not lex.is_name(bare) and not _unit_typo(lex, bare.lower()) \
                and PLACE_CLOSER.match(text, word.start() + len(bare)):
            yield hit(text, word.start(), word.start() + len(bare), EntityType.ADDRESS, 0.6)


def _profession_heads(lex: Lexicon) -> re.Pattern[str]:
    heads = {title.split()[-1] for title in lex.professions if " " in title}
    heads -= CARE_STAFF | {"patient"}
    alternatives = "|".join(sorted((re.escape(h) for h in heads), key=lambda h: (-len(h), h)))
    return re.compile(
        rf"(?:(?<=\bas\s)|(?<=\bas\san\s)|(?<=\bas\sa\s)|(?<=\bthe\s)|(?<=\n)|(?<=,\s))"
        rf"((?:[A-Za-z][a-z-]+[ \t]){{0,3}}(?:{alternatives}))\b",  # one line: not "ILSE\nCENTRE MANAGER"
        re.IGNORECASE,
    )


_HEADS: list[re.Pattern[str]] = []


AGENT_END = r"(?:er|or|ist|ian|ant|ent|man|woman|wife|smith|keeper|maker|worker|writer)"
OCCUPATION_SLOT = re.compile(  # "as Fumigator, but quit", "Ilse Varn, the Cinematographer, said"
    rf"(?:\bas|,[ \t]+the)[ \t]+((?:[A-Z][a-z]+[ \t]+){{0,2}}[A-Z][a-z]*{AGENT_END}|"
    rf"[A-Z][a-z]+(?:[ \t]+[a-z]+)?[ \t]+[a-z]*{AGENT_END})(?=[ \t]*,)"
)


def find_occupations(text: str) -> Iterator[Entity]:
    """A capitalised agent noun in an occupation slot, closed by a comma."""
    lex = lexicon()
    for m in scan(OCCUPATION_SLOT, text):
        words = m.group(1).split()
        if not any(lex.is_clinical(w) or lex.is_drug(w) or (lex.is_name(w) and not lex.is_common_noun(w))
                   for w in words):
            yield hit(text, m.start(1), m.end(1), EntityType.PROFESSION, 0.65)


def find_job_titles(text: str) -> Iterator[Entity]:
    """Job titles not in the list but shaped like one, in an occupation slot:
    'as Rolling machine operator', 'the Packager,'."""
    lex = lexicon()
    if not _HEADS:
        _HEADS.append(_profession_heads(lex))
    for m in scan(_HEADS[0], text):
        words = m.group(1).split()
        if fold(" ".join(words)) in CARE_STAFF:
            continue  # "consult, case manager involvement": the care team, not someone's job
        if any(fold(w) in STOP_WORDS or lex.is_clinical(w) for w in words):
            continue
        if len(words) == 1 and lex.zipf(words[0]) >= 4.0:
            continue
        yield hit(text, m.start(1), m.end(1), EntityType.PROFESSION, 0.65)


def find_wards(text: str) -> Iterator[Entity]:
    """'on Halloway 6', 'to HALLOWAY 2', 'to West Varnholm 3': a name and a ward number. The
    name is a word no dictionary knows, or a proper name it knows (a surname, a town) but never
    in lower case and not often ('to Stage 2', 'on Lasix 20', 'on Sept 12' are no wards)."""
    lex = lexicon()
    for m in scan(WARD, text):
        word = m.group(2)
        if MEASURE_AFTER.match(text, m.end()) or lex.is_clinical(word) or lex.is_drug(word) or \
                fold(word) in NOT_WARD_WORDS or MONTH_WORD.fullmatch(word) or \
                medical_or_misspelt(word):
            continue  # "plan to transfuse 1 unit", "on Sept 12"
        prefixed = m.start(2) > m.start(1)  # "to west kelly 2": a place word vouches for a name-word
        if lex.raw_zipf(word) < 2.0 or (lex.raw_zipf(word) < 4.5 and not lex.is_common_noun(word)) or (
                prefixed and lex.is_name(word) and lex.raw_zipf(word) < 5.0):
            yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.7)  # the ward number is not PHI


POSTCODE_STREET_NUMBER = re.compile(  # "60412 Kestrelweg Str. 18", "512 trg varnholma 17"
    r"(?<![\w/.,:-])\d{3,6}[ \t]+((?:[^\W\d_][\w'’-]*\.?[ \t]+){1,4})\d{1,4}[a-z]?\.?"
    r"(?=[ \t]*(?:[,\n]|$)|[ \t]+(?i:apt|suite|ste|unit)\b|[ \t]+[A-ZÀ-Þ])"
)


def find_postcode_streets(text: str) -> Iterator[Entity]:
    """A number, street words and a house number, in prose: the words are rare or capitalised,
    none clinical ('152 sodium 4' is a lab line)."""
    if clinical_text(text):
        return
    lex = lexicon()
    for m in scan(POSTCODE_STREET_NUMBER, text):
        words = [w.rstrip(".") for w in m.group(1).split()]
        if any(lex.is_clinical(w) or lex.is_drug(w) or (w.isupper() and len(w) > 1) for w in words):
            continue
        if all(lex.zipf(w) >= 3.0 and not w[:1].isupper() for w in words):
            continue
        yield hit(text, m.start(), m.end(), EntityType.ADDRESS, 0.8)


NOT_STREET_WORDS = frozenset({"page", "chapter", "day", "level", "floor", "room", *WEEKDAYS})
NOT_WARD_WORDS = NOT_STREET_WORDS | WEEKDAY_SHORT  # "on Day 2", "to Room 4", "on Thurs 3"
MONTH_WORD = re.compile(MONTH, re.IGNORECASE)


STREET_ON = re.compile(  # "lives on Varnel Quist 188", "enter on Hoge Varn 32 St."
    r"\b(?:on|at)[ \t]+((?:[A-ZÀ-Þ][^\W\d_'’-]+[ \t]+){1,3}\d{1,5}[a-z]?)(?![\w.,/:%-]|[.,]\d)")


def find_streets_on(text: str) -> Iterator[Entity]:
    """In prose, capitalised words and a house number after 'on'/'at' are a street; never a
    drug, a clinical word, a month or weekday, or a common word alone ('at Room 12')."""
    if clinical_text(text):
        return
    lex = lexicon()
    for m in scan(STREET_ON, text):
        words = m.group(1).split()[:-1]
        if any(lex.is_clinical(w) or lex.is_drug(w) or fold(w) in NOT_STREET_WORDS or MONTH_WORD.fullmatch(w)
               for w in words):
            continue
        if all(lex.zipf(w) >= 4.0 for w in words) or MEASURE_AFTER.match(text, m.end()):
            continue
        yield hit(text, m.start(1), m.end(1), EntityType.ADDRESS, 0.8)


RECOGNIZERS = (
    find_wards, find_job_titles, find_unknown_places, find_destinations, find_places, find_facilities,
    find_named_hospitals, find_saint_places, find_one_word_hospitals, find_facility_acronyms,
    find_organisations, find_professions,
    find_cued_places, find_cued_town_states, find_occupations, find_university_places, find_postcode_streets,
    find_streets_on,
)
