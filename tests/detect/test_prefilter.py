"""The prefilter skips only scans that cannot match: scan() finds exactly what finditer() does."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phimask.detect import prefilter_table
from phimask.detect.prefilter import BOUNDARY, _shipped, guard_source, possible, required_strings, scan

DETECTOR_REGEXES = prefilter_table.detector_regexes()
ALLOW_REGEXES = prefilter_table.allow_list_regexes()
REGEXES = DETECTOR_REGEXES + ALLOW_REGEXES

INVENTED = [
    "Spoke with daughter Ilse Varnholt (HCP) at 617-555-0147; RN aware.",
    "MRN 4471902 admitted to the MICU from Elmsby General on 3/14 via EW.",
    "The address of Quenvaro Analytics Inc. is 12 Varn Street, Apt. 5, Elmsby, ZQ 40117.",
    "DR. QUARNBY PAGED X4471, NP NOTIFIED. MOTHER FROM ROME ARRIVING 12/2.",
    "lives alone in boring, or. works at varnco labs as a welder since 1998",
    "Krisztián Szöllösy listed his e-mail as ilse.varn@example.org and www.varnco.io",
    "BI-RADS 4A, 3/6 systolic murmur, 5/5 strength, GCS 15, E4V5M6, G2P1, 32 3/7 wks",
    "Barnett, Melton and Garcia moved to Boston, MA 02114 and Garcia left.",
    "\u212aELVIN and \u0130lse met \u017fam at ſt. \u0131vo's; kelvin ilse sam st. ivo",
    "Tel: 4004773825  Desk: (617) 555-0100  card 4111 1111 1111 1111 exp 04/27",
    "",
    "a",
]


def _spans(matches: object) -> list[tuple[int, int]]:
    return [m.span() for m in matches]  # type: ignore[attr-defined]


def test_the_shipped_table_is_current() -> None:
    current = json.loads(json.dumps(prefilter_table.table()))
    stale = sorted(set(current) ^ set(_shipped()) | {k for k in current if current[k] != _shipped().get(k)})
    assert not stale, f"{len(stale)} regexes changed: run python scripts/build_prefilter.py"


def test_checks_are_read_for_most_cue_regexes() -> None:
    gated = [regex for regex in DETECTOR_REGEXES if required_strings(regex)]
    assert len(gated) >= len(DETECTOR_REGEXES) // 2


@pytest.mark.parametrize("regex", REGEXES, ids=lambda regex: regex.pattern[:40])
def test_scan_finds_what_finditer_finds(regex: re.Pattern[str]) -> None:
    for text in INVENTED:
        assert _spans(scan(regex, text)) == _spans(regex.finditer(text)), text


def _words_of(regex: re.Pattern[str]) -> list[str]:
    return sorted({s.replace(BOUNDARY, "") for group in required_strings(regex) for s in group}) or ["x"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_scan_agrees_on_texts_built_from_the_required_strings(data: st.DataObject) -> None:
    regex = data.draw(st.sampled_from(REGEXES))
    piece = st.one_of(
        st.sampled_from(_words_of(regex)).map(lambda w: w.title() if len(w) % 2 else w.upper()),
        st.sampled_from(["Ilse", "varn", "12", "4471", "MD", "RN", "İ", "ı", "ſ", "\u212a", "é", "and"]),
        st.text(alphabet="abcK.,-/:@& \n\t0123456789", max_size=6),
    )
    text = "".join(data.draw(st.lists(piece, max_size=12)))
    assert _spans(scan(regex, text)) == _spans(regex.finditer(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_window_check_agrees_with_finditer_over_the_window(data: st.DataObject) -> None:
    regex = data.draw(st.sampled_from(REGEXES))
    text = data.draw(st.sampled_from(INVENTED)) + " " + " ".join(_words_of(regex))
    pos = data.draw(st.integers(0, len(text)))
    endpos = data.draw(st.integers(pos, len(text)))
    found = _spans(regex.finditer(text, pos, endpos))
    assert found == [] or possible(regex, text, pos, endpos)


GUARDED = [regex for regex in DETECTOR_REGEXES if guard_source(regex)]


def test_a_guard_is_the_pattern_without_its_opening_lookbehind() -> None:
    ssn = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
    assert guard_source(ssn) == r"(?i)\d{3}-\d{2}-\d{4}(?![\d-])"
    assert guard_source(re.compile(r"(?<!\w)\b\d+", re.MULTILINE)) == r"(?im)\d+"
    assert guard_source(re.compile(r"(?<!\w)[A-Z]\d")) is None  # opens with a letter: nothing to skip to
    assert guard_source(re.compile(r"(?<!\w)(?:\d+ )?[A-Z]+")) is None  # an optional first group
    assert guard_source(re.compile(r"(?<!\w)\d+(?-i:[A-Z])", re.I)) is None  # case-bound: not on lower case
    assert guard_source(re.compile(r"\d{3}-\d{4}")) is None  # nothing to strip
    assert len(GUARDED) >= 8


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_scan_agrees_on_digit_texts_for_guarded_regexes(data: st.DataObject) -> None:
    regex = data.draw(st.sampled_from(GUARDED))
    text = data.draw(st.text(alphabet="0123456789-./+()' ,\nabAB", max_size=40))
    assert _spans(scan(regex, text)) == _spans(regex.finditer(text))


def test_a_window_check_reads_only_the_window() -> None:
    regex = re.compile(r"(?<=\bdr\. )(\w+)[ \t]+(?:aware|paged)")
    text = "RN notified at noon. " * 50 + "dr. Varn paged"
    assert not possible(regex, text, 0, 300)  # 'paged' lies after the window: a window costs a window
    assert possible(regex, text, len(text) - 10)  # 'dr. ' before the window is lookbehind's to see
    assert _spans(regex.finditer(text, len(text) - 10)) == [(len(text) - 10, len(text))]


def test_a_cue_regex_is_skipped_without_its_cue() -> None:
    regex = re.compile(r"\b(?:nurse|rn)[ \t]+([A-Z]\w+)", re.IGNORECASE)
    assert required_strings(regex)
    assert not possible(regex, "Seen by the team today.")
    assert possible(regex, "Seen by NURSE Varn today.")
    assert not possible(regex, "Seen by the journal today.")  # 'rn' inside a word is no cue
    assert _spans(scan(regex, "Seen by NURSE Varn today.")) == [(8, 18)]


def test_case_blind_lookalikes_are_always_scanned() -> None:
    regex = re.compile(r"(?i)\bsam\b")
    assert _spans(scan(regex, "\u017fam")) == [(0, 3)]  # the long s matches s case-blind
    assert _spans(scan(re.compile(r"(?i)\bilse\b"), "\u0130lse \u0131lse")) == [(0, 4), (5, 9)]


def test_only_a_word_boundary_is_read_as_one() -> None:
    assert _spans(scan(re.compile(r"\Bing\b"), "sing a song")) == [(1, 4)]


def test_lookarounds_and_optional_parts() -> None:
    regex = re.compile(r"(?<=\bdr\. )(\w+)(?:\s+jr)?(?=\s+(?:aware|paged))")
    assert not possible(regex, "dr. Varn was here")
    assert possible(regex, "dr. Varn paged")
    assert _spans(scan(regex, "dr. Varn paged")) == [(4, 8)]
    optional = re.compile(r"(?:ms|mrs)?\.?\s*\d+")
    assert required_strings(optional) == []  # nothing is required: always scanned


def test_without_the_private_parser_every_scan_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import phimask.detect.prefilter as prefilter

    monkeypatch.setattr(prefilter, "_parser", None)
    regex = re.compile(r"\b(?:nurse|rn)[ \t]+([A-Z]\w+)", re.IGNORECASE)
    assert required_strings(regex) == []
    assert prefilter.check_sources(regex) == []
