"""Walk a resource with the rule table and list every place that must change (a *site*),
with the entities found in its free text. Nothing is replaced here: the operations decide
how each site changes (type label, token or surrogate)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phimask.entities import Entity, EntityType
from phimask.fhir.ids import pseudo_reference
from phimask.fhir.jsontext import Path
from phimask.fhir.rules import Rule, RuleTable

Finder = Callable[[str], list[Entity]]
_MARKUP = re.compile(r"<[^>]*>|&[#\w]+;")
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/fhir+json",
               "application/fhir+xml")
_CONTACT_TYPES = {"email": EntityType.EMAIL, "url": EntityType.URL}
_ADDRESS_PARTS = ("city", "district", "state", "postalCode", "country", "text")


@dataclass(slots=True, repr=False)
class Site:
    """One value to change. ``kind``: value (a whole PHI value of ``type``), text / xhtml /
    data (free text, plain, narrative XHTML or a base64 attachment, with ``entities``),
    date, id, reference, remove (the member at ``path``), size (an attachment's byte count,
    from the data site ``of``), part (one part of the address ``group``)."""

    kind: str
    path: Path
    value: str = ""
    type: EntityType = EntityType.OTHER
    entities: list[Entity] = field(default_factory=list)
    group: int = -1
    part: str = ""
    token: bool = False  # a ``token`` rule: a token even when surrogates are asked for
    of: int = -1


class Collector:
    """Collects the sites of one resource (a Bundle includes its entries)."""

    def __init__(self, rules: RuleTable, find: Finder) -> None:
        self.rules = rules
        self.find = find
        self.sites: list[Site] = []
        self._groups = 0

    def walk(self, node: Any, path: Path, names: tuple[str, ...],
             parent: dict[str, Any] | None = None) -> None:
        if isinstance(node, dict) and isinstance(node.get("resourceType"), str):
            names = (node["resourceType"],)  # a resource: its rules start again at its type
            rule = None
        else:
            rule = self.rules.match(names) if len(names) > 1 else None
        action = rule.action if rule else None
        if action == "keep":
            return
        if action == "remove":
            self.sites.append(Site("remove", path))
            return
        if isinstance(node, list):
            for index, item in enumerate(node):
                self.walk(item, (*path, index), names, parent)
        elif isinstance(node, dict):
            self._object(node, path, names, action)
        elif isinstance(node, str):
            self._string(node, path, rule, parent)

    def _object(self, node: dict[str, Any], path: Path, names: tuple[str, ...], action: str | None) -> None:
        handled: set[str] = set()
        if action == "contact" and isinstance(node.get("value"), str):
            kind = _CONTACT_TYPES.get(str(node.get("system")), EntityType.PHONE_OR_FAX)
            self.sites.append(Site("value", (*path, "value"), node["value"], kind))
            handled.add("value")
        elif action == "address":
            handled = self._address(node, path)
        elif action == "attachment":
            handled = self._attachment(node, path)
        for key, value in node.items():
            if key not in handled:
                self.walk(value, (*path, key), (*names, key), node)

    def _string(self, value: str, path: Path, rule: Rule | None, parent: dict[str, Any] | None) -> None:
        action = rule.action if rule else "text"
        if action in {"surrogate", "token"} and rule is not None and rule.type is not None:
            self.sites.append(Site("value", path, value, rule.type, token=action == "token"))
        elif action == "date-shift":
            self.sites.append(Site("date", path, value, EntityType.DATE))
        elif action == "id" or (action == "reference" and pseudo_reference(b"", value) is not None):
            self.sites.append(Site(action, path, value, EntityType.ID))
        elif action == "xhtml":
            self._text(value, path, "xhtml")
        elif action in {"text", "reference", "contact", "address", "attachment"}:
            self._text(value, path, "text")

    def _text(self, value: str, path: Path, kind: str) -> None:
        if not value.strip():
            return
        entities = self.find(value)
        if kind == "xhtml":
            markup = [m.span() for m in _MARKUP.finditer(value)]
            entities = [e for e in entities if not any(b < e.end and e.begin < f for b, f in markup)]
        if entities:
            self.sites.append(Site(kind, path, value, entities=entities))

    def _address(self, node: dict[str, Any], path: Path) -> set[str]:
        group = self._groups
        self._groups += 1
        handled: set[str] = set()
        for index, line in enumerate(node.get("line") or []):
            if isinstance(line, str) and line.strip():
                self.sites.append(Site("part", (*path, "line", index), line, EntityType.ADDRESS, group=group,
                                       part=f"line{index}"))
        if isinstance(node.get("line"), list):
            handled.add("line")
        for part in _ADDRESS_PARTS:
            if isinstance(node.get(part), str) and node[part].strip():
                self.sites.append(Site("part", (*path, part), node[part], EntityType.ADDRESS, group=group,
                                       part=part))
                handled.add(part)
        return handled

    def _attachment(self, node: dict[str, Any], path: Path) -> set[str]:
        handled = {"data", "hash", "size", "url", "title"} & set(node)
        data = node.get("data")
        if isinstance(data, str):
            text = _decoded_text(data, str(node.get("contentType", "")))
            if text is None:
                self.sites.append(Site("remove", (*path, "data")))
                for extra in ("hash", "size"):
                    if extra in node:
                        self.sites.append(Site("remove", (*path, extra)))
            else:
                entities = self.find(text) if text.strip() else []
                if entities:
                    data_site = len(self.sites)
                    self.sites.append(Site("data", (*path, "data"), text, entities=entities))
                    if "hash" in node:
                        self.sites.append(Site("remove", (*path, "hash")))
                    if isinstance(node.get("size"), int):
                        self.sites.append(Site("size", (*path, "size"), of=data_site))
        if isinstance(node.get("url"), str):
            self.sites.append(Site("value", (*path, "url"), node["url"], EntityType.URL))
        if isinstance(node.get("title"), str):
            self._text(node["title"], (*path, "title"), "text")
        return handled


def _decoded_text(data: str, content_type: str) -> str | None:
    """The text of a base64 attachment, or None for binary data (PDFs, images...)."""
    if not content_type.lower().startswith(_TEXT_TYPES):
        return None
    try:
        return base64.b64decode(data, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def collect(resource: Any, rules: RuleTable, find: Finder) -> list[Site]:
    collector = Collector(rules, find)
    collector.walk(resource, (), ())
    return collector.sites
