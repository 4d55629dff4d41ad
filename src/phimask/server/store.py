"""A local directory as the "S3" of the local server: bucket = directory under a root.

It offers ``S3Store``'s interface (the shared steps of ``phimask.aws`` take one). Keys pass
``check_key`` (no ``..``, no absolute paths) and then must resolve inside their bucket, so
symbolic links cannot lead out either. Writes are atomic: a reader never sees half a file.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from phimask.aws.s3 import ObjectNotFound, ObjectTooLarge, S3Store, check_key, s3_uri
from phimask.errors import InputError
from phimask.files import write_atomic

_TEMP_PREFIX = ".phimask-partial-"
NAME_MAX = 255  # bytes in one file name on common file systems


class LocalStore(S3Store):
    """Objects as files: ``<root>/<bucket>/<key>``."""

    def __init__(self, root: Path, buckets: Collection[str]) -> None:
        super().__init__(client=None)
        self.root = root
        for bucket in buckets:
            (root / bucket).mkdir(mode=0o700, parents=True, exist_ok=True)

    @property
    def client(self) -> Any:
        raise RuntimeError("the local store has no S3 client")

    def path(self, bucket: str, key: str, field: str) -> Path:
        """The file of ``bucket/key``; refuses keys that resolve outside the bucket."""
        check_key(key, field)
        if any(part in ("", ".") for part in key.split("/")):
            # "a//b", "a/", "a/./b" would name the same file as another key
            raise InputError(f"{field} has an empty or '.' path segment, which the local store cannot hold")
        if any(len(part.encode()) > NAME_MAX for part in key.split("/")):
            raise InputError(f"{field} has a path segment over {NAME_MAX} bytes, which the local store "
                             "cannot hold")
        base = (self.root / bucket).resolve()
        target = (base / key).resolve()
        if not target.is_relative_to(base) or target == base:
            raise InputError(f"{field} must name an object inside its bucket")
        return target

    def read(self, bucket: str, key: str, max_bytes: int, field: str = "object") -> bytes:
        data = self._read_at_most(self.path(bucket, key, field), max_bytes + 1, field)
        if len(data) > max_bytes:
            raise ObjectTooLarge(f"{field} is larger than the {max_bytes // (1024 * 1024)} MiB limit")
        return data

    def head_bytes(self, bucket: str, key: str, count: int, field: str = "object") -> bytes:
        return self._read_at_most(self.path(bucket, key, field), count, field)

    @staticmethod
    def _read_at_most(path: Path, count: int, field: str) -> bytes:
        try:
            with path.open("rb") as source:
                return source.read(count)
        except OSError:  # missing, a folder, a name too long for the file system...
            raise ObjectNotFound(f"{field} was not found, or this deployment may not access it") from None

    def write(self, bucket: str, key: str, data: bytes, content_type: str,
              metadata: Mapping[str, str] | None = None) -> str:
        """Write atomically (temporary file + rename). Content type and metadata are not kept."""
        path = self.path(bucket, key, "destinationKey")
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(path, data, temp_prefix=_TEMP_PREFIX)
        except OSError:  # a folder or an object stands where the key needs the other
            raise InputError("destinationKey cannot be stored in the local store "
                             "(it clashes with an existing object or folder, or is too long)") from None
        return s3_uri(bucket, key)

    def presign(self, bucket: str, key: str, expires: int = 300) -> str:
        raise RuntimeError("presigned URLs of the local store come from phimask.server.presign")

    def keys(self, bucket: str, prefix: str) -> Iterator[str]:
        """Keys under ``prefix`` in key order (regular files only; no links, no partial writes)."""
        base = (self.root / bucket).resolve()
        found = []
        for directory, subdirectories, files in os.walk(base):
            subdirectories[:] = [d for d in subdirectories if not Path(directory, d).is_symlink()]
            for name in files:
                path = Path(directory, name)
                if name.startswith(_TEMP_PREFIX) or path.is_symlink() or not path.is_file():
                    continue
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        yield from sorted(found)
