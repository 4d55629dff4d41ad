"""Writing output files so that nothing is ever half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, temp_prefix: str | None = None,
                 make_parents: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place:
    readers see the old file or the whole new one, never a part. The folder must exist
    unless ``make_parents``."""
    directory = path.parent if str(path.parent) else Path(".")
    if make_parents:
        directory.mkdir(parents=True, exist_ok=True)
    prefix = temp_prefix if temp_prefix is not None else f".{path.name}."
    handle, temp = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=directory)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
