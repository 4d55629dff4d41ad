"""Amazon Comprehend Medical DetectPHI as a Detector.

DetectPHI takes fewer than 20,000 UTF-8 bytes per call, so longer texts are split at
sentence or whitespace boundaries into overlapping chunks; offsets (code points of the
chunk, i.e. Python str indices) are shifted back and duplicates from the overlaps dropped.
Throttling is retried with capped exponential back-off and full jitter. The boto3 client
is injected (or created lazily), so importing this module never imports boto3.

Fail closed: if any chunk cannot be checked (throttled after every retry, a service or
connection error, a malformed response), ``detect`` raises a ComprehendError and returns
nothing; the other chunks' entities are never returned as if the text were complete.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from phimask.entities import Entity, EntityType
from phimask.errors import DetectorFailed

MAX_CALL_BYTES = 19_000  # DetectPHI limit is < 20,000 bytes; keep a margin
OVERLAP_CHARS = 400  # text shared by neighbouring chunks (whole entities fit in it)
RETRYABLE = frozenset({
    "ThrottlingException", "TooManyRequestsException", "ServiceUnavailableException",
    "ServiceUnavailable", "InternalServerException",
})
_SENTENCE_END = re.compile(r"(?:[.!?;:]\s+|\n)")
_SPACE = re.compile(r"\s")
MALFORMED = "Comprehend Medical DetectPHI returned a malformed response"


class ComprehendError(DetectorFailed):
    """A DetectPHI call failed or its answer is unusable (the message names codes only)."""

    code = "DetectorFailed"


class ComprehendThrottled(ComprehendError):
    """Still throttled after every retry."""

    code = "ServiceBusy"


class DetectPhiClient(Protocol):
    """The one boto3 ``comprehendmedical`` client method used here."""

    def detect_phi(self, *, Text: str) -> Mapping[str, Any]: ...


def _prefix_end(text: str, start: int, max_bytes: int) -> int:
    """Largest ``end`` with ``text[start:end]`` encoding to at most ``max_bytes`` bytes."""
    window = text[start:start + max_bytes].encode("utf-8", "surrogatepass")[:max_bytes]
    return start + len(window.decode("utf-8", "ignore"))


def _cut(text: str, start: int, end: int) -> int:
    """A boundary in the second half of ``text[start:end]``: sentence end, else whitespace."""
    floor = start + (end - start) // 2
    for pattern in (_SENTENCE_END, _SPACE):
        last = None
        for match in pattern.finditer(text, floor, end):
            last = match.end()
        if last is not None and last > floor:
            return last
    return end  # one unbroken run of text: cut at the byte limit (a code point boundary)


def split_text(text: str, max_bytes: int = MAX_CALL_BYTES,
               overlap: int = OVERLAP_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, chunk)`` pairs covering ``text``; each chunk is at most ``max_bytes``
    UTF-8 bytes and starts ``overlap`` characters (moved to a word start) before the
    previous chunk's end."""
    if max_bytes < 16:
        raise ValueError("max_bytes is too small")
    start = 0
    while start < len(text):
        end = _prefix_end(text, start, max_bytes)
        if end < len(text):
            end = _cut(text, start, end)
        yield start, text[start:end]
        if end >= len(text):
            return
        nxt = max(end - overlap, start + (end - start) // 2)
        while nxt < end and not text[nxt - 1].isspace():
            nxt += 1
        start = nxt if nxt < end else end


def _align(item: Mapping[str, Any], chunk: str) -> tuple[int, int] | None:
    """The chunk span of a returned entity; re-anchored on its Text if the offsets drift."""
    begin, end = int(item["BeginOffset"]), int(item["EndOffset"])
    found = str(item.get("Text", ""))
    if 0 <= begin < end <= len(chunk) and (not found or chunk[begin:end] == found):
        return begin, end
    if found:
        near = chunk.find(found, max(0, begin - len(found) - 8))
        if near < 0:
            near = chunk.find(found)
        if near >= 0:
            return near, near + len(found)
    if 0 <= begin < len(chunk):
        return begin, min(max(end, begin + 1), len(chunk))
    return None


def _items(response: object) -> list[Mapping[str, Any]]:
    """The ``Entities`` of a DetectPHI response; ComprehendError when it is malformed."""
    items = response.get("Entities") if isinstance(response, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise ComprehendError(MALFORMED)
    return items


def _drop_duplicates(entities: list[Entity]) -> list[Entity]:
    """Drop an entity that another one of the same type covers (overlap re-detections)."""
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.begin, -e.end, -e.score)):
        if any(k.type == entity.type and k.begin <= entity.begin and entity.end <= k.end
               for k in kept[-8:]):
            continue
        kept.append(entity)
    return kept


class ComprehendMedicalDetector:
    """Detector backed by Comprehend Medical DetectPHI."""

    name = "comprehend-medical"

    def __init__(self, client: DetectPhiClient | None = None, *, min_score: float = 0.0,
                 max_bytes: int = MAX_CALL_BYTES, overlap: int = OVERLAP_CHARS,
                 max_attempts: int = 6, base_delay: float = 0.25, max_delay: float = 8.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self.min_score = min_score
        self.max_bytes = max_bytes
        self.overlap = overlap
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self.calls = 0  # DetectPHI requests made (for logs and tests)

    @property
    def client(self) -> DetectPhiClient:
        if self._client is None:
            import boto3

            self._client = boto3.client("comprehendmedical")
        return self._client

    def detect(self, text: str) -> list[Entity]:
        """Entities of every chunk; raises ComprehendError if any chunk could not be checked."""
        found: list[Entity] = []
        for offset, chunk in split_text(text, self.max_bytes, self.overlap):
            if not chunk.strip():
                continue
            for item in _items(self._detect_chunk(chunk)):
                entity = self._entity(item, chunk, offset, text)
                if entity.score >= self.min_score:
                    found.append(entity)
        return _drop_duplicates(found)

    def _entity(self, item: Mapping[str, Any], chunk: str, offset: int, text: str) -> Entity:
        """One returned entity on ``text``; an entity that cannot be placed or scored is a
        malformed response (dropping it would leave its PHI unmasked)."""
        try:
            span = _align(item, chunk)
            score = float(item["Score"])
            traits = tuple(str(t["Name"]) for t in item.get("Traits") or [] if "Name" in t)
        except (KeyError, TypeError, ValueError, OverflowError):
            raise ComprehendError(MALFORMED) from None
        if span is None or not math.isfinite(score):
            raise ComprehendError(MALFORMED)
        begin, end = span[0] + offset, span[1] + offset
        kind = str(item.get("Type", ""))
        entity_type = EntityType(kind) if kind in EntityType.__members__ else EntityType.OTHER
        return Entity(begin, end, entity_type, min(max(score, 0.0), 1.0), text[begin:end], traits)

    def _detect_chunk(self, chunk: str) -> Mapping[str, Any]:
        """One DetectPHI call, throttling retried; any other failure raises ComprehendError."""
        from botocore.exceptions import BotoCoreError, ClientError

        for attempt in range(self.max_attempts):
            self.calls += 1
            try:
                return self.client.detect_phi(Text=chunk)
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
                if code not in RETRYABLE:
                    raise ComprehendError(f"Comprehend Medical DetectPHI failed ({code})") from None
                if attempt + 1 < self.max_attempts:
                    cap = min(self.max_delay, self.base_delay * 2 ** attempt)
                    self._sleep(random.uniform(0, cap))
            except BotoCoreError as exc:  # connection, timeout, credentials: botocore retried already
                raise ComprehendError(
                    f"Comprehend Medical DetectPHI could not be called ({type(exc).__name__})") from None
        raise ComprehendThrottled(
            f"Comprehend Medical DetectPHI still throttled after {self.max_attempts} attempts"
        )
