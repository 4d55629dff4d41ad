"""deidentify / reidentify: round trips (property-based and with the real detector), tokens
already in the text, input checks, and no PHI in errors or logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phimask.deid import DeidResult, deidentify, reidentify
from phimask.entities import Entity, EntityType
from phimask.errors import InputError
from phimask.tokens import find_tokens
from phimask.vault.base import PendingEntity, PendingMessage, StoreOutcome
from phimask.vault.errors import MessageConflictError, MessageNotFoundError
from phimask.vault.sqlite import SQLiteVault


class FixedDetector:
    """Returns the entities it was given, whatever the text."""

    name = "fixed"

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = list(entities)

    def detect(self, text: str) -> list[Entity]:
        return self.entities


def spans(text: str, *values: tuple[str, EntityType]) -> FixedDetector:
    found = []
    for value, kind in values:
        start = text.index(value)
        found.append(Entity(start, start + len(value), kind, 0.9, value))
    return FixedDetector(found)


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteVault]:
    opened = SQLiteVault.open(tmp_path_factory.mktemp("home"))
    yield opened
    opened.close()


NOTE = "Pt: Ignatius Fairweather, DOB 03/14/1952.\r\nSeen at 12 Elm Rd, Dover.\nCall (302) 555-0134 ✆."
NOTE_DETECTOR = spans(NOTE, ("Ignatius Fairweather", EntityType.NAME), ("03/14/1952", EntityType.DATE),
                      ("12 Elm Rd, Dover", EntityType.ADDRESS), ("(302) 555-0134", EntityType.PHONE_OR_FAX))


def test_round_trip_is_byte_for_byte(vault: SQLiteVault) -> None:
    result = deidentify(NOTE, vault, detector=NOTE_DETECTOR)

    assert result.deidentified_text.startswith("Pt: [[NAME:") and "\r\n" in result.deidentified_text
    assert result.to_dict() == {"deidentifiedText": result.deidentified_text,
                                "messageHash": result.message_hash}
    restored = reidentify(vault, deidentified_text=result.deidentified_text)
    assert restored.encode("utf-8") == NOTE.encode("utf-8")


@pytest.mark.parametrize("text", ["Ignatius", "Ignatius Fairweather", " Ignatius", "Ignatius\n"])
def test_entities_at_the_edges(vault: SQLiteVault, text: str) -> None:
    detector = spans(text, ("Ignatius", EntityType.NAME))
    result = deidentify(text, vault, detector=detector)
    assert reidentify(vault, message_hash=result.message_hash) == text


def test_text_without_phi_round_trips_unchanged(vault: SQLiteVault) -> None:
    result = deidentify("No identifiers here.", vault, detector=FixedDetector([]))
    assert result.deidentified_text == "No identifiers here."
    assert reidentify(vault, message_hash=result.message_hash) == "No identifiers here."


def test_token_like_text_in_the_input_is_vaulted_too(vault: SQLiteVault) -> None:
    text = "Copied: [[NAME:0123456789ab]] and [[DATE:abcdefabcdef]]Ignatius, plus [[NAME]]."
    detector = spans(text, ("Ignatius", EntityType.NAME))
    result = deidentify(text, vault, detector=detector)

    assert "0123456789ab" not in result.deidentified_text
    found = find_tokens(result.deidentified_text)
    assert [t.type for t in found] == [EntityType.OTHER, EntityType.OTHER]  # the second one merged
    assert "[[NAME]]" in result.deidentified_text
    assert reidentify(vault, deidentified_text=result.deidentified_text) == text


def test_an_edited_text_is_refused_not_guessed(vault: SQLiteVault) -> None:
    result = deidentify(NOTE, vault, detector=NOTE_DETECTOR)
    with pytest.raises(MessageNotFoundError):
        reidentify(vault, deidentified_text=result.deidentified_text + " ")


_TRICKY = ["[[", "]]", ":", "[[NAME:", "0123456789ab]]", "[[ID:0123456789abcdef]]",
           "\r\n", "\u200b", "é", "🙂"]
_CHARS = st.characters(codec="utf-8")  # any code point but lone surrogates
_PLAIN = st.lists(st.one_of(st.text(_CHARS, max_size=12), st.sampled_from(_TRICKY)), max_size=4).map("".join)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[Entity]]:
    """A text and entities at known offsets (possibly adjacent, any type, any characters)."""
    text, entities = "", []
    for _ in range(draw(st.integers(0, 6))):
        text += draw(_PLAIN)
        value = draw(st.one_of(st.text(_CHARS, min_size=1, max_size=15), st.sampled_from(_TRICKY)))
        kind = draw(st.sampled_from(EntityType))
        entities.append(Entity(len(text), len(text) + len(value), kind, 0.9, value))
        text += value
    return text + draw(_PLAIN), entities


@settings(max_examples=300, deadline=None)
@given(document=documents(), scope=st.sampled_from([None, "cohort-a", "cohort-b"]))
def test_round_trip_property(vault: SQLiteVault, document: tuple[str, list[Entity]],
                             scope: str | None) -> None:
    text, entities = document
    if not text.strip():
        with pytest.raises(InputError):
            deidentify(text, vault, scope, detector=FixedDetector(entities))
        return
    result = deidentify(text, vault, scope, detector=FixedDetector(entities))

    assert reidentify(vault, deidentified_text=result.deidentified_text) == text
    assert reidentify(vault, message_hash=result.message_hash) == text
    again = deidentify(text, vault, scope, detector=FixedDetector(entities))
    if scope is not None:
        assert again == result  # idempotent and linkable within a scope
    elif find_tokens(result.deidentified_text):
        assert again.message_hash != result.message_hash  # no scope: unlinkable


REAL_NOTES = [
    "PERSON INFORMATION\nName: SALAZAR, CARLOS\nMRN: RQ36114734\nED Arrival Time: 11/12/2011 18:15\n"
    "Sex: Male\nDOB: 2/11/1961",
    "Discharge summary for Mrs. Henrietta Blackwood, 84 y/o, admitted 04/02/2019 to St. Mary's.\n"
    "Contact: daughter Lucy Blackwood (555) 201-7788, lucy.b@example.com. Dr. Okafor to follow up.",
    "Pt John O'Neill-Ramírez seen 2020-01-05; lives at 42 Wallaby Way, Sydney. SSN 123-45-6789. "
    "[[NAME:0123456789ab]] copied from an earlier export.",
]


@pytest.mark.parametrize("text", REAL_NOTES)
def test_round_trip_with_the_real_detector(vault: SQLiteVault, text: str) -> None:
    result = deidentify(text, vault, "real")
    assert find_tokens(result.deidentified_text)  # the detector found something
    assert reidentify(vault, message_hash=result.message_hash) == text


@pytest.mark.parametrize(("call", "message"), [
    (lambda v: deidentify("   \n", v), "empty"),
    (lambda v: deidentify("Ignatius \ud800", v, detector=FixedDetector([])), "surrogate"),
    (lambda v: deidentify("Ignatius" * (7 * 1024 * 1024), v, detector=FixedDetector([])), "MiB limit"),
    (lambda v: deidentify("Ignatius", v, "", detector=FixedDetector([])), "scope"),
    (lambda v: deidentify("Ignatius", v, "a\x00b", detector=FixedDetector([])), "scope"),
    (lambda v: deidentify("Ignatius", v, "x" * 300, detector=FixedDetector([])), "scope"),
    (lambda v: reidentify(v), "give deidentifiedText or messageHash"),
    (lambda v: reidentify(v, message_hash="Ignatius"), "64 hexadecimal"),
    (lambda v: reidentify(v, deidentified_text="Ignatius", message_hash="0" * 64), "does not match"),
    (lambda v: reidentify(v, deidentified_text="Ignatius", caller=""), "caller"),
])
def test_bad_input_is_refused_without_echoing_it(vault: SQLiteVault, call: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        call(vault)  # type: ignore[operator]
    assert "Ignatius" not in str(caught.value) and "xxxx" not in str(caught.value)


def test_logs_and_reprs_hold_no_phi(vault: SQLiteVault, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        result = deidentify(NOTE, vault, "cohort-a", detector=NOTE_DETECTOR)
        reidentify(vault, message_hash=result.message_hash)
    assert caplog.records  # something was logged
    for value in ("Ignatius", "Fairweather", "1952", "Elm Rd", "555-0134", "cohort-a"):
        assert value not in caplog.text
    entity = PendingEntity("[[NAME:0123456789ab]]", EntityType.NAME, 0, 8, 0, "Ignatius", "d")
    message = PendingMessage("h", "t", "s", "d", (entity,))
    assert "Ignatius" not in repr(entity) + repr(message)


class ConflictingVault:
    """Every store finds another original already there."""

    def __init__(self, inner: SQLiteVault) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def store(self, message: PendingMessage) -> StoreOutcome:
        return StoreOutcome.CONFLICT


def test_an_unresolvable_conflict_is_an_error(vault: SQLiteVault) -> None:
    with pytest.raises(MessageConflictError):
        deidentify(NOTE, ConflictingVault(vault), "cohort-a", detector=NOTE_DETECTOR)  # type: ignore[arg-type]


def test_result_is_a_plain_dataclass() -> None:
    assert DeidResult("t", "h").to_dict() == {"deidentifiedText": "t", "messageHash": "h"}


def test_default_scope_needs_no_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path))
    local = SQLiteVault.open()
    try:
        result = deidentify(NOTE, local, detector=NOTE_DETECTOR)
        assert reidentify(local, message_hash=result.message_hash) == NOTE
    finally:
        local.close()
