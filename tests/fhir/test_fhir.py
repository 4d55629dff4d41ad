"""FHIR R4: Bundle round trips, the rule table, references, attachments, validation, the CLI,
the local route's validation and the Lambda handler's errors (fictional PHI only)."""

from __future__ import annotations

import base64
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from phimask.cli import main
from phimask.errors import InputError
from phimask.fhir import FhirValidationError, RuleError, RuleTable, process, reidentify_resource
from phimask.fhir.api import parse_fhir_request, run_fhir_request
from phimask.fhir.jsontext import canonical, parse, pretty
from phimask.pipeline import default_detector
from phimask.vault.sqlite import SQLiteVault

HERE = Path(__file__).parent
BUNDLE = (HERE / "bundle.json").read_bytes()
SECRETS = ("Fairweather", "Ignatius", "Quillon", "Odessa", "555-0134", "7741-2209", "Elm Rd", "19901",
           "1951-02-02", "3f2a6c1e", "prac-11", "ignatius.fairweather")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[SQLiteVault]:
    opened = SQLiteVault.open(tmp_path / "home")
    yield opened
    opened.close()


def entries(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["resource"]["resourceType"]: e for e in resource["entry"]}


def attachment_text(resource: dict[str, Any]) -> str:
    data = entries(resource)["DocumentReference"]["resource"]["content"][0]["attachment"]["data"]
    return base64.b64decode(data).decode("utf-8")


@pytest.mark.parametrize("operation", ["deidentify", "surrogate"])
def test_bundle_round_trip_is_identical_to_the_input(vault: SQLiteVault, operation: str) -> None:
    result = process(BUNDLE, operation, vault=vault, scope="fhir-study")
    out = pretty(result.resource)
    for secret in SECRETS:
        assert secret not in out and secret not in attachment_text(result.resource), secret
    assert result.message_hash and result.counts["NAME"] >= 8
    back = reidentify_resource(out, vault)
    assert pretty(back) == BUNDLE.decode("utf-8")  # byte for byte, decimals ("172.50") included
    assert canonical(back) == canonical(parse(BUNDLE))


def test_references_stay_consistent_inside_the_bundle(vault: SQLiteVault) -> None:
    resource = process(BUNDLE, "surrogate", vault=vault, scope="fhir-study").resource
    found = entries(resource)
    patient, practitioner = found["Patient"], found["Practitioner"]
    patient_id = patient["resource"]["id"]
    assert patient["fullUrl"] == f"urn:uuid:{patient_id}"
    for kind in ("Encounter", "Observation", "DocumentReference"):
        assert found[kind]["resource"]["subject"]["reference"] == f"urn:uuid:{patient_id}"
    practitioner_ref = f"Practitioner/{practitioner['resource']['id']}"
    assert practitioner["fullUrl"].endswith(practitioner_ref)
    assert patient["resource"]["generalPractitioner"][0]["reference"] == practitioner_ref
    assert found["Encounter"]["resource"]["participant"][0]["individual"]["reference"] == practitioner_ref


def test_surrogates_match_between_fields_and_free_text(vault: SQLiteVault) -> None:
    resource = process(BUNDLE, "surrogate", vault=vault, scope="fhir-study").resource
    patient = entries(resource)["Patient"]["resource"]
    family, given = patient["name"][0]["family"], patient["name"][0]["given"][0]
    assert f"{given} {family}" in patient["text"]["div"]
    assert f"{given} {family}" in attachment_text(resource)
    assert f"{given} {family}" in entries(resource)["Observation"]["resource"]["note"][0]["text"]
    address = patient["address"][0]
    assert address["country"] == "US" and address["line"][1].startswith("Apt ")
    from phimask.surrogates.data import places

    rows = {(c, s): z for c, s, z in places().cities}
    assert address["postalCode"] in rows[(address["city"], address["state"])]


def test_dates_shift_together_and_keep_their_precision(vault: SQLiteVault) -> None:
    resource = process(BUNDLE, "deidentify", vault=vault, scope="fhir-study").resource
    encounter = entries(resource)["Encounter"]["resource"]["period"]
    assert encounter["start"].endswith("T18:15:00-05:00") and len(encounter["end"]) == 10
    from datetime import date

    start, end = date.fromisoformat(encounter["start"][:10]), date.fromisoformat(encounter["end"])
    assert (end - start).days == 1  # 2011-03-14 -> 2011-03-15 in the input
    patient = entries(resource)["Patient"]["resource"]
    assert patient["identifier"][0]["value"].startswith("[[ID:")  # deidentify: tokens


def test_removed_members_and_attachments(vault: SQLiteVault) -> None:
    resource = process(BUNDLE, "deidentify", vault=vault, scope="fhir-study").resource
    patient = entries(resource)["Patient"]["resource"]
    assert "photo" not in patient
    pdf = entries(resource)["DocumentReference"]["resource"]["content"][1]["attachment"]
    assert pdf == {"contentType": "application/pdf"}  # binary data and its hash removed
    text = entries(resource)["DocumentReference"]["resource"]["content"][0]["attachment"]
    assert text["size"] == len(base64.b64decode(text["data"]))


def test_mask_needs_no_vault_and_keeps_codes() -> None:
    resource = process(BUNDLE, "mask").resource
    patient = entries(resource)["Patient"]["resource"]
    assert patient["name"][0]["family"] == "NAME" and patient["address"][0]["state"] == "DE"
    assert patient["gender"] == "male"
    observation = entries(resource)["Observation"]["resource"]
    assert observation["code"]["coding"][0]["code"] == "8302-2"
    assert str(observation["valueQuantity"]["value"]) == "172.50"
    assert "NAME" in observation["note"][0]["text"]


def test_invalid_input_and_errors_never_quote_values(vault: SQLiteVault) -> None:
    bad = {"resourceType": "Patient", "birthDate": "Ignatius Fairweather"}
    with pytest.raises(FhirValidationError) as caught:
        process(json.dumps(bad), "deidentify", vault=vault)
    assert "birthDate" in str(caught.value) and "Ignatius" not in str(caught.value)
    for data, message in [(b"{", "not valid JSON"), (b'{"resourceType": "Fairweather"}', "unknown FHIR"),
                          (b"[1]", "not a FHIR resource"), (b'{"a": 1, "a": 2}', "repeats")]:
        with pytest.raises(InputError, match=message):
            process(data, "mask")
    with pytest.raises(InputError, match="needs a vault"):
        process(BUNDLE, "surrogate")


def test_rule_tables_fail_loudly(tmp_path: Path) -> None:
    good = {"format": "phimask-fhir-rules/1", "rules": [{"path": "Patient.name", "action": "remove"}]}
    table = RuleTable.from_data(good)
    assert table.match(("Patient", "name")) is not None and table.match(("Observation", "name")) is None
    for rules, message in [
        ([{"path": "Patient.name", "action": "scramble"}], "action must be one of"),
        ([{"path": "Patient.name", "action": "surrogate"}], "need an entity type"),
        ([{"path": "Patient.name", "action": "token", "type": "PERSON"}], "need an entity type"),
        ([{"path": "Patient..name", "action": "keep"}], "dotted element names"),
        ([{"path": "Patient.name", "action": "keep", "when": "always"}], "unexpected fields"),
    ]:
        with pytest.raises(RuleError, match=message):
            RuleTable.from_data({"format": "phimask-fhir-rules/1", "rules": rules})
    shipped = json.loads((HERE.parents[1] / "src" / "phimask" / "fhir" / "rules.json").read_text("utf-8"))
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({**shipped, "rules": good["rules"] + shipped["rules"]}), encoding="utf-8")
    resource = process(BUNDLE, "mask", rules=RuleTable.load(path)).resource
    assert "name" not in entries(resource)["Patient"]["resource"]
    with pytest.raises(FhirValidationError, match="birthDate"):  # dates left to the free-text pipeline
        process(BUNDLE, "mask", rules=table)


def test_cli_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHIMASK_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    source, out, back = tmp_path / "in.json", tmp_path / "out.json", tmp_path / "back.json"
    source.write_bytes(BUNDLE)
    done = runner.invoke(main, ["fhir", str(source), str(out), "--operation", "surrogate", "--scope", "s"])
    assert done.exit_code == 0, done.output
    assert "messageHash" in done.output and "Fairweather" not in out.read_text(encoding="utf-8")
    again = runner.invoke(main, ["fhir", str(out), str(back), "--operation", "reidentify"])
    assert again.exit_code == 0 and back.read_bytes() == BUNDLE
    refused = runner.invoke(main, ["fhir", str(source), str(source)])
    assert refused.exit_code == 2 and "must differ" in refused.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Patient", "birthDate": "Odessa Quillon"}', encoding="utf-8")
    failed = runner.invoke(main, ["fhir", str(broken), str(tmp_path / "x.json")])
    assert failed.exit_code == 2 and "Quillon" not in failed.output and not (tmp_path / "x.json").exists()


def test_api_request_validation_and_call(vault: SQLiteVault) -> None:
    patient = {"resourceType": "Patient", "id": "pat-1", "name": [{"family": "Quillon"}]}
    body = json.dumps({"resource": patient, "operation": "surrogate", "scope": "s"})
    result = run_fhir_request(parse_fhir_request(body, 0.5), vault, default_detector())
    assert result["resource"]["name"][0]["family"] != "Quillon" and len(result["messageHash"]) == 64
    assert reidentify_resource(json.dumps(result["resource"]), vault) == patient
    for body, message in [({}, "missing the field: resource"), ({"resource": []}, "JSON object"),
                          ({"resource": patient, "operation": "reidentify"}, "operation must be"),
                          ({"resource": patient, "scope": ""}, "scope must be"),
                          ({"resource": patient, "patient": "Quillon"}, "unexpected fields")]:
        with pytest.raises(InputError, match=message):
            parse_fhir_request(json.dumps(body), 0.5)


def test_lambda_handler_refuses_bad_bodies_without_aws() -> None:
    path = HERE.parents[1] / "functions" / "fhir_deidentify" / "app.py"
    spec = importlib.util.spec_from_file_location("fhir_deidentify_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    response = module.lambda_handler({"body": json.dumps({"resource": "Odessa Quillon"})}, None)
    assert response["statusCode"] == 400 and "Quillon" not in response["body"]
