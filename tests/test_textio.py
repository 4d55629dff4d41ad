"""Reading user text: UTF-8 only, size limit, no content in errors (fictional PHI only)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from phimask import textio
from phimask.errors import InputError
from phimask.textio import decode_text, read_text

PHI = "Name: QUILLON, ODESSA"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"plain", "plain"),
        (b"\xef\xbb\xbfNote for ODESSA", "Note for ODESSA"),  # BOM dropped
        ("Zoë Ñúñez 😀\r\n".encode(), "Zoë Ñúñez 😀\r\n"),  # line endings untouched
        (b"  x  ", "  x  "),  # not stripped
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (b" \n\t ", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"\xef\xbb\xbf  \n", "is empty"),
        (PHI.encode() + b"\x00", "contains NUL bytes"),
        (PHI.encode("utf-16-le"), "contains NUL bytes"),
        (b"\x00", "contains NUL bytes"),
    ],
)
def test_decode_text_rejects(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        decode_text(data, "note.txt")
    message = str(info.value)
    assert message.startswith("note.txt ")
    assert fragment in message
    assert "QUILLON" not in message


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (PHI.encode() + b"\xff rest", len(PHI)),
        (b"\xc3\x28" + PHI.encode(), 0),
        ("Zoë ".encode() + b"\x80 QUILLON", 5),  # byte offset, not character offset
        (PHI.encode() + b"\xe2\x82", len(PHI)),  # truncated multi-byte sequence at the end
        pytest.param(b"\xef\xbb\xbf" + PHI.encode() + b"\xfe", len(PHI) + 3, id="after-bom"),
    ],
)
def test_invalid_utf8_names_the_byte_offset_not_the_content(data: bytes, offset: int) -> None:
    with pytest.raises(InputError) as info:
        decode_text(data, "note.txt")
    message = str(info.value)
    assert "not valid UTF-8" in message
    assert f"offset {offset}" in message
    for word in ("QUILLON", "ODESSA", "rest", "\\x", "0xff", "Zoë"):
        assert word not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_TEXT_BYTES", 8)
    assert decode_text(b"12345678") == "12345678"  # exactly at the limit is fine
    with pytest.raises(InputError, match="larger than"):
        decode_text(b"123456789", "big.txt")


def test_size_limit_is_checked_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_TEXT_BYTES", 4)
    with pytest.raises(InputError, match="larger than"):
        decode_text(b"\xff\x00\xff\x00\xff")


def test_default_limit_is_stated_in_mib() -> None:
    assert textio.MAX_TEXT_BYTES == 50 * 1024 * 1024


def test_read_text_file(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"\xef\xbb\xbf" + PHI.encode())
    assert read_text(str(path)) == PHI


def test_read_text_file_over_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_TEXT_BYTES", 10)
    path = tmp_path / "note.txt"
    path.write_text(PHI)
    with pytest.raises(InputError, match="larger than") as info:
        read_text(str(path))
    assert "QUILLON" not in str(info.value)


@pytest.mark.parametrize("name", ["absent.txt", "."])
def test_read_text_missing_or_directory(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(str(tmp_path / name))


def stdin_with(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def test_read_text_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", stdin_with(PHI.encode()))
    assert read_text("-") == PHI


def test_read_text_stdin_over_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_TEXT_BYTES", 10)
    monkeypatch.setattr(sys, "stdin", stdin_with(PHI.encode()))
    with pytest.raises(InputError, match="standard input is larger than"):
        read_text("-")


def test_read_text_stdin_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", stdin_with(b"ok \xff QUILLON"))
    with pytest.raises(InputError, match="standard input is not valid UTF-8") as info:
        read_text("-")
    assert "QUILLON" not in str(info.value)
