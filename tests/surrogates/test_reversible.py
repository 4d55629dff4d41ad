"""Reversible surrogates through the vault: round trips, consistency over 100 documents of a
scope (names and date intervals), surrogates that collide with real text, tampering, and the
CLI (fictional PHI only)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from phimask.cli import main
from phimask.dateshift import parse_dates
from phimask.deid import _restore, deidentify, reidentify
from phimask.entities import Entity, EntityType
from phimask.mask import MaskStyle, mask_text
from phimask.surrogates import SurrogateEngine, VaultRegistry
from phimask.surrogates.atoms import Claim
from phimask.vault.base import StoredMessage
from phimask.vault.errors import MessageNotFoundError, VaultIntegrityError
from phimask.vault.sqlite import SQLiteVault


class Spans:
    """A detector that finds the given strings wherever they occur."""

    name = "spans"

    def __init__(self, *values: tuple[str, EntityType]) -> None:
        self.values = values

    def detect(self, text: str) -> list[Entity]:
        found = []
        for value, kind in self.values:
            matches = re.finditer(re.escape(value), text)
            found += [Entity(m.start(), m.end(), kind, 0.9, value) for m in matches]
        return found


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[SQLiteVault]:
    opened = SQLiteVault.open(tmp_path / "home")
    yield opened
    opened.close()


NOTE = ("Pt: Ignatius Fairweather, DOB 03/14/1952, seen 11/12/2011 and again Nov 30, 2011.\r\n"
        "Lives at 12 Elm Rd, Dover, DE 19901. Call (302) 555-0134 ✆. MRN RQ36114734. Age 93.\n")
DETECTOR = Spans(("Ignatius Fairweather", EntityType.NAME), ("03/14/1952", EntityType.DATE),
                 ("11/12/2011", EntityType.DATE), ("Nov 30, 2011", EntityType.DATE),
                 ("12 Elm Rd, Dover, DE 19901", EntityType.ADDRESS),
                 ("(302) 555-0134", EntityType.PHONE_OR_FAX), ("RQ36114734", EntityType.ID),
                 ("93", EntityType.AGE))


def test_round_trip_and_realistic_output(vault: SQLiteVault) -> None:
    result = deidentify(NOTE, vault, "trial-7", detector=DETECTOR, style="surrogate")
    text = result.deidentified_text
    assert "Fairweather" not in text and "555-0134" not in text and "RQ36114734" not in text
    assert "[[" not in text and "Age 90+." in text and "\r\n" in text
    assert re.search(r"Call \(\d{3}\) \d{3}-\d{4} ✆", text)
    assert reidentify(vault, deidentified_text=text) == NOTE
    assert reidentify(vault, message_hash=result.message_hash) == NOTE


def test_date_intervals_and_name_are_consistent_across_100_documents(vault: SQLiteVault) -> None:
    names: set[str] = set()
    for number in range(100):
        day = 1 + number % 28
        text = f"Ignatius Fairweather admitted 3/{day}/2011, discharged 4/{day}/2011. Bed {number}."
        detector = Spans(("Ignatius Fairweather", EntityType.NAME), (f"3/{day}/2011", EntityType.DATE),
                         (f"4/{day}/2011", EntityType.DATE))
        result = deidentify(text, vault, "trial-7", detector=detector, style="surrogate")
        surrogate = result.deidentified_text.split(" admitted ")[0]
        names.add(surrogate)
        old, new = parse_dates(text), parse_dates(result.deidentified_text)
        assert new[1] - new[0] == old[1] - old[0] == timedelta(days=31)
        assert new[0] - old[0] == new[1] - old[1]  # one offset for the scope
        assert reidentify(vault, deidentified_text=result.deidentified_text) == text
    assert len(names) == 1 and "Fairweather" not in names.pop()


def test_scopes_are_unlinkable(vault: SQLiteVault) -> None:
    one = deidentify(NOTE, vault, "trial-7", detector=DETECTOR, style="surrogate").deidentified_text
    other = deidentify(NOTE, vault, "trial-8", detector=DETECTOR, style="surrogate").deidentified_text
    fresh = deidentify(NOTE, vault, detector=DETECTOR, style="surrogate").deidentified_text
    assert len({one.split(",")[0], other.split(",")[0], fresh.split(",")[0]}) == 3


def test_a_surrogate_that_also_occurs_as_real_text_comes_back_right(vault: SQLiteVault) -> None:
    name = "Ignatius Fairweather"
    surrogate = mask_text(name, [Entity(0, len(name), EntityType.NAME, 0.9, name)], MaskStyle.SURROGATE,
                          salt=vault.scope_salt("trial-7"))
    text = f"{surrogate} visited {name}; later {name} called {surrogate}."  # the surrogate is real text too
    result = deidentify(text, vault, "trial-7", detector=Spans((name, EntityType.NAME)), style="surrogate")
    assert result.deidentified_text.count(surrogate) == 4
    assert reidentify(vault, deidentified_text=result.deidentified_text) == text


def test_the_vault_registry_keeps_surrogates_one_to_one(vault: SQLiteVault) -> None:
    salt = vault.scope_salt("trial-7")
    registry = VaultRegistry(vault, salt)
    assert registry.claim([Claim("name", "owner-a", "Dolan")]) == set()
    assert registry.claim([Claim("name", "owner-a", "DOLAN")]) == set()  # the same owner again
    assert registry.claim([Claim("name", "owner-b", "dolan"), Claim("name", "owner-b", "Durkin")]) == {0}
    engine = SurrogateEngine(salt, registry)
    values = engine.render([(EntityType.ID, f"A{n:02d}") for n in range(60)])  # pool: 26 x 100
    assert len(set(values)) == 60
    again = SurrogateEngine(salt, VaultRegistry(vault, salt)).render([(EntityType.ID, "A07")])
    assert again == [values[7]]  # a later run finds the same surrogate


def test_rows_hold_no_plaintext_and_tampering_is_refused(vault: SQLiteVault) -> None:
    result = deidentify(NOTE, vault, "trial-7", detector=DETECTOR, style="surrogate")
    rows = sqlite3.connect(vault.path).execute("SELECT * FROM vault").fetchall()
    dump = json.dumps(rows)
    for secret in ("Fairweather", "555-0134", "RQ36114734", "Elm Rd", "03/14/1952"):
        assert secret not in dump
    tampered = result.deidentified_text.replace("Call (", "Call  (")
    with pytest.raises(MessageNotFoundError):
        reidentify(vault, deidentified_text=tampered)
    stored = vault.load(result.message_hash)
    name = stored.deidentified_text.split(",")[0]
    altered = StoredMessage(stored.message_hash, stored.deidentified_text.replace(name, name[::-1]),
                            stored.token_count, stored.entities)
    with pytest.raises(VaultIntegrityError, match="does not match"):
        _restore(altered, None)


def test_token_style_is_unchanged(vault: SQLiteVault) -> None:
    result = deidentify(NOTE, vault, "trial-7", detector=DETECTOR)
    assert "[[NAME:" in result.deidentified_text
    assert reidentify(vault, deidentified_text=result.deidentified_text) == NOTE
    with pytest.raises(ValueError, match="style must be one of"):
        deidentify(NOTE, vault, detector=DETECTOR, style="bold")


def test_mask_surrogate_style_is_keyed_by_the_salt() -> None:
    entities: Sequence[Entity] = DETECTOR.detect(NOTE)
    one = mask_text(NOTE, entities, MaskStyle.SURROGATE, salt=b"k" * 32)
    assert one == mask_text(NOTE, entities, MaskStyle.SURROGATE, salt=b"k" * 32)
    assert one != mask_text(NOTE, entities, MaskStyle.SURROGATE)  # a random salt by default
    assert "Fairweather" not in one


def test_cli_mask_and_deidentify_with_surrogates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    note = tmp_path / "note.txt"
    note.write_text("Name: SALAZAR, CARLOS\nDOB: 2/11/1961\nPhone (302) 555-0134\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["mask", "--style", "surrogate", "--scope", "s1", str(note)])
    second = runner.invoke(main, ["mask", "--style", "surrogate", "--scope", "s1", str(note)])
    assert first.exit_code == 0 and first.output == second.output and "SALAZAR" not in first.output
    wrong = runner.invoke(main, ["mask", "--scope", "s1", str(note)])
    assert wrong.exit_code == 2 and "--style surrogate" in wrong.output
    done = runner.invoke(main, ["deidentify", "--style", "surrogate", "--scope", "s1", str(note)])
    assert done.exit_code == 0
    saved = tmp_path / "out.json"
    saved.write_text(done.output, encoding="utf-8")
    back = runner.invoke(main, ["reidentify", str(saved)])
    assert back.exit_code == 0 and back.output == note.read_text(encoding="utf-8")


def test_surrogates_with_the_dynamodb_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    from phimask.vault.dynamodb import provision_stack

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        vault = provision_stack().vault()
        first = deidentify(NOTE, vault, "trial-7", detector=DETECTOR, style="surrogate")
        second = deidentify(NOTE.replace("Age 93", "Age 94"), vault, "trial-7", detector=DETECTOR,
                            style="surrogate")
        assert first.deidentified_text.split(",")[0] == second.deidentified_text.split(",")[0]
        assert reidentify(vault, deidentified_text=first.deidentified_text) == NOTE
