"""Safe Harbor generalization operators: exact outputs on fictional values."""

from __future__ import annotations

from datetime import date

import pytest

from phimask.entities import EntityType
from phimask.safeharbor import APPLIES_TO, OPERATORS, RESTRICTED_ZIP3, age_90_plus, year_only, zip3

TODAY = date(2026, 5, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("89", "89"),
    ("90", "90+"),
    ("104", "90+"),
    ("45", "45"),
    ("89-year-old", "89-year-old"),
    ("92-year-old", "90+-year-old"),
    ("age 92.", "age 90+."),
    ("89.5 years", "90+ years"),
    ("ninety", "90+"),
    ("ninety-three", "90+"),
    ("Ninety Three", "90+"),
    ("ninety-year-old", "90+-year-old"),
    ("a hundred and four years old", "90+ years old"),
    ("93 (ninety-three)", "90+ (90+)"),
    ("eighty-nine", "eighty-nine"),
    ("90+", "90+"),
    ("95+ yo", "90+ yo"),
    ("", ""),
])
def test_age_90_plus(text: str, expected: str) -> None:
    assert age_90_plus(text) == expected


def test_age_90_plus_is_idempotent() -> None:
    for text in ("92-year-old", "ninety-three", "104 yo", "52"):
        once = age_90_plus(text)
        assert age_90_plus(once) == once


@pytest.mark.parametrize(("text", "expected"), [
    ("2/11/1961", "1961"),
    ("March 3rd, 2019", "2019"),
    ("2019-03-04 10:22", "2019"),
    ("2019-03-04T10:22", "2019"),
    ("12 November 2011", "2011"),
    ("Nov 2011", "2011"),
    ("11/98", "1998"),
    ("'98", "1998"),
    ("20190304", "2019"),
    ("1961", "1961"),
    ("2018-2019", "2018 - 2019"),
    ("3/4", "DATE"),
    ("March 3rd", "DATE"),
    ("March", "DATE"),
    ("Tuesday", "DATE"),
    ("13/45/2019", "DATE"),
    ("garbage", "DATE"),
    ("", "DATE"),
])
def test_year_only(text: str, expected: str) -> None:
    assert year_only(text, TODAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1937", "1937"),  # 89 years before 2026: kept
    ("6/30/1937", "1937"),
    ("1936", "1936 or earlier"),  # 90 years: aggregated
    ("2/11/1936", "1936 or earlier"),
    ("1930", "1936 or earlier"),
    ("3/4/1920 - 5/6/1921", "1936 or earlier"),
    ("1936-1940", "1936 or earlier - 1940"),
])
def test_year_only_aggregates_years_indicative_of_age_over_89(text: str, expected: str) -> None:
    assert year_only(text, TODAY) == expected


def test_year_only_threshold_follows_today() -> None:
    assert year_only("1937", date(2027, 1, 1)) == "1937 or earlier"
    assert year_only("1937", date(2026, 12, 31)) == "1937"


def test_year_only_defaults_to_today() -> None:
    assert year_only("2019-03-04") == "2019"
    assert year_only("1800") == f"{date.today().year - 90} or earlier"


@pytest.mark.parametrize(("text", "expected"), [
    ("01103", "011"),
    ("01103-4421", "011"),
    ("ZIP 01103", "011"),
    ("MA", "MA"),
    ("Massachusetts", "Massachusetts"),
    ("new york", "new york"),
    ("West Virginia", "West Virginia"),
    ("12 Elm St, Springfield, MA 01103", "MA 011"),
    ("12 Elm St, Springfield, MA 01103-4421, USA", "MA 011"),
    ("12 ELM ST, SPRINGFIELD, MA 01103", "MA 011"),
    ("7 Oak Rd, Fairview, West Virginia 25301", "West Virginia 253"),
    ("12 Elm St 01103", "011"),
    ("Springfield, MA", "MA"),
    ("Springfield, Massachusetts", "Massachusetts"),
    ("Kansas City, MO", "MO"),
    ("Washington, DC", "DC"),
    ("12 Elm St, Springfield", "ADDRESS"),
    ("12 Virginia Ave, Richmond", "ADDRESS"),
    ("Kansas City", "ADDRESS"),
    ("ma", "ADDRESS"),
    ("PO Box 12345", "ADDRESS"),
    ("Apt #12345", "ADDRESS"),
    ("12345 Elm St", "ADDRESS"),
    ("garbage", "ADDRESS"),
    ("", "ADDRESS"),
])
def test_zip3(text: str, expected: str) -> None:
    assert zip3(text) == expected


@pytest.mark.parametrize("prefix", RESTRICTED_ZIP3)
def test_zip3_restricted_prefixes(prefix: str) -> None:
    assert zip3(f"{prefix}01") == "000"
    assert zip3(f"{prefix}01-2345") == "000"
    assert zip3(f"1 Main St, Townsville, NV {prefix}01") == "NV 000"


def test_restricted_prefix_list() -> None:
    assert RESTRICTED_ZIP3 == ("036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830",
                               "831", "878", "879", "884", "890", "893")
    assert zip3("03701") == "037"  # a neighbour of a restricted prefix is kept
    assert zip3("89101") == "891"


def test_street_and_city_never_survive() -> None:
    for text in ("12 Elm St, Springfield, MA 01103", "12 Elm St, Springfield", "Springfield, MA 01103"):
        out = zip3(text)
        assert "Elm" not in out and "Springfield" not in out


def test_operators_and_applies_to() -> None:
    operators, applies_to = OPERATORS, APPLIES_TO
    assert operators == {"age_90_plus": age_90_plus, "year_only": year_only, "zip3": zip3}
    assert applies_to == {"age_90_plus": frozenset({"AGE"}), "year_only": frozenset({"DATE"}),
                          "zip3": frozenset({"ADDRESS"})}
    assert all(EntityType(kind) for kinds in APPLIES_TO.values() for kind in kinds)
    assert OPERATORS["year_only"]("2/11/1961") == "1961"


def test_operators_match_policy_model() -> None:
    from phimask.policy.model import ONLY_FOR, SAFE_HARBOR

    assert set(OPERATORS) == set(SAFE_HARBOR)
    assert {name: frozenset({ONLY_FOR[name]}) for name in SAFE_HARBOR} == APPLIES_TO
