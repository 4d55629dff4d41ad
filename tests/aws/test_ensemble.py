"""The ensemble detector and the detector choice of the Lambdas (DETECTOR)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from awsharness import Cloud, load_event

from phimask.aws.settings import ConfigError, Settings, build_detector
from phimask.detect.base import identify
from phimask.detect.comprehend import ComprehendMedicalDetector
from phimask.detect.embedded import EmbeddedDetector
from phimask.detect.ensemble import EnsembleDetector, Member, parse_thresholds
from phimask.entities import Entity, EntityType
from phimask.errors import InputError
from phimask.pipeline import mask

TEXT = "Dr. Maria Gonzalez, a retired welder, was seen in Boston on 03/04/2019."


class Fixed:
    def __init__(self, name: str, *found: tuple[str, EntityType, float]) -> None:
        self.name = name
        self.found = found

    def detect(self, text: str) -> list[Entity]:
        return [Entity(text.index(v), text.index(v) + len(v), t, s, v) for v, t, s in self.found]


class ComprehendClient:
    """Stands in for boto3's comprehendmedical client: what DetectPHI would find."""

    def detect_phi(self, *, Text: str) -> dict[str, Any]:
        found = [("Maria Gonzalez", "NAME", 0.99), ("welder", "PROFESSION", 0.6), ("Boston", "ADDRESS", 0.95)]
        return {"Entities": [{"Id": i, "BeginOffset": Text.index(v), "EndOffset": Text.index(v) + len(v),
                              "Score": s, "Text": v, "Category": "PROTECTED_HEALTH_INFORMATION", "Type": t,
                              "Traits": []} for i, (v, t, s) in enumerate(found) if v in Text],
                "ModelVersion": "2.4.0"}


def test_union_keeps_what_either_member_finds_above_its_type_threshold() -> None:
    rules = Fixed("rules", ("03/04/2019", EntityType.DATE, 0.9), ("Maria Gonzalez", EntityType.NAME, 0.7))
    service = Fixed("service", ("Maria Gonzalez", EntityType.NAME, 0.99),
                    ("welder", EntityType.PROFESSION, 0.6),
                    ("Boston", EntityType.ADDRESS, 0.95))
    ensemble = EnsembleDetector([rules, Member(service, {EntityType.PROFESSION: 0.8})])

    found = ensemble.detect(TEXT)
    assert [(e.text, e.type, e.score) for e in found] == [
        ("Maria Gonzalez", EntityType.NAME, 0.99), ("Boston", EntityType.ADDRESS, 0.95),
        ("03/04/2019", EntityType.DATE, 0.9)]
    assert ensemble.name == "ensemble(rules+service)"
    assert [e.text for e in identify(TEXT, ensemble, 0.5)] == ["Maria Gonzalez", "Boston", "03/04/2019"]


@pytest.mark.parametrize(("spec", "expected"), [
    ("", {}),
    ("PROFESSION=0.8", {EntityType.PROFESSION: 0.8}),
    ("profession=0.8, ADDRESS=0.6,", {EntityType.PROFESSION: 0.8, EntityType.ADDRESS: 0.6}),
])
def test_parse_thresholds(spec: str, expected: dict[EntityType, float]) -> None:
    assert parse_thresholds(spec) == expected


@pytest.mark.parametrize("spec", ["PROFESSION", "JOB=0.5", "NAME=1.5", "NAME=high", "NAME=nan"])
def test_bad_thresholds_fail_loudly(spec: str) -> None:
    with pytest.raises(InputError):
        parse_thresholds(spec)


def test_detector_choice() -> None:
    client = ComprehendClient()
    assert isinstance(build_detector(Settings(detector="embedded")), EmbeddedDetector)
    comprehend = build_detector(Settings(detector="comprehend"), client)
    assert isinstance(comprehend, ComprehendMedicalDetector)
    ensemble = build_detector(Settings(detector="ensemble", ensemble_thresholds="PROFESSION=0.8"), client)
    assert ensemble.name == "ensemble(embedded+comprehend-medical)"
    with pytest.raises(ConfigError, match="ENSEMBLE_THRESHOLDS"):
        build_detector(Settings(detector="ensemble", ensemble_thresholds="JOB=2"), client)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DETECTOR", "presidio", "DETECTOR must be one of"),
    ("PHI_THRESHOLD", "1.5", "PHI_THRESHOLD must be a number"),
])
def test_bad_environment_fails_loudly(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({name: value})


def test_text_machine_with_the_ensemble_detector(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    ensemble = build_detector(Settings(detector="ensemble", ensemble_thresholds="PROFESSION=0.8"),
                              ComprehendClient())
    monkeypatch.setattr(cloud.lambdas.handlers["identify_phi"], "detector", lambda: ensemble)
    event = load_event("text_mask") | {"body": json.dumps({"text": TEXT})}
    result = cloud.run("text", event)

    assert result["status"] == "SUCCEEDED"
    masked = json.loads(result["output"])["maskedText"]
    assert masked == mask(TEXT, "type", 0.5, ensemble)
    assert "Boston" not in masked and "Gonzalez" not in masked and "welder" in masked
