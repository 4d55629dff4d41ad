"""Masking styles on hand-made entities (fictional PHI only)."""

from __future__ import annotations

import pytest

from phimask.entities import Entity, EntityType
from phimask.mask import MaskStyle, mask_text, normalize_value

T = EntityType

NOTE = (
    "PATIENT INFO\n"
    "Name:   QUILLON, ODESSA\n"
    "\tSeen 03/14/2019 by Dr. Vantongeren.\n"
    "\n"
    "Odessa Quillon reports pain.  Call (404) 555-0137.\n"
)


def spans(text: str, parts: list[tuple[str, EntityType]]) -> list[Entity]:
    """One entity per (substring, type); repeated substrings take successive occurrences."""
    out: list[Entity] = []
    cursor: dict[str, int] = {}
    for sub, kind in parts:
        begin = text.index(sub, cursor.get(sub, 0))
        cursor[sub] = begin + len(sub)
        out.append(Entity(begin, begin + len(sub), kind, 0.9, sub))
    return out


NOTE_ENTITIES = spans(NOTE, [
    ("QUILLON, ODESSA", T.NAME),
    ("03/14/2019", T.DATE),
    ("Vantongeren", T.NAME),
    ("Odessa Quillon", T.NAME),
    ("(404) 555-0137", T.PHONE_OR_FAX),
])


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (MaskStyle.TYPE,
         "PATIENT INFO\nName:   NAME\n\tSeen DATE by Dr. NAME.\n\nNAME reports pain.  Call PHONE_OR_FAX.\n"),
        (MaskStyle.CHAR,
         "PATIENT INFO\nName:   ######## ######\n\tSeen ########## by Dr. ###########.\n\n"
         "###### ####### reports pain.  Call ##### ########.\n"),
        (MaskStyle.NUMBERED,
         "PATIENT INFO\nName:   NAME1\n\tSeen DATE1 by Dr. NAME2.\n\n"
         "NAME3 reports pain.  Call PHONE_OR_FAX1.\n"),
        (MaskStyle.REDACT,
         "PATIENT INFO\nName:   \n\tSeen  by Dr. .\n\n reports pain.  Call .\n"),
    ],
)
def test_each_style(style: MaskStyle, expected: str) -> None:
    assert mask_text(NOTE, NOTE_ENTITIES, style) == expected


def test_default_style_is_type() -> None:
    assert mask_text(NOTE, NOTE_ENTITIES) == mask_text(NOTE, NOTE_ENTITIES, MaskStyle.TYPE)


@pytest.mark.parametrize("style", list(MaskStyle))
def test_layout_is_preserved(style: MaskStyle) -> None:
    masked = mask_text(NOTE, NOTE_ENTITIES, style)
    assert masked.count("\n") == NOTE.count("\n")
    assert masked.count("\t") == NOTE.count("\t")
    assert masked.startswith("PATIENT INFO\nName:   ")
    assert "reports pain.  Call " in masked
    for entity in NOTE_ENTITIES:
        assert entity.text not in masked


@pytest.mark.parametrize("style", list(MaskStyle))
def test_no_entities_leaves_text_unchanged(style: MaskStyle) -> None:
    assert mask_text(NOTE, [], style) == NOTE


def test_char_mask_keeps_length_and_whitespace_inside_spans() -> None:
    text = "Lives at 12 Orchard\tLane West, ok"
    (entity,) = spans(text, [("12 Orchard\tLane West", T.ADDRESS)])
    masked = mask_text(text, [entity], MaskStyle.CHAR)
    assert masked == "Lives at ## #######\t#### ####, ok"
    assert len(masked) == len(text)


def test_char_mask_counts_characters_not_bytes() -> None:
    text = "Zoë Ñúñez 😀"
    (entity,) = spans(text, [("Zoë Ñúñez", T.NAME)])
    assert mask_text(text, [entity], MaskStyle.CHAR) == "### ##### 😀"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # same normalized value -> same label
        ([("Carlos", T.NAME), ("CARLOS", T.NAME)], "NAME1 met NAME1; ann"),
        ([("Carlos", T.NAME), ("CARLOS", T.NAME), ("ann", T.NAME)], "NAME1 met NAME1; NAME2"),
        # counters are per type; the same value under another type gets its own label
        ([("Carlos", T.NAME), ("CARLOS", T.OTHER), ("ann", T.NAME)], "NAME1 met OTHER1; NAME2"),
    ],
)
def test_numbered_labels(parts: list[tuple[str, EntityType]], expected: str) -> None:
    text = "Carlos met CARLOS; ann"
    assert mask_text(text, spans(text, parts), MaskStyle.NUMBERED) == expected


def test_numbered_labels_follow_reading_order_not_input_order() -> None:
    text = "Odessa, then Bo, then ODESSA on 03/14/2019 and on 4/2/2020"
    entities = spans(text, [("Odessa", T.NAME), ("Bo", T.NAME), ("ODESSA", T.NAME),
                            ("03/14/2019", T.DATE), ("4/2/2020", T.DATE)])
    masked = mask_text(text, list(reversed(entities)), MaskStyle.NUMBERED)
    assert masked == "NAME1, then NAME2, then NAME1 on DATE1 and on DATE2"


def test_numbered_matches_across_comma_and_spacing() -> None:
    text = "QUILLON, ODESSA / Quillon  Odessa / Odessa Quillon"
    entities = spans(text, [("QUILLON, ODESSA", T.NAME), ("Quillon  Odessa", T.NAME),
                            ("Odessa Quillon", T.NAME)])
    assert mask_text(text, entities, MaskStyle.NUMBERED) == "NAME1 / NAME1 / NAME2"


def test_numbered_labels_restart_for_each_call() -> None:
    text = "Bo and Odessa"
    first = mask_text(text, spans(text, [("Odessa", T.NAME)]), MaskStyle.NUMBERED)
    second = mask_text(text, spans(text, [("Bo", T.NAME), ("Odessa", T.NAME)]), MaskStyle.NUMBERED)
    assert (first, second) == ("Bo and NAME1", "NAME1 and NAME2")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Carlos", "carlos"),
        ("CARLOS", "carlos"),
        ("SALAZAR, CARLOS", "salazar carlos"),
        ("  Salazar ,\tCarlos \n", "salazar carlos"),
        ("Straße", "strasse"),  # casefold, not lower
        ("ÓSCAR Núñez", "óscar núñez"),
        ("", ""),
        (",,,", ""),
    ],
)
def test_normalize_value(value: str, expected: str) -> None:
    assert normalize_value(value) == expected


def test_style_values() -> None:
    assert [s.value for s in MaskStyle] == ["type", "char", "numbered", "redact", "surrogate"]


def test_overlapping_entities_are_refused() -> None:
    text = "Odessa Quillon"
    overlapping = [Entity(0, 10, T.NAME, 0.9, text[:10]), Entity(7, 14, T.NAME, 0.9, text[7:])]
    with pytest.raises(ValueError):
        mask_text(text, overlapping, MaskStyle.TYPE)
