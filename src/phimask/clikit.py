"""What every ``phimask`` command shares: one way to fail cleanly.

Errors print one line on stderr (``Error: ...``) and exit with code 2; they never echo
input text, header values or file contents.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from phimask.errors import PhimaskError

F = TypeVar("F", bound=Callable[..., Any])


class CleanFailure(click.ClickException):
    """``Error: <message>`` on one line, exit code 2."""

    exit_code = 2


def fails_cleanly(command: F) -> F:
    """Phimask, vault, file and AWS errors become one line on stderr (no traceback, no PHI)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PhimaskError as exc:
            raise CleanFailure(str(exc)) from None
        except sqlite3.Error as exc:
            raise CleanFailure(f"vault database error ({type(exc).__name__})") from None
        except OSError as exc:
            raise CleanFailure(f"cannot read or write a file: {exc.strerror or type(exc).__name__}") from None
        except Exception as exc:
            if not type(exc).__module__.startswith("botocore"):
                raise
            code = getattr(exc, "response", {}).get("Error", {}).get("Code") or type(exc).__name__
            raise CleanFailure(f"an AWS call failed ({code})") from None

    return run  # type: ignore[return-value]


def policy_option(command: F) -> F:
    """``--policy NAME|FILE``: a shipped or user policy (see ``phimask policy list``)."""
    return click.option("--policy", "policy_ref", default=None, metavar="NAME|FILE",
                        help="Policy: a shipped name (default, safe-harbor), a name in "
                             "$PHIMASK_HOME/policies, or a YAML/TOML file. Default: default.")(command)


def report_option(command: F) -> F:
    """``--report FILE``: write the proof-of-removal report (JSON) there."""
    return click.option("--report", "report_path", default=None, metavar="FILE",
                        type=click.Path(dir_okay=False, path_type=Path),
                        help="Write a proof-of-removal report (JSON, no PHI) to FILE.")(command)
