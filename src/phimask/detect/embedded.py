"""The embedded detector: offline, no model download, linear in the input size."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from phimask.detect import names, patterns, places
from phimask.detect.lexicon import fold, lexicon
from phimask.entities import Entity, EntityType

CHUNK = 100_000  # characters per detection window on long inputs
OVERLAP = 2_000  # characters shared by neighbouring windows

EPONYM_HEAD = re.compile(
    r"\b([A-Z][\w'-]+(?:(?:\s*-\s*|\s+and\s+|\s+)[A-Z][\w'-]+)?)(?:['’]s)?\s+"
    r"(?:disease|syndrome|sign|signs|test|scale|score|maneuver|manoeuvre|catheter|procedure|"
    r"criteria|classification|body|bodies|palsy|phenomenon|reflex|fracture|tumou?r|lymphoma|"
    r"sarcoma|ulcer|node|triad|position|encephalopathy|dementia|disorder|deformity|"
    r"contracture|esophagus|oesophagus|ectasia|cyst|diverticulum|anomaly|disease's|tube|"
    r"drain|stockings|hose|line|grade|stage|coma|pupil|respirations|murmur|point|block|pouch)\b",
    re.IGNORECASE,
)
CLINICAL_PHRASES = re.compile(
    r"\b(?:hunt\s+and\s+hess|swan[\s-]+ganz|guillain[\s-]+barr[eé]|creutzfeldt[\s-]+jakob|"
    r"lewy\s+body|glasgow\s+coma|cheyne[\s-]+stokes|wolff[\s-]+parkinson[\s-]+white|"
    r"mallory[\s-]+weiss|sengstaken[\s-]+blakemore|stevens[\s-]+johnson|non[\s-]+hodgkin|"
    r"roux[\s-]+en[\s-]+y|a\s+fib|a-fib|in\s+and\s+out)\b",
    re.IGNORECASE,
)


WORDLIKE = {EntityType.NAME, EntityType.ADDRESS, EntityType.OTHER, EntityType.PROFESSION}


class EmbeddedDetector:
    """Rules, context cues and shipped lexicons; see docs in README ("Detector")."""

    name = "embedded"

    def __init__(self) -> None:
        lexicon()  # load word lists up front, not on the first request

    def detect(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for offset, window in _windows(text):
            for entity in _detect_window(window):
                found.append(_shift(entity, offset))
        return _propagate_names(text, _dedupe(found))


def _windows(text: str) -> Iterator[tuple[int, str]]:
    if len(text) <= CHUNK:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK // 2, end)
            end = cut + 1 if cut > 0 else end
        yield start, text[start:end]
        if end >= len(text):
            return
        start = max(end - OVERLAP, start + 1)
        while start < end and not text[start - 1].isspace():
            start += 1


def _shift(entity: Entity, offset: int) -> Entity:
    if not offset:
        return entity
    return Entity(entity.begin + offset, entity.end + offset, entity.type, entity.score,
                  entity.text, entity.traits)


def _dedupe(entities: Iterable[Entity]) -> list[Entity]:
    best: dict[tuple[int, int, EntityType], Entity] = {}
    for e in entities:
        key = (e.begin, e.end, e.type)
        if key not in best or best[key].score < e.score:
            best[key] = e
    return list(best.values())


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Clinical phrases that look like names ("Parkinson disease", "Hunt and Hess")."""
    lex = lexicon()
    spans = [(m.start(), m.end()) for m in CLINICAL_PHRASES.finditer(text)]
    for m in EPONYM_HEAD.finditer(text):
        head = m.group(1)
        parts = re.split(r"\s*-\s*|\s+and\s+|\s+", head)
        if any(lex.is_clinical(p) for p in parts) or lex.is_name(parts[-1]):
            spans.append((m.start(1), m.end(1)))
    return spans


def _detect_window(text: str) -> list[Entity]:
    found: list[Entity] = []
    for recognizer in (*patterns.RECOGNIZERS, *places.RECOGNIZERS):
        found.extend(recognizer(text))
    found.extend(names.find_names(text))
    protected = _protected_spans(text)
    if protected:
        found = [e for e in found if e.type not in WORDLIKE
                 or not any(b <= e.begin and e.end <= end for b, end in protected)]
    return [e for e in found if e.end > e.begin and e.text.strip()]


def _propagate_names(text: str, entities: list[Entity]) -> list[Entity]:
    """Every later mention of a name found with confidence is a name too."""
    lex = lexicon()
    known: set[str] = set()
    for e in entities:
        if e.type is EntityType.NAME and e.score >= 0.75:
            for word in names.WORD.findall(e.text):
                bare = word.rstrip(".")
                if len(bare) >= 3 and not lex.is_clinical(bare) and (
                    lex.zipf(bare) < 4.0 or (lex.is_name(bare) and lex.zipf(bare) < 4.6)
                ):
                    known.add(fold(bare))
    if not known:
        return entities
    extra: list[Entity] = []
    for m in names.WORD.finditer(text):
        bare = m.group(0).rstrip(".")
        if fold(bare) in known:
            extra.append(Entity(m.start(), m.start() + len(bare), EntityType.NAME, 0.8, bare))
    return entities + extra
