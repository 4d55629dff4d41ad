"""The ``phimask`` command line. Errors go to stderr with exit code 2 and never echo
input text."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from phimask import __version__
from phimask.clikit import fails_cleanly, policy_option, report_option
from phimask.detect.base import DEFAULT_THRESHOLD, check_threshold
from phimask.entities import entities_to_response
from phimask.errors import PhimaskError
from phimask.mask import MaskStyle
from phimask.pipeline import DETECTOR_CHOICES, DETECTOR_ENV, effective_policy, find_phi, mask_document
from phimask.policy import Policy, resolve_policy
from phimask.textio import decode_text, read_text

F = TypeVar("F", bound=Callable[..., Any])
STYLES = [s.value for s in MaskStyle]


def threshold_option(command: F) -> F:
    def check(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
        try:
            return None if value is None else check_threshold(value)
        except PhimaskError as exc:
            raise click.BadParameter(str(exc)) from None

    return click.option(
        "--threshold", type=float, default=None, callback=check,
        help=f"Minimum entity score in [0, 1]. Default: the policy's ({DEFAULT_THRESHOLD} in shipped ones).",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="phimask")
@click.option("--detector", type=click.Choice(DETECTOR_CHOICES), envvar=DETECTOR_ENV, default="embedded",
              show_default=True,
              help="Local detector: the embedded rules, or their union with the learned tagger "
                   "(higher recall, lower precision and speed; needs pip install 'phimask[tagger]').")
def main(detector: str) -> None:
    """Find protected health information (PHI) in clinical text and mask it."""
    os.environ[DETECTOR_ENV] = detector  # batch workers and the server inherit it


@main.command()
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--jsonl", "jsonl", type=click.Path(dir_okay=False), default=None,
              help='Batch input: one {"id", "text"} object a line.')
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="With --jsonl: write results here instead of standard output.")
@threshold_option
@policy_option
@fails_cleanly
def identify(file: str, jsonl: str | None, out: str | None, threshold: float | None,
             policy_ref: str | None) -> None:
    """Print the PHI entities of FILE (or standard input) as {"Entities": [...]}."""
    policy = effective_policy(resolve_policy(policy_ref), threshold)
    if jsonl is None:
        if out:
            raise click.UsageError("--out goes with --jsonl")
        text = read_text(file)
        click.echo(json.dumps(entities_to_response(find_phi(text, policy=policy)), ensure_ascii=False))
        return
    if file != "-":
        raise click.UsageError("give either FILE or --jsonl, not both")
    source = Path(jsonl)
    if not source.is_file():
        raise click.UsageError(f"{jsonl}: no such file")
    records = list(_records(source.read_bytes().splitlines(), jsonl))  # validate all first
    started = time.perf_counter()
    if out:
        partial = Path(f"{out}.partial")
        try:
            with partial.open("w", encoding="utf-8") as sink:
                count = _identify_records(records, sink, policy)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    else:
        count = _identify_records(records, sys.stdout, policy)
    elapsed = max(time.perf_counter() - started, 1e-9)
    click.echo(f"{count} notes in {elapsed:.2f} s ({count / elapsed:.1f} notes/s)", err=True)


def _records(lines: list[bytes], source: str) -> Iterator[tuple[Any, str]]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(decode_text(raw, f"{source} line {number}"))
        except json.JSONDecodeError:
            raise PhimaskError(f"{source} line {number}: not valid JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise PhimaskError(f'{source} line {number}: expected an object with a "text" string')
        yield record.get("id", number), record["text"]


def _identify_records(records: list[tuple[Any, str]], sink: TextIO, policy: Policy) -> int:
    from tqdm import tqdm

    count = 0
    bar = tqdm(total=len(records), unit="note", disable=not sys.stderr.isatty(), file=sys.stderr)
    with bar:
        for record_id, text in records:
            entities = find_phi(text, policy=policy) if text.strip() else []
            result = {"id": record_id, **entities_to_response(entities)}
            sink.write(json.dumps(result, ensure_ascii=False) + "\n")
            count += 1
            bar.update(1)
    return count


@main.command("mask")
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--style", type=click.Choice(STYLES), default="type", show_default=True,
              help="type: NAME; char: ####; numbered: NAME1, NAME2; redact: removed; "
                   "surrogate: realistic values of the same type and shape. A policy's "
                   "operation for a type takes precedence.")
@click.option("--scope", default=None, help="Surrogates and date shifts: the same value gets the same "
              "surrogate in every file masked with this scope (key from $PHIMASK_HOME).")
@threshold_option
@policy_option
@report_option
@fails_cleanly
def mask_command(file: str, style: str, scope: str | None, threshold: float | None, policy_ref: str | None,
                 report_path: Path | None) -> None:
    """Print FILE (or standard input) with every PHI span masked."""
    policy = effective_policy(resolve_policy(policy_ref), threshold)
    keyed = style == MaskStyle.SURROGATE or any(
        r.operation in {"surrogate", "dateshift"} for r in policy.rules.values())
    if scope is not None and not keyed:
        raise click.UsageError("--scope goes with --style surrogate (or a policy with surrogate operations)")
    scope = scope if scope is not None or not keyed else policy.scope
    salt = None
    if scope is not None:
        from phimask.deid import check_scope
        from phimask.keys import LocalKeys

        salt = LocalKeys.open().scope_salt(check_scope(scope))
    text = read_text(file)
    entities, applied = mask_document(text, style, policy=policy, salt=salt)
    if report_path is not None:
        from phimask.report import write_text_report

        write_text_report(report_path, file, entities, applied, policy)
    click.echo(applied.text, nl=False)


@main.command()
@fails_cleanly
def demo() -> None:
    """Run the sample job offline: identify and mask the bundled sample notes."""
    from phimask.demo import run_demo

    run_demo(click.echo)


def _register_command_groups() -> None:
    """Commands that live in modules of their own (vault, images, server)."""
    from phimask import cli_batch, cli_fhir, cli_image, cli_policy, cli_serve, cli_vault

    for module in (cli_vault, cli_image, cli_serve, cli_fhir, cli_batch, cli_policy):
        module.register(main)


_register_command_groups()

if __name__ == "__main__":
    main()
