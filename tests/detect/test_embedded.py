"""The embedded detector through the pipeline: recall per identifier class, clinical terms
that must survive, and long inputs. All PHI below is fictional."""

from __future__ import annotations

import itertools
import time

import pytest

from phimask.detect.base import Detector
from phimask.detect.embedded import EmbeddedDetector
from phimask.entities import Entity, EntityType
from phimask.pipeline import find_phi, mask

T = EntityType

AWS_SAMPLE = (
    "PERSON INFORMATION\nName: SALAZAR, CARLOS\nMRN: RQ36114734\n"
    "ED Arrival Time: 11/12/2011 18:15\nSex: Male\nDOB: 2/11/1961"
)


@pytest.fixture(scope="session")
def detector() -> Detector:
    return EmbeddedDetector()


def covering(entities: list[Entity], text: str, sub: str) -> list[Entity]:
    begin = text.index(sub)
    end = begin + len(sub)
    return [e for e in entities if e.begin <= begin and end <= e.end]


def overlapping(entities: list[Entity], text: str, sub: str) -> list[Entity]:
    begin = text.index(sub)
    end = begin + len(sub)
    return [e for e in entities if e.begin < end and begin < e.end]


def assert_well_formed(entities: list[Entity], text: str) -> None:
    for e in entities:
        assert text[e.begin:e.end] == e.text
        assert 0.0 <= e.score <= 1.0
    for a, b in itertools.pairwise(entities):
        assert a.end <= b.begin, "entities must be merged and sorted"


# ---------------------------------------------------------------- the AWS reference note


def test_aws_sample_note_masked_by_type(detector: Detector) -> None:
    assert mask(AWS_SAMPLE, "type", detector=detector) == (
        "PERSON INFORMATION\nName: NAME\nMRN: ID\nED Arrival Time: DATE 18:15\nSex: Male\nDOB: DATE"
    )


def test_aws_sample_note_masked_numbered(detector: Detector) -> None:
    assert mask(AWS_SAMPLE, "numbered", detector=detector) == (
        "PERSON INFORMATION\nName: NAME1\nMRN: ID1\nED Arrival Time: DATE1 18:15\nSex: Male\nDOB: DATE2"
    )


def test_aws_sample_note_entities(detector: Detector) -> None:
    entities = find_phi(AWS_SAMPLE, detector=detector)
    assert_well_formed(entities, AWS_SAMPLE)
    assert [(e.text, e.type) for e in entities] == [
        ("SALAZAR, CARLOS", T.NAME), ("RQ36114734", T.ID), ("11/12/2011", T.DATE), ("2/11/1961", T.DATE),
    ]


# ---------------------------------------------------------------- recall

POSITIVE = [
    # names
    pytest.param("Seen today by Dr. Vantongeren in clinic.", "Vantongeren", T.NAME, id="title"),
    pytest.param("Note signed by Ingrid Halvorsen, MD on the ward.", "Ingrid Halvorsen", T.NAME,
                 id="credential"),
    pytest.param("Lives with her son, Tomasz, who drives her.", "Tomasz", T.NAME, id="relative"),
    pytest.param("Daughter, Priyanka, at bedside.", "Priyanka", T.NAME, id="relative-first"),
    pytest.param("Primary Nurse(s):\nLindqvist; Amara\n", "Lindqvist", T.NAME, id="label-list-1"),
    pytest.param("Primary Nurse(s):\nLindqvist; Amara\n", "Amara", T.NAME, id="label-list-2"),
    pytest.param("Name: QUILLON, ODESSA\nReason: follow-up", "QUILLON, ODESSA", T.NAME, id="caps-last-first"),
    pytest.param("Name: MORALES-OYELARAN, BEATRIZ", "MORALES-OYELARAN, BEATRIZ", T.NAME, id="caps-hyphen"),
    pytest.param("Seen by Dr. Okafor and Dr. Lindqvist.", "Lindqvist", T.NAME, id="second-title"),
    pytest.param("RN: Whitfield, Tamsin", "Whitfield, Tamsin", T.NAME, id="label-last-first"),
    # dates
    pytest.param("Admitted on 03/14/2019 for chest pain.", "03/14/2019", T.DATE, id="date-us"),
    pytest.param("Admitted on 2019-03-14 for chest pain.", "2019-03-14", T.DATE, id="date-iso"),
    pytest.param("Admitted on Mar 14, 2019 for chest pain.", "Mar 14, 2019", T.DATE, id="date-month-name"),
    pytest.param("Admitted on 14 March 2019 for chest pain.", "14 March 2019", T.DATE, id="date-day-month"),
    pytest.param("She was admitted 9/17 with pneumonia.", "9/17", T.DATE, id="date-no-year"),
    # ages
    pytest.param("He is a 57 yo man with cough.", "57", T.AGE, id="age-yo"),
    pytest.param("Age: 93\nSex: F", "93", T.AGE, id="age-label"),
    pytest.param("a 45-year-old man", "45", T.AGE, id="age-year-old"),
    # phones
    pytest.param("Call (404) 555-0137 for results.", "(404) 555-0137", T.PHONE_OR_FAX, id="phone-paren"),
    pytest.param("Home phone 312 555-0198.", "312 555-0198", T.PHONE_OR_FAX, id="phone-space"),
    pytest.param("Fax: 770-555-0144", "770-555-0144", T.PHONE_OR_FAX, id="fax"),
    pytest.param("Pager #41093", "41093", T.PHONE_OR_FAX, id="pager-hash"),
    pytest.param("Pager: #41093", "41093", T.PHONE_OR_FAX, id="pager-colon-hash"),
    # contacts, identifiers
    pytest.param("Email: lena.voss@example.com", "lena.voss@example.com", T.EMAIL, id="email"),
    pytest.param("SSN 321-54-9876 on file.", "321-54-9876", T.ID, id="ssn"),
    pytest.param("MRN: QX48210077", "QX48210077", T.ID, id="mrn"),
    pytest.param("See https://example.org/x for details.", "https://example.org/x", T.URL, id="url"),
    pytest.param("Device at 10.21.4.77 uploaded data.", "10.21.4.77", T.OTHER, id="ipv4"),
    # addresses and places
    pytest.param("Lives at 5120 W. Larkspur Rd with wife.", "5120 W. Larkspur Rd", T.ADDRESS, id="street"),
    pytest.param("Lives at 12 Orchard Lane.", "12 Orchard Lane", T.ADDRESS, id="street-plain"),
    pytest.param("Moved to Dorrington, GA 30217 with wife.", "Dorrington, GA 30217", T.ADDRESS,
                 id="city-state-zip"),
    pytest.param("Transferred from Riverbend Medical Center yesterday.", "Riverbend Medical Center",
                 T.ADDRESS, id="facility"),
    # professions
    pytest.param("She works as a librarian.", "librarian", T.PROFESSION, id="profession"),
    pytest.param("Occupation: accountant", "accountant", T.PROFESSION, id="profession-label"),
    pytest.param("She works as a Technical writer at a firm.", "Technical writer", T.PROFESSION,
                 id="profession-multiword"),
]


@pytest.mark.parametrize(("text", "sub", "kind"), POSITIVE)
def test_finds_phi(detector: Detector, text: str, sub: str, kind: EntityType) -> None:
    entities = find_phi(text, detector=detector)
    assert_well_formed(entities, text)
    found = covering(entities, text, sub)
    assert [e.type for e in found] == [kind], f"{sub!r} not covered by a {kind.value}: {entities}"


def test_every_later_mention_of_a_name_is_found(detector: Detector) -> None:
    text = "Mr. Abernathy was seen.\nLater, Abernathy had pain. ABERNATHY left."
    entities = find_phi(text, detector=detector)
    names = [e.text for e in entities if e.type is T.NAME]
    assert names == ["Abernathy", "Abernathy", "ABERNATHY"]


# ---------------------------------------------------------------- precision

NEGATIVE = [
    pytest.param(AWS_SAMPLE, "ED", id="ED"),
    pytest.param(AWS_SAMPLE, "Sex: Male", id="sex"),
    pytest.param(AWS_SAMPLE, "18:15", id="time"),
    pytest.param(AWS_SAMPLE, "PERSON INFORMATION", id="heading"),
    pytest.param("Hx of Parkinson disease, stable.", "Parkinson disease", id="eponym"),
    pytest.param("SAH, Hunt and Hess grade 3.", "Hunt and Hess", id="scale-and"),
    pytest.param("BP 120/80 HR 72", "BP 120/80", id="bp"),
    pytest.param("Vent: PEEP 5, FiO2 40%", "PEEP 5", id="peep"),
    pytest.param("Take 1/2 tab daily.", "1/2 tab", id="half-tab"),
    pytest.param("Meds given at 1900 tonight.", "at 1900", id="clock-time"),
    pytest.param("Transferred to CCU overnight.", "CCU", id="unit"),
    pytest.param("Lasix 40 mg IV given.", "Lasix 40 mg", id="drug-dose"),
    pytest.param("Dx ICD-10 I48.91 afib.", "ICD-10 I48.91", id="icd"),
    pytest.param("On vent 600x12 overnight.", "vent 600x12", id="vent"),
    pytest.param("HR 70s-80s overnight.", "HR 70s-80s", id="hr-range"),
    pytest.param("Glasgow Coma Scale 15 on arrival.", "Glasgow Coma Scale", id="gcs"),
    pytest.param("Foley catheter in place.", "Foley catheter", id="foley"),
    pytest.param("SpO2 97% on RA.", "SpO2 97%", id="spo2"),
    pytest.param("Hx of Lewy body dementia.", "Lewy body dementia", id="lewy"),
    pytest.param("Creutzfeldt-Jakob disease suspected.", "Creutzfeldt-Jakob", id="cjd"),
    pytest.param("Echo: LA enlargement noted.", "LA enlargement", id="la"),
    pytest.param("Born at 24 2/7 weeks gestation.", "24 2/7", id="gestational-age"),
]


@pytest.mark.parametrize(("text", "sub"), NEGATIVE)
def test_keeps_clinical_text(detector: Detector, text: str, sub: str) -> None:
    entities = find_phi(text, detector=detector)
    assert overlapping(entities, text, sub) == []


def test_all_negatives_in_one_note(detector: Detector) -> None:
    text = (
        "Pt with Parkinson disease and Hunt and Hess 2; BP 120/80, PEEP 5, 1/2 tab at 1900 in CCU.\n"
        "Lasix 40 mg, ICD-10 I48.91, vent 600x12, HR 70s-80s, Glasgow Coma Scale 14,\n"
        "Foley catheter, SpO2 97%.\n"
    )
    assert find_phi(text, detector=detector) == []
    assert mask(text, "char", detector=detector) == text


# ---------------------------------------------------------------- long input

LONG_NOTE = (
    "Name: QUILLON, ODESSA\nMRN: ZX40912288\nSeen by Dr. Vantongeren on 03/14/2019.\n"
    "Phone (404) 555-0137. Lasix 40 mg, BP 120/80.\n\n"
)


@pytest.mark.slow
def test_long_input_is_linear_and_offsets_hold(detector: Detector) -> None:
    repeats = 500_000 // len(LONG_NOTE)
    counts: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for factor in (1, 4):
        text = LONG_NOTE * (repeats * factor)
        started = time.perf_counter()
        entities = find_phi(text, detector=detector)
        seconds[factor] = time.perf_counter() - started
        assert_well_formed(entities, text)
        counts[factor] = sum(e.type is T.NAME for e in entities)
    assert len(LONG_NOTE * repeats * 4) > 1_900_000
    assert counts[1] >= repeats  # at least one name per copy survives chunking
    assert 3.5 <= counts[4] / counts[1] <= 4.5
    assert seconds[4] < 60, "2 MB must finish in bounded time"
    assert seconds[4] < 10 * seconds[1] + 1.0, "time must grow about linearly"


def test_a_title_ending_a_line_does_not_make_the_next_line_a_name() -> None:
    # an image banner "Ref: Dr. <boxed>" over "PORTABLE": the title cue must not jump the line
    assert find_phi("Ref: Dr.\nPORTABLE\n5 cm") == []
    assert [e.text for e in find_phi("seen by Dr.\nHalvorsen today")] == ["Halvorsen"]
