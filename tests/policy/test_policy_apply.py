"""Policies at work: allow/deny lists and thresholds (PolicyDetector), operations per type
(apply_policy, mask_document, deidentify), re-identification, reports. Fake detectors with
fixed entities keep every result exact (fictional PHI only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phimask.deid import deidentify, deidentify_document, reidentify
from phimask.entities import Entity, EntityType
from phimask.errors import InputError
from phimask.pipeline import find_phi, mask, mask_document
from phimask.policy import Policy, parse_policy, resolve_policy
from phimask.policy.apply import apply_policy
from phimask.policy.lists import ListEntry, PhraseList, clinical_allow_entries
from phimask.report import Residual, residual_text, text_report, write_reports
from phimask.safeharbor import age_90_plus, year_only, zip3
from phimask.tokens import find_tokens
from phimask.vault.sqlite import SQLiteVault

T = EntityType
Hit = tuple[str, EntityType, float]


@dataclass
class FindAll:
    """Every occurrence of each fixed (substring, type, score), case-sensitive; records calls."""

    hits: list[Hit]
    name: str = "fake"
    calls: list[str] = field(default_factory=list)

    def detect(self, text: str) -> list[Entity]:
        self.calls.append(text)
        out = []
        for sub, kind, score in self.hits:
            begin = text.find(sub)
            while begin >= 0:
                out.append(Entity(begin, begin + len(sub), kind, score, sub))
                begin = text.find(sub, begin + 1)
        return out


@dataclass
class SecondLook:
    """First call: ``first``; later calls: ``first + later`` (what a second pass might add)."""

    first: list[Hit]
    later: list[Hit]
    name: str = "second-look"
    calls: int = 0

    def detect(self, text: str) -> list[Entity]:
        self.calls += 1
        hits = self.first if self.calls == 1 else self.first + self.later
        return FindAll(hits).detect(text)


def policy(body: str, name: str = "test") -> Policy:
    """A policy without the shipped clinical allow-list (so results depend on ``body`` only)."""
    return parse_policy(f"version: 1\nname: {name}\nclinicalAllowList: false\n{body}", f"{name}.yaml", "yaml")


def found(text: str, hits: list[Hit], chosen: Policy,
          threshold: float | None = None) -> list[tuple[str, str]]:
    return [(e.text, e.type.value) for e in find_phi(text, threshold, FindAll(hits), chosen)]


# ---------------------------------------------------------------- list matching


def test_exact_entries_are_case_sensitive() -> None:
    phrases = PhraseList((ListEntry("exact", "Hunt and Hess"),))
    text = "Hunt and Hess 3; hunt and hess 2; Hunt and\n Hess 1"
    assert phrases.spans(text) == [(0, 13), (34, 48)]  # whitespace is flexible, case is not


def test_text_entries_ignore_case_and_whitespace() -> None:
    phrases = PhraseList((ListEntry("text", "hunt and hess"),))
    text = "HUNT and\n\t Hess; Hunt\u00a0and hess; Hunt and Hessian; Shunt and Hess"
    assert [text[b:e] for b, e in phrases.spans(text)] == ["HUNT and\n\t Hess", "Hunt\u00a0and hess"]


def test_text_entries_match_a_typographic_apostrophe() -> None:
    phrases = PhraseList((ListEntry("text", "Crohn's disease"),))
    text = "crohn\u2019s disease and Crohn's Disease"
    assert [text[b:e] for b, e in phrases.spans(text)] == ["crohn\u2019s disease", "Crohn's Disease"]


def test_regex_entries_are_case_sensitive_unless_they_say_so() -> None:
    text = "Apgar 9, APGAR 8"
    assert PhraseList((ListEntry("regex", r"Apgar \d"),)).spans(text) == [(0, 7)]
    assert PhraseList((ListEntry("regex", r"(?i)apgar \d"),)).spans(text) == [(0, 7), (9, 16)]


# ---------------------------------------------------------------- PolicyDetector: allow, deny, thresholds


def test_allow_exact_drops_only_entities_inside_a_case_matching_occurrence() -> None:
    chosen = policy("allow:\n  - exact: Hunt and Hess\n")
    text = "Hunt and Hess grade 3; hunt and hess noted"
    hits: list[Hit] = [("Hunt", T.NAME, 0.9), ("Hess", T.NAME, 0.9), ("hunt", T.NAME, 0.9),
                       ("hess", T.NAME, 0.9)]
    assert found(text, hits, chosen) == [("hunt", "NAME"), ("hess", "NAME")]


def test_allow_text_drops_inside_any_case_and_spacing() -> None:
    chosen = policy("allow:\n  - text: hunt and hess\n")
    text = "HUNT and\n  Hess grade 3. Hunt alone. Hess alone."
    hits: list[Hit] = [("HUNT", T.NAME, 0.9), ("Hess", T.NAME, 0.9), ("Hunt", T.NAME, 0.9)]
    assert found(text, hits, chosen) == [("Hunt", "NAME"), ("Hess", "NAME")]
    assert [e.begin for e in find_phi(text, None, FindAll(hits), chosen)] == [25, 37]


def test_allow_keeps_entities_that_only_partly_overlap() -> None:
    chosen = policy("allow:\n  - text: Hunt and Hess\n")
    text = "Dr. Hunt and Hess grade 3"
    hits: list[Hit] = [("Dr. Hunt", T.NAME, 0.9), ("Hess grade", T.NAME, 0.7),
                       ("Hunt and Hess", T.OTHER, 0.6)]
    # only the entity lying inside "Hunt and Hess" is dropped
    assert found(text, hits, chosen) == [("Dr. Hunt", "NAME"), ("Hess grade", "NAME")]
    assert found("Hunt and Hess", [("Hunt and Hess", T.OTHER, 0.6)], chosen) == []


def test_allow_regex() -> None:
    chosen = policy("allow:\n  - regex: '\\b\\d{2} [0-6]/7\\b'\n")
    text = "born at 34 5/7 weeks on 5/7"
    hits: list[Hit] = [("5/7", T.DATE, 0.8)]
    entities = find_phi(text, None, FindAll(hits), chosen)
    assert [(e.begin, e.end, e.text) for e in entities] == [(24, 27, "5/7")]  # the one outside the match


def test_deny_adds_entities_with_type_and_full_score() -> None:
    chosen = policy("deny:\n  - text: kestrel vane\n    type: NAME\n  - regex: 'RQ\\d{8}'\n    type: ID\n"
                    "  - exact: Bluefin\n    type: OTHER\n")
    text = "Seen with KESTREL  Vane, MRN RQ40912288; bluefin, Bluefin."
    entities = find_phi(text, None, FindAll([]), chosen)
    assert entities == [
        Entity(10, 23, T.NAME, 1.0, "KESTREL  Vane"),
        Entity(29, 39, T.ID, 1.0, "RQ40912288"),
        Entity(50, 57, T.OTHER, 1.0, "Bluefin"),
    ]


def test_deny_merges_with_what_the_detector_found() -> None:
    chosen = policy("deny:\n  - exact: Quillon\n    type: NAME\n")
    (entity,) = find_phi("Odessa Quillon left", None, FindAll([("Odessa", T.NAME, 0.7)]), chosen)
    assert (entity.begin, entity.end, entity.type, entity.score) == (0, 14, T.NAME, 1.0)


def test_deny_wins_over_allow() -> None:
    chosen = policy("allow:\n  - text: Kestrel Vane\n  - text: Hunt\n"
                    "deny:\n  - text: Kestrel\n    type: NAME\n  - text: Hunt\n    type: NAME\n")
    text = "Kestrel Vane met Hunt"
    hits: list[Hit] = [("Kestrel Vane", T.NAME, 0.9), ("Hunt", T.NAME, 0.9)]
    entities = find_phi(text, None, FindAll(hits), chosen)
    assert [(e.text, e.score) for e in entities] == [("Kestrel", 1.0), ("Hunt", 1.0)]


def test_deny_survives_a_threshold_of_one() -> None:
    chosen = policy("threshold: 1.0\ndeny:\n  - text: Kestrel\n    type: NAME\n")
    assert found("Kestrel and Odessa", [("Odessa", T.NAME, 0.99)], chosen) == [("Kestrel", "NAME")]


def test_per_type_threshold() -> None:
    chosen = policy("threshold: 0.5\ntypes:\n  NAME: {threshold: 0.9}\n")
    text = "Odessa seen 03/14/2019 with Bo, aged 44"
    hits: list[Hit] = [("Odessa", T.NAME, 0.8), ("03/14/2019", T.DATE, 0.8), ("Bo", T.NAME, 0.9),
                       ("44", T.AGE, 0.4)]
    assert found(text, hits, chosen) == [("03/14/2019", "DATE"), ("Bo", "NAME")]
    assert chosen.min_threshold == 0.5
    # --threshold moves the default, not the type's own threshold
    assert found(text, hits, chosen, threshold=0.3) == [("03/14/2019", "DATE"), ("Bo", "NAME"), ("44", "AGE")]


def test_min_threshold_lets_a_lower_type_threshold_through() -> None:
    chosen = policy("threshold: 0.5\ntypes:\n  NAME: {threshold: 0.2}\n  ID: {threshold: 0.95}\n")
    assert chosen.min_threshold == 0.2
    text = "Odessa seen 03/14/2019, MRN RQ40912288"
    hits: list[Hit] = [("Odessa", T.NAME, 0.3), ("03/14/2019", T.DATE, 0.3), ("RQ40912288", T.ID, 0.9)]
    assert found(text, hits, chosen) == [("Odessa", "NAME")]


def test_policy_detector_keeps_the_base_name() -> None:
    base = FindAll([])
    assert policy("").detector(base).name == "fake"


def test_shipped_allow_list_can_be_turned_off() -> None:
    default = resolve_policy("default")
    assert default.allow.entries == clinical_allow_entries()
    assert len(default.allow.entries) > 0
    assert default.without_allow_list().allow.entries == ()


# ---------------------------------------------------------------- operations


NOTE = ("Pt Odessa Quillon, 92, DOB 2/11/1961, nurse, lives Boston, MA 02118; MRN RQ40912288; "
        "seen by Dr. Bo Lindqvist; Odessa Quillon again.")
NOTE_HITS: list[Hit] = [
    ("Odessa Quillon", T.NAME, 0.9), ("92", T.AGE, 0.9), ("2/11/1961", T.DATE, 0.9),
    ("nurse", T.PROFESSION, 0.9), ("Boston, MA 02118", T.ADDRESS, 0.9), ("RQ40912288", T.ID, 0.9),
    ("Bo Lindqvist", T.NAME, 0.9),
]
PHI_VALUES = ("Odessa", "Quillon", "2/11", "02118", "RQ40912288", "Lindqvist", "Boston")
# what no output may hold (a surrogate word may happen to equal another word of the note)
ORIGINALS = ("Odessa Quillon", "Bo Lindqvist", "2/11", "02118", "RQ40912288", "Boston")
MIXED = """\
types:
  NAME: {operation: mask, style: numbered}
  DATE: {operation: year_only}
  AGE: {operation: age_90_plus}
  ADDRESS: {operation: zip3}
  PROFESSION: {operation: keep}
"""


def note_entities(chosen: Policy) -> list[Entity]:
    return find_phi(NOTE, None, FindAll(NOTE_HITS), chosen)


def check_replaced(output: str, replaced: tuple[tuple[int, int], ...], expected: list[str]) -> None:
    assert list(replaced) == sorted(replaced)
    assert [output[b:e] for b, e in replaced] == expected


def test_safe_harbor_operators_documented_behaviour() -> None:
    assert year_only("2/11/1961") == "1961"
    assert age_90_plus("92") == "90+"
    assert age_90_plus("45") == "45"
    assert zip3("MA 02118") == "MA 021"
    assert zip3("Boston, MA 02118") == "MA 021"


def test_mixed_operations_without_a_vault() -> None:
    chosen = policy(MIXED)
    applied = apply_policy(NOTE, note_entities(chosen), chosen, "char")
    assert applied.text == ("Pt NAME1, 90+, DOB 1961, nurse, lives MA 021; MRN ##########; "
                            "seen by Dr. NAME2; NAME1 again.")
    assert applied.message_hash is None
    assert applied.operations == {"NAME": "mask:numbered", "AGE": "age_90_plus", "DATE": "year_only",
                                  "PROFESSION": "keep", "ADDRESS": "zip3", "ID": "mask:char"}
    check_replaced(applied.text, applied.replaced,
                   ["NAME1", "90+", "1961", "MA 021", "##########", "NAME2", "NAME1"])


@pytest.mark.parametrize(("style", "mrn"), [
    ("type", "ID"), ("numbered", "ID1"), ("redact", ""), ("char", "#" * 10)])
def test_types_without_an_operation_follow_the_command_style(style: str, mrn: str) -> None:
    chosen = policy(MIXED)
    entities, applied = mask_document(NOTE, style, detector=FindAll(NOTE_HITS), policy=chosen)
    assert entities == note_entities(chosen)
    assert applied.text == (f"Pt NAME1, 90+, DOB 1961, nurse, lives MA 021; MRN {mrn}; seen by Dr. NAME2; "
                            "NAME1 again.")
    check_replaced(applied.text, applied.replaced, ["NAME1", "90+", "1961", "MA 021", mrn, "NAME2", "NAME1"])
    if style == "redact":
        assert (50, 50) in applied.replaced  # an empty replacement still has its place


def test_safe_harbor_policy_through_mask() -> None:
    chosen = resolve_policy("safe-harbor").without_allow_list()
    assert mask(NOTE, "char", detector=FindAll(NOTE_HITS), policy=chosen) == (
        "Pt NAME, 90+, DOB 1961, nurse, lives MA 021; MRN ID; seen by Dr. NAME; NAME again.")


def test_default_policy_masks_every_type_in_the_command_style() -> None:
    chosen = resolve_policy("default").without_allow_list()
    assert mask(NOTE, "type", detector=FindAll(NOTE_HITS), policy=chosen) == (
        "Pt NAME, AGE, DOB DATE, PROFESSION, lives ADDRESS; MRN ID; seen by Dr. NAME; NAME again.")


def test_token_without_a_vault_is_refused() -> None:
    chosen = policy("types:\n  ID: {operation: token}\n")
    with pytest.raises(InputError) as info:
        mask(NOTE, detector=FindAll(NOTE_HITS), policy=chosen)
    assert str(info.value) == ("operation token needs the vault: use phimask deidentify (or the "
                               "/text/deidentify route)")
    with pytest.raises(InputError):
        apply_policy(NOTE, note_entities(chosen), resolve_policy("default"), "token")  # the style, too


def test_surrogates_without_a_vault_follow_the_salt() -> None:
    chosen = policy("types:\n  NAME: {operation: surrogate}\n  DATE: {operation: year_only}\n")
    entities = note_entities(chosen)
    one = apply_policy(NOTE, entities, chosen, "type", salt=b"s" * 32)
    assert apply_policy(NOTE, entities, chosen, "type", salt=b"s" * 32) == one
    assert apply_policy(NOTE, entities, chosen, "type", salt=b"t" * 32).text != one.text
    assert one.operations["NAME"] == "surrogate" and one.operations["ID"] == "mask:type"
    assert not any(value in one.text for value in ORIGINALS)
    pieces = [one.text[b:e] for b, e in one.replaced]
    assert pieces[1:5] == ["AGE", "1961", "PROFESSION", "ADDRESS"]
    assert pieces[0] == pieces[7] != pieces[6]  # the same name gets the same surrogate
    assert one.text == (f"Pt {pieces[0]}, AGE, DOB 1961, PROFESSION, lives ADDRESS; MRN {pieces[5]}; "
                        f"seen by Dr. {pieces[6]}; {pieces[7]} again.")


# ---------------------------------------------------------------- with the vault


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[SQLiteVault]:
    opened = SQLiteVault.open(tmp_path / "home")
    yield opened
    opened.close()


REVERSIBLE = """\
types:
  NAME: {operation: surrogate}
  DATE: {operation: year_only}
  AGE: {operation: age_90_plus}
  ADDRESS: {operation: zip3}
  PROFESSION: {operation: keep}
  ID: {operation: token}
"""
# what re-identification gives back: the Safe Harbor parts stay generalized
RESTORED = ("Pt Odessa Quillon, 90+, DOB 1961, nurse, lives MA 021; MRN RQ40912288; "
            "seen by Dr. Bo Lindqvist; Odessa Quillon again.")


def test_apply_with_a_vault_then_reidentify(vault: SQLiteVault) -> None:
    chosen = policy(REVERSIBLE)
    applied = apply_policy(NOTE, note_entities(chosen), chosen, "char", vault=vault, scope="trial-7")
    assert applied.message_hash is not None and len(applied.message_hash) == 64
    pieces = [applied.text[b:e] for b, e in applied.replaced]
    assert pieces[1:4] == ["90+", "1961", "MA 021"]
    assert [m.token for m in find_tokens(applied.text)] == [pieces[4]]
    assert pieces[4].startswith("[[ID:")
    assert pieces[0] == pieces[6] != pieces[5]
    assert applied.text == (f"Pt {pieces[0]}, 90+, DOB 1961, nurse, lives MA 021; MRN {pieces[4]}; "
                            f"seen by Dr. {pieces[5]}; {pieces[6]} again.")
    assert not any(value in applied.text for value in ORIGINALS)
    assert applied.operations == {"NAME": "surrogate", "AGE": "age_90_plus", "DATE": "year_only",
                                  "PROFESSION": "keep", "ADDRESS": "zip3", "ID": "token"}
    assert reidentify(vault, deidentified_text=applied.text) == RESTORED
    assert reidentify(vault, message_hash=applied.message_hash) == RESTORED


def test_deidentify_with_a_policy_then_reidentify(vault: SQLiteVault) -> None:
    chosen = policy(REVERSIBLE)
    result = deidentify(NOTE, vault, detector=FindAll(NOTE_HITS), policy=chosen)
    assert "90+, DOB 1961, nurse, lives MA 021; MRN [[ID:" in result.deidentified_text
    assert not any(value in result.deidentified_text for value in ORIGINALS)
    assert reidentify(vault, deidentified_text=result.deidentified_text) == RESTORED


def test_deidentify_mask_styles_are_not_restored(vault: SQLiteVault) -> None:
    chosen = policy("types:\n  NAME: {operation: mask, style: numbered}\n  DATE: {operation: year_only}\n")
    entities, applied = deidentify_document(NOTE, vault, "trial-7", detector=FindAll(NOTE_HITS),
                                            policy=chosen)
    assert len(entities) == 8
    tokens = [m.token for m in find_tokens(applied.text)]  # the other types fall back to --style token
    assert [t.split(":")[0] for t in tokens] == ["[[AGE", "[[PROFESSION", "[[ADDRESS", "[[ID"]
    assert applied.text == (f"Pt NAME1, {tokens[0]}, DOB 1961, {tokens[1]}, lives {tokens[2]}; "
                            f"MRN {tokens[3]}; seen by Dr. NAME2; NAME1 again.")
    check_replaced(applied.text, applied.replaced,
                   ["NAME1", tokens[0], "1961", *tokens[1:], "NAME2", "NAME1"])
    assert reidentify(vault, deidentified_text=applied.text) == (
        "Pt NAME1, 92, DOB 1961, nurse, lives Boston, MA 02118; MRN RQ40912288; seen by Dr. NAME2; "
        "NAME1 again.")


def test_policy_scope_is_used_when_no_scope_is_given(vault: SQLiteVault) -> None:
    scoped = policy("scope: trial-7\ntypes:\n  ID: {operation: token}\n  NAME: {operation: mask}\n")
    first = "MRN RQ40912288 for Odessa."
    second = "Follow-up: Odessa, MRN RQ40912288, stable."
    hits: list[Hit] = [("RQ40912288", T.ID, 0.9), ("Odessa", T.NAME, 0.9)]

    def token_of(text: str, chosen: Policy, scope: str | None = None) -> str:
        result = deidentify(text, vault, scope, detector=FindAll(hits), policy=chosen)
        (match,) = find_tokens(result.deidentified_text)
        assert reidentify(vault, deidentified_text=result.deidentified_text) == text.replace("Odessa", "NAME")
        return match.token

    token = token_of(first, scoped)
    assert token_of(second, scoped) == token
    assert token_of(second, scoped, "trial-8") != token  # an explicit scope wins
    unscoped = policy("types:\n  ID: {operation: token}\n  NAME: {operation: mask}\n")
    assert token_of(first, unscoped) != token_of(first, unscoped)  # fresh scope per document


def test_policy_scope_in_the_token_path(vault: SQLiteVault) -> None:
    scoped = policy("scope: trial-7\n")  # no operations: every type becomes a token
    hits: list[Hit] = [("RQ40912288", T.ID, 0.9)]
    one = deidentify("MRN RQ40912288.", vault, detector=FindAll(hits), policy=scoped).deidentified_text
    two = deidentify("Again RQ40912288", vault, detector=FindAll(hits), policy=scoped).deidentified_text
    assert [m.token for m in find_tokens(one)] == [m.token for m in find_tokens(two)]
    assert reidentify(vault, deidentified_text=two) == "Again RQ40912288"


# ---------------------------------------------------------------- reports


def test_report_is_clean_on_a_fully_masked_text(tmp_path: Path) -> None:
    chosen = policy(MIXED, name="mixed")
    detector = FindAll(NOTE_HITS)
    entities, applied = mask_document(NOTE, "type", detector=detector, policy=chosen)
    report = text_report("note.txt", entities, applied, chosen, detector)
    assert detector.calls == [NOTE, applied.text]  # the second pass ran over the output
    assert report.second_pass == "clean" and report.residual == []
    # "nurse" is still there and found again, but PROFESSION is kept on purpose
    assert dict(report.entities) == {"NAME": 3, "AGE": 1, "DATE": 1, "PROFESSION": 1, "ADDRESS": 1, "ID": 1}
    path = tmp_path / "report.json"
    write_reports(path, [report])
    body = json.loads(path.read_text(encoding="utf-8"))
    (document,) = body["documents"]
    assert document["policy"] == {"name": "mixed", "sha256": chosen.sha256}
    assert (document["document"], document["kind"], document["status"]) == ("note.txt", "text", "ok")
    assert (document["detector"], document["threshold"]) == ("fake", 0.5)
    assert document["operations"] == {"ADDRESS": "zip3", "AGE": "age_90_plus", "DATE": "year_only",
                                      "ID": "mask:type", "NAME": "mask:numbered", "PROFESSION": "keep"}
    assert document["secondPass"] == {"result": "clean", "residualCount": 0, "residual": []}
    assert "messageHash" not in document
    raw = path.read_text(encoding="utf-8")
    assert not any(value in raw for value in (*PHI_VALUES, "nurse"))


def test_report_names_residual_by_offset_only(tmp_path: Path) -> None:
    chosen = policy(MIXED)
    detector = SecondLook(NOTE_HITS, [("Dr.", T.NAME, 0.7), ("again", T.OTHER, 0.4)])
    entities, applied = mask_document(NOTE, "type", detector=detector, policy=chosen)
    report = text_report("-", entities, applied, chosen, detector)
    begin = applied.text.index("Dr.")
    assert report.second_pass == "residual"
    assert report.residual == [Residual("NAME", 0.7, begin, begin + 3)]  # "again" is under the threshold
    path = tmp_path / "report.json"
    write_reports(path, [report])
    (document,) = json.loads(path.read_text(encoding="utf-8"))["documents"]
    assert document["secondPass"] == {"result": "residual", "residualCount": 1, "residual": [
        {"type": "NAME", "score": 0.7, "beginOffset": begin, "endOffset": begin + 3}]}
    raw = path.read_text(encoding="utf-8")
    assert "Dr." not in raw and not any(value in raw for value in PHI_VALUES)


def test_residual_text_skips_replacements_and_kept_types() -> None:
    chosen = policy("")
    output = "NAME met Kestrel, a nurse, on DATE"
    detector = FindAll([("NAME", T.NAME, 0.9), ("Kestrel", T.NAME, 0.8), ("nurse", T.PROFESSION, 0.9),
                        ("DATE", T.DATE, 0.9)])
    replaced = [(0, 4), (30, 34)]
    assert residual_text(output, replaced, chosen, detector, {"PROFESSION"}) == [Residual("NAME", 0.8, 9, 16)]
    assert residual_text(output, replaced, chosen, detector, set()) == [
        Residual("NAME", 0.8, 9, 16), Residual("PROFESSION", 0.9, 20, 25)]
    assert residual_text(output, [(0, 4), (9, 16), (30, 34)], chosen, detector, {"PROFESSION"}) == []
    assert residual_text("  \n", [], chosen, detector, set()) == []


def test_report_of_a_deidentified_text_carries_its_hash(vault: SQLiteVault) -> None:
    chosen = policy(REVERSIBLE)
    detector = FindAll(NOTE_HITS)
    entities, applied = deidentify_document(NOTE, vault, "trial-7", detector=detector, policy=chosen)
    report = text_report("note.txt", entities, applied, chosen, detector)
    assert report.second_pass == "clean"
    assert report.extra == {"messageHash": applied.message_hash}
    assert report.to_dict()["messageHash"] == applied.message_hash


def test_report_a_kept_type_found_only_by_the_second_pass_is_not_residual() -> None:
    chosen = policy(MIXED)
    detector = SecondLook([h for h in NOTE_HITS if h[1] is not T.PROFESSION], [("nurse", T.PROFESSION, 0.9)])
    entities, applied = mask_document(NOTE, "type", detector=detector, policy=chosen)
    assert "PROFESSION" not in applied.operations
    report = text_report("-", entities, applied, chosen, detector)
    assert (report.second_pass, report.residual) == ("clean", [])


def test_safe_harbor_deidentify_is_not_reversible(vault: SQLiteVault) -> None:
    chosen = resolve_policy("safe-harbor").without_allow_list()
    result = deidentify(NOTE, vault, detector=FindAll(NOTE_HITS), policy=chosen)
    generalized = "Pt NAME, 90+, DOB 1961, nurse, lives MA 021; MRN ID; seen by Dr. NAME; NAME again."
    assert result.deidentified_text == generalized
    assert reidentify(vault, message_hash=result.message_hash) == generalized


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=12),
       st.integers(0, 70), st.integers(1, 20))
def test_covering_agrees_with_checking_every_span(raw: list[tuple[int, int]], begin: int,
                                                  length: int) -> None:
    from phimask.policy.lists import covering

    spans = sorted((b, b + n) for b, n in raw)
    end = begin + length
    assert covering(spans)(begin, end) == any(b <= begin and end <= e for b, e in spans)
