"""Word lists shipped with the package (built by scripts/build_lexicons.py)."""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


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
    professions: frozenset[str]
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
        street_suffixes=frozenset(_rows("street_suffixes")),
        drugs=frozenset(_rows("drugs")),
        word_zipf=word_zipf,
        common_zipf=common_zipf,
        lowercase_words=frozenset(lowercase_words),
        clinical_terms=_packaged("clinical_terms"),
    )
