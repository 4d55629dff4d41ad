"""Reading user text safely: UTF-8 only, size-limited, never echoing content in errors."""

from __future__ import annotations

import sys
from pathlib import Path

from phimask.errors import InputError

BOM = b"\xef\xbb\xbf"
MAX_TEXT_BYTES = 50 * 1024 * 1024  # one document; longer texts are split into files first


def decode_text(data: bytes, source: str = "input") -> str:
    """Decode ``data`` as UTF-8 text (a BOM is dropped) or raise InputError."""
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{source} is larger than the {MAX_TEXT_BYTES // (1024 * 1024)} MiB limit")
    if b"\x00" in data:
        raise InputError(f"{source} looks binary (contains NUL bytes); expected UTF-8 text")
    bom = len(BOM) if data.startswith(BOM) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not valid UTF-8 (first bad byte at offset {exc.start + bom})"
        ) from None
    if not text.strip():
        raise InputError(f"{source} is empty")
    return text


def read_text(path: str) -> str:
    """Read a file, or standard input for '-'."""
    if path == "-":
        return decode_text(sys.stdin.buffer.read(MAX_TEXT_BYTES + 1), "standard input")
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such file")
    if file.stat().st_size > MAX_TEXT_BYTES:
        raise InputError(f"{path} is larger than the {MAX_TEXT_BYTES // (1024 * 1024)} MiB limit")
    return decode_text(file.read_bytes(), path)
