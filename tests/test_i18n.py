"""Every translatable message has a Czech translation, and language selection works.

The scan reads the source with ``ast``: every call of ``_(...)`` or ``gettext(...)``
(also as ``i18n._``) must pass a string literal first, and that literal must have a
translation in ``src/tas_import/locale/cs/*.po`` with the same ``{placeholders}``.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tas_import import i18n
from tas_import.i18n import _, language_from_environment, set_language

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tas_import"
CZECH_CATALOGS = sorted((PACKAGE / "locale" / "cs").glob("*.po"))
TRANSLATION_FUNCTIONS = {"_", "gettext"}


@dataclass(frozen=True)
class Call:
    """One translation call in the source: where it is and its message (None if not literal)."""

    path: Path
    line: int
    message: str | None

    def where(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{self.line}"


def translation_calls() -> Iterator[Call]:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not is_translation_function(node.func):
                continue
            first = node.args[0] if node.args else None
            message = None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                message = first.value
            yield Call(path, node.lineno, message)


def is_translation_function(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in TRANSLATION_FUNCTIONS
    return isinstance(func, ast.Attribute) and func.attr in TRANSLATION_FUNCTIONS and (
        isinstance(func.value, ast.Name) and func.value.id == "i18n"
    )


def placeholders(message: str) -> set[str]:
    return {
        field for _text, field, _spec, _conversion in string.Formatter().parse(message)
        if field is not None
    }


def czech_entries() -> dict[str, list[tuple[str, str]]]:
    """Return msgid -> [(po file name, translation)] over every Czech catalog."""
    entries: dict[str, list[tuple[str, str]]] = {}
    for po_path in CZECH_CATALOGS:
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale="cs")
        for message in catalog:
            if message.id and isinstance(message.id, str):
                translation = message.string if isinstance(message.string, str) else ""
                entries.setdefault(message.id, []).append((po_path.name, translation))
    return entries


CALLS = list(translation_calls())


def test_scan_finds_calls() -> None:
    assert len(CALLS) > 10


def test_messages_are_literals() -> None:
    not_literal = [call.where() for call in CALLS if call.message is None]
    assert not_literal == []


def test_every_message_translated() -> None:
    entries = czech_entries()
    missing = sorted(
        f"{call.where()}: {call.message!r}"
        for call in CALLS
        if call.message is not None
        and not any(text for _file, text in entries.get(call.message, []))
    )
    assert missing == []


def test_placeholders_match() -> None:
    entries = czech_entries()
    mismatched = [
        f"{po_file}: {message!r} -> {text!r}"
        for message, translations in entries.items()
        for po_file, text in translations
        if text and placeholders(message) != placeholders(text)
    ]
    assert mismatched == []


def test_same_message_translated_alike() -> None:
    conflicting = [
        f"{message!r}: {translations}"
        for message, translations in czech_entries().items()
        if len({text for _file, text in translations}) > 1
    ]
    assert conflicting == []


@pytest.mark.parametrize("po_path", CZECH_CATALOGS, ids=lambda path: path.name)
def test_catalog_complete(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale="cs")
    incomplete = [
        message.id for message in catalog
        if message.id and (message.fuzzy or not message.string)
    ]
    assert incomplete == []


@pytest.mark.parametrize("po_path", CZECH_CATALOGS, ids=lambda path: path.name)
def test_catalog_header_declares_utf8(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale="cs")
    assert catalog.charset.lower() == "utf-8"


@pytest.fixture
def restore_language() -> Iterator[None]:
    yield
    set_language("en")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"TAS_IMPORT_LANG": "cs"}, "cs"),
        ({"TAS_IMPORT_LANG": "CS"}, "cs"),
        ({"TAS_IMPORT_LANG": "en", "LANG": "cs_CZ.UTF-8"}, "en"),
        ({"LANG": "cs_CZ.UTF-8"}, "cs"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "cs_CZ.UTF-8", "LANG": "en_US.UTF-8"}, "cs"),
        ({"LC_MESSAGES": "cs_CZ", "LANG": "C"}, "cs"),
        ({"TAS_IMPORT_LANG": "de"}, "en"),
    ],
)
def test_language_from_environment(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


def test_english_by_default(restore_language: None) -> None:
    set_language("en")
    assert _("Results: {path}", path="r.xlsx") == "Results: r.xlsx"


def test_czech_translates_and_fills(restore_language: None) -> None:
    set_language("cs")
    assert _("Results: {path}", path="r.xlsx") == "Výsledky: r.xlsx"


def test_unknown_message_falls_back(restore_language: None) -> None:
    set_language("cs")
    assert _("No such message {x}", x=1) == "No such message 1"


def test_unsupported_language_rejected(restore_language: None) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        set_language("de")


def test_set_language_detects(restore_language: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAS_IMPORT_LANG", "cs")
    assert (set_language(None), i18n.current_language()) == ("cs", "cs")
