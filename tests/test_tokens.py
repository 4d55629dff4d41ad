"""Token format, normalization and keyed hashing."""

from __future__ import annotations

import pytest

from phimask.entities import EntityType
from phimask.tokens import (
    DIGEST_LENGTHS,
    HashMode,
    candidate_tokens,
    entity_hash,
    find_tokens,
    format_token,
    normalize,
    scope_id,
)

SALT, OTHER_SALT = b"s" * 32, b"t" * 32


@pytest.mark.parametrize(("kind", "a", "b"), [
    (EntityType.NAME, "SALAZAR, CARLOS", "Salazar,  Carlos"),
    (EntityType.NAME, "Ｊｏｈｎ", "john"),  # NFKC folds full-width letters
    (EntityType.NAME, " Ana\tMaría ", "ana maría"),
    (EntityType.PHONE_OR_FAX, "(617) 555-0199", "617.555.0199"),
    (EntityType.ID, "RQ-361-14734", "rq36114734"),
])
def test_linked_mode_links_spelling_variants(kind: EntityType, a: str, b: str) -> None:
    assert normalize(kind, a) == normalize(kind, b)
    assert entity_hash(SALT, kind, a, HashMode.LINKED) == entity_hash(SALT, kind, b, HashMode.LINKED)
    assert entity_hash(SALT, kind, a, HashMode.EXACT) != entity_hash(SALT, kind, b, HashMode.EXACT)


@pytest.mark.parametrize(("kind", "a", "b"), [
    (EntityType.NAME, "Ana Maria", "Ana María"),
    (EntityType.NAME, "Smith", "Smyth"),
    (EntityType.DATE, "2/11/1961", "2/11/1962"),
])
def test_different_values_get_different_hashes(kind: EntityType, a: str, b: str) -> None:
    assert entity_hash(SALT, kind, a, HashMode.LINKED) != entity_hash(SALT, kind, b, HashMode.LINKED)


def test_hash_is_keyed_by_scope_salt_and_type() -> None:
    base = entity_hash(SALT, EntityType.NAME, "Jordan", HashMode.LINKED)
    assert len(base) == 64
    assert base == entity_hash(SALT, EntityType.NAME, "Jordan", HashMode.LINKED)
    assert base != entity_hash(OTHER_SALT, EntityType.NAME, "Jordan", HashMode.LINKED)
    assert base != entity_hash(SALT, EntityType.ADDRESS, "Jordan", HashMode.LINKED)


def test_scope_id_reveals_no_salt() -> None:
    assert scope_id(SALT) != scope_id(OTHER_SALT)
    assert SALT.hex()[:16] not in scope_id(SALT) and len(scope_id(SALT)) == 32


def test_candidates_grow_from_the_same_digest() -> None:
    full = "0123456789abcdef" * 4
    tokens = candidate_tokens(EntityType.ID, full)
    assert tokens[0] == "[[ID:0123456789ab]]"
    assert [len(find_tokens(t)[0].digest) for t in tokens] == list(DIGEST_LENGTHS)
    assert tokens[-1] == f"[[ID:{full}]]"


def test_every_type_formats_and_parses_back() -> None:
    text = " ".join(format_token(t, "a1b2c3d4e5f6") for t in EntityType)
    found = find_tokens(text)
    assert [m.type for m in found] == list(EntityType)
    assert all(text[m.begin:m.end] == m.token for m in found)


@pytest.mark.parametrize("text", [
    "[[name:0123456789ab]]",  # type must be upper case
    "[[NAME:0123456789a]]",  # digest too short
    "[[NAME:0123456789AB]]",  # digest is lower-case hex
    "[[PATIENT:0123456789ab]]",  # not an entity type
    "[NAME:0123456789ab]",
    "[[NAME: 0123456789ab]]",
    "see [[Wiki links]] and [[NAME]]",
])
def test_ordinary_text_does_not_parse_as_tokens(text: str) -> None:
    assert find_tokens(text) == []


def test_adjacent_and_bracketed_tokens_parse_exactly() -> None:
    a, b = format_token(EntityType.NAME, "aaaaaaaaaaaa"), format_token(EntityType.DATE, "bbbbbbbbbbbb")
    pieces = ["[", a, "]", b, "]][[NAME:", b]
    text = "".join(pieces)
    starts = [sum(len(p) for p in pieces[:i]) for i in (1, 3, 5)]
    found = find_tokens(text)
    assert [(m.begin, m.token) for m in found] == [(starts[0], a), (starts[1], b), (starts[2], b)]
