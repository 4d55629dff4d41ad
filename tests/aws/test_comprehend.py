"""The Comprehend Medical adapter against botocore's Stubber (real DetectPHI shapes)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from phimask.detect.base import identify
from phimask.detect.comprehend import (
    ComprehendError,
    ComprehendMedicalDetector,
    ComprehendThrottled,
    split_text,
)
from phimask.entities import EntityType

NOTE = "PERSON INFORMATION\nName: SALAZAR, CARLOS\nMRN: RQ36114734\nED Arrival Time: 11/12/2011 18:15"


def phi(chunk: str, value: str, kind: str, score: float = 0.99, nth: int = 0, **extra: Any) -> dict[str, Any]:
    """One entity as DetectPHI returns it: offsets in code points of the chunk it saw."""
    begin = -1
    for _ in range(nth + 1):
        begin = chunk.index(value, begin + 1)
    return {"Id": extra.get("Id", 0), "BeginOffset": begin, "EndOffset": begin + len(value), "Score": score,
            "Text": value, "Category": "PROTECTED_HEALTH_INFORMATION", "Type": kind,
            "Traits": extra.get("Traits", [])}


def response(*entities: dict[str, Any]) -> dict[str, Any]:
    return {"Entities": list(entities), "ModelVersion": "2.4.0"}


@pytest.fixture
def client() -> Any:
    return boto3.client("comprehendmedical", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_maps_the_detectphi_response_to_entities(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_response("detect_phi", response(
            phi(NOTE, "SALAZAR, CARLOS", "NAME", 0.97, Traits=[{"Name": "SIGN", "Score": 0.5}]),
            phi(NOTE, "RQ36114734", "ID", 0.93),
            phi(NOTE, "ED", "ADDRESS", 0.41),  # the original solution's false positive
            phi(NOTE, "11/12/2011 18:15", "DATE", 0.99),
        ), {"Text": NOTE})
        entities = ComprehendMedicalDetector(client).detect(NOTE)
        stub.assert_no_pending_responses()

    assert [(NOTE[e.begin:e.end], e.type) for e in entities] == [
        ("SALAZAR, CARLOS", EntityType.NAME), ("RQ36114734", EntityType.ID),
        ("ED", EntityType.ADDRESS), ("11/12/2011 18:15", EntityType.DATE)]
    assert entities[0].traits == ("SIGN",) and entities[0].score == 0.97
    assert [e.text for e in identify(NOTE, ComprehendMedicalDetector(_Fixed(entities)), 0.5)] == [
        "SALAZAR, CARLOS", "RQ36114734", "11/12/2011 18:15"]  # the threshold drops "ED"


class _Fixed:
    """A client returning the given entities' response for any text (used after the stub)."""

    def __init__(self, entities: list[Any]) -> None:
        self.items = [{"BeginOffset": e.begin, "EndOffset": e.end, "Score": e.score, "Text": e.text,
                       "Type": e.type.value, "Traits": []} for e in entities]

    def detect_phi(self, *, Text: str) -> dict[str, Any]:
        return {"Entities": self.items}


def test_long_text_is_split_below_the_byte_limit_and_offsets_shift_back(client: Any) -> None:
    filler = "Patient reports feeling well, näive café résumé 😀. " * 40  # multibyte characters
    text = filler + "Seen by Dr. Maria Gonzalez on 03/04/2019. " + filler + "Call 617-555-0199 today."
    detector = ComprehendMedicalDetector(client, max_bytes=1500, overlap=200)
    chunks = list(split_text(text, 1500, 200))
    assert len(chunks) >= 3
    with Stubber(client) as stub:
        for _, chunk in chunks:
            found = [phi(chunk, v, k) for v, k in (("Maria Gonzalez", "NAME"), ("03/04/2019", "DATE"),
                                                   ("617-555-0199", "PHONE_OR_FAX")) if v in chunk]
            stub.add_response("detect_phi", response(*found), {"Text": chunk})
        entities = detector.detect(text)
        stub.assert_no_pending_responses()

    assert all(len(chunk.encode("utf-8")) <= 1500 for _, chunk in chunks)
    assert [(e.text, text[e.begin:e.end]) for e in entities] == [
        ("Maria Gonzalez", "Maria Gonzalez"), ("03/04/2019", "03/04/2019"), ("617-555-0199", "617-555-0199")]


def test_entities_found_twice_in_an_overlap_are_kept_once() -> None:
    def layout(words: int) -> str:
        return ("word " * words) + "patient SALAZAR, CARLOS" + (" word" * 60)

    def copies(text: str) -> int:
        return sum("SALAZAR, CARLOS" in chunk for _, chunk in split_text(text, 200, 80))

    text = next(layout(n) for n in range(120) if copies(layout(n)) >= 2)  # the name in an overlap

    class Client:
        def detect_phi(self, *, Text: str) -> dict[str, Any]:
            return response(phi(Text, "SALAZAR, CARLOS", "NAME")) if "SALAZAR, CARLOS" in Text else response()

    entities = ComprehendMedicalDetector(Client(), max_bytes=200, overlap=80).detect(text)
    assert [(e.begin, e.text) for e in entities] == [(text.index("SALAZAR"), "SALAZAR, CARLOS")]


def test_throttling_is_retried_with_backoff(client: Any) -> None:
    delays: list[float] = []
    with Stubber(client) as stub:
        stub.add_client_error("detect_phi", "ThrottlingException", "Rate exceeded", 400)
        stub.add_client_error("detect_phi", "TooManyRequestsException", "slow down", 400)
        stub.add_client_error("detect_phi", "ServiceUnavailableException", "try later", 503)
        stub.add_response("detect_phi", response(phi(NOTE, "RQ36114734", "ID")), {"Text": NOTE})
        detector = ComprehendMedicalDetector(client, sleep=delays.append, base_delay=0.5)
        entities = detector.detect(NOTE)

    assert [e.text for e in entities] == ["RQ36114734"]
    assert detector.calls == 4 and len(delays) == 3
    assert all(0 <= d <= cap for d, cap in zip(delays, (0.5, 1.0, 2.0), strict=True))


def test_persistent_throttling_fails_as_service_busy_without_text(client: Any) -> None:
    with Stubber(client) as stub:
        for _ in range(3):
            stub.add_client_error("detect_phi", "ThrottlingException", f"Rate exceeded for {NOTE}", 400)
        with pytest.raises(ComprehendThrottled) as failure:
            ComprehendMedicalDetector(client, max_attempts=3, sleep=lambda _: None).detect(NOTE)
    assert failure.value.code == "ServiceBusy"
    assert "SALAZAR" not in str(failure.value)


def test_other_errors_are_not_retried_and_never_quote_the_service_message(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_client_error("detect_phi", "TextSizeLimitExceededException",
                              f"Value '{NOTE}' at 'text' failed to satisfy constraint", 400)
        with pytest.raises(ComprehendError) as failure:
            ComprehendMedicalDetector(client, sleep=lambda _: pytest.fail("no retry")).detect(NOTE)
    assert str(failure.value) == "Comprehend Medical DetectPHI failed (TextSizeLimitExceededException)"


def test_min_score_and_unknown_types(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_response("detect_phi", response(phi(NOTE, "SALAZAR, CARLOS", "NAME", 0.95),
                                                 phi(NOTE, "RQ36114734", "SOMETHING_NEW", 0.9),
                                                 phi(NOTE, "ED", "ADDRESS", 0.2)), {"Text": NOTE})
        entities = ComprehendMedicalDetector(client, min_score=0.5).detect(NOTE)
    assert [(e.text, e.type) for e in entities] == [("SALAZAR, CARLOS", EntityType.NAME),
                                                    ("RQ36114734", EntityType.OTHER)]


def test_drifting_offsets_are_reanchored_on_the_returned_text() -> None:
    text = "😀😀 Name: José Núñez"

    class Utf16Client:  # reports UTF-16 offsets, as a buggy service might
        def detect_phi(self, *, Text: str) -> dict[str, Any]:
            begin = len(Text[:Text.index("José")].encode("utf-16-le")) // 2
            return response({"BeginOffset": begin, "EndOffset": begin + 10, "Score": 0.9,
                             "Text": "José Núñez", "Type": "NAME", "Traits": []})

    (entity,) = ComprehendMedicalDetector(Utf16Client()).detect(text)
    assert text[entity.begin:entity.end] == "José Núñez"


def test_whitespace_only_chunks_are_not_sent(client: Any) -> None:
    with Stubber(client):  # no responses queued: any call would fail
        assert ComprehendMedicalDetector(client).detect(" \n\t ") == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=3000),
       st.integers(min_value=16, max_value=600), st.integers(min_value=0, max_value=300))
def test_chunks_cover_the_text_within_the_byte_limit(text: str, max_bytes: int, overlap: int) -> None:
    chunks = list(split_text(text, max_bytes, overlap))
    covered = 0
    for offset, chunk in chunks:
        assert text[offset:offset + len(chunk)] == chunk
        assert 0 < len(chunk.encode("utf-8")) <= max_bytes
        assert offset <= covered  # no gap
        covered = max(covered, offset + len(chunk))
    assert covered == len(text)
    assert [o for o, _ in chunks] == sorted({o for o, _ in chunks})  # always moves forward


def test_chunks_end_at_sentence_or_word_boundaries() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    chunks = list(split_text(text, 500, 60))
    for _, chunk in chunks[:-1]:
        assert chunk.endswith(". ")
    for offset, _ in chunks[1:]:
        assert text[offset - 1] == " "
