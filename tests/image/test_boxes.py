"""OCR words -> page text -> detector -> PHI words, and the burned-in annotation rules."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from phimask.entities import Entity, EntityType
from phimask.image.boxes import build_page, find_phi_words
from phimask.image.context import date_forms
from phimask.image.ocr import Word


def line(y: int, *texts: str, height: int = 14, gap: int = 6, x: int = 10) -> list[Word]:
    """Words laid left to right on one line (10 px a character)."""
    words = []
    for text in texts:
        words.append(Word(text, x, y, 10 * len(text), height, 95.0))
        x += 10 * len(text) + gap
    return words


class Fixed:
    """A detector returning entities for given substrings of the page text."""

    name = "fixed"

    def __init__(self, spans: Sequence[tuple[str, EntityType]]) -> None:
        self.spans = spans

    def detect(self, text: str) -> list[Entity]:
        found = []
        for needle, kind in self.spans:
            start = text.find(needle)
            if start >= 0:
                found.append(Entity(start, start + len(needle), kind, 0.9, needle))
        return found


def texts(words: Sequence[object]) -> list[str]:
    return [w.word.text for w in words]  # type: ignore[attr-defined]


def test_page_text_spans_point_at_each_word() -> None:
    words = line(60, "DOB:", "07.22.1943") + line(10, "KAUFMAN", "SCOTT")
    page = build_page(words)
    assert page.text == "KAUFMAN SCOTT\nDOB: 07.22.1943"
    assert [page.text[b:e] for b, e in page.spans] == ["KAUFMAN", "SCOTT", "DOB:", "07.22.1943"]
    assert page.lines == (0, 0, 1, 1)


def test_hyphenated_line_ends_are_joined() -> None:
    page = build_page(line(10, "Dr.", "Con-") + line(30, "stantine", "saw"))
    assert page.text == "Dr. Constantine saw"
    assert [page.text[b:e] for b, e in page.spans] == ["Dr.", "Con", "stantine", "saw"]


def test_wide_gaps_separate_fields_but_not_lines() -> None:
    words = line(10, "Name:", "MARTINEZ,", "ELENA") + line(10, "MRN:", "48213377", x=300)
    page = build_page(words)
    assert page.text == "Name: MARTINEZ, ELENA\nMRN: 48213377"
    assert set(page.lines) == {0}


def test_multi_word_entity_across_a_line_break_boxes_every_word() -> None:
    words = line(10, "Seen", "by", "John") + line(30, "Constantine", "today")
    detector = Fixed([("John\nConstantine", EntityType.NAME)])
    found = find_phi_words(words, 0.5, detector)
    assert texts(found) == ["John", "Constantine"]
    assert {p.type for p in found} == {"NAME"}


def test_entity_over_part_of_a_word_boxes_the_whole_word() -> None:
    words = line(10, "Phone:", "(212)555-1234.")
    found = find_phi_words(words, 0.5, Fixed([("(212)555-1234", EntityType.PHONE_OR_FAX)]))
    assert texts(found) == ["(212)555-1234."]


def test_no_words_no_phi() -> None:
    assert find_phi_words([], 0.5, Fixed([])) == []


@pytest.mark.parametrize(("words", "known", "expected"), [
    # header values: names, ids, dates and times as printed, truncated values
    (line(5, "ZZZ", "TEST", "PATIENTFI..", "DOB:", "08/29/1951", "M", "CCHS", "CLEVELAN..", "03/02/2017",
          "05:24:57PM"),
     [("NAME", "ZZZ TEST PATIENTFIVE^NEW^P^"), ("DATE", "19510829"), ("ADDRESS", "CCHS CLEVELAND CLINIC"),
      ("DATE", "20170302"), ("DATE", "172457.000")],
     ["ZZZ", "TEST", "PATIENTFI..", "08/29/1951", "M", "CCHS", "CLEVELAN..", "03/02/2017", "05:24:57PM"]),
    # no header: the classic "LAST FIRST [S] date" banner
    (line(0, "MARTIN", "CHAD", "[U]", "01.01.2000"), [], ["MARTIN", "CHAD", "[U]", "01.01.2000"]),
    # OCR noise in the marker
    (line(0, "KAUFMAN", "SCOTT", "[NM]", "03.09.2012"), [], ["KAUFMAN", "SCOTT", "[NM]", "03.09.2012"]),
])
def test_banner_context(words: list[Word], known: list[tuple[str, str]], expected: list[str]) -> None:
    detector = Fixed([("01.01.2000", EntityType.DATE), ("03.09.2012", EntityType.DATE),
                      ("KAUFMAN SCOTT", EntityType.NAME)])
    assert texts(find_phi_words(words, 0.5, detector, known)) == expected


@pytest.mark.parametrize("words", [
    line(0, "Adv", "Breast", "M", "TIS0.0"),          # a lone M without PHI around it
    line(0, "PORTABLE", "[L]", "AP"),                 # a bracketed label that is not a sex marker
    line(0, "MI", "0.6", "L12-5", "36Hz"),            # scanner labels
])
def test_labels_that_are_not_phi_survive(words: list[Word]) -> None:
    assert find_phi_words(words, 0.5, Fixed([])) == []


def test_first_name_pairs_and_repeated_names() -> None:
    words = line(0, "Jessica", "Smith", "lives", "here.") + line(30, "Smith", "called.")
    found = find_phi_words(words, 0.5, Fixed([]))
    assert texts(found) == ["Jessica", "Smith", "Smith"]


def test_first_name_before_a_found_name() -> None:
    words = line(0, "John", "Constantine", "lives", "in", "London.")
    detector = Fixed([("Constantine", EntityType.NAME), ("London", EntityType.ADDRESS)])
    found = find_phi_words(words, 0.5, detector)
    assert texts(found) == ["John", "Constantine", "London."]


def test_header_values_do_not_match_short_or_unrelated_words() -> None:
    words = line(0, "P", "NEW", "2017", "10:15")
    found = find_phi_words(words, 0.5, Fixed([]), [("NAME", "ZZZ^NEW^P"), ("DATE", "20170302")])
    assert texts(found) == ["NEW"]


def test_date_forms() -> None:
    dates, times = date_forms("20170302172457")
    assert {"20170302", "03022017", "02032017", "030217"} <= dates
    assert {"172457", "052457", "1724", "0524"} <= times
    assert date_forms("172457.000") == (set(), {"172457", "052457", "1724", "0524", "52457", "524"})
