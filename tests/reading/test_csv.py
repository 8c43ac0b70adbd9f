"""CSV reading: encodings, delimiters, quoting, malformed rows."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tas_import.errors import InputFileError
from tas_import.reading import ReadOptions, open_source


def read(path: Path, options: ReadOptions | None = None) -> tuple[list[str], list]:
    with open_source(path, options) as source:
        return [column.header for column in source.columns], list(source)


def test_utf8_bom_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"Date,Name\n2026-01-01,Eva\n")
    headers, rows = read(path)
    assert headers == ["Date", "Name"]
    assert rows[0].cells == {"Date": "2026-01-01", "Name": "Eva"}


def test_cp1250_czech_headers(tmp_path: Path) -> None:
    path = tmp_path / "cz.csv"
    path.write_bytes("Příjmení;Datum nástupu\nNováková;31.12.2026\nŠťastný;1.1.2027\n"
                     .encode("cp1250"))
    with open_source(path) as source:
        assert source.encoding == "cp1250"
        assert source.delimiter == ";"
        assert [column.header for column in source.columns] == ["Příjmení", "Datum nástupu"]
        assert [row.cells["Příjmení"] for row in source] == ["Nováková", "Šťastný"]


def test_utf16_le_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "a\tb\nč\tž\n".encode("utf-16-le"))
    headers, rows = read(path)
    assert headers == ["a", "b"]
    assert rows[0].cells == {"a": "č", "b": "ž"}


def test_semicolon_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "num.csv"
    path.write_text("Mzda;Úvazek\n1 234,50;0,75\n2 000,00;1\n", encoding="utf-8")
    with open_source(path) as source:
        assert source.delimiter == ";"
        rows = list(source)
    assert rows[0].cells == {"Mzda": "1 234,50", "Úvazek": "0,75"}


def test_quoted_separators_quotes_newlines(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('name,note\n"Novák, Jan","says ""hi""\nsecond line"\nEva,x\n',
                    encoding="utf-8")
    _headers, rows = read(path)
    assert rows[0].cells == {"name": "Novák, Jan", "note": 'says "hi"\nsecond line'}
    assert rows[1].number == 4


def test_cr_only_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"a,b\r1,2\r3,4\r")
    _headers, rows = read(path)
    assert [row.number for row in rows] == [2, 3]
    assert rows[1].cells == {"a": "3", "b": "4"}


def test_nul_byte_names_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x004\n")
    with pytest.raises(InputFileError, match="line 3"):
        open_source(path)


def test_undecodable_byte_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x81\n")
    with pytest.raises(InputFileError, match="line 3") as caught:
        open_source(path, ReadOptions(encoding="utf-8"))
    assert "cp1250" in (caught.value.hint or "")


# 40,000 lines of 32 bytes: 1.28 MB, so a problem at the end lies in the second 1 MiB chunk.
LONG_BODY = b"".join(b"%06d,Novakova Jana Marie ....\n" % number for number in range(40_000))


def test_bad_byte_later_chunk_line(tmp_path: Path) -> None:
    path = tmp_path / "long-bad.csv"
    path.write_bytes(b"a,b\n" + LONG_BODY + b"3,\x81\n")
    with pytest.raises(InputFileError, match="line 40002: byte 0x81 at offset 1280006 "):
        open_source(path, ReadOptions(encoding="utf-8"))


def test_nul_byte_later_chunk_line(tmp_path: Path) -> None:
    path = tmp_path / "long-nul.csv"
    path.write_bytes(b"a,b\n" + LONG_BODY + b"3,\x004\n")
    with pytest.raises(InputFileError, match="line 40002:"):
        open_source(path)


def test_truncated_character_last_line(tmp_path: Path) -> None:
    path = tmp_path / "long-cut.csv"
    path.write_bytes(b"a,b\n" + LONG_BODY + b"3,\xc5")
    with pytest.raises(InputFileError, match="line 40002: the file ends in the middle"):
        open_source(path, ReadOptions(encoding="utf-8"))


def test_extra_cells_make_row_error(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("a,b\n1,2,3,4\n5,6,\n", encoding="utf-8")
    _headers, rows = read(path)
    assert rows[0].error is not None
    assert "'3', '4'" in rows[0].error
    assert rows[1].error is None


def test_extra_blank_cells_are_not_values(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("a,b\n1,2, \n3,4,x,\n", encoding="utf-8")
    _headers, rows = read(path)
    assert rows[0].error is None
    assert rows[1].error is not None
    assert "3 instead of 2;" in rows[1].error


def test_blank_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("a,b\n1,2\n   \n , \n3,4\n", encoding="utf-8")
    with open_source(path) as source:
        assert [row.number for row in source] == [2, 5]


def test_short_row_padded_with_none(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1\n", encoding="utf-8")
    _headers, rows = read(path)
    assert rows[0].cells == {"a": "1", "b": None, "c": None}


def test_empty_rows_skipped_numbering_kept(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\na,b\n1,2\n,\n\n3,4\n", encoding="utf-8")
    with open_source(path) as source:
        assert source.header_line == 3
        assert [row.number for row in source] == [4, 7]


def test_empty_header_column_without_data_dropped(tmp_path: Path) -> None:
    path = tmp_path / "trail.csv"
    path.write_text("a,b,\n1,2,\n", encoding="utf-8")
    headers, _rows = read(path)
    assert headers == ["a", "b"]


def test_empty_header_column_with_data_named(tmp_path: Path) -> None:
    path = tmp_path / "named.csv"
    path.write_text("a,,c\n1,x,3\n", encoding="utf-8")
    headers, rows = read(path)
    assert headers == ["a", "Column B", "c"]
    assert rows[0].cells["Column B"] == "x"


def test_delimiter_override(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    path.write_text("a|b\n1,5|2\n", encoding="utf-8")
    _headers, rows = read(path, ReadOptions(delimiter="|"))
    assert rows[0].cells == {"a": "1,5", "b": "2"}


def test_tsv_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_text("a\tb\n1\t2\n", encoding="utf-8")
    headers, _rows = read(path)
    assert headers == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "pattern"),
    [(b"", "empty"), (b"\n\n,,\n", "no header row"), (b"a,b\n\n", "no data rows")],
)
def test_unreadable_csv_is_one_line_error(tmp_path: Path, content: bytes, pattern: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=pattern) as caught:
        open_source(path)
    assert "\n" not in str(caught.value)


def test_header_row_option(tmp_path: Path) -> None:
    path = tmp_path / "title.csv"
    path.write_text("Report 2026\na,b\n1,2\n", encoding="utf-8")
    headers, rows = read(path, ReadOptions(header_row=2))
    assert headers == ["a", "b"]
    assert rows[0].number == 3


def test_crlf_across_chunks_counts_once(tmp_path: Path) -> None:
    chunk_size = 1 << 20
    head = b"a,b\r\n"
    line = b"1,Novakova Jana\r\n"
    lines_before = (chunk_size - len(head)) // len(line)
    # Pad the last full line so that its CR is the chunk's last byte and its LF the next's first.
    padding = chunk_size - len(head) - lines_before * len(line) - len(b"2,\r")
    content = head + line * lines_before + b"2," + b"x" * padding + b"\r\n" + b"3,\x81\r\n"
    assert content[chunk_size - 1 : chunk_size + 1] == b"\r\n"
    path = tmp_path / "crlf-boundary.csv"
    path.write_bytes(content)

    expected_line = content.count(b"\r\n", 0, content.index(b"\x81")) + 1
    with pytest.raises(InputFileError, match=f"line {expected_line}:"):
        open_source(path, ReadOptions(encoding="utf-8"))
