"""Tell the format of an input file from its first bytes and check it against its name."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from tas_import.errors import InputFileError
from tas_import.i18n import _

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SHEET_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 container: .xls or an encrypted .xlsx
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def detect_format(path: Path) -> str:
    """Return "csv", "xlsx", "xls" or "ods" for the file's content.

    Raises :class:`InputFileError` for a missing or empty file, a damaged ZIP container,
    an HTML or XML page saved under a spreadsheet name, and a text file named like a
    workbook or the other way round. A workbook of one kind named as another (an .xls
    that is really .xlsx) is read by its content.
    """
    head = _read_head(path)
    content = _content_format(path, head)
    suffix = path.suffix.lower()

    if suffix in SHEET_SUFFIXES and content == "csv":
        raise InputFileError(
            _("{file} is named like a workbook ({suffix}) but contains plain text",
              file=path.name, suffix=suffix),
            path=path,
            hint=_("If it is a CSV file, rename it to .csv; otherwise open it in Excel "
                   "and save it again as .xlsx."),
        )
    if suffix in TEXT_SUFFIXES and content != "csv":
        raise InputFileError(
            _("{file} is named like a text file ({suffix}) but is a {kind} workbook",
              file=path.name, suffix=suffix, kind=content.upper()),
            path=path,
            hint=_("Rename it to .{kind}.", kind=content),
        )
    if suffix in SHEET_SUFFIXES and SHEET_SUFFIXES[suffix] != content:
        logger.info("%s is named %s but contains %s; reading it as %s",
                    path, suffix, content, content)
    return content


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except FileNotFoundError:
        raise InputFileError(
            _("{file}: file not found", file=str(path)),
            path=path,
            hint=_("Check the path and the current directory."),
        ) from None
    except OSError as error:
        raise InputFileError(
            _("{file}: cannot open the file: {reason}", file=str(path), reason=error.strerror),
            path=path,
            hint=_("Check that the file exists and that you may read it."),
        ) from None

    if not head:
        raise InputFileError(
            _("{file} is empty", file=path.name),
            path=path,
            hint=_("Export the data again; the file has no header row and no rows."),
        )
    return head


def _content_format(path: Path, head: bytes) -> str:
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(_OLE_MAGIC):
        # Either a binary .xls or an encrypted Office file; the workbook reader tells
        # them apart and reports the password.
        return "xls"

    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise InputFileError(
            _("{file} is a web page or XML document, not a spreadsheet", file=path.name),
            path=path,
            hint=_("Open it in Excel and save it as .xlsx or as CSV."),
        )
    return "csv"


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        logger.info("cannot open %s as ZIP: %s", path, error)
        raise InputFileError(
            _("{file} is damaged: the workbook's ZIP container is incomplete",
              file=path.name),
            path=path,
            hint=_("Copy or download the file again; if Excel can open it, save it again."),
        ) from None

    if mimetype.strip() == _ODS_MIMETYPE:
        return "ods"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    raise InputFileError(
        _("{file} is a ZIP archive but not an Excel or OpenDocument workbook", file=path.name),
        path=path,
        hint=_("Unpack it, or open it in Excel and save it as .xlsx."),
    )
