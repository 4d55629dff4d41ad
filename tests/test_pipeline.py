"""The in-process pipeline and the identify step, with a fake detector (fictional PHI only)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from phimask.detect.base import DEFAULT_THRESHOLD, check_threshold, identify
from phimask.entities import Entity, EntityType
from phimask.errors import InputError, PhimaskError
from phimask.pipeline import find_phi, mask, parse_style

T = EntityType
TEXT = "Odessa Quillon seen 03/14/2019, MRN RQ40912288, maybe Bo"


@dataclass
class FakeDetector:
    """Returns fixed (substring, type, score) hits and records each call."""

    hits: list[tuple[str, EntityType, float]]
    name: str = "fake"
    calls: list[str] = field(default_factory=list)

    def detect(self, text: str) -> list[Entity]:
        self.calls.append(text)
        out = []
        for sub, kind, score in self.hits:
            begin = text.index(sub)
            out.append(Entity(begin, begin + len(sub), kind, score, sub))
        return out


def fake() -> FakeDetector:
    return FakeDetector([
        ("Quillon", T.NAME, 0.8),  # given before its neighbour: output must be sorted
        ("Odessa", T.NAME, 0.95),
        ("03/14/2019", T.DATE, 0.6),
        ("RQ40912288", T.ID, 1.0),
        ("Bo", T.NAME, 0.3),
    ])


@pytest.mark.parametrize("text", ["", " ", "\n\t \r\n"])
def test_find_phi_rejects_empty_text(text: str) -> None:
    detector = fake()
    with pytest.raises(InputError, match="empty"):
        find_phi(text, detector=detector)
    assert detector.calls == []


@pytest.mark.parametrize("bad", [-0.1, 1.1, math.nan, math.inf, -math.inf, "abc", None, "", [0.5]])
def test_check_threshold_rejects(bad: object) -> None:
    with pytest.raises(InputError, match="threshold must be a number between 0 and 1"):
        check_threshold(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("good", "expected"), [(0, 0.0), (1, 1.0), (0.5, 0.5), ("0.25", 0.25), (True, 1.0)])
def test_check_threshold_accepts(good: object, expected: float) -> None:
    value = check_threshold(good)  # type: ignore[arg-type]
    assert value == expected
    assert isinstance(value, float)


def test_input_error_is_a_value_error_and_a_phimask_error() -> None:
    assert issubclass(InputError, ValueError)
    assert issubclass(InputError, PhimaskError)
    assert DEFAULT_THRESHOLD == 0.5


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (0.0, ["Odessa Quillon", "03/14/2019", "RQ40912288", "Bo"]),
        (DEFAULT_THRESHOLD, ["Odessa Quillon", "03/14/2019", "RQ40912288"]),
        (0.6, ["Odessa Quillon", "03/14/2019", "RQ40912288"]),  # score == threshold is kept
        (0.9, ["Odessa", "RQ40912288"]),  # "Quillon" (0.8) dropped before merging
        (1.0, ["RQ40912288"]),
    ],
)
def test_find_phi_filters_by_threshold_then_merges(threshold: float, expected: list[str]) -> None:
    entities = find_phi(TEXT, threshold, detector=fake())
    assert [e.text for e in entities] == expected
    assert all(TEXT[e.begin:e.end] == e.text for e in entities)


def test_find_phi_merges_and_sorts() -> None:
    (name, date, mrn) = find_phi(TEXT, detector=fake())
    assert (name.begin, name.end, name.type, name.score) == (0, 14, T.NAME, 0.95)
    assert (date.type, mrn.type) == (T.DATE, T.ID)
    assert name.begin < date.begin < mrn.begin


def test_identify_is_what_find_phi_uses() -> None:
    assert identify(TEXT, fake(), 0.5) == find_phi(TEXT, 0.5, detector=fake())


@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
def test_find_phi_bad_threshold_raises_before_detecting(bad: float) -> None:
    detector = fake()
    with pytest.raises(InputError):
        find_phi(TEXT, bad, detector=detector)
    assert detector.calls == []


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("type", "NAME seen DATE, MRN ID, maybe Bo"),
        ("char", "###### ####### seen ##########, MRN ##########, maybe Bo"),
        ("numbered", "NAME1 seen DATE1, MRN ID1, maybe Bo"),
        ("redact", " seen , MRN , maybe Bo"),
    ],
)
def test_mask_styles_through_the_pipeline(style: str, expected: str) -> None:
    assert mask(TEXT, style, detector=fake()) == expected


def test_mask_threshold_is_applied() -> None:
    assert mask(TEXT, "type", 0.0, detector=fake()) == "NAME seen DATE, MRN ID, maybe NAME"


@pytest.mark.parametrize("style", ["bogus", "TYPE", "", "hash"])
def test_mask_unknown_style_names_allowed_styles(style: str) -> None:
    detector = fake()
    with pytest.raises(InputError) as info:
        mask(TEXT, style, detector=detector)
    message = str(info.value)
    assert "type, char, numbered, redact" in message
    assert detector.calls == []  # refused before any detection


def test_parse_style_error_does_not_echo_the_value() -> None:
    with pytest.raises(InputError) as info:
        parse_style("Odessa Quillon")
    assert "Odessa" not in str(info.value)


def test_mask_empty_text_raises() -> None:
    with pytest.raises(InputError):
        mask("   ", "type", detector=fake())


def test_detector_without_hits() -> None:
    assert find_phi("nothing here", detector=FakeDetector([])) == []
    assert mask("nothing here", "char", detector=FakeDetector([])) == "nothing here"
