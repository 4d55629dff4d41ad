"""The optional medical dictionary and the typo check that keep clinical words and
misspellings out of the unknown-word name and place rules. Every value is fictional."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from phimask.detect import lexicon as lexicon_module
from phimask.detect.embedded import EmbeddedDetector
from phimask.detect.lexicon import medical_or_misspelt, medical_words, misspelt
from phimask.entities import EntityType


@pytest.fixture
def dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A hunspell-format dictionary with a few terms, one proper noun and one surname."""
    path = tmp_path / "med.dic"
    path.write_text("6\ncrepitulus/S\nvarnothemia\nElmsby/M\nquillon\nAAQ\nsteri-strip\n", "utf-8")
    monkeypatch.setenv("PHIMASK_MEDICAL_DICTIONARY", str(path))
    medical_words.cache_clear()
    misspelt.cache_clear()
    yield path
    medical_words.cache_clear()
    misspelt.cache_clear()


def test_dictionary_words_are_lower_case_terms_without_names(dictionary: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    lex = lexicon_module.lexicon()
    surname = next(iter(sorted(lex.last_names)))
    dictionary.write_text(f"3\ncrepitulus/S\nElmsby/M\n{surname}\n", "utf-8")
    words = medical_words()
    assert "crepitulus" in words  # affix flags dropped
    assert "elmsby" not in words  # capitalised entries are proper nouns
    assert surname not in words  # a word the name lists know is never "medical"


def test_no_dictionary_means_no_medical_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_MEDICAL_DICTIONARY", str(tmp_path / "missing.dic"))
    medical_words.cache_clear()
    try:
        assert medical_words() == frozenset()
    finally:
        medical_words.cache_clear()


def test_typos_of_terms_and_swapped_letters(dictionary: Path) -> None:
    assert misspelt("varnothemya")  # one letter changed in a (long) medical term
    assert misspelt("Varnothmia")  # one letter dropped
    assert misspelt("Neice")  # two letters swapped in a frequent word
    assert misspelt("Nottebook")  # a letter doubled in an ordinary word
    assert not misspelt("Warranf")  # a letter changed in an ordinary word: could be a name
    assert not misspelt("Zabrockiv")  # nothing near it
    assert not misspelt("Crepi")  # too short to judge
    assert medical_or_misspelt("Crepitulus")


def test_unknown_capitalised_term_is_not_a_name(dictionary: Path) -> None:
    text = "Pt resting. Crepitulus is much better today."
    found = EmbeddedDetector().detect(text)
    assert not [e for e in found if e.type is EntityType.NAME and "Crepitulus" in e.text]


def test_unknown_capitalised_word_stays_a_name_candidate(dictionary: Path) -> None:
    text = "Pt resting. Lungs clear on left. Visited by Zabrockiv and wife today."
    found = EmbeddedDetector().detect(text)
    assert [e for e in found if e.type is EntityType.NAME and "Zabrockiv" in e.text]


def test_unreadable_dictionary_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_MEDICAL_DICTIONARY", str(tmp_path))  # a directory: reading it fails
    medical_words.cache_clear()
    try:
        assert medical_words() == frozenset()
    finally:
        medical_words.cache_clear()
