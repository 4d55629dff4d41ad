"""Entities in the DetectPHI shape, merging and right-to-left replacement (fictional PHI only)."""

from __future__ import annotations

import math

import pytest

from phimask.entities import (
    CATEGORY,
    Entity,
    EntityType,
    entities_to_response,
    merge_entities,
    replace_spans,
)

T = EntityType


def ent(text: str, sub: str, kind: EntityType = T.NAME, score: float = 0.9, start: int = 0) -> Entity:
    """The entity over the first occurrence of ``sub`` in ``text`` at or after ``start``."""
    begin = text.index(sub, start)
    return Entity(begin, begin + len(sub), kind, score, sub)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("begin", "end", "score"),
    [
        (-1, 3, 0.5),  # negative begin
        (3, 3, 0.5),  # empty span
        (5, 2, 0.5),  # reversed
        (0, 3, -0.01),  # score below 0
        (0, 3, 1.01),  # score above 1
        (0, 3, math.nan),  # not a number
        (0, 3, math.inf),
    ],
)
def test_entity_rejects_bad_offsets_and_scores(begin: int, end: int, score: float) -> None:
    with pytest.raises(ValueError):
        Entity(begin, end, T.NAME, score, "Ann")


@pytest.mark.parametrize(("begin", "end", "score"), [(0, 1, 0.0), (0, 3, 1.0), (7, 12, 0.5)])
def test_entity_accepts_boundaries(begin: int, end: int, score: float) -> None:
    entity = Entity(begin, end, T.DATE, score, "x" * (end - begin))
    assert (entity.begin, entity.end, entity.score) == (begin, end, score)
    assert entity.traits == ()


def test_entity_is_immutable() -> None:
    entity = Entity(0, 3, T.NAME, 0.9, "Ann")
    with pytest.raises(AttributeError):
        entity.begin = 1  # type: ignore[misc]


# ---------------------------------------------------------------- DetectPHI shape


def test_to_dict_has_the_detectphi_shape() -> None:
    entity = Entity(6, 21, T.NAME, 0.93456, "QUILLON, ODESSA")
    assert entity.to_dict(4) == {
        "Id": 4,
        "BeginOffset": 6,
        "EndOffset": 21,
        "Score": 0.9346,
        "Text": "QUILLON, ODESSA",
        "Category": "PROTECTED_HEALTH_INFORMATION",
        "Type": "NAME",
        "Traits": [],
    }
    assert CATEGORY == "PROTECTED_HEALTH_INFORMATION"


def test_to_dict_traits_are_name_score_objects() -> None:
    entity = Entity(0, 3, T.NAME, 0.8, "Ann", ("SIGN",))
    assert entity.to_dict(0)["Traits"] == [{"Name": "SIGN", "Score": 0.8}]


@pytest.mark.parametrize("kind", list(EntityType))
def test_to_dict_from_dict_round_trip(kind: EntityType) -> None:
    entity = Entity(3, 14, kind, 0.8125, "Vantongeren")
    data = entity.to_dict(0)
    assert data["Type"] == kind.value
    assert Entity.from_dict(data) == entity


def test_round_trip_keeps_traits() -> None:
    entity = Entity(0, 3, T.NAME, 0.8, "Ann", ("SIGN",))
    assert Entity.from_dict(entity.to_dict(0)) == entity


@pytest.mark.parametrize("raw_type", ["SOMETHING_NEW", "name", "", "PROTECTED_HEALTH_INFORMATION"])
def test_from_dict_unknown_type_becomes_other(raw_type: str) -> None:
    data = {"BeginOffset": 0, "EndOffset": 3, "Score": 0.7, "Text": "abc", "Type": raw_type}
    assert Entity.from_dict(data).type is T.OTHER


def test_from_dict_reads_a_comprehend_medical_item() -> None:
    item = {
        "Id": 1, "BeginOffset": 25, "EndOffset": 35, "Score": 0.9974, "Text": "RQ40912288",
        "Category": "PROTECTED_HEALTH_INFORMATION", "Type": "ID", "Traits": [],
    }
    entity = Entity.from_dict(item)
    assert (entity.begin, entity.end, entity.type, entity.score, entity.text) == (
        25, 35, T.ID, 0.9974, "RQ40912288")


def test_from_dict_defaults_missing_score_and_text() -> None:
    entity = Entity.from_dict({"BeginOffset": 2, "EndOffset": 5, "Type": "AGE"})
    assert (entity.score, entity.text, entity.type) == (1.0, "", T.AGE)


@pytest.mark.parametrize(
    "data",
    [
        {"BeginOffset": 5, "EndOffset": 5, "Type": "NAME"},
        {"BeginOffset": -2, "EndOffset": 5, "Type": "NAME"},
        {"BeginOffset": 0, "EndOffset": 5, "Type": "NAME", "Score": 3},
    ],
)
def test_from_dict_validates(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Entity.from_dict(data)


def test_entities_to_response_orders_by_offset_and_numbers_ids() -> None:
    text = "Dr. Vantongeren saw Odessa on 03/14/2019."
    date = ent(text, "03/14/2019", T.DATE)
    doctor = ent(text, "Vantongeren")
    patient = ent(text, "Odessa")
    response = entities_to_response([date, patient, doctor])
    assert list(response) == ["Entities"]
    items = response["Entities"]
    assert [i["Id"] for i in items] == [0, 1, 2]
    assert [i["Text"] for i in items] == ["Vantongeren", "Odessa", "03/14/2019"]
    assert all(text[i["BeginOffset"]:i["EndOffset"]] == i["Text"] for i in items)


def test_entities_to_response_ties_broken_by_end() -> None:
    long, short = Entity(0, 9, T.NAME, 0.9, "Ann Lopez"), Entity(0, 3, T.NAME, 0.9, "Ann")
    items = entities_to_response([long, short])["Entities"]
    assert [(i["Id"], i["EndOffset"]) for i in items] == [(0, 3), (1, 9)]


def test_entities_to_response_empty() -> None:
    assert entities_to_response([]) == {"Entities": []}


# ---------------------------------------------------------------- merging

MERGE_TEXT = "Name: Odessa Quillon\nMRN: RQ40912288 seen 03/14/2019 by Ann, Lee"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # overlapping spans of different types merge; the stronger part's type wins
        ([("Odessa Qui", T.NAME, 0.9), ("Quillon", T.OTHER, 0.6)], [("Odessa Quillon", T.NAME)]),
        ([("Odessa Qui", T.NAME, 0.6), ("Quillon", T.OTHER, 0.7)], [("Odessa Quillon", T.OTHER)]),
        # a span inside another one disappears into it
        ([("RQ40912288", T.ID, 0.9), ("4091", T.PHONE_OR_FAX, 0.5)], [("RQ40912288", T.ID)]),
        # touching spans merge whatever their types
        ([("RQ4091", T.ID, 0.95), ("2288", T.PHONE_OR_FAX, 0.6)], [("RQ40912288", T.ID)]),
        # same type, only a space between: one span
        ([("Odessa", T.NAME, 0.9), ("Quillon", T.NAME, 0.8)], [("Odessa Quillon", T.NAME)]),
        # different types separated by a space stay apart
        ([("RQ40912288", T.ID, 0.9), ("seen", T.OTHER, 0.9)], [("RQ40912288", T.ID), ("seen", T.OTHER)]),
        # same type across a line break stays apart
        ([("Quillon", T.NAME, 0.9), ("MRN", T.NAME, 0.9)], [("Quillon", T.NAME), ("MRN", T.NAME)]),
        # same type separated by punctuation stays apart
        ([("Ann", T.NAME, 0.9), ("Lee", T.NAME, 0.9)], [("Ann", T.NAME), ("Lee", T.NAME)]),
        # unrelated spans are returned sorted
        ([("03/14/2019", T.DATE, 0.9), ("Odessa", T.NAME, 0.9)],
         [("Odessa", T.NAME), ("03/14/2019", T.DATE)]),
    ],
)
def test_merge_entities(parts: list[tuple[str, EntityType, float]],
                        expected: list[tuple[str, EntityType]]) -> None:
    entities = [ent(MERGE_TEXT, sub, kind, score) for sub, kind, score in parts]
    merged = merge_entities(entities, MERGE_TEXT)
    assert [(e.text, e.type) for e in merged] == expected
    for e in merged:
        assert MERGE_TEXT[e.begin:e.end] == e.text


def test_merge_keeps_highest_score_and_union_of_traits() -> None:
    text = "Odessa Quillon"
    a = Entity(0, 6, T.NAME, 0.7, "Odessa", ("A",))
    b = Entity(7, 14, T.NAME, 0.95, "Quillon", ("B",))
    (merged,) = merge_entities([b, a], text)
    assert (merged.begin, merged.end, merged.score, merged.traits) == (0, 14, 0.95, ("A", "B"))


def test_merge_strongest_tie_goes_to_longest() -> None:
    text = "RQ40912288"
    short = Entity(0, 4, T.OTHER, 0.8, "RQ40")
    long = Entity(2, 10, T.ID, 0.8, "40912288")
    (merged,) = merge_entities([short, long], text)
    assert (merged.type, merged.text) == (T.ID, "RQ40912288")


def test_merge_chains_many_words_and_tabs() -> None:
    text = "Maria\tJose  de la Cruz Okafor"
    words = [ent(text, w) for w in ("Maria", "Jose", "de", "la", "Cruz", "Okafor")]
    (merged,) = merge_entities(words, text)
    assert merged.text == text


def test_merge_text_is_the_slice_not_the_parts() -> None:
    # parts carry stale/odd text; the merged span is re-read from the document
    text = "Pt ODESSA QUILLON"
    a = Entity(3, 9, T.NAME, 0.9, "odessa")
    b = Entity(8, 17, T.NAME, 0.9, "a quillon")
    (merged,) = merge_entities([a, b], text)
    assert merged.text == text[3:17] == "ODESSA QUILLON"


def test_merge_empty_and_single() -> None:
    assert merge_entities([], "anything") == []
    one = Entity(0, 3, T.NAME, 0.9, "Ann")
    assert merge_entities([one], "Ann") == [one]


# ---------------------------------------------------------------- replacement


@pytest.mark.parametrize(
    ("text", "replacements", "expected"),
    [
        ("abc", [], "abc"),
        ("Ann saw Bo today", [(0, 3, "NAME"), (8, 10, "NAME")], "NAME saw NAME today"),
        # given in any order, lengths growing and shrinking
        ("Ann saw Bo today", [(8, 10, "X"), (0, 3, "LONGER_LABEL")], "LONGER_LABEL saw X today"),
        ("Ann saw Bo today", [(0, 4, ""), (11, 16, "")], "saw Bo "),
        # touching spans are fine
        ("abcdef", [(0, 3, "1"), (3, 6, "2")], "12"),
        # whole text
        ("Odessa", [(0, 6, "NAME")], "NAME"),
        # unicode: offsets are str indices, not bytes
        ("Zoë Ñúñez 😀 Łódź", [(0, 3, "NAME"), (4, 9, "NAME"), (12, 16, "ADDRESS")], "NAME NAME 😀 ADDRESS"),
        ("José 😀\n李小龙 ok", [(7, 10, "NAME")], "José 😀\nNAME ok"),
    ],
)
def test_replace_spans(text: str, replacements: list[tuple[int, int, str]], expected: str) -> None:
    assert replace_spans(text, replacements) == expected


def test_replace_spans_is_not_a_global_replace() -> None:
    text = "Ann met Ann"
    assert replace_spans(text, [(8, 11, "NAME")]) == "Ann met NAME"


def test_replace_spans_new_text_containing_offsets_is_not_rescanned() -> None:
    text = "ab cd"
    assert replace_spans(text, [(0, 2, "cd cd"), (3, 5, "X")]) == "cd cd X"


@pytest.mark.parametrize(
    "replacements",
    [
        [(0, 5, "A"), (3, 8, "B")],
        [(3, 8, "B"), (0, 5, "A")],
        [(0, 10, "A"), (2, 4, "B")],
        [(2, 6, "A"), (2, 4, "B")],
    ],
)
def test_replace_spans_rejects_overlaps(replacements: list[tuple[int, int, str]]) -> None:
    with pytest.raises(ValueError, match="overlap"):
        replace_spans("0123456789", replacements)
