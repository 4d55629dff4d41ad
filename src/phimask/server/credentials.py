"""The local server's credentials file: access keys, their secrets and their role.

Created by ``phimask serve --init`` (mode 0600, in ``$PHIMASK_HOME``) with one key per role;
the secrets are printed once. Like ``~/.aws/credentials`` the file holds the secrets in the
clear (SigV4 is symmetric: the server needs them to recompute signatures), so the server
refuses a file that other users can read. Problems fail loudly, naming the file, never a
secret.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phimask.errors import PhimaskError
from phimask.routes import Role

FORMAT = "phimask-server-credentials/1"
CREDENTIALS_FILE = "server-credentials.json"
DEFAULT_REGION = "us-east-1"
SERVICE = "execute-api"
_KEY_ID = re.compile(r"[A-Z0-9]{16,128}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")


class CredentialsError(PhimaskError):
    """The credentials file is missing, malformed or too widely readable."""

    code = "ConfigurationError"


@dataclass(frozen=True, slots=True)
class Credential:
    """One access key; ``repr`` never shows the secret."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    role: Role


@dataclass(frozen=True, slots=True)
class Credentials:
    """The keys of a credentials file, by access key id, and the region clients sign for."""

    region: str
    keys: Mapping[str, Credential]

    def get(self, access_key_id: str) -> Credential | None:
        return self.keys.get(access_key_id)


def new_credential(role: Role) -> Credential:
    """A fresh key shaped like AWS's (20-character id, 40-character secret)."""
    alphabet = string.ascii_uppercase + string.digits
    key_id = "PMK" + "".join(secrets.choice(alphabet) for _ in range(17))
    return Credential(key_id, secrets.token_urlsafe(30), role)


def init_credentials(path: Path, region: str = DEFAULT_REGION) -> Credentials:
    """Create ``path`` (0600, refusing to overwrite) with one key per role."""
    _check_region(region, path)
    keys = [new_credential(role) for role in Role]
    document = {
        "format": FORMAT, "region": region, "service": SERVICE,
        "credentials": [{"accessKeyId": k.access_key_id, "secretAccessKey": k.secret_access_key,
                         "role": k.role.value} for k in keys],
    }
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CredentialsError(f"{path} already exists; delete it first to create new keys") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
        json.dump(document, sink, indent=2)
        sink.write("\n")
    return Credentials(region, {k.access_key_id: k for k in keys})


def load_credentials(path: Path) -> Credentials:
    """Read and validate ``path``; refuse it when group or others may read it."""
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CredentialsError(f"{path} is readable by other users; run: chmod 600 {path}")
        document = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise CredentialsError(f"{path} does not exist; create it with: phimask serve --init") from None
    except (OSError, ValueError):
        raise CredentialsError(f"{path} is not a readable JSON credentials file") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CredentialsError(f"{path} is not a {FORMAT} file")
    region = document.get("region")
    _check_region(region, path)
    keys: dict[str, Credential] = {}
    entries = document.get("credentials")
    if not isinstance(entries, list) or not entries:
        raise CredentialsError(f"{path}: credentials must be a non-empty list")
    for number, entry in enumerate(entries, start=1):
        credential = _credential(entry, f"{path}: credential {number}")
        if credential.access_key_id in keys:
            raise CredentialsError(f"{path}: credential {number} repeats an access key id")
        keys[credential.access_key_id] = credential
    return Credentials(str(region), keys)


def _credential(entry: Any, where: str) -> Credential:
    if not isinstance(entry, dict) or set(entry) != {"accessKeyId", "secretAccessKey", "role"}:
        raise CredentialsError(f"{where} must have exactly accessKeyId, secretAccessKey and role")
    key_id, secret, role = entry["accessKeyId"], entry["secretAccessKey"], entry["role"]
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise CredentialsError(f"{where}: accessKeyId must be 16 to 128 upper-case letters or digits")
    if not isinstance(secret, str) or len(secret) < 32 or not secret.isascii() or not secret.isprintable():
        raise CredentialsError(f"{where}: secretAccessKey must be at least 32 printable ASCII characters")
    if role not in {r.value for r in Role}:
        raise CredentialsError(f"{where}: role must be one of: {', '.join(r.value for r in Role)}")
    return Credential(key_id, secret, Role(role))


def _check_region(region: object, path: Path) -> None:
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        raise CredentialsError(f"{path}: region must look like us-east-1")
