"""Reversible de-identification: PHI spans become keyed tokens, originals go to the vault.

``deidentify`` replaces every entity with a token (see :mod:`phimask.tokens`) and stores
each original value encrypted under the SHA3-256 hash of the de-identified text;
``reidentify`` turns that text (or its hash) back into the original, byte for byte, and
audits the call. A text that already contains token-like strings is handled by vaulting
those strings too, as ``OTHER`` entities, so they come back unchanged.

With ``style="surrogate"`` each entity becomes a realistic surrogate instead
(:mod:`phimask.surrogates`). Surrogates cannot be parsed back out of the text (and may
equal real text elsewhere in it), so each vault row records where its replacement sits:
its ``token`` is a *span reference* ``@<length>:<digest>`` (the length and a SHA3-256
digest of the replacement), and re-identification replaces exactly those offsets.
``deidentify_edits`` stores any such set of replacements (the FHIR operations use it).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from phimask.detect.base import Detector, KnownEntities
from phimask.entities import Entity, EntityType, merge_entities, replace_spans
from phimask.errors import InputError
from phimask.pipeline import effective_policy, find_phi
from phimask.policy import Policy
from phimask.policy.apply import Applied, apply_policy
from phimask.textio import MAX_TEXT_BYTES
from phimask.tokens import HashMode, entity_hash, find_tokens, keyed_hash, scope_id
from phimask.vault.base import AuditEntry, PendingEntity, PendingMessage, StoredMessage, StoreOutcome, Vault
from phimask.vault.errors import (
    MessageConflictError,
    UnresolvedTokenError,
    VaultError,
    VaultIntegrityError,
)
from phimask.vault.schema import now, sha3_hex

log = logging.getLogger(__name__)
MAX_LABEL = 256  # scope names and caller ids
_DIGEST_SCOPE = "\x00original-digest"  # reserved: user scope names cannot hold control characters
_HASH = re.compile(r"[0-9a-f]{64}")
STYLES = ("token", "surrogate")
SPAN_REF = re.compile(r"@(\d+):([0-9a-f]{16})")


@dataclass(frozen=True, slots=True, repr=False)
class Edit:
    """Replace ``original[begin:end]`` (a value of ``type``) with ``new``."""

    begin: int
    end: int
    new: str
    type: EntityType


EditBuilder = Callable[[bytes, HashMode], Sequence[Edit]]


def span_ref(new: str) -> str:
    """The vault-row ``token`` of a replacement that is not a token: length and digest."""
    return f"@{len(new)}:{sha3_hex(new)[:16]}"


@dataclass(frozen=True, slots=True)
class DeidResult:
    """The de-identified text and its vault key."""

    deidentified_text: str
    message_hash: str

    def to_dict(self) -> dict[str, str]:
        return {"deidentifiedText": self.deidentified_text, "messageHash": self.message_hash}


def deidentify(text: str, vault: Vault, scope: str | None = None, *, detector: Detector | None = None,
               threshold: float | None = None, style: str = "token",
               policy: Policy | None = None) -> DeidResult:
    """Replace each PHI entity of ``text`` with its token (or, with ``style="surrogate"``,
    a realistic surrogate) and store the mapping in ``vault``.

    ``scope`` names a dataset whose documents share tokens (same value, same token); without
    one (and without one in ``policy``), a fresh random scope makes this document's tokens
    unlinkable to any other. A ``policy`` with operations per type applies them instead of
    ``style`` for those types (Safe Harbor generalizations are not reversible).
    """
    applied = deidentify_document(text, vault, scope, detector=detector, threshold=threshold, style=style,
                                  policy=policy)[1]
    assert applied.message_hash is not None
    return DeidResult(applied.text, applied.message_hash)


def deidentify_document(text: str, vault: Vault, scope: str | None = None, *,
                        detector: Detector | None = None, threshold: float | None = None,
                        style: str = "token", policy: Policy | None = None) -> tuple[list[Entity], Applied]:
    """``deidentify``, returning the entities found and the full result (for reports)."""
    if style not in STYLES:
        raise InputError(f"style must be one of: {', '.join(STYLES)}")
    if not isinstance(text, str):
        raise InputError("text must be a string")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise InputError("text is not valid Unicode (it contains a lone surrogate)") from None
    if size > MAX_TEXT_BYTES:
        raise InputError(f"text is larger than the {MAX_TEXT_BYTES // (1024 * 1024)} MiB limit")
    chosen = effective_policy(policy, None if isinstance(detector, KnownEntities) else threshold)
    entities = _spans(text, threshold, detector, chosen)
    scope = scope if scope is not None else chosen.scope
    if style == "surrogate" or chosen.has_operations:
        return entities, apply_policy(text, entities, chosen, style, vault=vault, scope=scope)
    salt = _scope_salt(vault, scope)
    digest_key = vault.scope_salt(_DIGEST_SCOPE)
    operations = {e.type.value: "token" for e in entities}
    for mode in HashMode:
        message = _plan(text, entities, vault, salt, digest_key, mode)
        if vault.store(message) is not StoreOutcome.CONFLICT:
            log.info("de-identified a message: %d entities", len(entities))
            replaced = tuple((t.begin, t.end) for t in find_tokens(message.deidentified_text))
            return entities, Applied(message.deidentified_text, message.message_hash, operations, replaced)
        log.info("de-identified text already maps to another original; using exact tokens")
    raise MessageConflictError("de-identified text already belongs to a different original in this scope")


def deidentify_edits(text: str, vault: Vault, scope: str | None, build: EditBuilder) -> DeidResult:
    """Store the replacements ``build(scope_salt, mode)`` makes in ``text``, reversibly.

    ``build`` is called again in ``exact`` mode when the result already belongs to another
    original (see ``deidentify``); its edits must not overlap.
    """
    salt = _scope_salt(vault, scope)
    digest_key = vault.scope_salt(_DIGEST_SCOPE)
    for mode in HashMode:
        message = plan_edits(text, build(salt, mode), salt, digest_key)
        if vault.store(message) is not StoreOutcome.CONFLICT:
            log.info("de-identified a message: %d replacements", len(message.entities))
            return DeidResult(message.deidentified_text, message.message_hash)
        log.info("de-identified text already maps to another original; using exact mode")
    raise MessageConflictError("de-identified text already belongs to a different original in this scope")


def surrogate_edits(text: str, entities: Sequence[Entity], vault: Vault, salt: bytes,
                    mode: HashMode) -> list[Edit]:
    """Surrogates for ``entities``, kept one-to-one in the scope by the vault's registry."""
    from phimask.surrogates import SurrogateEngine, VaultRegistry

    engine = SurrogateEngine(salt, VaultRegistry(vault, salt), exact=mode is HashMode.EXACT)
    news = engine.render([(e.type, text[e.begin:e.end]) for e in entities])
    return [Edit(e.begin, e.end, new, e.type) for e, new in zip(entities, news, strict=True)
            if new != text[e.begin:e.end]]


def token_replacements(vault: Vault, salt: bytes, mode: HashMode,
                       items: Sequence[tuple[EntityType, str]]) -> list[str]:
    """The collision-checked tokens of ``(type, value)`` items in the scope of ``salt``."""
    hashes = [entity_hash(salt, kind, value, mode) for kind, value in items]
    typed = [(kind, h) for (kind, _), h in zip(items, hashes, strict=True)]
    tokens = vault.resolve_tokens(scope_id(salt), typed)
    return [tokens[h] for h in hashes]


def plan_edits(text: str, edits: Sequence[Edit], salt: bytes, digest_key: bytes) -> PendingMessage:
    """The message to store for ``edits`` of ``text``: a row per edit, at its offset."""
    pending: list[PendingEntity] = []
    shift = 0
    for edit in sorted(edits, key=lambda e: e.begin):
        value = text[edit.begin:edit.end]
        pending.append(PendingEntity(span_ref(edit.new), edit.type, edit.begin, edit.end,
                                     edit.begin + shift, value, keyed_hash(salt, "value", value)))
        shift += len(edit.new) - len(value)
    deid = replace_spans(text, [(e.begin, e.end, e.new) for e in edits])
    message_hash = sha3_hex(deid)
    digest = keyed_hash(digest_key, "original", message_hash, text)
    return PendingMessage(message_hash, deid, scope_id(salt), digest, tuple(pending))


def _scope_salt(vault: Vault, scope: str | None) -> bytes:
    return vault.scope_salt(_label(scope, "scope") if scope is not None else secrets.token_hex(16))


def reidentify(vault: Vault, *, deidentified_text: str | None = None, message_hash: str | None = None,
               caller: str = "local") -> str:
    """The original text of a de-identified text (or of its ``message_hash``). Every call
    is audited; a token without a mapping is refused, never guessed."""
    caller = _label(caller, "caller")
    message_hash = _message_hash(deidentified_text, message_hash)
    try:
        stored = vault.load(message_hash)
        original = _restore(stored, deidentified_text)
    except VaultError as exc:
        _audit(vault, message_hash, caller, 0, f"refused:{exc.code}")
        raise
    _audit(vault, message_hash, caller, stored.token_count, "ok")
    return original


def detect_spans(text: str, threshold: float | None = None, detector: Detector | None = None,
                 policy: Policy | None = None) -> list[Entity]:
    """The entities ``deidentify`` replaces: detected PHI plus token-like literals."""
    return _spans(text, threshold, detector, policy)


def _spans(text: str, threshold: float | None, detector: Detector | None,
           policy: Policy | None) -> list[Entity]:
    """Detected entities plus any token-like literal, merged and sorted."""
    entities = find_phi(text, threshold, detector, policy)
    literals = [Entity(m.begin, m.end, EntityType.OTHER, 1.0, m.token) for m in find_tokens(text)]
    return merge_entities([*entities, *literals], text) if literals else entities


def _plan(text: str, entities: Sequence[Entity], vault: Vault, salt: bytes, digest_key: bytes,
          mode: HashMode) -> PendingMessage:
    """Tokens for ``entities`` and the message to store. ``digest_key`` keys the digest that
    tells two originals of one de-identified text apart (it includes the message hash, so
    equal originals in different messages are not linkable through it)."""
    sid = scope_id(salt)
    hashes = [(e.type, entity_hash(salt, e.type, text[e.begin:e.end], mode)) for e in entities]
    tokens = vault.resolve_tokens(sid, hashes)
    pending: list[PendingEntity] = []
    shift = 0
    for entity, (_, full_hash) in zip(entities, hashes, strict=True):
        token, value = tokens[full_hash], text[entity.begin:entity.end]
        pending.append(PendingEntity(token, entity.type, entity.begin, entity.end, entity.begin + shift,
                                     value, keyed_hash(salt, "value", value)))
        shift += len(token) - len(value)
    deid = replace_spans(text, [(p.begin, p.end, p.token) for p in pending])
    if [(m.begin, m.token) for m in find_tokens(deid)] != [(p.deid_begin, p.token) for p in pending]:
        raise VaultIntegrityError("tokens would not parse back unambiguously; nothing was stored")
    message_hash = sha3_hex(deid)
    digest = keyed_hash(digest_key, "original", message_hash, text)
    return PendingMessage(message_hash, deid, sid, digest, tuple(pending))


def _restore(stored: StoredMessage, given: str | None) -> str:
    text = stored.deidentified_text
    if given is not None and given != text:
        raise VaultIntegrityError("stored text differs from the given text")
    if stored.token_count == 0 and not stored.entities:
        return text  # nothing was replaced (a token-like literal would have been)
    if any(e.token.startswith("@") for e in stored.entities):
        return _restore_by_offset(text, stored)
    matches = find_tokens(text)
    if len(matches) != stored.token_count:
        raise VaultIntegrityError("stored token count differs from the tokens in the text")
    values = {(e.deid_begin, e.token): e.value for e in stored.entities}
    replacements: list[tuple[int, int, str]] = []
    for number, match in enumerate(matches, start=1):
        value = values.get((match.begin, match.token))
        if value is None:
            raise UnresolvedTokenError(
                f"token {number} of {len(matches)} (offset {match.begin}) has no mapping in the vault; "
                "if a de-identify request was interrupted, repeat it")
        replacements.append((match.begin, match.end, value))
    return replace_spans(text, replacements)


def _restore_by_offset(text: str, stored: StoredMessage) -> str:
    """Surrogates and other edits: each row names its offset and checks what sits there."""
    if len(stored.entities) != stored.token_count:
        raise VaultIntegrityError("stored row count differs from the message header")
    replacements: list[tuple[int, int, str]] = []
    cursor = 0
    rows = sorted(stored.entities, key=lambda e: (e.deid_begin, len(e.token)))
    for number, row in enumerate(rows, start=1):
        ref = SPAN_REF.fullmatch(row.token)
        length = int(ref.group(1)) if ref else -1
        piece = text[row.deid_begin:row.deid_begin + length]
        same = ref is not None and sha3_hex(piece)[:16] == ref.group(2)
        if not same or row.deid_begin < cursor or row.deid_begin + length > len(text):
            raise VaultIntegrityError(f"replacement {number} of {len(rows)} does not match the stored text")
        replacements.append((row.deid_begin, row.deid_begin + length, row.value))
        cursor = row.deid_begin + length
    return replace_spans(text, replacements)


def _audit(vault: Vault, message_hash: str, caller: str, token_count: int, outcome: str) -> None:
    vault.record_audit(AuditEntry(message_hash, caller, now(), token_count, outcome))


def check_scope(scope: object) -> str:
    """A valid scope name (printable, 1 to 256 characters)."""
    return _label(scope, "scope")


def _label(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LABEL:
        raise InputError(f"{name} must be a non-empty string of at most {MAX_LABEL} characters")
    if not value.isprintable():
        raise InputError(f"{name} must not contain control characters")
    return value


def _message_hash(deidentified_text: str | None, message_hash: str | None) -> str:
    if deidentified_text is None and message_hash is None:
        raise InputError("give deidentifiedText or messageHash")
    if message_hash is not None and (not isinstance(message_hash, str)
                                     or not _HASH.fullmatch(message_hash.lower())):
        raise InputError("messageHash must be 64 hexadecimal digits")
    if deidentified_text is None:
        return str(message_hash).lower()
    if not isinstance(deidentified_text, str) or not deidentified_text:
        raise InputError("deidentifiedText must be a non-empty string")
    computed = sha3_hex(deidentified_text)
    if message_hash is not None and message_hash.lower() != computed:
        raise InputError("messageHash does not match deidentifiedText")
    return computed
