"""``phimask fhir IN OUT``: de-identify a FHIR R4 resource or Bundle (JSON).

``register(main)`` adds the command. Operations: ``mask`` (one way), ``deidentify`` (tokens)
and ``surrogate`` (realistic values), both reversible through the local vault, and
``reidentify`` (audited). OUT is written whole or not at all; errors print one line and
exit with code 2, never echoing the input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from phimask.clikit import fails_cleanly, policy_option
from phimask.detect.base import check_threshold
from phimask.errors import InputError
from phimask.textio import MAX_TEXT_BYTES

OPERATIONS = ("mask", "deidentify", "surrogate", "reidentify")


def _read(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError("IN does not exist (or is not a file)")
        data = path.read_bytes()
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"IN is larger than the {MAX_TEXT_BYTES // (1024 * 1024)} MiB limit")
    return data


def _write(target: str, text: str) -> None:
    from phimask.files import write_atomic

    if target == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(Path(target), text.encode("utf-8"))


@click.command("fhir")
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@click.option("--operation", type=click.Choice(OPERATIONS), default="deidentify", show_default=True,
              help="mask: labels, one way; deidentify: tokens; surrogate: realistic values; "
                   "reidentify: the original of a de-identified resource (audited).")
@click.option("--scope", default=None, help="Dataset scope: the same value gets the same token, surrogate, "
              "pseudonymous id and date shift in every resource of the scope.")
@click.option("--threshold", type=float, default=None,
              help="Minimum entity score in [0, 1] for free text. Default: the policy's (0.5).")
@click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Another rule table (JSON, the format of the shipped rules.json; docs/fhir.md).")
@policy_option
@fails_cleanly
def fhir_command(source: str, target: str, operation: str, scope: str | None, threshold: float | None,
                 rules: Path | None, policy_ref: str | None) -> None:
    """De-identify the FHIR R4 resource or Bundle IN (JSON file, or - for standard input)
    into OUT (or - for standard output). A policy's thresholds and allow/deny lists apply
    to free text; structured fields follow the rule table."""
    from phimask.cli_vault import _user
    from phimask.fhir import RuleTable, process, reidentify_resource
    from phimask.fhir.jsontext import pretty
    from phimask.policy import resolve_policy
    from phimask.vault.sqlite import SQLiteVault

    threshold = None if threshold is None else check_threshold(threshold)
    policy = resolve_policy(policy_ref)
    if source != "-" and target != "-" and Path(source).resolve() == Path(target).resolve():
        raise InputError("OUT must differ from IN: the original is never overwritten")
    table = RuleTable.load(rules) if rules else None
    data = _read(source)
    needs_vault = operation != "mask" or scope is not None
    vault = SQLiteVault.open() if needs_vault else None
    try:
        if operation == "reidentify":
            assert vault is not None
            _write(target, pretty(reidentify_resource(data, vault, caller=f"local:{_user()}")))
            click.echo("reidentify: ok", err=True)
            return
        result = process(data, operation, vault=vault, scope=scope, threshold=threshold, rules=table,
                         policy=policy)
    finally:
        if vault is not None:
            vault.close()
    _write(target, pretty(result.resource))
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(result.counts.items()))
    suffix = f"; messageHash {result.message_hash}" if result.message_hash else ""
    click.echo(f"{operation}: {sum(result.counts.values())} values replaced ({counts or 'none'}){suffix}",
               err=True)


def register(group: click.Group) -> None:
    """Add ``fhir`` to ``group`` (the ``phimask`` CLI)."""
    group.add_command(fhir_command)
