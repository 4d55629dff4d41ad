"""Word lists shipped with the package (built by scripts/build_lexicons.py)."""

from __future__ import annotations

import gzip
import os
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

# optional: the Debian/Ubuntu package hunspell-en-med (GPL: read in place, never shipped)
MEDICAL_DICTIONARIES = (
    "/usr/share/hunspell/en_med_glut.dic",
)


def fold(text: str) -> str:
    """Lower-case ASCII fold used for every lexicon look-up: 'José' -> 'jose'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _rows(name: str) -> list[str]:
    data = resources.files("phimask.detect.data").joinpath(f"{name}.txt.gz").read_bytes()
    return gzip.decompress(data).decode("utf-8").splitlines()


def _packaged(name: str) -> frozenset[str]:
    """A hand-kept list in data/<name>.txt: one entry a line, '#' comments."""
    text = resources.files("phimask.detect.data").joinpath(f"{name}.txt").read_text("utf-8")
    return frozenset(
        fold(line.split("#", 1)[0].strip())
        for line in text.splitlines()
        if line.split("#", 1)[0].strip()
    )


@dataclass(frozen=True)
class Lexicon:
    """Look-up sets for the embedded detector; all keys are folded."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    cities: frozenset[str]
    countries: frozenset[str]
    us_states: frozenset[str]
    professions: frozenset[str]  # English job titles
    foreign_professions: frozenset[str]  # other languages' titles, not in professions
    street_suffixes: frozenset[str]
    drugs: frozenset[str]
    word_zipf: dict[str, float]
    common_zipf: dict[str, float]
    lowercase_words: frozenset[str]
    clinical_terms: frozenset[str]

    def zipf(self, word: str) -> float:
        """Frequency on the Zipf scale of ``word`` used as a common word: 0 for unknown
        words and for names the dictionary knows only capitalised ('James': 0)."""
        return self.common_zipf.get(fold(word), 0.0)

    def is_common_noun(self, word: str) -> bool:
        """The dictionary lists the word in lower case ('turkey' yes, 'canada' no)."""
        return fold(word) in self.lowercase_words

    def raw_zipf(self, word: str) -> float:
        """Frequency of the word form whatever its use ('James': 5.1)."""
        return self.word_zipf.get(fold(word), 0.0)

    def is_name(self, word: str) -> bool:
        key = fold(word)
        return key in self.first_names or key in self.last_names

    def is_clinical(self, word: str) -> bool:
        return fold(word) in self.clinical_terms

    def is_drug(self, word: str) -> bool:
        return fold(word) in self.drugs


@cache
def lexicon() -> Lexicon:
    """Load the lexicon once per process (about 0.2 s)."""
    word_zipf: dict[str, float] = {}
    common_zipf: dict[str, float] = {}
    lowercase_words: set[str] = set()
    first_names = frozenset(_rows("first_names"))
    last_names = frozenset(_rows("last_names"))
    for row in _rows("common_words"):
        word, zipf, lowercase = row.split("\t")
        word_zipf[word] = float(zipf)
        if lowercase == "1":
            lowercase_words.add(word)
        if lowercase == "1" or (word not in first_names and word not in last_names):
            common_zipf[word] = float(zipf)
    return Lexicon(
        first_names=first_names,
        last_names=last_names,
        cities=frozenset(_rows("cities")),
        countries=frozenset(_rows("countries")),
        us_states=frozenset(_rows("us_states")),
        professions=frozenset(_rows("professions")),
        foreign_professions=frozenset(_rows("foreign_professions")),
        street_suffixes=frozenset(_rows("street_suffixes")),
        drugs=frozenset(_rows("drugs")),
        word_zipf=word_zipf,
        common_zipf=common_zipf,
        lowercase_words=frozenset(lowercase_words),
        clinical_terms=_packaged("clinical_terms"),
    )


@cache
def medical_words() -> frozenset[str]:
    """Lower-case words of an installed medical spelling dictionary ($PHIMASK_MEDICAL_DICTIONARY,
    else hunspell-en-med's), minus every word the name lists know; empty when none is installed."""
    lex = lexicon()
    configured = os.environ.get("PHIMASK_MEDICAL_DICTIONARY")
    for candidate in ([configured] if configured else list(MEDICAL_DICTIONARIES)):
        path = Path(candidate)
        try:
            rows = path.read_text("utf-8", errors="replace").splitlines()[1:]
        except OSError:
            continue  # missing or unreadable: the dictionary is optional
        words = (row.split("/", 1)[0].strip() for row in rows)
        return frozenset(key for key in (fold(w) for w in words if w[:1].islower())
                         if key.isalpha() and key not in lex.first_names and key not in lex.last_names)
    return frozenset()


LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=4096)
def misspelt(word: str) -> bool:
    """'Montior', 'catheterr', 'Nieghbor', 'Adendum', 'presnt': one edit (a letter dropped, added,
    changed or two swapped) from a clinical or medical term of 7+ letters, a letter dropped or
    added in an ordinary dictionary word of 6+ letters, a letter dropped from a frequent word,
    or two letters swapped in a frequent word, so more likely a typo than a name."""
    lex = lexicon()
    key = fold(word)
    if len(key) < 5 or not key.isalpha() or key in lex.first_names or key in lex.last_names:
        return False
    for i in range(len(key) - 1):
        swapped = key[:i] + key[i + 1] + key[i] + key[i + 2:]
        if swapped != key and (lex.common_zipf.get(swapped, 0.0) >= 3.5 or swapped in lex.clinical_terms):
            return True
    if len(key) < 7:  # short words are a letter away from too many terms: only a dropped one
        frequent = frequent_words()
        return any(key[:i] + c + key[i:] in frequent for i in range(1, len(key) + 1) for c in LETTERS)
    clinical, medical, common = lex.clinical_terms, medical_words(), long_common_words()
    for i in range(len(key) + 1):
        left, right = key[:i], key[i:]
        candidates = [left + c + right for c in LETTERS] + ([left + right[1:]] if right else [])
        if not common.isdisjoint(candidates):
            return True  # a letter dropped or doubled in an ordinary word ('Adendum'), not changed
        if right:
            candidates += [left + c + right[1:] for c in LETTERS if c != right[0]]
        if not medical.isdisjoint(candidates) or not clinical.isdisjoint(candidates):
            return True
    return False


@cache
def frequent_words() -> frozenset[str]:
    """Frequent lower-case words of 6-7 letters that no name list has: 'presnt' and 'famil'
    are one letter short of one."""
    lex = lexicon()
    return frozenset(w for w in lex.lowercase_words if 6 <= len(w) <= 7 and w.isalpha()
                     and lex.common_zipf.get(w, 0.0) >= 4.0 and w not in lex.first_names
                     and w not in lex.last_names)


@cache
def long_common_words() -> frozenset[str]:
    """Lower-case dictionary words of 6+ letters that no name list has: 'Adendum' is one
    letter from 'addendum'."""
    lex = lexicon()
    return frozenset(w for w in lex.lowercase_words if len(w) >= 6 and w.isalpha()
                     and w not in lex.first_names and w not in lex.last_names)


def medical_or_misspelt(word: str) -> bool:
    """A word an unknown-word rule must not take for a name or a place: a term of the
    installed medical dictionary, a rare word the English dictionary writes in lower case
    ('reinsert', 'commode') and no name list has, or a typo of a frequent or clinical word."""
    key = fold(word)
    lex = lexicon()
    known_lower = key in lex.lowercase_words and key not in lex.first_names and key not in lex.last_names
    return key in medical_words() or known_lower or misspelt(word)
