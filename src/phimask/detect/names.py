"""Person-name recognizers: context cues (titles, credentials, relatives, labels) and
name lexicons, aware of the document's letter case."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from phimask.detect.lexicon import Lexicon, fold, lexicon, medical_or_misspelt, medical_words, misspelt
from phimask.detect.patterns import STATE_ABBREVIATIONS, TITLE_WORD, hit, led
from phimask.detect.prefilter import scan, search
from phimask.entities import Entity, EntityType

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*\.?|[^\W\d_]\.")
_words: tuple[str, tuple[re.Match[str], ...]] = ("", ())  # the latest text and its words


def words_of(text: str) -> tuple[re.Match[str], ...]:
    """The WORD matches of ``text``, kept for the latest text (several finders read them)."""
    global _words
    last = _words
    if last[0] is text:
        return last[1]
    found = tuple(WORD.finditer(text))
    _words = (text, found)
    return found

TITLES = re.compile(
    r"\b" + led(
        r"(?i:mr|mrs|miss|dr|drs|doctor|professor|rabbi|pastor|reverend|chaplain|imam|"
        r"cantor|deacon)(?:\.\s*|['’]\s*|\s+)|"
        r"(?:Ms|Mx|Prof|Sr|Sra|Srta|Mme|Mlle|Herr|Frau)\.?\s+|(?i:ms|mx|prof)\.\s*"
    ) + r"(?=\w)"
)
CREDENTIALS = re.compile(
    r"(?:(,)[ \t]*|\s+)(?:M\.?D\.?|R\.?N\.?|N\.?P\.?|PA-C|P\.?A\.?|D\.?O\.?|Ph\.?D\.?|RRT|CRNA|MSW|"
    r"LICSW|LCSW|DDS|DMD|FNP|APRN|CNM|LPN|PharmD|MPH|DNP|FACS|FACP|MBBS|RPh|RD|OTR|DPT|BSN|CCRN)\b"
    r"(?!['’]|\s*(?:line|aware|notified|cath|catheter|pressure|called|paged|here|at|in)\b)",
    re.IGNORECASE,
)
RELATIVE_WORD = led(
    r"son|sons|daughter|daughters|dtr|dtrs|wife|husband|hus|spouse|brother|brothers|"
    r"bro|sister|sisters|sis|mother|mom|father|dad|friend|friends|aunt|aunts|uncle|"
    r"niece|nephew|grandson|granddaughter|grandmother|grandfather|cousin|girlfriend|"
    r"boyfriend|partner|fiance|fiancee|sibling|siblings|proxy|hcp|guardian|neighbor|"
    r"neighbour|roommate|caregiver|in-law|stepson|stepdaughter|child|children|kid|kids|poa|"
    r"contact[ \t]+person|emergency[ \t]+contact"
) + r"(?:-in-law)?\b(?!-)"
APPOSITION = re.compile(r"([^\W\d_][\w'’-]+)[ \t]*,")  # "WIFE, ROSE, LEFT": a name set off by commas
RELATIVES = re.compile(
    r"\b" + RELATIVE_WORD +
    r"(?:\s*\([^)\n]{0,40}\))?\s*(?:,|:|-|named|is|was)?\s*",
    re.IGNORECASE,
)
BRACKETED_NAME = re.compile(r"\(\s*([^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){0,2})\s*(?:[,)]|$)")
LABELS = re.compile(
    r"(?:^|\n)[ \t]*(?:patient(?:'s)?\s+name|pt\.?\s+name|name|patient|attending(?:\s+physician|"
    r"\s+provider)?|provider|physician|pcp|primary\s+care(?:\s+physician)?|surgeon|"
    r"primary\s+nurse(?:\(s\))?|nurse(?:\(s\))?|rn|resident|intern|fellow|"
    r"referring(?:\s+physician)?|contact(?:\s+person)?|emergency\s+contact|next\s+of\s+kin|"
    r"nok|guardian|signed\s+by|dictated\s+by|electronically\s+signed\s+by|transcribed\s+by|"
    r"author|consultant|therapist|social\s+worker|case\s+manager|mother|father|spouse|"
    r"directed\s+by|written\s+by|produced\s+by|from|to|cc)[ \t]*:[ \t]*\n?[ \t]*",
    re.IGNORECASE,
)
STAFF_ROLES = re.compile(
    r"\b" + led(
        r"nurse|rn|np|ho|md|resident|intern|fellow|attending|surgeon|physician|therapist|"
        r"social\s+worker|case\s+manager|pharmacist|dietitian|nutritionist|per|as\s+per|by|"
        r"with|from|to|called|paged|notified|informed|spoke\s+with|spoke\s+to|sw|team\s+leader|pa|crna|rt"
    ) + r"\s+",
    re.IGNORECASE,
)
KIND_AFTER = re.compile(  # a kind of place after its name: "HUMBLE VAMC", "OXFORD MANOR"
    r"[ \t]+(?i:hospital|hosp|medical|rehab|va|vamc|manor|nursing|infirmary|clinic|campus|community|memorial|"
    r"health|center|centre|university|army|place|house|home|heart)\b")
WORD_STATE_AFTER = re.compile(r"(?:[ \t]+[^\W\d_]+)?,[ \t]*[A-Za-z]{2}\b")  # "FROM BALD KNOB, VA": a town
WEAK_STAFF_CUE = re.compile(r"(?i:with|from|to|by)\s+")  # prepositions that introduce things as often
VALUE_AFTER = re.compile(r"[ \t]*\d+\.\d")  # "T MAX 100.1": a measurement, not a person
AWARE = re.compile(
    r"[ \t]*(?:[,:)-]|\(|aware|notified|notifed|paged|called|updated|informed|in\s+to|placing|"
    r"pa|np|md|rn)\b", re.IGNORECASE)
INFORMED_AFTER = re.compile(
    r"\b([^\W\d_]{3,})(?:[ \t]+([^\W\d_]{3,}))?[ \t]+(?:aware|notified|notifed|paged)\b",
    re.IGNORECASE,
)
LETTER_PAIR = re.compile(r"(?:\b[A-Z][ \t]*(?:and|&|\+|/)[ \t]*|[&+/'’])$")  # "D and I.", "A&O.", "90'S."
INITIAL_SURNAME = re.compile(r"\b([A-Z])\.\s?([A-Z][A-Za-z'’-]{2,})\b")
INITIAL_CUE = re.compile(r"\b(?i:(per|by|to|with|dr)\.?)\s*$")  # "per K. HOLLIS"
LOWER_INITIAL_SURNAME = re.compile(  # lower-case notes: "e. welsh aware", "per k. abrams", "j smith ordered"
    r"\b([a-z])(?:\.[ \t]?|[ \t])([a-z][a-z'’-]{2,})(?=[ \t]+(?:aware|notified|paged|called|updated|informed|"
    r"in[ \t]+to|placing|ordered|pa|np|md|rn)\b)|(?<=\bper[ \t])([a-z])\.[ \t]?([a-z][a-z'’-]{2,})\b")
INITIAL_SURNAME_ACTING = re.compile(  # an initial without its period, a surname and what a clinician did
    r"\b([A-WYZ])[ \t]+([A-Z][A-Za-z'’-]{2,})[ \t]+(?=(?i:ordered|aware|notified|paged|called|"
    r"in[ \t]+to[ \t]+see|saw|examined|evaluated|consulted|recommends|recommended|wants|made[ \t]+aware)\b)")
INTRODUCTIONS = re.compile(
    r"\b" + led(
        r"my\s+name\s+is|name\s+is|i\s+am|i'm|this\s+is|call\s+me|named|called|"
        r"named\s+(?:him|her|them)|(?:last|first|middle|maiden|full)\s+name\s*(?:[?:]|\s+(?:is|was))?|"
        r"what['’]?s\s+your\s+name\s*\?|(?:hi|hello|dear|thanks|thank\s+you|regards|sincerely|cheers)\s*,?"
    ) + r"\s+",
    re.IGNORECASE,
)
LIST_GLUE = re.compile(r"\s*(?:,|;|/|&|\band\b|\bor\b)\s*", re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?:\n]\s*$")
STOP_AND_PRONOUNS = {"the", "a", "an", "this", "that", "he", "she", "it", "they", "we", "i", "you", "his",
                     "her", "their", "our", "my", "your", "there", "then", "when", "and", "but", "or", "so",
                     "if"}


CLINICAL_MORPHOLOGY = re.compile(
    r"(?:cillin|mycin|micin|azole|olol|pril|sartan|statin|amine|azepam|oxacin|cycline|parin|"
    r"tidine|prazole|dronate|terol|tropium|vir|mab|nib|itis|osis|ectomy|otomy|ostomy|plasty|"
    r"emia|uria|algia|scopy|graphy|gram|ium|ide|ate|one|ine|ol|ase|cin|fen|pam|lam|done|"
    r"sone|lone|pine|dil|tal|zide|mide|dine|rin|xin|ex|ax|ix|ox|ed|ing|ly|in)$",
    re.IGNORECASE,
)
UNKNOWN_WORD_SCORE = 0.55
LONE_RARE_WORD = 3.1  # zipf below which a lone rare capitalised word in prose is a name
CONTRACTED = re.compile(r"['’](?:t|ll|re|ve|d)$", re.IGNORECASE)
FUNCTION_WORDS = {  # names that are far more often ordinary words after "son", "per"...
    "will", "may", "can", "so", "be", "do", "an", "in", "is", "see", "say", "else", "ever",
    "long", "young", "little", "white", "black", "brown", "green", "gray", "grey", "still",
    "well", "best", "love", "faith", "hope", "joy", "grace", "rose", "page", "call", "calls",
    "mark", "bill", "bob", "jack", "guy", "chip", "sunny", "rich", "frank", "art", "dean",
    "more", "most", "less", "last", "next", "today", "time", "times", "back", "home", "here",
    "age", "die", "line",
}
SUBJECT_VERB = re.compile(
    r"(?:['’]s\b|,|\s+(?:is|was|has|had|will|would|can|could|said|says|spent|shouted|told|"
    r"asked|went|came|lives|lived|works|worked|wrote|sang|called|explained|joined|left|"
    r"became|died|married|moved|and))", re.IGNORECASE)  # a lone capitalised word that no word list knows


class Case(Enum):
    """How a document writes letters: informs how much capitals mean."""

    MIXED = "mixed"
    UPPER = "upper"
    LOWER = "lower"


@lru_cache(maxsize=4)  # every recognizer asks about the same document
def document_case(text: str) -> Case:
    letters = "".join(filter(str.isalpha, text[:20000]))
    if not letters:
        return Case.MIXED
    upper = sum(map(str.isupper, letters)) / len(letters)
    if upper > 0.6:
        return Case.UPPER
    starts = re.findall(r"(?:^|[.!?]\s+|\n\s*)([^\W\d_])", text[:20000])
    lower_starts = sum(c.islower() for c in starts)
    if upper < 0.005 or (starts and lower_starts > 0.6 * len(starts) and upper < 0.03):
        return Case.LOWER
    return Case.MIXED


PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
CLINICAL_SHARE = 0.08  # dev nursing notes: 0.11 or more in 95 of 100; general prose: 0 in most


@lru_cache(maxsize=4)
def clinical_text(text: str) -> bool:
    """A clinical note rather than prose: enough of its words are clinical terms, drugs or rare
    words of the medical dictionary. In a note an unknown capitalised word opening a sentence
    is mostly a typo or a local abbreviation; in prose it is mostly a name."""
    lex = lexicon()
    medical = medical_words()
    words = [fold(w) for w in PLAIN_WORD.findall(text, 0, 20000)]
    clinical = sum(1 for k in words if k in lex.clinical_terms or k in lex.drugs or (
        k in medical and lex.common_zipf.get(k, 0.0) < 3.0))
    return clinical > 1 and clinical >= CLINICAL_SHARE * len(words)


@dataclass(frozen=True)
class Token:
    begin: int
    end: int
    word: str

    @property
    def bare(self) -> str:
        """The word without a final period or possessive: "Varza's" -> "Varza"."""
        return POSSESSIVE.sub("", self.word.rstrip("."))


def tokens_from(text: str, begin: int, limit: int = 6) -> list[Token]:
    """Up to ``limit`` words from ``begin``, stopping at a line break or punctuation
    other than an initial's period, a hyphen or an apostrophe."""
    found: list[Token] = []
    cursor = begin
    for m in WORD.finditer(text, begin):
        gap = text[cursor:m.start()]
        if (gap and not gap.isspace()) or "\n" in gap or len(gap) > 3:
            break
        found.append(Token(m.start(), m.end(), m.group(0)))
        if len(found) >= limit:
            break
        if m.group(0).endswith(".") and len(m.group(0).rstrip(".")) > 1:
            break  # "Smith." ends a sentence
        cursor = m.end()
    return found


class NameJudge:
    """Decides whether a word can be part of a person's name in a given document."""

    def __init__(self, lex: Lexicon, case: Case, prose: bool = False) -> None:
        self.lex = lex
        self.case = case
        self.prose = prose  # not a clinical note: see clinical_text

    def capitalised(self, word: str) -> bool:
        return word[:1].isupper()

    def abbreviation(self, word: str) -> bool:
        """In mixed-case text an all-capital word is an acronym, not a name ('MAE', 'ENDO')."""
        bare = word.rstrip(".")
        return self.case is Case.MIXED and len(bare) > 1 and (
            bare.isupper() or any(c.isupper() for c in bare[1:]))

    def initial(self, word: str) -> bool:
        return len(word.rstrip(".")) == 1 and word[:1].isalpha()

    def plausible(self, word: str, strict: bool = False) -> bool:
        """Could be a name in a name slot (after 'Dr.', 'son,', 'Name:')."""
        bare = word.rstrip(".")
        if self.initial(word):  # "b. gwynn" in a lower-case note: an initial written with its full stop
            return word[:1].isupper() or (self.case is Case.LOWER and word.endswith("."))
        if len(bare) < 2 or RELATIVES.fullmatch(bare) or CONTRACTED.search(bare):
            return False  # not "con't", "won't"
        head = bare.split("-")[0]
        if head != bare and (head.islower() or self.case is Case.UPPER) and self.lex.zipf(head) >= 4.0 and \
                not self.lex.is_name(head):
            return False  # "present-contin": a word run on, not a double-barrelled name
        clinical = self.lex.is_clinical(POSSESSIVE.sub("", bare))
        if clinical and not (self.capitalised(bare) and self.lex.is_name(bare)):
            return False  # "Baker" may be a name; "PT'S" is the patient's
        if self.case is Case.MIXED and not self.capitalised(bare):
            return False
        zipf = self.lex.zipf(bare)
        if self.lex.is_name(bare):
            return zipf < 5.6 and fold(bare) not in FUNCTION_WORDS if strict else zipf < 5.6
        return zipf < (3.6 if strict else 4.4)

    def unknown_proper(self, word: str) -> bool:
        """A capitalised word no dictionary or gazetteer knows ('Zabrocki', 'Ilvo')."""
        return _unknown_proper(word)

    def lexical(self, word: str) -> float:
        """How much a word alone looks like a name (0 = not at all)."""
        return _lexical(word)


@lru_cache(maxsize=1 << 15)  # per word, whatever the document: recognizers ask again and again
def _unknown_proper(word: str) -> bool:
    bare = POSSESSIVE.sub("", word.rstrip("."))
    if len(bare) < 5 or not bare[0].isupper() or not bare[1:].replace("-", "").isalpha() \
            or not bare[1:].replace("-", "").islower() or CLINICAL_MORPHOLOGY.search(bare):
        return False
    key = fold(bare)
    lex = lexicon()
    parts = bare.split("-")
    if len(parts) > 1 and (len(parts[0]) == 1 or any(lex.zipf(p) >= 2.0 for p in parts)):
        return False  # "X-ray", "P-febrile", "Re-evaluation"
    return (lex.raw_zipf(bare) < 2.0 and not lex.is_clinical(bare) and not lex.is_drug(bare)
            and key not in lex.cities and key not in lex.countries and not medical_or_misspelt(bare))


@lru_cache(maxsize=1 << 15)
def _lexical(word: str) -> float:
    lex = lexicon()
    bare = POSSESSIVE.sub("", word.rstrip("."))
    if len(bare) < 3 or lex.is_clinical(bare) or lex.is_drug(bare):
        return 0.0
    key = fold(bare)
    first = key in lex.first_names
    if not first and key not in lex.last_names:
        return 0.0
    zipf = lex.zipf(bare)
    base = 0.85 if first else 0.7
    if zipf < 3.0:
        return base
    if zipf < 4.0:
        return round(base - 0.25, 2)  # 0.7 - 0.25 is 0.4499... in floating point
    return 0.3 if zipf < 5.0 else 0.0


@lru_cache(maxsize=4096)
def _double_barrelled(bare: str) -> bool:
    """'Lloyd-Varnholt': two capitalised surnames, or a surname and a rare word."""
    parts = bare.split("-")
    lex = lexicon()
    if len(parts) != 2 or not all(len(p) >= 3 and p[0].isupper() and p[1:].islower() for p in parts):
        return False
    if lex.is_clinical(parts[0]) or lex.is_clinical(parts[1]):
        return False
    surnames = sum(fold(p) in lex.last_names for p in parts)
    rare = sum(lex.zipf(p) < 3.0 for p in parts)
    return surnames == 2 or (surnames == 1 and rare >= 1)


def _name_span(text: str, toks: Sequence[Token], score: float) -> Entity:
    last = toks[-1]
    end = last.begin + len(last.bare) if not last.word.endswith(".") or len(last.bare) > 1 \
        else last.end
    return hit(text, toks[0].begin, end, EntityType.NAME, score)


NAME_CLOSERS = frozenset({"paged", "aware", "notified", "called", "updated", "following", "informed",
                          "consulted", "contacted", "visited", "present",  # "fellow tao quarn paged re:"
                          "apt", "suite", "ste", "unit", "flat", "bldg"})  # "Mrs. Ilse Varn Apt. 675"


def _take_names(judge: NameJudge, toks: list[Token], strict_first: bool = False) -> list[Token]:
    taken: list[Token] = []
    for i, tok in enumerate(toks):
        if not judge.plausible(tok.word, strict=strict_first and i == 0) or fold(tok.bare) in NAME_CLOSERS:
            break
        if (strict_first or i) and not judge.initial(tok.word) and not judge.lex.is_name(tok.bare) and \
                _typo(tok, strict_first and not i, judge.case is Case.UPPER):
            break  # a typo or a lower-case word is no name ("son presnt", "friend phoned", "Dr Varn notifed")
        stands_out = judge.case is Case.LOWER and tok.word[:1].isupper() and not tok.word.isupper()
        if i and judge.case is not Case.MIXED and not judge.initial(tok.word) and not stands_out and \
                judge.lexical(tok.word) == 0 and judge.lex.zipf(tok.bare) >= 2.5:
            break  # "QUARVELL NOTIFIED": in capitals, a second word must look like a name
        taken.append(tok)
        if len(taken) == 3:
            break
    while taken and judge.initial(taken[-1].word) and len(taken) > 1:
        taken.pop()
    if len(taken) == 1 and judge.initial(taken[0].word):
        return []  # "she is A 58 year old", "called X 1"
    return taken


def _typo(tok: Token, weak_cue: bool, capitals: bool = False) -> bool:
    """A misspelt word; right after a weak cue also a lower-case dictionary word ('phoned'),
    written in lower case or in a note in capitals ('FRIEND PHONED')."""
    plain = tok.word.islower() or capitals
    return medical_or_misspelt(tok.bare) if weak_cue and plain else misspelt(tok.bare)


def find_titled(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Dr. Varnell', 'MR VARNOSH', 'Miss Margaret Quillon' (title itself kept)."""
    for m in scan(TITLES, text):
        if judge.case is Case.MIXED and m.group(0).startswith(("MS", "MX")):
            continue  # "monitor MS. Restart ...": mental status; a title is written "Ms."
        toks = tokens_from(text, m.end(), 4)
        taken = _take_names(judge, toks)
        if not taken and len(toks) >= 2 and toks[0].word[:1].isupper() and fold(toks[0].bare) in \
                judge.lex.first_names and judge.plausible(toks[1].word) and (
                    judge.lex.is_name(toks[1].bare) or judge.unknown_proper(toks[1].word)
                    or no_dictionary_word(judge.lex, toks[1].bare)):
            taken = toks[:2]  # "Dr Will Cole", "Dr. May Quarnby": a first name that is also a common word
        if not taken and judge.case is Case.MIXED and m.group(0)[:1] in "dD" and toks:
            initial = len(toks) > 1 and judge.initial(toks[0].word) and toks[0].word.islower()
            if _lower_surname(judge.lex, toks[int(initial)].bare):
                taken = toks[:1 + initial]  # "seen by dr. quarnell on 8/22", "dr. r. quarnell": lower case
        if taken and "\n" in m.group(0) and judge.lexical(taken[0].word) < 0.45:
            continue  # "Dr." ending a line: the next line's "PORTABLE" is no name
        if taken and judge.case is not Case.MIXED and m.group(0)[:2].lower() in ("ms", "mr", "mi") and \
                not judge.lex.is_name(taken[0].bare) and judge.lex.zipf(taken[0].bare) >= 3.0:
            continue  # "assess ms. med for safety": mental status (MR: mitral regurgitation), "MISS DOSE"
        if taken and judge.lex.is_drug(taken[0].bare) and not judge.lex.is_name(taken[0].bare):
            continue  # "CDIFF MS. LOVENOX": no one is named after a drug ("Dr. Saha" is a surname too)
        if taken:
            yield _name_span(text, taken, 0.95)


def no_dictionary_word(lex: Lexicon, word: str) -> bool:
    """A word no dictionary knows that is no typo or medical term either ('Quarnby', 'kcnwmc')."""
    return lex.raw_zipf(word) == 0 and not medical_or_misspelt(word)


def _lower_known_name(lex: Lexicon, word: str, below: float = 4.5) -> bool:
    """'veronica (wife)': a lower-case listed name rarer than ``below`` as a word."""
    return word.islower() and lex.is_name(word) and lex.zipf(word) < below and \
        fold(word) not in FUNCTION_WORDS and not lex.is_clinical(word) and not lex.is_drug(word)


def _lower_unknown(lex: Lexicon, word: str) -> bool:
    """'brother (silvian)': a lower-case word no dictionary knows and no typo, in a name's slot."""
    return word.islower() and len(word) >= 3 and no_dictionary_word(lex, word) and \
        not lex.is_clinical(word) and not lex.is_drug(word)


def _lower_surname(lex: Lexicon, word: str) -> bool:
    """A lower-case word after 'dr' or a care role that names someone: a listed name no more
    common than 'wolfe', or a word no dictionary knows."""
    return len(word) >= 3 and (_lower_known_name(lex, word, below=4.0) or _lower_unknown(lex, word))


def find_credentialed(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Saanvi Sarkar, MD', 'B. CLIFFORD MD'."""
    for m in scan(CREDENTIALS, text):
        start = m.start()
        back: list[Token] = []
        for w in reversed(list(WORD.finditer(text, max(0, start - 60), start))):
            gap = text[w.end():(back[0].begin if back else start)]
            stop = w.group(0).endswith(".") or gap.strip() == "."
            if "\n" in gap or (gap.strip() and gap.strip() not in {"."}) or len(gap) > 3 or (
                    stop and len(w.group(0).rstrip(".")) > 1 and not TITLE_WORD.fullmatch(w.group(0))):
                break  # a full stop only after an initial or a title: "B. CLIFFORD MD", not "rhonchi. ilse"
            back.insert(0, Token(w.start(), w.end(), w.group(0)))
            if len(back) == 3:
                break
        names = [t for t in back if judge.plausible(t.word, strict=True) or judge.initial(t.word)]
        while back and back[0] not in names:
            back.pop(0)
        if not back or not all(t in names for t in back) or all(judge.initial(t.word) for t in back):
            continue
        if not m.group(1) and not any(judge.lexical(t.word) >= 0.45 for t in back):
            continue  # "Stoma RN", "FICK PA line": no comma and no known name
        yield _name_span(text, back, 0.9)


SIGNOFF_CREDENTIAL = (r"(?i:rn|r\.n\.|md|np|pa|pa-c|do|phd|rrt|crna|msw|licsw|lcsw|pharmd|rph|pt|ot|dpt|otr|"
                      r"bsn|ccrn|lpn|rd|slp)")
SIGNATURE = re.compile(  # "ilsa varn rn", "- ilsa r. varn msw" closing a note, whatever case the note is in
    r"(?:^[ \t]*(?:-{1,2}[ \t]*)?|[.;!?][ \t]+-{1,2}[ \t]*)"
    r"([^\W\d_][\w'-]*\.?(?:[ \t]+[^\W\d_]\.?)?(?:[ \t]+[^\W\d_][\w'-]+){1,2}),?[ \t]*"
    rf"(?<![\w'-]){SIGNOFF_CREDENTIAL}(?:[ \t]*[,/][ \t]*{SIGNOFF_CREDENTIAL})*[ \t.]*$",
    re.MULTILINE,
)


SIGNOFF_END = re.compile(rf"(?<![\w'’-]){SIGNOFF_CREDENTIAL}[ \t.]*$", re.MULTILINE)
SIGNED_LINE = re.compile(  # "-- VARN, ILSE,BSN", "SIGNED: VARN, ILSE,PT", "By: JQ, PharmD", "- KL PT"
    r"(?:^[ \t]*|(?<=[.;!?])[ \t]+(?=(?i:signed|by|signed[ \t]+by)[ \t]*:))"  # a line's or sentence's start
    r"((?:-{1,2}|[–—]|(?i:signed|by|signed[ \t]+by)[ \t]*:)?)[ \t]*"
    r"([^\W\d_][\w'’-]*\.?(?:(?:[ \t]+|[ \t]*,[ \t]*)[^\W\d_][\w'’-]*\.?){0,2}?)[ \t]*,?[ \t]*"
    rf"(?<![\w'’-]){SIGNOFF_CREDENTIAL}(?:[ \t]*[,/][ \t]*{SIGNOFF_CREDENTIAL})*[ \t.]*$",
    re.MULTILINE,
)


SIGNED_AFTER_SENTENCE = re.compile(  # "... will monitor. JQ RN", "... aware. - tk, BSN" closing a line
    r"(?<=[.;!?])[ \t]+(-{1,2}[ \t]*)?([^\W\d_]{2,3})[ \t]*,?[ \t]*"
    rf"(?<![\w'’-]){SIGNOFF_CREDENTIAL}(?:[ \t]*[,/][ \t]*{SIGNOFF_CREDENTIAL})*[ \t.]*$",
    re.MULTILINE,
)


def find_signatures(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'ilsa varn rn' on a line of its own: a signature, even in lower case in a mixed-case note;
    'VARN, ILSE,BSN' and, after a dash or 'By:', initials ('JQ, PharmD') too."""
    if not search(SIGNOFF_END, text):
        return  # no line ends with a credential: the cheap test first
    lex = judge.lex
    for m in scan(SIGNATURE, text):
        if _signs(m.group(1).split(), judge):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.85)
    for m in scan(SIGNED_LINE, text):
        toks = [Token(m.start(2) + w.start(), m.start(2) + w.end(), w.group(0))
                for w in WORD.finditer(m.group(2))]
        if len(toks) == 1 and len(toks[0].bare) <= 3:
            if _signing_initials(toks[0].bare, bool(m.group(1)), text[m.end(2):m.end()], judge):
                yield _name_span(text, toks, 0.7)  # "-- JQ OT", "By: jq, pharmd": a clinician's initials
            continue
        if m.group(1) and len(toks) >= 2 and "," not in m.group(2) and _signs([t.word for t in toks], judge):
            yield _name_span(text, toks, 0.8)  # "Signed: ilse varnholm,NP", "BY: R. QUARN, OT"
        elif len(toks) >= 2 and "," in m.group(2) and all(
                judge.plausible(t.word) and not lex.is_clinical(t.bare) and (
                    judge.lexical(t.word) >= 0.3 or judge.unknown_proper(t.word) or judge.initial(t.word) or
                    (t.word.isupper() and lex.raw_zipf(t.bare) == 0)) for t in toks):
            yield _name_span(text, toks, 0.8)  # "VARN, ILSE,BSN": surname, first name, credential
        elif m.group(1) and len(toks) == 2 and "," in m.group(2) and all(t.word.islower() for t in toks) and \
                fold(toks[1].bare) in lex.first_names and not lex.is_clinical(toks[0].bare) and (
                    lex.is_name(toks[0].bare) or no_dictionary_word(lex, toks[0].bare)):
            yield _name_span(text, toks, 0.75)  # "-- kutera, heino, MSW": a lower-case sign-off after a dash
    for m in scan(SIGNED_AFTER_SENTENCE, text):
        if _signing_initials(m.group(2), bool(m.group(1)), text[m.end(2):m.end()], judge):
            yield hit(text, m.start(2), m.end(2), EntityType.NAME, 0.7)


CREDENTIAL_WORD = re.compile(rf"(?<![\w'’-]){SIGNOFF_CREDENTIAL}(?![\w'’-])")


def _signing_initials(bare: str, lead: bool, after: str, judge: NameJudge) -> bool:
    """Two or three letters alone before a line's closing credentials (``after``): a clinician's initials.
    Never a credential itself ('RN, BSN'); after a dash, 'By:' or 'Signed:' any other letters
    ('- AN RN, BSN', 'SIGNED: MM, PA-C'); else capitals that are no word or clinical term, or
    any capitals before two credentials ('CA RN, BSN'); in a lower-case note, lower-case letters
    that are no word or clinical term ('tc np')."""
    lex = judge.lex
    if CREDENTIAL_WORD.fullmatch(bare):
        return False
    if lead:
        return True
    plain = not lex.is_clinical(bare) and lex.zipf(bare) < 4.0
    if bare.isupper():
        return plain or len(CREDENTIAL_WORD.findall(after)) >= 2
    return judge.case is Case.LOWER and plain


def _signs(words: list[str], judge: NameJudge) -> bool:
    """Words before a credential that sign a note: a known first name or surname, or words no
    dictionary knows (initials count as such), and no clinical or drug word."""
    lex = judge.lex
    first, last = fold(words[0].rstrip(".")), fold(words[-1].rstrip("."))
    clinical = [lex.is_clinical(w.rstrip(".")) or lex.is_drug(w) for w in words]
    if len(words) >= 2 and first in lex.first_names and not any(clinical[:-1]) and \
            not lex.is_drug(words[-1]) and not CREDENTIAL_WORD.fullmatch(words[-1]):
        return True  # "sofia baker, rn": a first name vouches for a surname that is also an eponym
    if any(clinical):
        return False
    return first in lex.first_names or last in lex.last_names or all(
        judge.initial(w) or no_dictionary_word(lex, w) for w in words)


def _list_of_names(text: str, begin: int, judge: NameJudge, strict_first: bool) -> Iterator[list[Token]]:
    cursor = begin
    for _ in range(4):
        toks = tokens_from(text, cursor, 3)
        taken = _take_names(judge, toks, strict_first)
        if not taken:
            return
        yield taken
        glue = LIST_GLUE.match(text, taken[-1].end)
        if not glue or "\n" in glue.group(0):
            return
        cursor = glue.end()


QUOTED_NAME = re.compile(r"[ \t]*[\"“']([^\W\d_][\w'-]{1,20})[\"”']")


def find_relatives(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'son, Jorge', 'husband jim', 'daughters sarah and margie', 'daughter "ilsa"'."""
    for m in scan(RELATIVES, text):
        bracket = BRACKETED_NAME.search(m.group(0))
        if bracket and not any(c.isdigit() for c in bracket.group(1)):  # not "son (x2)"
            # "partner (Ilse Varn)", "wife (Ilse Varn, 555-0100)": the name in brackets
            toks = [Token(m.start() + w.start(), m.start() + w.end(), w.group(0))
                    for w in WORD.finditer(m.group(0), bracket.start(1), bracket.end(1))]
            if toks and (all(judge.plausible(t.word, strict=not k) or judge.initial(t.word) or
                             _lower_known_name(judge.lex, t.bare) or _lower_unknown(judge.lex, t.bare)
                             for k, t in enumerate(toks)) or _names_in_brackets(judge, toks)):
                yield _name_span(text, toks, 0.85)
        quoted = QUOTED_NAME.match(text, m.end())
        if quoted and judge.lex.zipf(quoted.group(1)) < 4.5 and not judge.lex.is_clinical(quoted.group(1)):
            yield hit(text, quoted.start(1), quoted.end(1), EntityType.NAME, 0.85)
            continue
        named = False
        for taken in _list_of_names(text, m.end(), judge, strict_first=True):
            lexical = max(judge.lexical(t.word) for t in taken)
            named = True
            yield _name_span(text, taken, 0.9 if lexical >= 0.45 else 0.7)
        apposed = APPOSITION.match(text, m.end()) if not named and m.group(0).rstrip().endswith(",") else None
        if apposed and _apposed_name(judge.lex, apposed.group(1)):
            yield hit(text, apposed.start(1), apposed.end(1), EntityType.NAME, 0.75)  # "WIFE, ROSE, LEFT"


def _apposed_name(lex: Lexicon, word: str) -> bool:
    """A listed first name, however common a word, that is no relative, pronoun or clinical word."""
    return fold(word) in lex.first_names and not lex.is_clinical(word) and not RELATIVES.fullmatch(word) \
        and fold(word) not in STOP_AND_PRONOUNS


BRACKET_NOT_NAMES = frozenset({"hcp", "proxy", "poa", "guardian", "deceased", "twin", "pt", "patient"})


def _names_in_brackets(judge: NameJudge, toks: list[Token]) -> bool:
    """'dtr (Bill)', 'brother (jakob)', 'cousin (fraser walker mckillop)': right after a
    relative word, brackets of words alone hold a name when each word is an initial, a
    listed first name (however common or clinical: 'frank'), or a listed surname, a
    double-barrelled name or a word no dictionary knows that is no clinical term or role."""
    lex = judge.lex
    if all(judge.initial(t.word) for t in toks):
        return False
    return all(judge.initial(t.word) or fold(t.bare) in lex.first_names or (
        (lex.is_name(t.bare) or _double_barrelled(t.bare) or no_dictionary_word(lex, t.bare))
        and not lex.is_clinical(t.bare)) for t in toks) and not any(
        fold(t.bare) in BRACKET_NOT_NAMES or RELATIVES.fullmatch(t.bare) for t in toks)


def find_labelled(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Name: SALAZAR, CARLOS', 'Primary Nurse(s):\\nJackson; Mateo'."""
    for m in scan(LABELS, text):
        groups = list(_list_of_names(text, m.end(), judge, strict_first=False))
        if len(groups) == 2 and len(groups[0]) == 1 and \
                text[groups[0][-1].end:groups[1][0].begin].strip() == ",":
            groups = [groups[0] + groups[1]]  # "SALAZAR, CARLOS": last name, first name
        for taken in groups:
            yield _name_span(text, taken, 0.93)


NAME_IS = re.compile(r"(?i:name\s+is|call\s+me|named|(?:last|first|middle|maiden|full)\s+name)")


def find_introduced(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'My name is Ilvana', 'Dear Ms Varnéczy', 'Thanks, Ilvo'; after 'my name is' any listed
    name, however common a word ('My name is Mark')."""
    for m in scan(INTRODUCTIONS, text):
        toks = tokens_from(text, m.end(), 3)
        taken = _take_names(judge, toks, strict_first=True)
        if not taken and toks and NAME_IS.search(m.group(0)):
            first = toks[0]
            if judge.lex.is_name(first.bare) and not judge.lex.is_clinical(first.bare) and (
                    judge.case is not Case.MIXED or first.word.istitle()):
                taken = [first]
        if taken and (judge.case is not Case.MIXED or taken[0].word[:1].isupper()):
            yield _name_span(text, taken, 0.8)


CARE_ROLES = {"nurse", "rn", "np", "resident", "intern", "fellow", "attending", "surgeon", "physician",
              "therapist", "social worker", "case manager", "pharmacist", "dietitian", "nutritionist",
              "sw", "team leader", "crna"}  # not "rt": mostly "right"


def _named_by_role(judge: NameJudge, tok: Token) -> bool:
    """After a care role a rarer word names the person: a surname ('BROWN'), a word no
    dictionary knows ('Quarnby'), or in a mixed-case note a lower-case surname ('bronder')."""
    word = tok.bare
    if word[:1].isupper() and (judge.case is not Case.MIXED or not word.isupper()):
        unknown_capitals = word.isupper() and len(word) > 3 and no_dictionary_word(judge.lex, word)
        return judge.plausible(word) and (
            judge.lexical(word) >= 0.3 or judge.unknown_proper(word) or unknown_capitals)
    return judge.case is not Case.UPPER and _lower_surname(judge.lex, word)


FROM_WORD = re.compile(r"(?i)from")
SERVICE_MEMBER = re.compile(  # "Ilse from case management following", "- Varn from PT in to see pt"
    r"(?:^|(?<=[.;!?])[ \t]+)[ \t\-]*([^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*)?)[ \t]+(?i:from)[ \t]+"
    r"(?i:the[ \t]+)?(?i:case[ \t]+management|social[ \t]+(?:work|services)|sw|pt|ot|physical[ \t]+therapy|"
    r"occupational[ \t]+therapy|nutrition|pharmacy|palliative[ \t]+care|pastoral[ \t]+care|"
    r"spiritual[ \t]+care|hospice|admitting|patient[ \t]+relations)\b",
    re.MULTILINE,
)


def find_service_members(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Ilse from case management following': a person named before the service they come from."""
    if not search(FROM_WORD, text):
        return  # the cheap test first
    for m in scan(SERVICE_MEMBER, text):
        toks = [Token(m.start(1) + w.start(), m.start(1) + w.end(), w.group(0))
                for w in WORD.finditer(m.group(1))]
        if toks and all(_named_by_role(judge, t) for t in toks):
            yield _name_span(text, toks, 0.7)


def find_staff(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'IV NURSE VIRGINIA VARNESSE', 'per Varnell', 'spoke with Mary Varnell': a known name
    (not only a plausible word) right after a role or a reporting verb."""
    for m in scan(STAFF_ROLES, text):
        toks = tokens_from(text, m.end(), 3)
        taken = _take_names(judge, toks, strict_first=True)
        if len(taken) == 1 and _region_after_preposition(text, taken[0], judge.lex):
            continue
        if taken and _no_staff(text, m.group(0), taken, judge):
            continue
        if len(taken) >= 2 and judge.initial(taken[0].word) and (_named_by_role(judge, taken[1]) or (
                judge.lex.zipf(taken[1].bare) < 3.0 and not judge.lex.is_clinical(taken[1].bare))):
            yield _name_span(text, taken, 0.75)  # "fellow b. gwynn" in a lower-case note, "ATTENDING M. XU"
            continue
        if taken and judge.lexical(taken[0].word) >= 0.45 and (
                judge.case is not Case.MIXED or taken[0].word[:1].isupper()):
            town = len(taken) == 1 and _town_after_preposition(text, taken[0], judge.lex)
            span = _name_span(text, taken, 0.8)
            yield _as_town(span) if town else span
        elif fold(" ".join(m.group(0).split())) in CARE_ROLES and toks and _named_by_role(judge, toks[0]):
            # "RT bronder", "case manager Vu", "CRNA angus doolan"
            yield _name_span(text, [toks[0], *_surname_after_first(judge, toks)], 0.7)


def _surname_after_first(judge: NameJudge, toks: list[Token]) -> list[Token]:
    """After a role and a listed first name, the surname that follows ('CRNA angus doolan', 'sw anita
    turner following'): a listed surname no commoner than 'gray' or a word no dictionary knows, after
    an optional initial; nothing when the first word is no first name."""
    lex = judge.lex
    if fold(toks[0].bare) not in lex.first_names:
        return []
    rest = toks[1:]
    middle = rest[:1] if rest and judge.initial(rest[0].word) else []
    after = rest[len(middle):len(middle) + 1]
    if not after or (judge.case is Case.MIXED and after[0].word[:1].isupper() != toks[0].word[:1].isupper()):
        return []
    word = after[0].bare
    if lex.is_clinical(word) or lex.is_drug(word) or fold(word) in STOP_AND_PRONOUNS or not (
            (fold(word) in lex.last_names and lex.zipf(word) < 4.5) or no_dictionary_word(lex, word)):
        return []
    return [*middle, after[0]]


def _dictionary_word(lex: Lexicon, word: str) -> bool:
    """A lower-case dictionary or medical word (or a typo of one) that no name list has."""
    return medical_or_misspelt(word) and not lex.is_name(word)


def _no_staff(text: str, cue: str, taken: list[Token], judge: NameJudge) -> bool:
    """'WITH A DOCTOR' (an article, not an initial), 'T MAX 100.1' (a value follows); in a
    one-case note a side or a dictionary word after an initial ('FROM L FOOT'), and a common
    word after a bare preposition ('CONTINUES WITH AMBER COLORED URINE') unless a kind of
    place or a state follows it ('FROM OXFORD MANOR', 'FROM BALD KNOB, VA')."""
    if taken[0].word in ("A", "I") or VALUE_AFTER.match(text, taken[-1].end):
        return True
    if judge.case is not Case.MIXED and judge.initial(taken[0].word) and len(taken) >= 2 and (
            taken[0].word in ("L", "R") or _dictionary_word(judge.lex, taken[1].bare)):
        return True  # "FROM L FOOT", "TO L. UNRESPONSIVE": a side, a state
    word = taken[0]
    return judge.case is not Case.MIXED and len(taken) == 1 and bool(WEAK_STAFF_CUE.fullmatch(cue)) and \
        word.bare.isascii() and judge.lex.is_common_noun(word.bare) and not (
            KIND_AFTER.match(text, word.end) or WORD_STATE_AFTER.match(text, word.end))


ROLE_AFTER = re.compile(
    r"[ \t]*\((?:resident|intern|fellow|attending|surgeon|nurse|rn|np|pa|md|daughter|son|wife|husband|"
    r"mother|father|sister|brother|niece|nephew|friend|partner|significant\s+other|hcp|proxy|dtr|"
    r"grand(?:son|daughter|mother|father)|aunt|uncle|cousin|spouse|guardian|neighbou?r|girlfriend|boyfriend|"
    r"fianc[eé]e?|step(?:son|daughter)|(?:son|daughter|brother|sister|mother|father)-in-law)\)",
    re.IGNORECASE,
)


def find_roled(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'TOBIAS VARNHOLT (RESIDENT)', 'Ilse Quarandt (daughter)': the words right before a
    bracketed role or relative name that person; so do 'MARK (COUSIN)', 'varn, ilse (niece)'
    and 'ilse q. varn (husband)' when each word is a listed name or no dictionary word."""
    for m in scan(ROLE_AFTER, text):
        back = _words_before(text, m.start(), 2, "")
        while back and not all(judge.plausible(t.word, strict=True) or judge.initial(t.word) or
                               _lower_known_name(judge.lex, t.bare) for t in back):
            back.pop(0)
        if back and any(judge.lexical(t.word) >= 0.45 or judge.unknown_proper(t.word.capitalize())
                        or (judge.lex.is_name(t.bare) and judge.lex.zipf(t.bare) < 4.5)
                        for t in back) and not judge.initial(back[-1].word):
            yield _name_span(text, back, 0.75)
            named = len(back)
        else:
            named = 0
        wider = _words_before(text, m.start(), 3, ",")  # only when it names more words
        while len(wider) > named and not _names_in_brackets(judge, wider):
            wider.pop(0)
        if len(wider) > named and not judge.initial(wider[-1].word):
            yield _name_span(text, wider, 0.7)  # "MARK (COUSIN)", "varn, ilse (niece)"


def _words_before(text: str, end: int, most: int, marks: str) -> list[Token]:
    """Up to ``most`` words right before ``end`` on its line, apart by at most two spaces
    or ``marks``."""
    back: list[Token] = []
    for w in reversed(list(WORD.finditer(text, max(0, end - 40), end))):
        gap = text[w.end():(back[0].begin if back else end)]
        if "\n" in gap or gap.strip(" \t" + marks) or len(gap) > 2:
            break
        back.insert(0, Token(w.start(), w.end(), w.group(0)))
        if len(back) == most:
            break
    return back


def find_initialled(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'E. WELSH aware', 'Z. Miller': an initial and a surname that is a known name or a
    word no dictionary knows."""
    lex = judge.lex
    for m in scan(INITIAL_SURNAME, text):
        surname = POSSESSIVE.sub("", m.group(2))
        before = max(0, m.start() - 12)
        if lex.is_clinical(surname) or lex.is_drug(surname) or LETTER_PAIR.search(text, before, m.start()):
            continue
        known = lex.is_name(surname) and lex.zipf(surname) < 4.5
        unknown = lex.raw_zipf(surname) < 2.0 and not CLINICAL_MORPHOLOGY.search(surname)
        # "E. WELSH AWARE" and "per E. WELSH" vouch for any word; "to" and "with" for no dictionary
        # word ("ABSENT TO L. UNRESPONSIVE")
        cue = INITIAL_CUE.search(text, before, m.start())
        vouched = bool(AWARE.match(text, m.end(2))) or (cue is not None and (
            cue.group(1).lower() not in ("to", "with") or not _dictionary_word(lex, surname)))
        if vouched and not known and lex.zipf(surname) < 4.6 and (
                judge.case is not Case.MIXED or not surname.isupper()):
            known = True  # "T. FARROW AWARE", "per K. HOLLIS": the cue vouches for a common word
        if known or (unknown and (vouched or (judge.case is Case.MIXED and not surname.isupper()))):
            yield hit(text, m.start(1), m.start(2) + len(surname), EntityType.NAME, 0.75)
    for m in scan(LOWER_INITIAL_SURNAME, text) if judge.case is Case.LOWER else ():
        first = 1 if m.group(1) else 3
        surname = m.group(first + 1)
        if not (lex.is_clinical(surname) or lex.is_drug(surname) or fold(surname) in medical_words()) and \
                lex.zipf(surname) < 5.0 and m.group(first) not in "ax":  # not "a. fib", "x 3 days"
            yield hit(text, m.start(first), m.end(first + 1), EntityType.NAME, 0.75)
    for m in scan(INITIAL_SURNAME_ACTING, text):
        surname = m.group(2)
        if not (lex.is_clinical(surname) or lex.is_drug(surname) or medical_or_misspelt(surname)) and \
                lex.zipf(surname) < 5.0:
            yield hit(text, m.start(1), m.end(2), EntityType.NAME, 0.75)  # "J VARNEY ORDERED EPI"


NAME_LIST = re.compile(
    r"(?<![\w,])([^\W\d_]{2,}(?:,[ \t]*[^\W\d_]{2,}){1,10},?[ \t]+(?:and|&)[ \t]+[^\W\d_]{2,})(?![\w])"
)
# "our 3 founders: Varn, Quist and Elm": the list names people
PEOPLE_WORDS = (r"founders|co-?founders|children|kids|sons|daughters|grandchildren|siblings|members|partners|"
                r"owners|friends|people|\d{1,2}")
PEOPLE_CUE = re.compile(rf"\b(?:{PEOPLE_WORDS})[ \t]*:[ \t]*$", re.IGNORECASE)
SPEAKER = re.compile(r"(?:^|\n)[ \t]*([A-Z][^\W\d_]+)[ \t]*:[ \t]*(?=[\"“]|[^\W\d_])")
LOWER_SPEAKER = re.compile(r"(?:^|\n)[ \t]*([a-z]{2,})[ \t]*:[ \t]*(?=[\"“a-z])")


def find_name_lists(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'they had 6: odessa, adam, christopher and caleb': a list whose items are mostly
    first names is a list of names."""
    lex = judge.lex
    for m in scan(NAME_LIST, text):
        items = list(re.finditer(r"[^\W\d_]{2,}", m.group(1)))
        items = [i for i in items if i.group(0).lower() != "and"]
        kin = [bool(RELATIVES.fullmatch(i.group(0))) for i in items]  # "wife, son and sister": relatives
        first = sum(fold(i.group(0)) in lex.first_names and not lex.is_clinical(i.group(0)) and not related
                    for i, related in zip(items, kin, strict=True))
        people = PEOPLE_CUE.search(text, max(0, m.start(1) - 25), m.start(1)) and all(
            i.group(0)[:1].isupper() and (lex.is_name(i.group(0)) or not lex.is_clinical(i.group(0)))
            for i in items)  # "Graves" is a surname here
        if (len(items) >= 3 and first >= 0.6 * len(items)) or people:
            for i, related in zip(items, kin, strict=True):
                if not related:
                    yield hit(text, m.start(1) + i.start(), m.start(1) + i.end(), EntityType.NAME, 0.7)


NOT_SPEAKERS = {"bot", "user", "agent", "assistant", "customer", "client", "doctor", "nurse", "patient",
                "caller", "operator", "host", "guest", "interviewer", "note", "plan", "subject",
                "age", "sex", "gender", "name", "address", "phone", "email", "date", "time", "status"}


DIALOGUE_LINE = re.compile(  # "CAITLIN: WILL CONT", "kilbride, jose: i moved", "c. garza: thanks"
    r"^[ \t]*([^\W\d_][\w'’-]*\.?(?:(?:[ \t]+|[ \t]*,[ \t]*)[^\W\d_][\w'’-]*\.?){0,2})[ \t]*:[ \t]*(?=\S)",
    re.MULTILINE)
FORM_FIELDS = {"dob", "id", "tel", "fax", "mrn", "ssn", "cell", "mobile", "re", "cc", "to", "from", "attn",
               "ref", "fyi", "ps", "nb", "url", "web", "website", "email", "mail"}


def _first_name(lex: Lexicon, word: str) -> bool:
    """A listed first name no commoner than 'christian' as a word."""
    return fold(word) in lex.first_names and lex.zipf(word) < 5.0


def _speaker_words(words: list[str], judge: NameJudge) -> bool:
    """Every word could be part of a person's name: an initial, a listed name no commoner than
    'christian', or a word no dictionary knows; none is clinical, a drug or a form's field."""
    lex = judge.lex
    for word in words:
        bare = word.rstrip(".")
        key = fold(bare)
        if judge.initial(word):
            continue
        if key in NOT_SPEAKERS or key in FORM_FIELDS or lex.is_clinical(bare) or lex.is_drug(bare):
            return False
        if not ((lex.is_name(bare) and lex.zipf(bare) < 5.0) or no_dictionary_word(lex, bare)):
            return False
    return not all(judge.initial(w) for w in words)


def find_dialogue_speakers(text: str, judge: NameJudge) -> Iterator[Entity]:
    """A chat or transcript: when two or more different speakers open lines with name-like
    words and a colon, one of them with a first name, every such line names its speaker, in
    any letter case and with a surname or initial ('CAITLIN:', 'kilbride, jose:', 'c. garza:')."""
    if text.count(":") < 2:
        return
    lines = [(m, re.split(r"[ \t]*,[ \t]*|[ \t]+", m.group(1))) for m in scan(DIALOGUE_LINE, text)]
    speakers = [(m, words) for m, words in lines if _speaker_words(words, judge)]
    firsts = {fold(w) for _, words in speakers for w in words if _first_name(judge.lex, w)}
    headed = any(judge.lex.is_clinical(words[0].rstrip(".")) for _, words in lines)  # "Neuro:", "FEN:"
    if len(firsts) < 1 + headed or len({fold(m.group(1)) for m, _ in speakers}) < 2:
        return  # a note with sections needs two first names to be a dialogue
    for m, _ in speakers:
        yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.7)


LETTER_CLOSING = re.compile(  # "Kind regards,\nc. loughlin": the line after a letter's closing signs it
    r"^[ \t]*(?i:(?:(?:kind|best|warm|warmest)[ \t]+)?regards|sincerely(?:[ \t]+yours)?|cheers|thanks|"
    r"thank[ \t]+you|best|respectfully|yours[ \t]+(?:truly|sincerely|faithfully))[ \t]*,?[ \t]*\n"
    r"[ \t]*([^\W\d_][\w'’-]*\.?(?:[ \t]+[^\W\d_][\w'’-]*\.?){0,3})[ \t]*$",
    re.MULTILINE)


SURNAME_FIRST_LINE = re.compile(  # "ALLEN, OLALLA" or "horton, susan" alone on a card's line
    r"^[ \t]*([^\W\d_][\w'’-]+,[ \t]*([^\W\d_][\w'’-]+))[ \t]*$", re.MULTILINE)
COMING = re.compile(r"\b(?i:is)[ \t]+([^\W\d_][\w'’-]+)[ \t]+(?i:coming|going|joining|available|around)\b")


def find_card_names(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'horton, susan' alone on a line (a surname, a comma and a first name, as cards and
    lists of contacts write them), and 'Is Tanya coming': a first name as the subject."""
    lex = judge.lex
    for m in scan(SURNAME_FIRST_LINE, text) if "," in text else ():
        surname, first = m.group(1).split(",")[0], m.group(2)
        if _first_name(lex, first) and _speaker_words([surname], judge) and \
                fold(surname) not in lex.cities and fold(first) not in lex.us_states:
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.7)
    for m in scan(COMING, text):
        word = m.group(1)
        if _first_name(lex, word) and not lex.is_clinical(word) and (
                judge.case is not Case.MIXED or word[:1].isupper()):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.7)


def find_letter_signatures(text: str, judge: NameJudge) -> Iterator[Entity]:
    """The line right after 'Kind regards,' or 'Cheers,' when its words could all be a name."""
    for m in scan(LETTER_CLOSING, text) if "\n" in text else ():
        if _speaker_words(m.group(1).split(), judge):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.75)


def find_speakers(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Varnett: What a wife.', 'John: You saved my life!': a line opened by a first name
    (or a word no dictionary knows) and a colon is a dialogue line."""
    lex = judge.lex
    lines = list(scan(SPEAKER, text))
    headed = any(lex.is_clinical(m.group(1)) for m in lines)  # "Neuro:", "Resp:": a note's sections
    for m in scan(LOWER_SPEAKER, text) if judge.case is Case.LOWER else ():
        if fold(m.group(1)) not in NOT_SPEAKERS and _lower_first_name(lex, m.group(1)):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.65)  # 'bram: "are you coming?"'
    dialogue = len({m.group(1) for m in lines}) >= 2
    for m in lines:
        word = m.group(1)
        key = fold(word)
        if word.isupper() or key in NOT_SPEAKERS or lex.is_clinical(word):
            continue
        if text[m.end():m.end() + 1].islower() and not dialogue:
            continue  # "Nurs:stable day": one such line is a section, two speakers make a dialogue
        named = key in lex.first_names or judge.unknown_proper(word) or (  # "Ilvo:": too short for
            len(word) >= 3 and lex.raw_zipf(word) == 0  # unknown_proper; in a note "Adendum:" is a typo
            and (judge.prose or not medical_or_misspelt(word)))
        if judge.lexical(word) >= 0.6 or (named and not headed):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.65)


PERSON_VERB = re.compile(  # verbs whose subject is a person: "Walker began writing", "Quorvir spent a year"
    r"[ \t]+(?:spent|shouted|told|asked|said|says|lives|lived|works|worked|wrote|writes|sang|explained|"
    r"joined|became|married|moved|began|begins|starred|founded|studied|grew|graduated|flew|loves|"
    r"replied|answered|smiled|laughed|cried|emailed|texted|complained|insisted|whispered|"
    r"(?:is|was)[ \t]+(?:from|born))\b"
)
SUBJECT_NAME = re.compile(  # "Kelly Brown joined", "lewis nguyen has been a", "k. carville from oslo is a"
    r"(?:^|(?<=[.!?])[ \t]+|(?<=\n))[ \t]*([^\W\d_][\w'’-]*\.?(?:[ \t]+[^\W\d_][\w'’-]*){1,2})"
    r"(?=" + PERSON_VERB.pattern + r"|[ \t]+(?:has|had)[ \t]+been[ \t]+an?\b|"
    r"[ \t]+from[ \t]+[^\n.]{2,40}?[ \t]+(?:is|was)[ \t]+an?\b|"
    r"[ \t]+(?:is|was)[ \t]+an?[ \t]+\d{1,3}[ \t-]*(?:y/?o|y\.o\.|yrs?|years?)\b)",
    re.MULTILINE)
AGE_INTRODUCTION = re.compile(r"[ \t]+(?:is|was)[ \t]+an?[ \t]+\d")  # "lorrie quist is a 70 yr old"
SUBJECT_WORD = re.compile(r"([A-ZÀ-Þ][^\W\d_'’-]+)$")
LOWER_SUBJECT_WORD = re.compile(r"([^\W\d_'’-]+)$")
LOWER_SUBJECT = re.compile(r"\b([a-z]{3,})[ \t]+(?:has|had|is|was|will|would|said|says)\b")
SAID_TO = re.compile(r"\b(?:said|asked|replied|shouted|told|whispered|answered)[ \t]+([A-ZÀ-Þ][^\W\d_]+)"
                     r"(?=[ \t]+to\b|[ \t]*[,.!?])")
COORDINATED = re.compile(
    r"(?<![\w'’-])([A-ZÀ-Þ][^\W\d_]+(?:[ \t]*,[ \t]*[A-ZÀ-Þ][^\W\d_]+){0,4},?[ \t]+(?:and|&)[ \t]+"
    r"[A-ZÀ-Þ][^\W\d_]+)(?![\w'’-])"
)


LOWER_PAIR = re.compile(r"(?<![\w'’-])([a-z]{2,})[ \t]+([a-z][a-z'’-]+)$")


def _lower_first_name(lex: Lexicon, word: str, rarer_than: float = 3.5) -> bool:
    """A first name that, written in lower case, is no common, clinical or drug word."""
    return fold(word) in lex.first_names and lex.zipf(word) < rarer_than and not lex.is_common_noun(word) \
        and not lex.is_clinical(word) and not lex.is_drug(word)


def find_named_subjects(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Kelly Brown joined', 'lewis nguyen has been a', 'k. carville from oslo is a': a first
    name or an initial and a surname opening a sentence whose verb needs a person; before
    'is a 70 yr old' the first name may be one no list knows ('ilvo quist is a 70 yo')."""
    lex = judge.lex
    for m in scan(SUBJECT_NAME, text) if judge.case is not Case.UPPER else ():
        first, *rest = m.group(1).split()
        if not (judge.initial(first) or _first_name(lex, first) or (
                AGE_INTRODUCTION.match(text, m.end(1)) and first.isalpha() and not TITLE_WORD.fullmatch(first)
                and no_dictionary_word(lex, first) and not lex.is_clinical(first))):
            continue
        if judge.case is Case.MIXED and not all(w[:1].isupper() for w in (first, *rest)):
            continue
        if all(not lex.is_clinical(w) and not lex.is_drug(w) and fold(w) not in STOP_AND_PRONOUNS and (
                lex.is_name(w) or no_dictionary_word(lex, w)) for w in rest):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.7)


LET_KNOW = re.compile(r"\b(?i:let|tell|ask|remind)[ \t]+([^\W\d_][\w'’-]+)[ \t]+(?i:know|about|to)\b")


def find_let_know(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'I will let Tony know', 'ask quarnby to call': a first name or an unknown word as the
    person told."""
    lex = judge.lex
    for m in scan(LET_KNOW, text):
        word = m.group(1)
        if fold(word) in STOP_AND_PRONOUNS or fold(word) in {"me", "us", "him", "them", "everyone"} or \
                lex.is_clinical(word) or lex.is_drug(word) or (judge.case is Case.MIXED and word.islower()):
            continue
        if _first_name(lex, word) or judge.unknown_proper(word.capitalize()):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.65)


def find_person_subjects(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Walker began writing', 'Quorvir spent a year': a capitalised name-like word opening a
    sentence whose verb needs a person (in a lower-case text: a known name in lower case)."""
    if judge.case is Case.UPPER:
        return
    lower = judge.case is Case.LOWER
    subject = LOWER_SUBJECT_WORD if lower else SUBJECT_WORD
    lex = judge.lex
    for m in scan(PERSON_VERB, text):
        word = subject.search(text, max(0, m.start() - 30), m.start())
        if not word:
            continue
        begin = m.start() - len(word.group(1))
        bare = word.group(1)
        pair = LOWER_PAIR.search(text, max(0, m.start() - 40), m.start()) if lower else None
        if pair and _sentence_start(text, pair.start(1)) and _lower_first_name(lex, pair.group(1)) and \
                lex.zipf(pair.group(2)) < 3.5 and not lex.is_clinical(pair.group(2)):
            yield hit(text, pair.start(1), pair.end(2), EntityType.NAME, 0.65)  # "ilse varnholt lives at"
            continue
        if not _sentence_start(text, begin) or lex.is_clinical(bare) or fold(bare) in STOP_AND_PRONOUNS:
            continue
        if lower:
            if lex.is_name(bare) and not lex.is_common_noun(bare) and not lex.is_drug(bare):
                yield hit(text, begin, m.start(), EntityType.NAME, 0.6)
        elif lex.is_name(bare) or judge.unknown_proper(bare) or (
                lex.raw_zipf(bare) < 2.0 and not lex.is_drug(bare) and not medical_or_misspelt(bare)):
            yield hit(text, begin, m.start(), EntityType.NAME, 0.65)
    if lower:  # "the letters of bertram has been": a rare first name as any subject
        for found in scan(LOWER_SUBJECT, text):
            if _lower_first_name(lex, found.group(1), rarer_than=3.0):
                yield hit(text, found.start(1), found.end(1), EntityType.NAME, 0.6)
    for said in scan(SAID_TO, text):  # "said Quorvath to Antonio"
        name = said.group(1)
        if not lex.is_clinical(name) and fold(name) not in STOP_AND_PRONOUNS and (
                lex.is_name(name) or (lex.raw_zipf(name) < 2.0 and not medical_or_misspelt(name))):
            yield hit(text, said.start(1), said.end(1), EntityType.NAME, 0.65)


VOCATIVE = re.compile(r"(?:,[ \t]+|\bme[ \t]+)([A-Z][a-z]+)[ \t]*(?=[?!]|,[ \t]+[a-z])")
LOWER_VOCATIVE = re.compile(r"(?:,[ \t]+|\bme[ \t]+)([a-z]+)[ \t]*(?=[?!]|,[ \t]+[a-z])")


def find_vocatives(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Remember me, Kelly?', 'Don't go, Mark!': a first name someone is spoken to (in a
    lower-case text, one that is not also a common word)."""
    if judge.case is Case.UPPER:
        return
    lower = judge.case is Case.LOWER
    lex = judge.lex
    for m in scan(LOWER_VOCATIVE if lower else VOCATIVE, text):
        word = m.group(1)
        if fold(word) in lex.first_names and not lex.is_clinical(word) and not lex.is_drug(word) \
                and lex.zipf(word) < (3.5 if lower else 5.5):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.6)


def find_coordinated(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'Varnjeau, Graves and Reed', 'Varnov and Bowers': capitalised words listed together
    are all names when each is a known name or a word no dictionary knows."""
    if judge.case is not Case.MIXED:
        return
    lex = judge.lex
    for m in scan(COORDINATED, text):
        items = [i for i in re.finditer(r"[^\W\d_]+", m.group(1)) if i.group(0) != "and"]
        words = [i.group(0) for i in items]
        if all((lex.is_name(w) or judge.unknown_proper(w)) and not lex.is_clinical(w) and not lex.is_drug(w)
               and fold(w) not in STOP_AND_PRONOUNS for w in words) and \
                any(judge.unknown_proper(w) or judge.lexical(w) >= 0.45 for w in words):
            for i in items:
                yield hit(text, m.start(1) + i.start(), m.start(1) + i.end(), EntityType.NAME, 0.65)


def find_informed(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'grace dudak aware', 'md wyman aware': the person told of something is named."""
    lex = judge.lex
    for m in scan(INFORMED_AFTER, text):
        words = [(m.start(i), m.group(i)) for i in (1, 2) if m.group(i)]
        kept = [(b, w) for b, w in words if not lex.is_clinical(w) and not _shorthand_or_typo(lex, w) and (
            judge.lexical(w) >= 0.45 or (lex.raw_zipf(w) < 2.0 and not CLINICAL_MORPHOLOGY.search(w)))]
        if len(words) == 2 and kept == words[1:] and fold(words[0][1]) in lex.first_names and \
                not lex.is_clinical(words[0][1]):
            kept = words  # "grace dudak aware": a first name before a surname, however common
        while kept and kept[0] != words[0] and len(kept) < len(words):
            words.pop(0)
        if kept and kept[-1] == words[-1]:
            begin = kept[0][0] if kept == words[-len(kept):] else kept[-1][0]
            yield hit(text, begin, kept[-1][0] + len(kept[-1][1]), EntityType.NAME, 0.7)


VOWEL = re.compile(r"[aeiouyà-ÿ]", re.IGNORECASE)


def _shorthand_or_typo(lex: Lexicon, word: str) -> bool:
    """'Surgey aware', 'case mggmt aware': a typo of a word, or a 4+ letter word with no vowel
    (shorthand), that no name list has."""
    return not lex.is_name(word) and ((len(word) >= 4 and not VOWEL.search(word)) or misspelt(word))


LOWER_CUE = re.compile(
    r"\b" + led(
        r"dr\.?|np|rn|md|per|wife|husband|son|daughter|dtr|sister|brother|mother|father|"
        r"significant\s+other|s\.?o\.?|friend|partner|cousin|niece|nephew|aunt|uncle|grandson|granddaughter|"
        r"grandmother|grandfather|hcp|guardian|spoke\s+(?:with|to)"
    ) + r"(?:-in-law)?[,.]?[ \t]+(?!(?:dr|np|rn|pa|md|per)\b)"
    r"([^\W\d_][\w'’-]*)\.?(?:[ \t]+(?:([^\W\d_])\.?[ \t]+)?([^\W\d_][\w'’-]+))?",
    re.IGNORECASE,
)
NAME_ENDS = re.compile(r"[ \t]*(?:[,)]|\.(?!\d)|(?:made[ \t]+)?(?:aware|notified|paged|called|updated|"
                       r"visited|at[ \t]+bedside|in[ \t]+to|is[ \t]+(?:the[ \t]+)?hcp|following|"
                       r"and[ \t]+(?:(?:her|his)[ \t]+)?" + RELATIVE_WORD + r")\b)", re.IGNORECASE)


def find_lowercase_cued(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'dr green aware', 'NP grace made aware', 'per carol wolfe)': in a mixed-case note, a
    lower-case known name right after a title, role or relative, closed by a comma or an
    'aware'-like word."""
    if judge.case is Case.UPPER:
        return
    lex = judge.lex

    def known(word: str) -> bool:
        key = fold(word)
        return (key in lex.first_names or key in lex.last_names) and not lex.is_clinical(word) \
            and not lex.is_drug(word) and not RELATIVES.fullmatch(word) and lex.zipf(word) < 5.5 \
            and word.islower()

    for m in scan(LOWER_CUE, text):
        first, initial, last = m.group(1), m.group(2), m.group(3)
        if len(first) == 1 and first not in "ai" and not initial and last and known(last) and \
                NAME_ENDS.match(text, m.end(3)):
            yield hit(text, m.start(1), m.end(3), EntityType.NAME, 0.75)  # "per d ross."
            continue
        if not known(first):
            continue
        if last and known(last) and NAME_ENDS.match(text, m.end(3)):
            yield hit(text, m.start(1), m.end(3), EntityType.NAME, 0.75)
        elif not initial and NAME_ENDS.match(text, m.end(1)):
            yield hit(text, m.start(1), m.end(1), EntityType.NAME, 0.75)


MIDDLE_INITIAL = re.compile(
    r"(?<![\w.'’-])([^\W\d_]{2,})[ \t]+([^\W\d_])\.?[ \t]+([^\W\d_]{2,})(?=['’]s\b|(?![\w'’-]))")


def find_middle_initialled(text: str, judge: NameJudge) -> Iterator[Entity]:
    """'benjamin a seiler', 'Hanne K. Vestergaard': a first name, an initial and a surname,
    in any letter case, when one side is a known name and neither is a common word."""
    lex = judge.lex
    for m in scan(MIDDLE_INITIAL, text):
        first, last = m.group(1), m.group(3)
        if any(lex.is_clinical(w) or lex.is_drug(w) or fold(w) in STOP_AND_PRONOUNS for w in (first, last)):
            continue
        if fold(first) in CARE_ROLES or RELATIVES.fullmatch(first) or TITLE_WORD.fullmatch(first):
            continue  # "intern o. carolan", "neighbor m. españa": the role, then the name
        if judge.case is Case.MIXED and not (first[:1].isupper() and last[:1].isupper()):
            continue
        known = (fold(first) in lex.first_names and lex.zipf(first) < 4.0) or (
            fold(last) in lex.last_names and lex.zipf(last) < 4.0)
        mixed_shape = judge.case is Case.MIXED and m.group(2).isupper() and not last.isupper()
        shaped = fold(first) in lex.first_names and (lex.zipf(first) < 5.0 or mixed_shape) and (
            lex.zipf(last) < 2.0 or mixed_shape)  # not "per d quarn": a common word first
        if (known and max(lex.zipf(first), lex.zipf(last)) < 4.5) or shaped:
            yield hit(text, m.start(1), m.end(3), EntityType.NAME, 0.75)  # "Nora J Field": a first name,
            # an initial and a capitalised word, however common; "eric g. varnova": an unknown surname


def find_lexical(text: str, judge: NameJudge) -> Iterator[Entity]:
    """Runs of name-like words scored by the name lexicons."""
    run: list[Token] = []
    mixed = judge.case is Case.MIXED
    for m in words_of(text):
        word = m.group(0)
        candidate = not mixed or judge.initial(word) or (judge.capitalised(word) and (
            not judge.abbreviation(word) or _double_barrelled(POSSESSIVE.sub("", word.rstrip(".")))))
        if run and not (candidate and text[run[-1].end:m.start()] in RUN_GAPS and not (
                run[-1].word.endswith(".") and not judge.initial(run[-1].word))):
            yield from _score_run(text, run, judge)  # the run ends: a word that is no candidate, or a gap
            run = []
        if candidate:
            run.append(Token(m.start(), m.end(), word))
    if run:
        yield from _score_run(text, run, judge)


RUN_GAPS = frozenset({" ", "  ", ""})


def _sentence_start(text: str, begin: int) -> bool:
    before = text[max(0, begin - 3):begin]
    return begin == 0 or bool(SENTENCE_END.search(before)) or before.strip() in {"", '"', "-"}


CONTRACTION = re.compile(r"(?i:i|you|we|they|he|she|it|that|there)['’](?i:m|re|ve|ll|d|s)")


def _extends_name(judge: NameJudge, tok: Token) -> bool:
    """A word that may continue a name: known name, initial, or a rare capitalised word;
    never "I'm" or a title ("Mrs.")."""
    bare = tok.bare
    if CONTRACTION.fullmatch(tok.word) or TITLE_WORD.fullmatch(tok.word):
        return False
    if judge.lexical(tok.word) > 0 or judge.initial(tok.word) or judge.unknown_proper(tok.word) or (
            judge.prose and _rare_proper(judge, tok)) or _double_barrelled(bare):
        return True
    return (judge.case is Case.MIXED and len(bare) > 1 and judge.lex.zipf(bare) < 2.5
            and not judge.lex.is_clinical(bare))


def _rare_proper(judge: NameJudge, tok: Token, rarer_than: float = 3.6) -> bool:
    """A rare capitalised word the dictionary never writes in lower case ('Pemberton'): in prose,
    away from a sentence's start, a name far more often than not (alone, only when rarer than
    a band or a brand: 'Metallica' is 3.2)."""
    bare = tok.bare
    lex = judge.lex
    return (len(bare) >= 4 and bare.replace("-", "").isalpha() and bare[1:].islower()
            and lex.zipf(bare) < rarer_than and not lex.is_common_noun(bare) and not lex.is_drug(bare)
            and not _demonym(bare))


DEMONYM_END = re.compile(r"(?:ians?|ans?|ese|ish|ic|i|ch)$")


@lru_cache(maxsize=1)
def _country_stems() -> frozenset[str]:
    return frozenset(country[:4] for country in lexicon().countries if len(country) >= 4)


def _demonym(word: str) -> bool:
    """'Icelandic', 'Slovenian': a people's or a language's name, no one's identifier."""
    key = fold(word)
    return bool(DEMONYM_END.search(key)) and key[:4] in _country_stems()


def _pair_of_names(judge: NameJudge, part: Sequence[Token]) -> bool:
    """'John Smith': a first name then a last name, even when both are common words."""
    words = [fold(t.bare) for t in part if not judge.initial(t.word)]
    common = 5.5 if judge.case is Case.MIXED else 3.5
    return (len(words) >= 2 and words[0] in judge.lex.first_names
            and words[-1] in judge.lex.last_names
            and max(judge.lex.zipf(w) for w in words) < common
            and not any(judge.lex.is_clinical(w) for w in words))


def _first_name_before_surname(judge: NameJudge, run: list[Token], k: int) -> bool:
    """A first name so common it is also a word ('John', 'Frank', 'Mark'), capitalised in
    mixed-case text, followed by a surname-like word (after an optional initial)."""
    tok = run[k]
    if judge.case is not Case.MIXED or not tok.word.istitle() or fold(tok.bare) not in judge.lex.first_names \
            or judge.lex.is_clinical(tok.bare) or judge.lex.zipf(tok.bare) >= 6.0:
        return False  # not "The", "Will"
    after = run[k + 1:k + 3]
    if judge.initial(after[0].word):
        after = after[1:]
    if not after or judge.initial(after[0].word):
        return False
    surname = after[0]
    return judge.lexical(surname.word) >= 0.45 or judge.unknown_proper(surname.word) or \
        _double_barrelled(surname.bare)


def _score_run(text: str, run: list[Token], judge: NameJudge) -> Iterator[Entity]:
    scores = [judge.lexical(t.word) for t in run]
    extends = [_extends_name(judge, t) for t in run]
    for k in range(len(run) - 1):  # "John Chadwick", "Frank Q. Varn": a common first name before a surname
        if not extends[k] and extends[k + 1] and _first_name_before_surname(judge, run, k):
            extends[k] = True
    i = 0
    while i < len(run):
        if not extends[i] or judge.initial(run[i].word):
            i += 1
            continue
        j = i
        while j + 1 < len(run) and extends[j + 1]:
            j += 1
        part = run[i:j + 1]
        while len(part) > 1 and judge.initial(part[-1].word):
            part = part[:-1]
        part_scores = scores[i:i + len(part)]
        best = max(part_scores)
        words = [t for t in part if not judge.initial(t.word)]
        if judge.case is Case.MIXED:
            if len(words) >= 2 and (best >= 0.6 or _pair_of_names(judge, part)):
                score = 0.85
            elif len(words) >= 2 and (best > 0 or all(judge.unknown_proper(t.word) or (
                    judge.prose and _rare_proper(judge, t)) for t in words)):
                score = 0.7
            elif best > 0:
                score = best * (0.75 if _sentence_start(text, part[0].begin) else 0.9)
            elif judge.unknown_proper(words[0].word) and not _sentence_start(text, part[0].begin):
                score = UNKNOWN_WORD_SCORE
            elif judge.unknown_proper(words[0].word) and SUBJECT_VERB.match(text, part[-1].end):
                score = UNKNOWN_WORD_SCORE - 0.05  # "Ondrasz shouted at Todd"
            elif judge.unknown_proper(words[0].word) and judge.prose:
                score = UNKNOWN_WORD_SCORE - 0.05  # "Kestrova opened a shop": prose, not a note's typo
            elif judge.prose and _rare_proper(judge, words[0], LONE_RARE_WORD) and \
                    not _sentence_start(text, part[0].begin):
                score = UNKNOWN_WORD_SCORE - 0.05  # "met Pemberton at noon", "and Ilvo's dog"
            else:
                score = 0.0
        elif len(words) >= 2 and (min(part_scores) >= 0.45 or _pair_of_names(judge, part)):
            score = 0.55 + 0.25 * best
        elif judge.case is Case.LOWER and best >= 0.6 and words[0].word.istitle() and \
                not _sentence_start(text, part[0].begin):
            score = 0.6  # "but once Ilona woke up": a first name capitalised in a lower-case note
        elif judge.case is Case.LOWER and judge.prose and len(part) >= 2 and \
                _unknown_lower(judge.lex, part[1].bare) and (
                    part_scores[0] >= 0.6 or _unknown_lower(judge.lex, part[0].bare)):
            part, score = part[:2], 0.65  # "olga varnikova's", "nijaro quasano": a first name or a word
            # no one knows, then another: a name in lower-case prose
        else:
            score = 0.0
        if len(words) == 1 and _region_after_preposition(text, words[0], judge.lex):
            score = 0.0  # "moving from Florida", "retire to georgia": a place, though a first name too
        if len(part) == 1 and _double_barrelled(part[0].bare) and best == 0 and \
                not all(fold(p) in judge.lex.first_names for p in part[0].bare.split("-")):
            span = _name_span(text, part, 0.6)  # "Lloyd-Varnholt is a charity": alone, mostly a firm
            yield Entity(span.begin, span.end, EntityType.OTHER, span.score, span.text)
        elif score >= 0.3:
            span = _name_span(text, part, score)
            town = len(words) == 1 and _town_after_preposition(text, words[0], judge.lex)
            yield _as_town(span) if town else span
        i = j + 1


REGION_PREPOSITION = re.compile(r"(?i:from|to|in|at|near|visiting|towards?)[ \t]+$")  # right before a region


STATE_AFTER = re.compile(rf",[ \t]*(?:{STATE_ABBREVIATIONS})\b", re.IGNORECASE)  # "BOSTON, MA"
TOWN_PREPOSITION = re.compile(r"(?i:from|in|near|visiting)[ \t]+$")  # not "to": "spoke to Jackson"


def _region_after_preposition(text: str, token: Token, lex: Lexicon) -> bool:
    """A US state or a country right after 'from', 'to', 'in'... names a place, not a person;
    so does a listed town before a comma and a state code ('FROM BOSTON, MA')."""
    key = fold(token.bare)
    region = key in lex.us_states or key in lex.countries or (
        key in lex.cities and bool(STATE_AFTER.match(text, token.end)))
    return region and bool(REGION_PREPOSITION.search(text, max(0, token.begin - 12), token.begin))


TRAVELLED_TO = re.compile(  # "flew to Coles", "we returned to Feliciano": a journey ends at a place
    r"(?i:flew|flown|fly|flying|returned|moved|travell?ed|went|drove|headed|relocated)[ \t]+(?:back[ \t]+)?"
    r"(?i:to)[ \t]+$")


def _town_after_preposition(text: str, token: Token, lex: Lexicon) -> bool:
    """'DAUGHTER FROM ROME', 'in Wilson since 1958': a listed town alone after 'from' or 'in'
    is a place more often than a person, though a name too; so is any word a journey ends at
    ('flew to Coles')."""
    before = max(0, token.begin - 30)
    return bool(TRAVELLED_TO.search(text, before, token.begin)) or (fold(token.bare) in lex.cities and bool(
        TOWN_PREPOSITION.search(text, max(0, token.begin - 12), token.begin)))


def _as_town(entity: Entity) -> Entity:
    return replace(entity, type=EntityType.ADDRESS)


def _unknown_lower(lex: Lexicon, word: str) -> bool:
    """A lower-case word no dictionary, gazetteer or medical list knows ('varnikova')."""
    return len(word) >= 4 and word.isalpha() and lex.raw_zipf(word) < 1.5 and not lex.is_clinical(word) \
        and not lex.is_drug(word) and not medical_or_misspelt(word) and fold(word) not in lex.cities


def find_names(text: str) -> Iterator[Entity]:
    """Every name recognizer over one document."""
    judge = NameJudge(lexicon(), document_case(text), prose=not clinical_text(text))
    for finder in (find_titled, find_credentialed, find_relatives, find_labelled,
                   find_introduced, find_staff, find_initialled, find_roled, find_name_lists, find_speakers,
                   find_dialogue_speakers, find_letter_signatures, find_named_subjects, find_let_know,
                   find_card_names,
                   find_informed, find_lowercase_cued, find_person_subjects, find_coordinated, find_vocatives,
                   find_middle_initialled, find_signatures, find_service_members,
                   find_lexical):
        yield from finder(text, judge)
