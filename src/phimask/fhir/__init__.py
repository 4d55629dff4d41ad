"""FHIR R4 de-identification: Patient, Practitioner, Observation, Encounter,
DocumentReference (with base64 text attachments) and Bundle, by a declarative rule table
(``rules.json``); free text (narrative, notes, valueString) goes through the text pipeline.

- :mod:`~phimask.fhir.operations`: ``process`` (mask, deidentify, surrogate) and
  ``reidentify_resource``
- :mod:`~phimask.fhir.rules`: the rule table and its vocabulary
- :mod:`~phimask.fhir.sites`: the walk that finds what to change
- :mod:`~phimask.fhir.jsontext`, :mod:`~phimask.fhir.edits`: canonical JSON and its edits
- :mod:`~phimask.fhir.ids`: keyed pseudonyms for ids and references
- :mod:`~phimask.fhir.validate`: validation with fhir.resources (R4B models)
"""

from __future__ import annotations

from phimask.fhir.operations import OPERATIONS, FhirResult, process, reidentify_resource
from phimask.fhir.rules import RuleError, RuleTable, default_rules
from phimask.fhir.validate import FhirValidationError, validate

__all__ = ["OPERATIONS", "FhirResult", "FhirValidationError", "RuleError", "RuleTable", "default_rules",
           "process", "reidentify_resource", "validate"]
