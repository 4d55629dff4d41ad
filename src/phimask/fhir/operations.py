"""FHIR operations: mask, deidentify (tokens) and surrogate, and re-identification.

A resource is handled as its canonical JSON text (:mod:`phimask.fhir.jsontext`): every
change is an edit of that text, so the reversible operations store it with
:func:`phimask.deid.deidentify_edits` like any de-identified text (one vault message per
resource or Bundle), and :func:`reidentify_resource` restores it byte for byte.

Per operation (``rules.json`` decides which sites there are):

- PHI values and free-text entities: mask -> type label (``NAME``); deidentify -> token;
  surrogate -> surrogate (a ``token`` rule gives a token here too).
- addresses: mask and deidentify -> labels or tokens, state and country kept; surrogate ->
  one valid city/state/ZIP row.
- dates: shifted (mask: by a random offset; the others: by the scope's offset).
- ids and references: keyed pseudonyms (mask: with a random key).
- remove: removed (deidentify and surrogate keep the removed members in the vault).
"""

from __future__ import annotations

import base64
import html
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phimask.dateshift import offset_days, shift_dates
from phimask.deid import Edit, deidentify_edits, detect_spans, reidentify, token_replacements
from phimask.detect.base import Detector
from phimask.entities import Entity, EntityType, replace_spans
from phimask.errors import InputError
from phimask.fhir.edits import removal_edits
from phimask.fhir.ids import pseudo_id, pseudo_reference
from phimask.fhir.jsontext import Layout, canonical, escape, layout, parse
from phimask.fhir.rules import RuleTable, default_rules
from phimask.fhir.sites import Site, collect
from phimask.fhir.validate import validate
from phimask.tokens import HashMode
from phimask.vault.base import Vault

if TYPE_CHECKING:
    from phimask.policy import Policy

OPERATIONS = ("mask", "deidentify", "surrogate")
KEPT_PARTS = frozenset({"state", "country"})  # Safe Harbor keeps states; tokens would only hide them


@dataclass(slots=True, repr=False)
class FhirResult:
    """The changed resource, its vault key (reversible operations) and what was replaced."""

    resource: Any
    message_hash: str | None
    counts: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"resource": self.resource}
        if self.message_hash:
            out["messageHash"] = self.message_hash
        return out


def process(data: bytes | str | dict[str, Any], operation: str, *, vault: Vault | None = None,
            scope: str | None = None, detector: Detector | None = None, threshold: float | None = None,
            rules: RuleTable | None = None, policy: Policy | None = None) -> FhirResult:
    """Run ``operation`` on the FHIR JSON ``data`` (a resource or a Bundle; JSON text, or
    already parsed). Free text is checked under ``policy`` (thresholds, allow and deny
    lists); structured fields follow the rule table."""
    if operation not in OPERATIONS:
        raise InputError(f"operation must be one of: {', '.join(OPERATIONS)}")
    if operation != "mask" and vault is None:
        raise InputError(f"the {operation} operation needs a vault")
    resource = data if isinstance(data, dict) else parse(data)
    validate(resource, "input")
    text = layout(resource)
    sites = collect(resource, rules or default_rules(),
                    lambda value: detect_spans(value, threshold, detector, policy))
    result = FhirResult(None, None)

    def build(salt: bytes, mode: HashMode) -> list[Edit]:
        news = _replacements(sites, operation, salt, mode, vault)
        edits = _edits(text, sites, news)
        changed = parse(replace_spans(text.text, [(e.begin, e.end, e.new) for e in edits]))
        validate(changed, "output")
        result.resource = changed
        result.counts = Counter(e.type.value for e in edits if e.new or e.type is not EntityType.OTHER)
        return edits

    if operation == "mask":
        salt = vault.scope_salt(scope) if vault is not None and scope else secrets.token_bytes(32)
        build(salt, HashMode.LINKED)
        return result
    assert vault is not None
    stored = deidentify_edits(text.text, vault, scope, build)
    result.message_hash = stored.message_hash
    return result


def reidentify_resource(data: bytes | str, vault: Vault, caller: str = "local") -> Any:
    """The original of a de-identified resource (its members in the same order); audited."""
    resource = parse(data)
    return parse(reidentify(vault, deidentified_text=canonical(resource), caller=caller))


def _replacements(sites: Sequence[Site], operation: str, salt: bytes, mode: HashMode,
                  vault: Vault | None) -> list[Any]:
    """The new value of each site: a string, or for free text a list of (begin, end, new)."""
    days = offset_days(salt)
    news: list[Any] = [None] * len(sites)
    phi: list[tuple[int, int, EntityType, str]] = []  # (site, entity index or -1, type, value)
    for index, site in enumerate(sites):
        if site.kind == "date":
            news[index] = shift_dates(site.value, days) or site.value
        elif site.kind == "id":
            news[index] = pseudo_id(salt, site.value)
        elif site.kind == "reference":
            news[index] = pseudo_reference(salt, site.value) or site.value
        elif site.kind == "value" or (site.kind == "part" and (operation == "surrogate"
                                                                or site.part not in KEPT_PARTS)):
            phi.append((index, -1, site.type, site.value))
        elif site.kind in {"text", "xhtml", "data"}:
            news[index] = []
            phi += [(index, n, e.type, site.value[e.begin:e.end]) for n, e in enumerate(site.entities)]
    values = _phi_values(sites, phi, operation, salt, mode, vault)
    for (index, number, _, _), new in zip(phi, values, strict=True):
        if number < 0:
            news[index] = new
        else:
            entity = sites[index].entities[number]
            news[index].append((entity.begin, entity.end, html.escape(new, quote=False)
                                if sites[index].kind == "xhtml" else new))
    return news


def _phi_values(sites: Sequence[Site], phi: list[tuple[int, int, EntityType, str]], operation: str,
                salt: bytes, mode: HashMode, vault: Vault | None) -> list[str]:
    if operation == "mask":
        return [kind.value for _, _, kind, _ in phi]
    assert vault is not None
    tokenized = [i for i, (site, n, _, _) in enumerate(phi) if operation == "deidentify"
                 or (n < 0 and sites[site].token)]
    values = [""] * len(phi)
    tokens = token_replacements(vault, salt, mode, [(phi[i][2], phi[i][3]) for i in tokenized])
    for i, token in zip(tokenized, tokens, strict=True):
        values[i] = token
    if operation == "surrogate":
        _surrogates(sites, phi, set(tokenized), values, salt, mode, vault)
    return values


def _surrogates(sites: Sequence[Site], phi: list[tuple[int, int, EntityType, str]], done: set[int],
                values: list[str], salt: bytes, mode: HashMode, vault: Vault) -> None:
    from phimask.surrogates import SurrogateEngine, VaultRegistry
    from phimask.surrogates.places import render_parts

    engine = SurrogateEngine(salt, VaultRegistry(vault, salt), exact=mode is HashMode.EXACT)
    ref_year = engine.ref_year([v for _, _, k, v in phi if k is EntityType.DATE]
                               + [s.value for s in sites if s.kind == "date"])
    groups: dict[int, list[int]] = {}
    for i, (site, _, _, _) in enumerate(phi):
        if sites[site].kind == "part":
            groups.setdefault(sites[site].group, []).append(i)

    def produce(atoms: Any) -> list[str]:
        out = list(values)
        for members in groups.values():
            parts = render_parts({sites[phi[i][0]].part: phi[i][3] for i in members}, atoms)
            for i in members:
                out[i] = parts[sites[phi[i][0]].part]
        for i, (site, _, kind, value) in enumerate(phi):
            if i not in done and sites[site].kind != "part":
                out[i] = engine.value(kind, value, atoms, ref_year)
        return out

    values[:] = engine.render_with(produce)


def _entity_edits(base: int, value: str, replacements: list[tuple[int, int, str]],
                  entities: list[Entity]) -> list[Edit]:
    """Edits inside a JSON string whose content starts at ``base``."""
    return [Edit(base + len(escape(value[:b])), base + len(escape(value[:e])), escape(new), entity.type)
            for (b, e, new), entity in zip(replacements, entities, strict=True) if new != value[b:e]]


def _edits(text: Layout, sites: Sequence[Site], news: list[Any]) -> list[Edit]:
    edits: list[Edit] = []
    new_data: dict[int, str] = {}
    for index, (site, new) in enumerate(zip(sites, news, strict=True)):
        span = text.values.get(site.path)
        if site.kind in {"remove", "size"} or span is None:
            continue
        if site.kind in {"text", "xhtml"}:
            edits += _entity_edits(span.begin + 1, site.value, new, site.entities)
        elif site.kind == "data":
            plain = replace_spans(site.value, new)
            new_data[index] = plain
            encoded = base64.b64encode(plain.encode("utf-8")).decode("ascii")
            edits.append(Edit(span.begin + 1, span.end - 1, encoded, EntityType.OTHER))
        elif isinstance(new, str) and new != site.value:
            kind = EntityType.DATE if site.kind == "date" else site.type
            edits.append(Edit(span.begin + 1, span.end - 1, escape(new), kind))
    for site in sites:
        if site.kind == "size" and site.of in new_data and site.path in text.values:
            span = text.values[site.path]
            size = str(len(new_data[site.of].encode("utf-8")))
            edits.append(Edit(span.begin, span.end, size, EntityType.OTHER))
    edits += removal_edits(text, [s.path for s in sites if s.kind == "remove"])
    return sorted(edits, key=lambda e: e.begin)
