"""Choose the text encoding of a CSV file and check that the whole file decodes."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from tas_import.errors import InputFileError
from tas_import.i18n import _

logger = logging.getLogger(__name__)

# Legacy encodings a Czech or western European Excel may save CSV in, most likely first.
CANDIDATE_ENCODINGS = ("cp1250", "iso8859_2", "cp1252")

_CHUNK_SIZE = 1 << 20

_UNICODE_CODECS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                             "utf-32", "utf-32-le", "utf-32-be"})

_LONE_CR = re.compile(rb"\r(?!\n)")

# The bytes of č ř ě ů Č Ř Ě Ů, which cp1250 and ISO 8859-2 share. Then the bytes of
# Š Ť Ž š ť ž in cp1250, and those in ISO 8859-2.
_CZECH_LETTERS = re.compile(rb"[\xe8\xf8\xec\xf9\xc8\xd8\xcc\xd9]")
_CP1250_LETTERS = re.compile(rb"[\x8a\x8d\x8e\x9a\x9d\x9e]")
_LATIN2_LETTERS = re.compile(rb"[\xa9\xab\xae\xb9\xbb\xbe]")
_SAMPLE_SIZE = 1 << 16


def choose_encoding(path: Path, requested: str | None) -> str:
    """Return the codec name to read ``path`` with.

    A BOM decides (UTF-8, UTF-16 LE or BE). Otherwise a requested encoding is used,
    then strict UTF-8 when the whole file decodes as UTF-8, then the most plausible of
    :data:`CANDIDATE_ENCODINGS`. The returned name keeps a UTF-8 BOM ("utf-8-sig") so
    that a results CSV written with it matches the input.
    """
    with path.open("rb") as stream:
        head = stream.read(4)
    bom_encoding = _bom_encoding(head)

    if requested:
        name = _requested_encoding(requested, bom_encoding)
        _check_requested(path, name, bom_encoding)
        return name
    if bom_encoding:
        return bom_encoding

    bad_offset = _first_invalid_utf8(path)
    if bad_offset is None:
        return "utf-8"
    return _guess_legacy_encoding(path, bad_offset)


@dataclass(frozen=True)
class ByteScan:
    """The decoding pass's findings about the file's bytes, for readers that cut at lines.

    Meaningful only for encodings in which every ASCII character is its ASCII byte.
    """

    has_quote: bool  # a '"' byte anywhere
    has_lone_cr: bool  # a CR byte that does not start a CRLF pair


def check_decodes(path: Path, encoding: str) -> ByteScan:
    """Decode the whole file once, so that a bad byte or a NUL is reported before any row.

    Raises :class:`InputFileError` naming the line, the byte offset and the byte value.
    Lines are counted only when a problem is found, by decoding the chunks before it again.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    chunks = 0
    offset = 0
    has_quote = has_lone_cr = cr_at_end = False
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_SIZE):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                before = chunk[: max(error.start, 0)].decode(encoding, errors="replace")
                line = _line_of(path, encoding, chunks, before)
                raise _decode_error(path, encoding, line, offset + error.start,
                                    chunk[error.start]) from None
            except UnicodeError:  # e.g. "utf-16" without a BOM to tell the byte order
                raise _undecodable_error(path, encoding) from None

            if "\x00" in text:
                before = text[: text.index("\x00")]
                raise _nul_error(path, _line_of(path, encoding, chunks, before))
            has_quote = has_quote or b'"' in chunk
            if cr_at_end and not chunk.startswith(b"\n"):
                has_lone_cr = True
            cr_at_end = False
            if not has_lone_cr and b"\r" in chunk:
                lone = _LONE_CR.search(chunk)
                # A CR as the last byte may start a CRLF that the next chunk ends.
                cr_at_end = lone is not None and lone.start() == len(chunk) - 1
                has_lone_cr = lone is not None and not cr_at_end
            chunks += 1
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _truncated_error(path, encoding, _line_of(path, encoding, chunks, "")) from None
    return ByteScan(has_quote=has_quote, has_lone_cr=has_lone_cr or cr_at_end)


def _line_of(path: Path, encoding: str, chunks: int, tail: str) -> int:
    """Return the line number at the end of ``tail``, the text after the first ``chunks``.

    A CRLF pair split between two pieces of text counts as one line end, as in one piece.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    previous = ""
    with path.open("rb") as stream:
        for _chunk_index in range(chunks):
            text = decoder.decode(stream.read(_CHUNK_SIZE))
            line += _count_lines(text) - _split_crlf(previous, text)
            previous = text or previous
    return line + _count_lines(tail) - _split_crlf(previous, tail)


def _split_crlf(previous: str, text: str) -> int:
    return 1 if previous.endswith("\r") and text.startswith("\n") else 0


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and picks the byte order
    return None


def _requested_encoding(requested: str, bom_encoding: str | None) -> str:
    try:
        name = codecs.lookup(requested).name
    except LookupError:
        raise InputFileError(
            _("unknown encoding '{encoding}'", encoding=requested),
            hint=_("Use a Python codec name such as utf-8, cp1250 or iso-8859-2."),
        ) from None

    # A UTF-8 BOM is not data: reading it with plain utf-8 would glue it to the first header.
    if name == "utf-8" and bom_encoding == "utf-8-sig":
        return "utf-8-sig"
    return name


def _check_requested(path: Path, name: str, bom_encoding: str | None) -> None:
    """Reject a requested encoding that the file's bytes prove wrong.

    A byte order mark names the encoding. A file that decodes as UTF-8 and has non-ASCII
    bytes is UTF-8: read as cp1250 it would turn "Věra" into "VÄ›ra" without any error.
    """
    if bom_encoding is not None and codecs.lookup(bom_encoding).name != name:
        family = "UTF-16" if bom_encoding.startswith("utf-16") else "UTF-8"
        if not name.startswith(family.lower()):
            raise InputFileError(
                _("{file} starts with a {family} byte order mark, so it is not {encoding}",
                  file=path.name, family=family, encoding=name),
                path=path,
                hint=_("Leave out --encoding (or source.encoding in the mapping): the byte "
                       "order mark names the encoding."),
            )
    if bom_encoding is None and name not in _UNICODE_CODECS and _is_utf8_text(path):
        raise InputFileError(
            _("{file} is UTF-8 text, not {encoding}: its accented letters would be read "
              "wrongly", file=path.name, encoding=name),
            path=path,
            hint=_("Leave out --encoding (or source.encoding in the mapping), or use "
                   "utf-8."),
        )


def encoding_doubt(path: Path, name: str) -> str | None:
    """Return a notice when a requested legacy encoding reads the file unlike the guess.

    cp1252 reads a cp1250 "Jiří" as "Jiøí" without any error, so only a comparison with
    the detected encoding can raise the doubt. It is a notice, not an error, because the
    detection is a guess too.
    """
    bad_offset = _first_invalid_utf8(path)
    if name in _UNICODE_CODECS or bad_offset is None:
        return None
    guess = _guess_legacy_encoding(path, bad_offset)
    with path.open("rb") as stream:
        sample = stream.read(_SAMPLE_SIZE)
    if codecs.lookup(guess).name == name or not _decodes(sample, guess):
        return None
    if sample.decode(name, errors="replace") == sample.decode(guess):
        return None
    guess = codecs.lookup(guess).name
    logger.warning("%s: read as %s as requested, but it looks like %s", path, name, guess)
    return _("Note: {file} was read as {encoding} as requested, but it looks like {guess}. "
             "If names in the results look wrong, rerun with --encoding {guess}.",
             file=path.name, encoding=name, guess=guess)


def _is_utf8_text(path: Path) -> bool:
    """Tell whether the file decodes as UTF-8 and has non-ASCII bytes."""
    # The UTF-8 check stops at the first invalid byte, which a legacy file has early.
    if _first_invalid_utf8(path) is not None:
        return False
    with path.open("rb") as stream:
        return any(not chunk.isascii() for chunk in iter(lambda: stream.read(_CHUNK_SIZE), b""))


def _first_invalid_utf8(path: Path) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    offset = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_SIZE):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset + max(error.start, 0)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


def _guess_legacy_encoding(path: Path, bad_offset: int) -> str:
    # The sample is the start of the file plus the bytes around the first non-UTF-8
    # byte, so that the guess includes the accented letters even in a long file.
    with path.open("rb") as stream:
        sample = stream.read(_SAMPLE_SIZE)
        if bad_offset >= _SAMPLE_SIZE:
            stream.seek(max(bad_offset - 1024, 0))
            sample += b"\n" + stream.read(_SAMPLE_SIZE)

    decodable = [name for name in CANDIDATE_ENCODINGS if _decodes(sample, name)]
    central = _central_european(sample, decodable)
    if central is not None:
        logger.info("%s is not UTF-8; detected %s by its š, ť and ž bytes", path, central)
        return central
    best = from_bytes(sample, cp_isolation=decodable).best() if decodable else None
    chosen = best.encoding if best is not None else (decodable or ["cp1250"])[0]
    logger.info("%s is not UTF-8; detected %s among %s", path, chosen, decodable)
    return chosen


def _central_european(sample: bytes, decodable: list[str]) -> str | None:
    """Tell cp1250 from ISO 8859-2 by the bytes of Š Ť Ž š ť ž, where the two differ.

    Most Czech letters (á, č, ě, ř, ů ...) have the same byte in both, so a statistical
    guess often cannot tell them apart. In cp1250, š ť ž are bytes that ISO 8859-2 reads
    as control characters. In ISO 8859-2 they are bytes that cp1250 reads as ą » ľ.
    Returns None when the sample has neither kind, or both, or no č ř ě ů (the same bytes
    in both), because a Western text may have © or » and no Czech at all.
    """
    if _CZECH_LETTERS.search(sample) is None:
        return None
    cp1250_letters = _CP1250_LETTERS.search(sample) is not None
    latin2_letters = _LATIN2_LETTERS.search(sample) is not None
    if cp1250_letters and not latin2_letters and "cp1250" in decodable:
        return "cp1250"
    if latin2_letters and not cp1250_letters and "iso8859_2" in decodable:
        return "iso8859_2"
    return None


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _count_lines(text: str) -> int:
    # CR-only (old Mac) files have no "\n"; a CRLF pair counts once.
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _undecodable_error(path: Path, encoding: str) -> InputFileError:
    if _first_invalid_utf8(path) is None:
        hint = _("The file is valid UTF-8: leave out --encoding, or use --encoding utf-8.")
    else:
        hint = _("Name the byte order too, for example --encoding utf-16-le.")
    return InputFileError(
        _("{file} cannot be read as {encoding}: the encoding does not say its byte order, "
          "and the file has no byte order mark", file=path.name, encoding=encoding),
        path=path,
        hint=hint,
    )


def _decode_error(path: Path, encoding: str, line: int, offset: int, byte: int) -> InputFileError:
    return InputFileError(
        _("{file}, line {line}: byte {byte} at offset {offset} is not valid {encoding}",
          file=path.name, line=line, byte=f"0x{byte:02X}", offset=offset, encoding=encoding),
        path=path,
        row=line,
        hint=_decode_hint(encoding),
    )


def _decode_hint(encoding: str) -> str:
    if codecs.lookup(encoding).name == "cp1250":
        # Suggesting cp1250 again would not help: the byte fits no Czech encoding.
        return _("The byte is not text in any encoding Czech Excel writes: look at that "
                 "line, because the file may be damaged or contain binary data.")
    return _("Choose the file's encoding, for example --encoding cp1250 for a CSV saved "
             "by Czech Excel.")


def _truncated_error(path: Path, encoding: str, line: int) -> InputFileError:
    return InputFileError(
        _("{file}, line {line}: the file ends in the middle of a {encoding} character",
          file=path.name, line=line, encoding=encoding),
        path=path,
        row=line,
        hint=_("The file is cut off or has another encoding; try --encoding cp1250."),
    )


def _nul_error(path: Path, line: int) -> InputFileError:
    return InputFileError(
        _("{file}, line {line}: the file contains a NUL byte, so it is not a text file",
          file=path.name, line=line),
        path=path,
        row=line,
        hint=_("Export the data again as CSV; if the file is UTF-16 without a BOM, "
               "choose --encoding utf-16-le."),
    )
