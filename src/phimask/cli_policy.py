"""``phimask policy``: check, show and list policies (docs/policy.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from phimask.clikit import fails_cleanly


@click.group("policy")
def policy_group() -> None:
    """Policies: per-type operations, thresholds, allow/deny lists (docs/policy.md)."""


@policy_group.command("check")
@click.argument("files", nargs=-1, required=True, metavar="FILE...", type=click.Path(path_type=Path))
@fails_cleanly
def check_command(files: tuple[Path, ...]) -> None:
    """Validate policy FILEs; print each one's name and SHA-256, or the first error."""
    from phimask.policy import load_policy

    for path in files:
        policy = load_policy(path)
        click.echo(f"{path.name}: ok (policy {policy.name}, sha256 {policy.sha256})")


@policy_group.command("show")
@click.argument("ref", default="default", metavar="[NAME|FILE]")
@fails_cleanly
def show_command(ref: str) -> None:
    """Print a policy as the JSON it validates to, with its operation per type."""
    from phimask.policy import resolve_policy

    policy = resolve_policy(ref)
    shown = {"name": policy.name, "sha256": policy.sha256, "document": policy.source,
             "operations": policy.operations("(the command's --style)"),
             "thresholds": {kind: policy.threshold_for(kind) for kind in policy.rules} | {
                 "(default)": policy.threshold}}
    click.echo(json.dumps(shown, indent=1, ensure_ascii=False, default=str))


@policy_group.command("list")
@fails_cleanly
def list_command() -> None:
    """List the shipped policies and those in $PHIMASK_HOME/policies (NAME.yaml, .yml or
    .toml, NAME of letters, digits, '_' and '-'; other files there are used by path only)."""
    from phimask.policy.load import POLICY_NAME, policy_dir, shipped_policy_names

    for name in shipped_policy_names():
        click.echo(f"{name}\t(shipped)")
    folder = policy_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in {".yaml", ".yml", ".toml"} and POLICY_NAME.fullmatch(path.stem):
                click.echo(f"{path.stem}\t{path}")


def register(group: click.Group) -> None:
    """Add ``phimask policy`` to ``group`` (the ``phimask`` CLI)."""
    group.add_command(policy_group)
