"""Date shifting keeps each format and every interval; Safe Harbor ages (fictional dates)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phimask.dateshift import offset_days, parse_dates, safe_harbor_age, shift_dates

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(("original", "days", "expected"), [
    ("11/12/2011", 45, "12/27/2011"),
    ("Nov 12, 2011", 45, "Dec 27, 2011"),
    ("2011-11-12", 45, "2011-12-27"),
    ("12 November 2011", 45, "27 December 2011"),
    ("11/12", 45, "12/27"),  # m/d without a year: the document's year
    ("3/5/2011", 45, "4/19/2011"),  # no padding stays no padding
    ("03/05/2011", 45, "04/19/2011"),  # padding stays padding
    ("12/3", 45, "1/17"),
    ("NOV 12 2011", 45, "DEC 27 2011"),
    ("Tuesday, Nov. 12th", 45, "Tuesday, Dec. 27th"),  # the weekday follows the new date
    ("2011-11-12 18:15:00", 45, "2011-12-27 18:15:00"),  # the time is kept
    ("2011-11-12T18:15:00+01:00", 45, "2011-12-27T18:15:00+01:00"),
    ("Sept 3", 45, "Oct 18"),
    ("1st of May", 45, "15th of June"),
    ("may 3rd", 45, "june 17th"),
    ("12-31-11", 45, "02-14-12"),
    ("31.12.2011", 45, "14.02.2012"),
    ("Dec 31st, 2011", -300, "Mar 6th, 2011"),
    ("2011-11", 45, "2011-12"),
    ("Nov '11", 45, "Dec '11"),
    ("9/99-9/9", 45, "10/99-10/24"),  # a range: m/yy, then m/d
    ("20111112", 45, "20111227"),
    ("THURSDAY", 3, "SUNDAY"),  # a weekday alone moves by the offset
    ("88", 200, "89"),  # two digits alone: a year
])
def test_formats_are_kept(original: str, days: int, expected: str) -> None:
    assert shift_dates(original, days, 2011, TODAY) == expected


@pytest.mark.parametrize("text", ["Christmas", "last spring", "", "120/80"])
def test_text_without_a_date_is_reported_as_none(text: str) -> None:
    assert shift_dates(text, 10, 2011, TODAY) is None


def test_offset_is_one_per_scope_never_zero_and_within_a_year() -> None:
    offsets = {offset_days(bytes([n]) * 32) for n in range(200)}
    assert 0 not in offsets and all(-365 <= d <= 365 for d in offsets)
    assert len(offsets) > 100  # spread out
    assert offset_days(b"k" * 32) == offset_days(b"k" * 32)


@given(st.dates(date(1930, 1, 1), date(2030, 12, 31)), st.dates(date(1930, 1, 1), date(2030, 12, 31)),
       st.integers(-365, 365).filter(bool))
def test_intervals_between_shifted_dates_equal_the_originals(first: date, second: date, days: int) -> None:
    for render in (lambda d: f"{d.month}/{d.day}/{d.year}", lambda d: d.isoformat(),
                   lambda d: d.strftime("%d %B %Y"), lambda d: d.strftime("%b %d, %Y")):
        text = f"admitted {render(first)}, discharged {render(second)}"
        shifted = shift_dates(text, days, None, TODAY)
        assert shifted is not None
        old, new = parse_dates(text, today=TODAY), parse_dates(shifted, today=TODAY)
        assert new == [d + timedelta(days=days) for d in old]
        assert (new[1] - new[0]) == (second - first)


def test_shape_of_numeric_dates_is_kept() -> None:
    for day in range(0, 400, 7):
        value = date(2010, 1, 1) + timedelta(days=day)
        original = value.strftime("%m/%d/%Y")
        shifted = shift_dates(original, 101, None, TODAY)
        assert shifted is not None and re.fullmatch(r"\d\d/\d\d/\d{4}", shifted)


@pytest.mark.parametrize(("age", "expected"), [
    ("92", "90+"), ("89", "89"), ("45", "45"), ("101-year-old", "90+-year-old"), ("ninety-two", "90+"),
    ("90", "90+"), ("6 months", "6 months"),
])
def test_ages_over_89_are_aggregated(age: str, expected: str) -> None:
    assert safe_harbor_age(age) == expected
