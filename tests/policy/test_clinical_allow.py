"""The shipped clinical allow-list (policy/data/clinical_allow.txt): the file parses, its
entries are unique, grouped and never a bare name or place, its regexes are bounded; and
under the default policy clinical phrases stay unmasked while names beside them do not
(fictional PHI only)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import accumulate
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phimask.detect.lexicon import fold, lexicon
from phimask.entities import Entity, EntityType
from phimask.policy.lists import clinical_allow_entries, covering, match_prefixes, phrase_list, word_leads

GROUPS = (
    "eponymous diseases and syndromes",
    "signs, reflexes and findings",
    "scales and scores",
    "anatomy",
    "devices, lines and drains",
    "procedures, operations and positions",
    "abbreviations that look like names or IDs",
)

# Examples of the regex families; every regex entry must match one of them whole.
EXAMPLES = (
    "Hunt and Hess grade 3", "Hunt-Hess 2", "Fisher grade 2", "modified Fisher scale 3", "Mallampati 2",
    "Mallampati class III", "NYHA class III", "Killip class II", "Salter-Harris type II", "DeBakey type I",
    "Le Fort II", "Mobitz type II", "Billroth II", "ASA class 3", "Tanner stage 3", "Gleason 4+3=7",
    "Gleason score 3+4", "Gleason 7 (3+4)", "GCS 15", "GCS of 3T", "E4V5M6", "APGARs 8 and 9", "Apgar 8/9",
    "Apgars 8,9", "Epworth Sleepiness Scale 12", "Stanford type A dissection", "BI-RADS 4",
    "LA grade B esophagitis", "Los Angeles grade C esophagitis", "Rome IV criteria", "Forrest Ib",
    "pain 6/10", "pain score of 4-5/10", "6/10 cp", "strength 5/5", "4+/5 strength", "3/6 systolic",
    "CPAP 5/5", "CPAP .5% 5/8", "BiPAP 10/5", "SB 50s", "ST 110's", "HR in the 60s", "24 2/7 weeks",
    "33+5 weeks", "GA 33 5/7", "EGA 36+2", "born at 24 2/7", "33 weeks 5 days", "G2P1", "G3P2012",
    "G3P2-0-1-2", "gravida 2, para 1", "C5-C6", "L4-5", "T12-L1", "S1S2", "S1 and S2", "PB 7200",
    "in Trendelenburg", "into reverse Trendelenberg", "LIMA to LAD", "SVG to OM", "stent to RAMUS",
    "LIMA graft", "Parkinsons disease", "Wegners syndrome", "non-Hodgkin lymphoma", "NICU", "the nicu",
    "CCU-2", "PACU-", "made CMO", "ICD-10 I10", "ICD-9 428.0", "CPT 99213", "to the EW",
    "Murphy's sign", "Homans' sign", "Babinski sign",
)


@dataclass(frozen=True)
class Line:
    number: int
    kind: str  # "text" (a phrase) or "regex"
    value: str
    group: str  # the comment header above it


@cache
def raw_text() -> str:
    data = files("phimask").joinpath("policy").joinpath("data").joinpath("clinical_allow.txt").read_bytes()
    return data.decode("utf-8")  # strict: the file is UTF-8


@cache
def entries() -> tuple[Line, ...]:
    """The file read by its own format (not through the matcher)."""
    found: list[Line] = []
    group = ""
    for number, line in enumerate(raw_text().splitlines(), 1):
        entry = line.strip()
        if entry.startswith("# ---"):
            group = entry.strip("#- ")
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("re:"):
            found.append(Line(number, "regex", entry[3:].strip(), group))
        else:
            found.append(Line(number, "text", entry, group))
    return tuple(found)


@cache
def compiled() -> tuple[tuple[Line, re.Pattern[str]], ...]:
    return tuple((line, re.compile(line.value, re.IGNORECASE)) for line in entries() if line.kind == "regex")


def phrases() -> list[Line]:
    return [line for line in entries() if line.kind == "text"]


# ---------------------------------------------------------------- the data file


def test_entries_are_grouped_under_the_headers() -> None:
    assert 300 <= len(entries()) <= 1500
    assert all(line.group for line in entries()), "an entry above the first group header"
    groups = {line.group for line in entries()}
    assert set(GROUPS) <= groups
    for group in groups:
        assert any(line.group == group for line in entries())


def test_every_regex_compiles_as_the_matcher_does() -> None:
    for line, pattern in compiled():
        re.compile("(?i)" + line.value)  # no global flag in the middle of a pattern
        assert pattern.search("") is None, f"line {line.number} matches the empty string"
        assert line.value.startswith(r"\b"), f"line {line.number}: anchor regexes on a word boundary"


def test_no_duplicate_entries() -> None:
    seen: dict[tuple[str, str], int] = {}
    for line in entries():
        value = line.value if line.kind == "regex" else " ".join(line.value.split()).replace("\u2019", "'")
        key = (line.kind, value.casefold())
        assert key not in seen, f"line {line.number} repeats line {seen[key]}: {line.value!r}"
        seen[key] = line.number


def test_phrases_are_clean() -> None:
    for line in phrases():
        assert line.value == " ".join(line.value.split()), f"line {line.number}: stray whitespace"
        assert "#" not in line.value, f"line {line.number}: '#' in a phrase (comments are whole lines)"
        assert re.search(r"\w", line.value), f"line {line.number}: no word character"


def test_no_phrase_is_a_bare_name_or_place() -> None:
    words = lexicon()
    bare = words.first_names | words.last_names | words.cities | words.countries | words.us_states
    clashes = [(line.number, line.value) for line in phrases() if fold(line.value) in bare]
    assert clashes == []


def test_no_regex_matches_a_bare_name_or_place() -> None:
    """A regex entry must not take a name or place written on its own (as in mixed-case
    text: capitalised or lower case). Upper case is left out on purpose: ward names such
    as NICU are matched only in capitals, where the abbreviation is meant."""
    words = lexicon()
    names = sorted(words.first_names | words.last_names | words.cities | words.countries | words.us_states)
    text = "\n".join([n.title() for n in names] + names)
    for line, pattern in compiled():
        whole = [m.group() for m in pattern.finditer(text)
                 if (m.start() == 0 or text[m.start() - 1] == "\n")
                 and (m.end() == len(text) or text[m.end()] == "\n")]
        assert whole == [], f"line {line.number} matches bare names: {whole[:5]}"


def test_every_regex_has_an_example_and_every_example_a_regex() -> None:
    for line, pattern in compiled():
        assert any(pattern.fullmatch(example) for example in EXAMPLES), f"line {line.number}: no example"
    for example in EXAMPLES:
        assert any(pattern.fullmatch(example) for _, pattern in compiled()), example


@pytest.mark.slow
def test_regexes_are_bounded_on_a_megabyte() -> None:
    """Every prefix of every example followed by a run of filler (where a quadratic pattern
    spends its time), cycled to 1 MB: each regex must get through it in seconds (about 0.3 s
    here; catastrophic backtracking would take minutes, and a loaded machine must not fail it)."""
    fillers = (" ", "1 ", "\n ", "/", "-", "1", "I", "+", " -", "a")
    fragments = [example[:cut] + filler * (200 // len(filler))
                 for example in EXAMPLES for cut in range(1, len(example) + 1) for filler in fillers]
    text = "".join(fragments)
    text = (text * (1_000_000 // len(text) + 1))[:1_000_000]
    runs = {"whitespace": " " * 1_000_000, "digits": "1" * 1_000_000, "fragments": text}
    for line, pattern in compiled():
        for name, sample in runs.items():
            started = time.perf_counter()
            sum(1 for _ in pattern.finditer(sample))
            elapsed = time.perf_counter() - started
            assert elapsed < 5.0, f"line {line.number} took {elapsed:.2f} s on 1 MB of {name}"


# ---------------------------------------------------------------- under the default policy


@pytest.fixture
def api() -> Any:
    """The policy API (phimask.policy: resolve_policy, Policy.without_allow_list, allow.spans)."""
    return pytest.importorskip("phimask.policy")


@dataclass
class Naive:
    """Flags every capitalised word as a NAME and every d/d figure as a DATE: what an eager
    detector does to eponyms and scores."""

    name: str = "naive"

    def detect(self, text: str) -> list[Entity]:
        found = [Entity(m.start(), m.end(), EntityType.NAME, 0.9, m.group())
                 for m in re.finditer(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)*\b", text)]
        found += [Entity(m.start(), m.end(), EntityType.DATE, 0.9, m.group())
                  for m in re.finditer(r"\b\d{1,2}/\d{1,2}\b", text)]
        return found


KEPT = (
    "Hunt and Hess grade 3 SAH",
    "born at 24 2/7 weeks",
    "Parkinson disease",
    "positive Murphy's sign",
    "history of Parkinson\u2019s disease",
    "APGARs 8 and 9",
    "GA 33 5/7",
    "Gleason 4+3=7 adenocarcinoma",
    "Graham Steell murmur",
    "Stanford type A dissection",
    "Harrington rod",
    "Glasgow Coma Scale 14",
    "circle of Willis",
    "placed in Trendelenburg position",
    "pain 6/10",
    "Miami J collar",
)


@pytest.mark.parametrize("text", KEPT)
def test_clinical_phrases_are_not_masked_by_default(api: Any, text: str) -> None:
    from phimask.pipeline import mask

    assert mask(text) == text
    assert mask(text, detector=Naive(), policy=api.resolve_policy(None)) == text


@pytest.mark.parametrize("text", KEPT)
def test_it_is_the_list_that_keeps_them(api: Any, text: str) -> None:
    from phimask.pipeline import mask

    bare = api.resolve_policy(None).without_allow_list()
    if any(e.text[:1].isupper() or "/" in e.text for e in Naive().detect(text)):
        assert mask(text, detector=Naive(), policy=bare) != text


NAMES = (
    ("Dr. Murphy's sign-out at 7 pm.", "Murphy"),
    ("Dr. Murphy's sign out at 7 pm.", "Murphy"),
    ("Mrs. Parkinson called.", "Parkinson"),
    ("Spoke with Foley and Tanner.", "Foley"),
    ("Spoke with Foley and Tanner.", "Tanner"),
    ("Nicu visited.", "Nicu"),
    ("Moved to Lima.", "Lima"),
    ("Seen by Whipple today.", "Whipple"),
    ("Born in Stanford.", "Stanford"),
    ("Call Hunt or Hess.", "Hunt"),
)


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_names_beside_entries_are_still_masked(api: Any, text: str, name: str) -> None:
    from phimask.pipeline import mask

    assert name not in mask(text, detector=Naive(), policy=api.resolve_policy(None))


def test_dates_beside_scores_are_still_masked(api: Any) -> None:
    from phimask.pipeline import mask

    def masked(text: str) -> str:
        return mask(text, detector=Naive(), policy=api.resolve_policy(None))

    assert "6/10" not in masked("Seen 6/10 for pain.")
    assert "5/7" not in masked("Seen on 5/7 at clinic.")
    assert "12/10" not in masked("Back on 12/10/2023, pain 3/10.")


def test_the_default_policy_ships_this_file(api: Any) -> None:
    policy = api.resolve_policy(None)
    assert len(policy.allow.entries) == len(entries())
    text = "Hunt and Hess grade 3 SAH, born at 24 2/7 weeks"
    assert [text[b:e] for b, e in policy.allow.spans(text)][:1] == ["Hunt and Hess grade 3"]
    assert policy.without_allow_list().allow.spans(text) == []


PIECES = ["Hunt and Hess grade 3", "Glasgow Coma Scale 14", "PEEP 5/8", "Foley cath", "Ilse", "Quorvath",
          "Dr. Okafor aware", "q4h prn", "BP 120/80", "-", "\n"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=200),
       st.lists(st.tuples(st.integers(0, 799), st.integers(1, 3)), max_size=8))
def test_allow_matches_near_the_spans_cover_what_a_full_scan_covers(pieces: list[str],
                                                                    picks: list[tuple[int, int]]) -> None:
    """The allow-list is matched only around found spans: for every such span (a run of
    words), whether an allowed phrase covers it is the same as with a scan of the whole text."""
    allow = phrase_list(clinical_allow_entries())
    text = " ".join(pieces)
    words = text.split(" ")
    starts = list(accumulate((len(w) + 1 for w in words), initial=0))
    spans = [(starts[i], starts[min(i + n, len(words))] - 1) for i, n in picks if i < len(words)]
    full, near = covering(allow.spans(text)), covering(allow.spans(text, near=spans))
    assert all(full(b, e) == near(b, e) for b, e in spans)


REGEX_PIECES = ["Addison's disease", "Crohns disease", "Wegener's granulomatosis", "non-Hodgkin lymphoma",
                "Babinski sign", "S1S2", "Gleason 3+4", "GCS 14", "E4V5M6", "apgars 8,9", "pain 4/10",
                "strength 5/5", "PEEP 5/8", "SVG to LAD", "stents to the LAD", "made CMO", "the NICU",
                "MICU-7", "ICD-10 I21.4", "CPT 99213", "in reverse Trendelenburg", "Ilse", "Quorvath", "\n",
                "G2P1", "32 weeks 4 days", "L4-5", "NSR in the 80s", "LIMA to LAD", "x", "(", "-"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(REGEX_PIECES), min_size=1, max_size=60))
def test_regex_entries_skipped_by_their_leads_would_not_have_matched(pieces: list[str]) -> None:
    """A regex entry is skipped in a window where no word begins the way its matches must:
    what is found equals what every regex finds over the whole text."""
    allow = phrase_list(clinical_allow_entries())
    text = " ".join(pieces)
    brute = sorted((m.start(), m.end(), e) for e in clinical_allow_entries() if e.kind == "regex"
                   for m in re.compile(e.value).finditer(text) if m.end() > m.start())
    found = sorted((b, e2, entry) for b, e2, entry in allow.matches(text) if entry.kind == "regex")
    assert [(b, e) for b, e, _ in found] == [(b, e) for b, e, _ in brute]


def test_leads_of_regex_entries() -> None:
    assert word_leads(r"(?i)\b(?:Crohn|Cushing)s\s{1,3}disease\b") == {"cro", "cus"}
    assert word_leads(r"(?i)\bWege?ner\b") == {"weg"}
    assert word_leads(r"(?i)\bapgars?\b") == {"apg"}
    assert word_leads(r"(?i)\bE[1-4]V[1-5]\b") is None  # one letter only
    assert word_leads(r"(?i)\b(?:modified\s)?Fisher\b") is None  # optional group
    assert word_leads(r"\d+/\d+") is None  # not anchored at a word


def test_match_prefixes_of_regex_entries() -> None:
    assert match_prefixes(r"(?i)\b(?:E?GA|PMA)\s") == {"ega", "ga", "pma"}
    assert match_prefixes(r"(?i)\b(?:modified\s)?Fisher\b") == {"mod", "fis"}
    assert match_prefixes(r"(?i)\b[LR]IMA\b") == {"lim", "rim"}
    assert match_prefixes(r"(?i)\bE[1-4]\s{0,3}V") == {"e1", "e2", "e3", "e4", "e1v", "e2v", "e3v", "e4v"}
    assert match_prefixes(r"\b(?-i:NICU)\b") == {"nic"}
    assert match_prefixes(r"(?i)\bI{1,3}x") == {"i"}  # a repeat is followed for one round only
    assert match_prefixes(r"(?i)\b(?:10|\d)/10") is None  # \d: any decimal digit
    assert match_prefixes(r"\ba?") is None  # a match may be empty
    assert match_prefixes(r"\d+/\d+") is None  # not anchored at a word


def test_match_prefixes_without_the_private_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python whose private regex parser is missing or changed: no prefixes, entries always tried."""
    import phimask.detect.prefilter as prefilter

    monkeypatch.setattr(prefilter, "_parser", None)
    assert match_prefixes(r"(?i)\b[LR]IMA\b") is None
