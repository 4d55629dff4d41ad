"""Running a policy's operations over the entities of one text.

Irreversible operations (mask styles, Safe Harbor generalizations) are applied first;
reversible ones (token, surrogate, dateshift) then go through the vault when there is one,
so re-identification restores everything but the generalized values, which Safe Harbor
means to be gone. Without a vault, surrogates and date shifts are plain masking (keyed by
the scope's salt when one is given) and tokens are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from phimask.entities import Entity, replace_spans
from phimask.errors import InputError
from phimask.mask import MaskStyle, renderer
from phimask.policy.model import SAFE_HARBOR, Policy, TypeRule
from phimask.tokens import HashMode
from phimask.vault.base import Vault

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Applied:
    """The output text, its vault key (reversible runs), the operation used per type found,
    and the spans of the output that are replacements (what a second pass may skip)."""

    text: str
    message_hash: str | None
    operations: dict[str, str]
    replaced: tuple[Span, ...] = field(default=())


def _fallback(style: str) -> tuple[str, str | None]:
    if style in {s.value for s in MaskStyle if s is not MaskStyle.SURROGATE}:
        return "mask", style
    if style in {"surrogate", "token"}:
        return style, None
    raise InputError(f"unknown style {style!r}")


def apply_policy(text: str, entities: Sequence[Entity], policy: Policy, style: str, *,
                 vault: Vault | None = None, scope: str | None = None, salt: bytes | None = None) -> Applied:
    """Apply ``policy`` to ``entities`` (merged, non-overlapping) of ``text``. ``style`` is
    the command's own style, used for types the policy gives no operation. With ``vault``
    the result is stored for re-identification under ``scope`` (default: the policy's)."""
    default_operation, default_style = _fallback(style)
    numbered = renderer(MaskStyle.NUMBERED)
    used: dict[str, str] = {}
    fixed: list[tuple[int, int, str]] = []
    later: list[tuple[Entity, str]] = []
    for entity in sorted(entities, key=lambda e: e.begin):
        rule = policy.rule(entity.type)
        operation = rule.operation or default_operation
        mask_style = rule.style if rule.operation else default_style
        used[entity.type.value] = TypeRule(operation, mask_style).label() or operation
        if operation == "keep":
            continue
        if operation == "mask":
            chosen = MaskStyle(mask_style or "type")
            render = numbered if chosen is MaskStyle.NUMBERED else renderer(chosen)
            fixed.append((entity.begin, entity.end, render(entity)))
        elif operation in SAFE_HARBOR:
            from phimask.safeharbor import OPERATORS

            fixed.append((entity.begin, entity.end, OPERATORS[operation](entity.text)))
        elif operation == "token" and vault is None:
            raise InputError("operation token needs the vault: use phimask deidentify (or the "
                             "/text/deidentify route)")
        else:
            later.append((entity, "surrogate" if operation == "dateshift" else operation))
    generalized = replace_spans(text, fixed)
    moved = _moved(later, fixed)
    spans = _output_spans(fixed)
    if vault is None:
        if not later:
            return Applied(generalized, None, used, tuple(spans))
        from phimask.mask import surrogate_replacements

        edits = surrogate_replacements(generalized, [e for e, _ in moved], salt)
        return Applied(replace_spans(generalized, edits), None, used, tuple(_compose(spans, edits)))
    return _store(generalized, moved, spans, vault, scope or policy.scope, used)


def _moved(later: list[tuple[Entity, str]], fixed: list[tuple[int, int, str]]) -> list[tuple[Entity, str]]:
    """``later`` entities in the coordinates of the text after the ``fixed`` edits."""
    out: list[tuple[Entity, str]] = []
    shift, index = 0, 0
    for entity, operation in later:
        while index < len(fixed) and fixed[index][1] <= entity.begin:
            begin, end, new = fixed[index]
            shift += len(new) - (end - begin)
            index += 1
        out.append((Entity(entity.begin + shift, entity.end + shift, entity.type, entity.score, entity.text,
                           entity.traits), operation))
    return out


def _output_spans(edits: Sequence[tuple[int, int, str]]) -> list[Span]:
    """Where the replacements of ``edits`` (sorted, non-overlapping) sit in the output."""
    spans: list[Span] = []
    shift = 0
    for begin, end, new in sorted(edits):
        spans.append((begin + shift, begin + shift + len(new)))
        shift += len(new) - (end - begin)
    return spans


def _compose(spans: list[Span], edits: Sequence[tuple[int, int, str]]) -> list[Span]:
    """``spans`` (sorted) of a text moved by ``edits`` on it, plus the edits' own output
    spans; one pass over both, as in ``_moved``."""
    moved: list[Span] = []
    ordered = sorted(edits)
    shift, index = 0, 0
    for begin, end in spans:
        while index < len(ordered) and ordered[index][1] <= begin:
            b, e, new = ordered[index]
            shift += len(new) - (e - b)
            index += 1
        moved.append((begin + shift, end + shift))
    return sorted(moved + _output_spans(ordered))


def _store(text: str, later: list[tuple[Entity, str]], spans: list[Span], vault: Vault, scope: str | None,
           used: dict[str, str]) -> Applied:
    from phimask.deid import Edit, deidentify_edits, surrogate_edits, token_replacements

    built: list[Edit] = []

    def build(salt: bytes, mode: HashMode) -> list[Edit]:
        tokens = [e for e, op in later if op == "token"]
        surrogates = [e for e, op in later if op == "surrogate"]
        news = token_replacements(vault, salt, mode, [(e.type, e.text) for e in tokens])
        edits = [Edit(e.begin, e.end, new, e.type) for e, new in zip(tokens, news, strict=True)]
        edits += surrogate_edits(text, surrogates, vault, salt, mode) if surrogates else []
        built[:] = sorted(edits, key=lambda e: e.begin)
        return built

    result = deidentify_edits(text, vault, scope, build)
    final = _compose(spans, [(e.begin, e.end, e.new) for e in built])
    return Applied(result.deidentified_text, result.message_hash, used, tuple(final))

