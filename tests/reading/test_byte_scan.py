"""The decoding pass also notes quotes and lone CR bytes, across chunk boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

import tas_import.reading.encoding
from tas_import.errors import InputFileError
from tas_import.reading import open_source
from tas_import.reading.encoding import check_decodes, choose_encoding, encoding_doubt


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


def test_utf8_file_read_as_cp1250_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a;b\nVěra;2\n".encode())
    with pytest.raises(InputFileError, match="is UTF-8 text, not cp1250"):
        choose_encoding(path, "cp1250")


def test_bom_contradicts_requested_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffa;b\nVěra;2\n".encode())
    with pytest.raises(InputFileError, match="starts with a UTF-8 byte order mark"):
        choose_encoding(path, "cp1250")
    assert choose_encoding(path, "utf-8") == "utf-8-sig"


def test_cp1252_on_czech_text_raises_doubt(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a;b\nJiří;Dvořák\nVěra;Černá\n".encode("cp1250"))
    notice = encoding_doubt(path, "cp1252")
    assert notice is not None
    assert "looks like cp1250" in notice
    assert encoding_doubt(path, "cp1250") is None


def test_yaml_given_as_input(tmp_path: Path) -> None:
    path = tmp_path / "nastupy.yaml"
    path.write_text("template: 27\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="is a YAML file, not a spreadsheet"):
        open_source(path)


NAMES = "Cislo;Jmeno\n1;Jiří Dvořák\n2;Věra Šťastná\n3;Žofie Kůrková\n4;Radek Žák\n"


@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2"])
def test_czech_legacy_encodings_told_apart(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(NAMES.encode(encoding))
    assert choose_encoding(path, None) == encoding
    assert encoding_doubt(path, encoding) is None
    other = "iso8859_2" if encoding == "cp1250" else "cp1250"
    assert encoding_doubt(path, other) is not None


def test_bad_cp1250_byte_does_not_suggest_cp1250(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a;b\nJiří;".encode("cp1250") + b"\x81\n")
    with pytest.raises(InputFileError) as caught:
        check_decodes(path, "cp1250")
    assert "is not valid cp1250" in caught.value.message
    assert (caught.value.hint or "").startswith("The byte is not text in any encoding")
