"""CLI commands for reversible de-identification with the local vault ($PHIMASK_HOME).

``register(main)`` adds ``deidentify``, ``reidentify`` and ``keys rotate``. Errors print
one line on stderr and exit with code 2; they never echo text.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from phimask.clikit import fails_cleanly, policy_option, report_option
from phimask.deid import deidentify_document, reidentify
from phimask.detect.base import check_threshold
from phimask.errors import InputError
from phimask.keys import rotate
from phimask.pipeline import effective_policy
from phimask.policy import resolve_policy
from phimask.textio import read_text
from phimask.vault.errors import MessageNotFoundError
from phimask.vault.sqlite import SQLiteVault


@click.command("deidentify")
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--scope", default=None, help="Dataset scope: the same value gets the same token across "
              "documents of one scope. Default: the policy's, else a fresh scope per document (unlinkable).")
@click.option("--threshold", type=float, default=None,
              help="Minimum entity score in [0, 1]. Default: the policy's (0.5 in shipped ones).")
@click.option("--style", type=click.Choice(["token", "surrogate"]), default="token", show_default=True,
              help="token: [[NAME:3f9a1c2b7d4e]]; surrogate: realistic values (docs/surrogates.md). "
                   "A policy's operation for a type takes precedence.")
@policy_option
@report_option
@fails_cleanly
def deidentify_command(file: str, scope: str | None, threshold: float | None, style: str,
                       policy_ref: str | None, report_path: Path | None) -> None:
    """Print FILE (or standard input) de-identified, as {"deidentifiedText", "messageHash"}."""
    threshold = None if threshold is None else check_threshold(threshold)
    policy = effective_policy(resolve_policy(policy_ref), threshold)
    text = read_text(file)
    vault = SQLiteVault.open()
    try:
        entities, applied = deidentify_document(text, vault, scope, style=style, policy=policy)
    finally:
        vault.close()
    if report_path is not None:
        from phimask.report import write_text_report

        write_text_report(report_path, file, entities, applied, policy)
    click.echo(json.dumps({"deidentifiedText": applied.text, "messageHash": applied.message_hash},
                          ensure_ascii=False))


@click.command("reidentify")
@click.argument("file", required=False, metavar="[FILE|-]")
@click.option("--message-hash", default=None, help="Re-identify the message with this hash instead.")
@fails_cleanly
def reidentify_command(file: str | None, message_hash: str | None) -> None:
    """Print the original of a de-identified text: FILE (or standard input) holds the text
    or the JSON that `phimask deidentify` printed. Every call is audited."""

    text = None if file is None and message_hash else read_text(file or "-")
    text, message_hash = _unwrap_json(text, message_hash)
    vault = SQLiteVault.open()
    try:
        original = _reidentify_text(vault, text, message_hash)
    finally:
        vault.close()
    click.echo(original, nl=False)


def _unwrap_json(text: str | None, message_hash: str | None) -> tuple[str | None, str | None]:
    """Accept `phimask deidentify` output: an object with deidentifiedText and/or messageHash."""
    if text is None or not text.lstrip().startswith("{"):
        return text, message_hash
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text, message_hash
    if not isinstance(data, dict) or not data or set(data) - {"deidentifiedText", "messageHash"}:
        return text, message_hash
    if not all(isinstance(v, str) for v in data.values()):
        raise InputError("deidentifiedText and messageHash must be strings")
    return data.get("deidentifiedText"), message_hash or data.get("messageHash")


def _reidentify_text(vault: SQLiteVault, text: str | None, message_hash: str | None) -> str:
    """Re-identify; a text saved with one extra final newline is also recognised."""
    caller = f"local:{_user()}"
    try:
        return reidentify(vault, deidentified_text=text, message_hash=message_hash, caller=caller)
    except MessageNotFoundError:
        if text is None or not text.endswith("\n") or message_hash is not None:
            raise
        trimmed = text[:-2] if text.endswith("\r\n") else text[:-1]
        return reidentify(vault, deidentified_text=trimmed, caller=caller)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@click.group("keys")
def keys_group() -> None:
    """Manage the local key file ($PHIMASK_HOME/keys.json)."""


@keys_group.command("rotate")
@fails_cleanly
def rotate_command() -> None:
    """New key-encryption key; re-wrap every data key in the local vault; delete the old key."""

    done = rotate()
    click.echo(f"active key {done.active_kek}; {done.rewrapped_rows} vault rows re-wrapped; "
               f"{len(done.retired_keks)} old key(s) deleted")


def register(group: click.Group) -> None:
    """Add the de-identification commands to ``group`` (the ``phimask`` CLI)."""
    group.add_command(deidentify_command)
    group.add_command(reidentify_command)
    group.add_command(keys_group)
