"""Where batch files come from and go to: a local directory tree or an S3 prefix.

Local outputs are written to a temporary file beside the target and renamed, so a file
that exists is complete (an interrupted run leaves no half-written output, and the next
run skips what is done). S3 PUTs are all-or-nothing already. Errors name the side (input
or output) and the problem, never a file's content.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from phimask.aws.s3 import S3Store, check_key
from phimask.errors import InputError
from phimask.files import write_atomic

REPORT_NAME = "phimask-batch-report.json"


class Tree(Protocol):
    """A set of files addressed by relative keys (``a/b.txt``)."""

    def names(self) -> Iterator[str]: ...

    def read(self, key: str, max_bytes: int) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def write(self, key: str, data: bytes, content_type: str) -> None: ...


class LocalTree:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    def names(self) -> Iterator[str]:
        if not self.root.is_dir():
            raise InputError("the input directory does not exist")
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                yield relative.as_posix()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key, "file name")

    def read(self, key: str, max_bytes: int) -> bytes:
        path = self._path(key)
        if path.stat().st_size > max_bytes:
            raise InputError(f"the file is larger than the {max_bytes // (1024 * 1024)} MiB limit")
        return path.read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def write(self, key: str, data: bytes, content_type: str) -> None:
        write_atomic(self._path(key), data, make_parents=True)


class S3Tree:
    """Objects below ``s3://bucket/prefix`` (the client is injectable, e.g. moto's)."""

    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.store = S3Store(client)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def names(self) -> Iterator[str]:
        paginator = self.store.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = str(item["Key"])
                if not key.endswith("/"):
                    yield key[len(self.prefix):]

    def read(self, key: str, max_bytes: int) -> bytes:
        return self.store.read(self.bucket, self.prefix + key, max_bytes, "input object")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.store.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def write(self, key: str, data: bytes, content_type: str) -> None:
        self.store.write(self.bucket, self.prefix + key, data, content_type)


def open_tree(spec: str, client: Any = None) -> LocalTree | S3Tree:
    """``s3://bucket/prefix`` or a local directory."""
    if spec.startswith("s3://"):
        bucket, _, prefix = spec[5:].partition("/")
        if not bucket:
            raise InputError("an S3 location is s3://bucket/prefix")
        check_key(prefix, "S3 prefix", prefix=True)
        return S3Tree(bucket, prefix, client)
    if spec.startswith("s3:"):
        raise InputError("an S3 location is s3://bucket/prefix")
    return LocalTree(Path(spec))


def check_separate(source: LocalTree | S3Tree, target: LocalTree | S3Tree) -> None:
    """The output may not be inside the input (its files would be read as input) or vice versa."""
    if isinstance(source, LocalTree) and isinstance(target, LocalTree):
        a, b = source.root.resolve(), target.root.resolve()
        if a == b or a in b.parents or b in a.parents:
            raise InputError("OUT_DIR and IN_DIR must not contain one another")
    if isinstance(source, S3Tree) and isinstance(target, S3Tree) and source.bucket == target.bucket \
            and (source.prefix.startswith(target.prefix) or target.prefix.startswith(source.prefix)):
        raise InputError("the output prefix and the input prefix must not contain one another")
