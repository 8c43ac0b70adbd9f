"""The decoding pass also notes quotes and lone CR bytes, across chunk boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

import tas_import.reading.encoding
from tas_import.errors import InputFileError
from tas_import.reading.encoding import check_decodes


@pytest.mark.parametrize(
    ("data", "lone_cr"),
    [
        (b"ab\r\ncd\r\n", False),
        (b"abc\r\ncd", False),
        (b"abc\r\n\r\n", False),
        (b"ab\rcd\n", True),
        (b"abc\r", True),
        (b"a\r\r\n", True),
        (b"abcdefg\r", True),
    ],
)
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 5, 100])
def test_lone_cr_across_chunks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data: bytes, lone_cr: bool,
    chunk_size: int,
) -> None:
    monkeypatch.setattr(tas_import.reading.encoding, "_CHUNK_SIZE", chunk_size)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert check_decodes(path, "ascii").has_lone_cr is lone_cr


def test_quotes_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'a;b\n1;"2"\n')
    assert check_decodes(path, "ascii").has_quote
    path.write_bytes(b"a;b\n1;2\n")
    assert not check_decodes(path, "ascii").has_quote


def test_utf16_without_bom_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\n1;2\n")
    with pytest.raises(InputFileError, match="cannot be read as utf-16"):
        check_decodes(path, "utf-16")


def test_utf16_on_utf8_file_hints_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a;b\nž;2\n".encode())
    with pytest.raises(InputFileError) as caught:
        check_decodes(path, "utf-16")
    assert (caught.value.hint or "").startswith("The file is valid UTF-8")
