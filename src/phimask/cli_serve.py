"""``phimask serve``: the API routes on one machine, SigV4-authenticated, role-authorized.

``register(main)`` adds the command. ``--init`` creates the credentials file and prints the
new keys once; without it the server runs until interrupted, logging one JSON line per
request on stderr (no bodies, no query values).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from phimask.detect.base import DEFAULT_THRESHOLD
from phimask.errors import PhimaskError
from phimask.keys import phimask_home

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class JsonLines(logging.Formatter):
    """Access records are JSON already; other records become ``{"level", "logger", "message"}``."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == "phimask.server.access":
            return record.getMessage()
        return json.dumps({"level": record.levelname, "logger": record.name, "message": record.getMessage()})


def _print_keys(path: Path, region: str, keys: list[tuple[str, str, str]]) -> None:
    click.echo(f"Created {path} (mode 0600). The secret keys are shown only now; "
               "save them as AWS profiles, e.g. in ~/.aws/credentials:\n")
    for key_id, secret, role in keys:
        click.echo(f"[phimask-{role.lower()}]\naws_access_key_id = {key_id}\n"
                   f"aws_secret_access_key = {secret}\nregion = {region}\n")
    click.echo(f'Sign requests for service "execute-api" in region {region} '
               "(botocore SigV4Auth; awscurl --service execute-api).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--policies", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Credentials file: access keys and their role "
              "(default: $PHIMASK_HOME/server-credentials.json).")
@click.option("--init", "init", is_flag=True,
              help="Create the credentials file with one key per role, print the keys once, and exit.")
@click.option("--region", default=None, help="With --init: the region clients sign for [default: us-east-1].")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help='The local "S3": one directory per bucket (default: $PHIMASK_HOME/buckets).')
@click.option("--bucket", "buckets", multiple=True, metavar="NAME",
              help="An allowed bucket; repeatable [default: phimask-input, phimask-output].")
@click.option("--output-bucket", default="phimask-output", show_default=True,
              help="Where POST /batch writes results (must be an allowed bucket).")
@click.option("--threshold", type=float, default=DEFAULT_THRESHOLD, show_default=True,
              help="Default minimum entity score when a request gives none.")
@click.option("--policy", "policy", default=None, metavar="NAME",
              help="Policy of requests that name none (shipped or in $PHIMASK_HOME/policies; "
                   "docs/policy.md). Not to be confused with --policies, the access keys file.")
def serve(host: str, port: int, policies: Path | None, init: bool, region: str | None, data_dir: Path | None,
          buckets: tuple[str, ...], output_bucket: str, threshold: float, policy: str | None) -> None:
    """Serve the API routes on HOST:PORT with SigV4 authentication and the three roles."""
    from phimask.server import credentials

    home = phimask_home()
    path = policies or home / credentials.CREDENTIALS_FILE
    try:
        if init:
            created = credentials.init_credentials(path, region or credentials.DEFAULT_REGION)
            _print_keys(path, created.region, [(k.access_key_id, k.secret_access_key, k.role.value)
                                               for k in created.keys.values()])
            return
        if region is not None:
            raise click.UsageError("--region goes with --init (the region is stored in the credentials file)")
        from phimask.server.app import create_app
        from phimask.server.config import DEFAULT_BUCKETS, ServerConfig
        from phimask.server.runner import serve as run

        config = ServerConfig(credentials.load_credentials(path), home, data_dir or home / "buckets",
                              frozenset(buckets or DEFAULT_BUCKETS), output_bucket, threshold, policy)
        app = create_app(config)
    except PhimaskError as exc:
        raise click.ClickException(str(exc)) from None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    for name in ("phimask", "uvicorn"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).propagate = False
    if host not in LOOPBACK:
        click.echo("warning: listening beyond loopback over plain HTTP; signatures protect integrity, "
                   "not confidentiality: put TLS in front", err=True)
    click.echo(f"phimask API on http://{host}:{port} (keys: {path}; buckets under {config.data_dir}: "
               f"{', '.join(sorted(config.buckets))})", err=True)
    try:
        run(app, host, port)
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown
        click.echo("stopped", err=True)


def register(group: click.Group) -> None:
    group.add_command(serve)
