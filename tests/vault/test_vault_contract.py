"""One suite, run against both adapters (SQLite and DynamoDB+KMS under moto)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from vault_helpers import FakeDetector, delete_item, storage_bytes, storage_items, update_attribute

from phimask.deid import deidentify, reidentify
from phimask.entities import EntityType
from phimask.tokens import HashMode, entity_hash, find_tokens, scope_id
from phimask.vault import schema
from phimask.vault.core import ItemVault
from phimask.vault.errors import MessageNotFoundError, UnresolvedTokenError, VaultIntegrityError

NAME, MRN, PHONE = "Zebulon Quigglesworth", "MRN-5551234-XQ", "(617) 555-0199"
NOTE = f"Patient {NAME} (MRN {MRN}) was seen today.\nCall {NAME} back on {PHONE}.\n"
DETECTOR = FakeDetector({NAME: EntityType.NAME, NAME.upper(): EntityType.NAME, MRN: EntityType.ID,
                         PHONE: EntityType.PHONE_OR_FAX})


def entity_rows(vault: ItemVault, message_hash: str) -> list[dict[str, object]]:
    return [i for i in storage_items(vault) if i["kind"] == "entity" and i["messageHash"] == message_hash]


def kinds(vault: ItemVault) -> Counter[str]:
    return Counter(str(item["kind"]) for item in storage_items(vault))


def test_round_trip_by_text_and_by_hash(vault: ItemVault) -> None:
    result = deidentify(NOTE, vault, "study-1", detector=DETECTOR)

    assert NAME not in result.deidentified_text and PHONE not in result.deidentified_text
    assert len(find_tokens(result.deidentified_text)) == 4
    assert reidentify(vault, deidentified_text=result.deidentified_text) == NOTE
    assert reidentify(vault, message_hash=result.message_hash) == NOTE


def test_same_request_twice_stores_nothing_twice(vault: ItemVault) -> None:
    first = deidentify(NOTE, vault, "study-1", detector=DETECTOR)
    before = storage_items(vault)
    second = deidentify(NOTE, vault, "study-1", detector=DETECTOR)

    assert second == first
    assert len(storage_items(vault)) == len(before)
    assert kinds(vault) == {"message": 1, "text": 1, "entity": 4, "token": 3}


def test_concurrent_requests_for_the_same_text_lose_and_duplicate_nothing(vault: ItemVault) -> None:
    results, errors = [], []

    def run() -> None:
        try:
            results.append(deidentify(NOTE, vault, "study-1", detector=DETECTOR))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({r.message_hash for r in results}) == 1
    assert kinds(vault) == {"message": 1, "text": 1, "entity": 4, "token": 3}
    assert reidentify(vault, message_hash=results[0].message_hash) == NOTE


def test_same_value_same_scope_same_token_other_scope_other_token(vault: ItemVault) -> None:
    a = deidentify(f"Seen: {NAME}.", vault, "study-1", detector=DETECTOR)
    b = deidentify(f"Follow-up for {NAME.upper()} tomorrow", vault, "study-1", detector=DETECTOR)
    c = deidentify(f"Seen: {NAME}.", vault, "study-2", detector=DETECTOR)
    d = deidentify(f"Seen: {NAME}.", vault, detector=DETECTOR)
    e = deidentify(f"Seen: {NAME}.", vault, detector=DETECTOR)

    token = find_tokens(a.deidentified_text)[0].token
    assert find_tokens(b.deidentified_text)[0].token == token  # case-insensitive linkage
    others = {find_tokens(r.deidentified_text)[0].token for r in (c, d, e)}
    assert token not in others and len(others) == 3  # unscoped calls are unlinkable
    for result, text in ((b, f"Follow-up for {NAME.upper()} tomorrow"), (d, f"Seen: {NAME}.")):
        assert reidentify(vault, deidentified_text=result.deidentified_text) == text


def test_texts_differing_only_in_case_both_round_trip(vault: ItemVault) -> None:
    upper, lower = f"Name: {NAME.upper()}", f"Name: {NAME}"
    first = deidentify(upper, vault, "study-1", detector=DETECTOR)
    second = deidentify(lower, vault, "study-1", detector=DETECTOR)

    assert first.message_hash != second.message_hash  # second fell back to exact tokens
    assert reidentify(vault, message_hash=first.message_hash) == upper
    assert reidentify(vault, message_hash=second.message_hash) == lower
    assert deidentify(lower, vault, "study-1", detector=DETECTOR) == second  # and stays stable


def test_token_collision_gets_a_longer_digest(vault: ItemVault) -> None:
    salt = vault.scope_salt("study-1")
    full = entity_hash(salt, EntityType.NAME, NAME, HashMode.LINKED)
    squatter = schema.token_item(scope_id(salt), f"[[NAME:{full[:12]}]]", "f" * 64)
    assert vault._put_if_absent(squatter) is None  # another value already owns the short token

    first = deidentify(f"Seen: {NAME}.", vault, "study-1", detector=DETECTOR)
    again = deidentify(f"Again: {NAME}", vault, "study-1", detector=DETECTOR)

    token = find_tokens(first.deidentified_text)[0]
    assert token.digest == full[:16]
    assert find_tokens(again.deidentified_text)[0].digest == full[:16]
    assert reidentify(vault, message_hash=first.message_hash) == f"Seen: {NAME}."


def test_unknown_message_is_refused_and_audited(vault: ItemVault) -> None:
    forged = NOTE.replace("today", "yesterday")
    with pytest.raises(MessageNotFoundError):
        reidentify(vault, deidentified_text=forged, caller="arn:aws:iam::1:role/reid")

    [record] = storage_items(vault, "audit")
    assert record["outcome"] == "refused:MessageNotFound" and record["tokenCount"] == 0


def test_reidentify_writes_an_audit_record_without_phi(vault: ItemVault) -> None:
    result = deidentify(NOTE, vault, detector=DETECTOR)
    reidentify(vault, message_hash=result.message_hash, caller="analyst-7")

    [record] = storage_items(vault, "audit")
    assert record["caller"] == "analyst-7" and record["messageHash"] == result.message_hash
    assert record["tokenCount"] == 4 and record["outcome"] == "ok" and record["requestedAt"]
    assert not any(v in str(record) for v in (NAME, MRN, PHONE))


def test_a_missing_entity_row_is_refused_not_guessed(vault: ItemVault) -> None:
    result = deidentify(NOTE, vault, detector=DETECTOR)
    row = entity_rows(vault, result.message_hash)[0]
    delete_item(vault, result.message_hash, str(row["entityHash"]))

    with pytest.raises(UnresolvedTokenError) as caught:
        reidentify(vault, message_hash=result.message_hash)
    assert not any(v in str(caught.value) for v in (NAME, MRN, PHONE))
    assert "token" in str(caught.value)


def test_a_tampered_ciphertext_fails_authentication(vault: ItemVault) -> None:
    result = deidentify(NOTE, vault, detector=DETECTOR)
    row = entity_rows(vault, result.message_hash)[0]
    other = entity_rows(vault, result.message_hash)[1]
    update_attribute(vault, result.message_hash, str(row["entityHash"]), "ciphertext",
                     str(other["ciphertext"]))

    with pytest.raises(VaultIntegrityError):
        reidentify(vault, message_hash=result.message_hash)


def test_long_text_is_stored_in_chunks(vault: ItemVault) -> None:
    text = NOTE + "filler line without identifiers\n" * 6000 + NOTE
    result = deidentify(text, vault, detector=DETECTOR)

    assert kinds(vault)["text"] == schema.chunk_count(result.deidentified_text) > 1
    assert reidentify(vault, message_hash=result.message_hash) == text


def test_no_original_value_is_stored_in_plaintext(vault: ItemVault) -> None:
    notes = [f"Note {i}: {NAME} seen, MRN {MRN}, phone {PHONE}; Arrival unremarkable." for i in range(5)]
    for i, note in enumerate(notes):
        result = deidentify(note, vault, "study-1" if i % 2 else None, detector=DETECTOR)
        assert reidentify(vault, deidentified_text=result.deidentified_text) == note

    raw = storage_bytes(vault)
    assert raw  # the scan looked at something
    for value in (NAME, MRN, PHONE, NAME.upper(), "Quigglesworth", "5551234", "study-1"):
        assert value.encode("utf-8") not in raw
    assert b"unremarkable" not in raw  # the de-identified text is stored encrypted too


def test_an_interrupted_write_is_completed_by_repeating_the_request(vault: ItemVault) -> None:
    result = deidentify(NOTE, vault, "study-1", detector=DETECTOR)
    delete_item(vault, result.message_hash, str(entity_rows(vault, result.message_hash)[0]["entityHash"]))
    with pytest.raises(UnresolvedTokenError):
        reidentify(vault, message_hash=result.message_hash)

    assert deidentify(NOTE, vault, "study-1", detector=DETECTOR) == result
    assert len(entity_rows(vault, result.message_hash)) == 4
    assert reidentify(vault, message_hash=result.message_hash) == NOTE


def test_many_entities_in_one_message(vault: ItemVault) -> None:
    values = {f"Patient{i:03d}Qz": EntityType.NAME for i in range(120)}
    text = "; ".join(values) + "."
    result = deidentify(text, vault, "study-1", detector=FakeDetector(values))

    assert len(entity_rows(vault, result.message_hash)) == 120
    assert reidentify(vault, message_hash=result.message_hash) == text
    assert deidentify(text, vault, "study-1", detector=FakeDetector(values)) == result
