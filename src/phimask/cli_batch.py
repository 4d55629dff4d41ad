"""``phimask batch IN OUT``: an operation over every file of a directory or S3 prefix.

``register(main)`` adds the command. Text (.txt), FHIR JSON (.json), images and DICOM;
other files are listed as unsupported. Outputs that exist are skipped (a run can be
repeated to finish an interrupted one); a report goes to OUT/phimask-batch-report.json and
a summary table to stderr — counts only, never text or file names; ``--report FILE``
writes the same report to FILE as well. Exit code 1 when a
file failed, 2 on bad arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from phimask.clikit import fails_cleanly, policy_option, report_option
from phimask.detect.base import check_threshold
from phimask.files import write_atomic


@click.command("batch")
@click.argument("source", metavar="IN_DIR|s3://bucket/prefix")
@click.argument("target", metavar="OUT_DIR|s3://bucket/prefix")
@click.option("--operation", type=click.Choice(["mask", "deidentify", "surrogate"]), required=True,
              help="mask: labels, one way; deidentify: tokens; surrogate: realistic values "
                   "(both reversible through the local vault).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Worker processes [default: the number of CPUs].")
@click.option("--scope", default=None, help="Dataset scope: the same value gets the same token or "
              "surrogate, and dates the same shift, in every file. Default: one fresh scope per file.")
@click.option("--threshold", type=float, default=None,
              help="Minimum entity score in [0, 1]. Default: the policy's (0.5 in shipped ones).")
@policy_option
@report_option
@click.option("--second-pass/--no-second-pass", default=True, show_default=True,
              help="Images: OCR each redacted output again and report PHI still found (doubles OCR time).")
@fails_cleanly
def batch_command(source: str, target: str, operation: str, workers: int | None, scope: str | None,
                  threshold: float | None, policy_ref: str | None, report_path: Path | None,
                  second_pass: bool) -> None:
    """Run OPERATION over every file below IN into OUT (same relative names)."""
    from phimask.batch import Options, open_tree, run
    from phimask.batch.storage import check_separate
    from phimask.deid import check_scope
    from phimask.policy import resolve_policy

    checked_scope = check_scope(scope) if scope is not None else None
    policy = resolve_policy(policy_ref)  # fails here, before any file, when the policy is bad
    checked_scope = checked_scope if checked_scope is not None else policy.scope
    checked = None if threshold is None else check_threshold(threshold)
    options = Options(operation, checked_scope, checked, policy_ref, second_pass)
    source_tree, target_tree = open_tree(source), open_tree(target)
    check_separate(source_tree, target_tree)
    report = run(source_tree, target_tree, options, workers=workers)
    if report_path is not None:
        write_atomic(report_path, report.to_json())
    click.echo(report.table(), err=True)
    if report.failed:
        sys.exit(1)


def register(group: click.Group) -> None:
    """Add ``batch`` to ``group`` (the ``phimask`` CLI)."""
    group.add_command(batch_command)
