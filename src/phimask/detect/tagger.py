"""A learned sequence tagger (linear-chain CRF) for PHI, trained on synthetic notes.

The model (``data/tagger.crfsuite``) is built by ``scripts/train_tagger.py`` from notes
that ``scripts/synth_notes.py`` generates; it needs the ``tagger`` extra
(python-crfsuite). Text is cut into chunks of whole lines (at most ``MAX_TOKENS`` tokens
each), so time and memory stay linear in the input. Each token gets word, shape,
affix, casing, line-position and lexicon features (``phimask.detect.lexicon``) for itself
and its neighbours; the tags are BIO over the DetectPHI types. An entity's score is the
mean marginal probability of its tags.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from phimask.detect.lexicon import fold, lexicon
from phimask.entities import Entity, EntityType
from phimask.errors import DetectorFailed

MODEL_FILE = "tagger.crfsuite"
MAX_TOKENS = 300
TOKEN = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+[\w/]"  # URL
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|[^\W_]+(?:['’.][^\W\d_]+)*"  # word (letters/digits), with inner apostrophes or dots
    r"|\S",  # any other single character
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    begin: int
    end: int
    line_start: bool  # first token on its line
    line_end: bool  # last token on its line


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text`` with offsets (shifted by ``offset``) and line flags."""
    raw = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
    tokens: list[Token] = []
    for i, (value, begin, end) in enumerate(raw):
        first = i == 0 or "\n" in text[raw[i - 1][2]:begin]
        last = i == len(raw) - 1 or "\n" in text[end:raw[i + 1][1]]
        tokens.append(Token(value, begin + offset, end + offset, first, last))
    return tokens


def chunks(text: str, max_tokens: int = MAX_TOKENS) -> Iterator[list[Token]]:
    """Token sequences of whole lines, each at most ``max_tokens`` long (a longer line is
    cut); each line's tokens are found once, so this is linear in ``len(text)``."""
    current: list[Token] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        tokens = tokenize(line, offset)
        offset += len(line)
        if current and len(current) + len(tokens) > max_tokens:
            yield current
            current = []
        while len(tokens) > max_tokens:
            yield tokens[:max_tokens]
            tokens = tokens[max_tokens:]
        current.extend(tokens)
    if current:
        yield current


def _shape(word: str) -> str:
    out: list[str] = []
    for c in word:
        s = "X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)[:8]


def _zipf_bin(z: float) -> str:
    return "0" if z <= 0 else "1" if z < 2.5 else "2" if z < 3.5 else "3" if z < 4.5 else "4"


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[str, ...]:
    """Features of a token on its own (cached: a word's features never change)."""
    lex = lexicon()
    key = fold(word)
    feats = [f"w={key}", f"sh={_shape(word)}", f"p2={key[:2]}", f"p3={key[:3]}", f"s2={key[-2:]}",
             f"s3={key[-3:]}", f"len={min(len(word), 12)}"]
    if word.isupper():
        feats.append("case=upper")
    elif word[:1].isupper():
        feats.append("case=title")
    elif word.islower():
        feats.append("case=lower")
    if word[:1].isalpha():
        feats.append(f"zipf={_zipf_bin(lex.zipf(word))}")
        feats.append(f"rzipf={_zipf_bin(lex.raw_zipf(word))}")
        lists = (("first", lex.first_names), ("last", lex.last_names), ("city", lex.cities),
                 ("country", lex.countries), ("state", lex.us_states), ("prof", lex.professions),
                 ("street", lex.street_suffixes), ("drug", lex.drugs), ("clin", lex.clinical_terms))
        feats.extend(name for name, words in lists if key in words)
        if lex.is_common_noun(word):
            feats.append("noun")
    elif word.isdigit():
        feats.append(f"num{min(len(word), 6)}")
    return tuple(feats)


# features of a neighbour worth copying (prefixed by its relative position)
_NEIGHBOUR = ("w=", "sh=", "first", "last", "city", "country", "state", "prof", "street", "clin", "case=",
              "zipf=", "drug")


@lru_cache(maxsize=200_000)
def _context(word: str) -> tuple[str, ...]:
    return tuple(f for f in word_features(word) if f.startswith(_NEIGHBOUR))


def sequence_features(tokens: Sequence[Token], doc_case: str) -> list[list[str]]:
    """Feature strings for each token of one chunk (``doc_case``: upper, lower or mixed)."""
    words = [t.text for t in tokens]
    n = len(words)
    out: list[list[str]] = []
    for i, token in enumerate(tokens):
        feats = ["bias", f"doc={doc_case}", *word_features(words[i])]
        if token.line_start:
            feats.append("bol")
        if token.line_end:
            feats.append("eol")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                feats.extend(f"{d}{f}" for f in _context(words[j]))
            else:
                feats.append(f"{d}pad")
        if i + 1 < n:
            pair = fold(f"{words[i]} {words[i + 1]}")
            lex = lexicon()
            if pair in lex.cities or pair in lex.countries or pair in lex.us_states:
                feats.append("place2")
            if pair in lex.professions:
                feats.append("prof2")
        if i > 0:
            feats.append(f"bi={fold(words[i - 1])}|{fold(words[i])}")
        out.append(feats)
    return out


def document_case(text: str) -> str:
    letters = [c for c in text[:20_000] if c.isalpha()]
    if not letters:
        return "mixed"
    upper = sum(c.isupper() for c in letters) / len(letters)
    return "upper" if upper > 0.85 else "lower" if upper < 0.02 else "mixed"


def spans_from_tags(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(first token, end token, type)`` for each BIO run (an I- without B- opens one)."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start >= 0 and (prefix != "I" or label != kind):
            spans.append((start, i, kind))
            start = -1
        if prefix == "B" or (prefix == "I" and start < 0):
            start, kind = i, label
    return spans


@cache
def _model_bytes() -> bytes:
    return resources.files("phimask.detect.data").joinpath(MODEL_FILE).read_bytes()


class TaggerDetector:
    """PHI entities from the CRF tagger alone (pair it with the embedded detector)."""

    name = "tagger"

    def __init__(self, model_path: str | None = None, types: Collection[EntityType] | None = None) -> None:
        """``model_path``: another model file (default: the packaged one); ``types``: the
        entity types to report (default: all)."""
        self._model_path = model_path
        self._types = frozenset(types) if types is not None else frozenset(EntityType)
        self._local = threading.local()

    def load(self) -> None:
        """Open the model now (DetectorFailed when python-crfsuite is missing), not on the
        first document."""
        self._tagger()

    def _tagger(self) -> Any:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            try:
                import pycrfsuite
            except ImportError:
                raise DetectorFailed(
                    "the tagger needs python-crfsuite: pip install 'phimask[tagger]'") from None
            tagger = pycrfsuite.Tagger()
            if self._model_path is not None:
                tagger.open(self._model_path)
            else:
                tagger.open_inmemory(_model_bytes())
            self._local.tagger = tagger
        return tagger

    def detect(self, text: str) -> list[Entity]:
        tagger = self._tagger()
        doc_case = document_case(text)
        found: list[Entity] = []
        for tokens in chunks(text):
            tags = tagger.tag(sequence_features(tokens, doc_case))
            for first, last, kind in spans_from_tags(tokens, tags):
                if EntityType(kind) not in self._types:
                    continue
                probs = [tagger.marginal(tags[i], i) for i in range(first, last)]
                score = min(1.0, max(0.0, sum(probs) / len(probs)))
                begin, end = tokens[first].begin, tokens[last - 1].end
                found.append(Entity(begin, end, EntityType(kind), score, text[begin:end]))
        return found
