"""The one translation layer for every user-facing string.

Messages are written in English in the code as ``_("Row {row}: ...", row=7)`` and
translated through the gettext catalogs in ``locale/<lang>/*.po``. Each area of the
package keeps its own ``.po`` file; all files of one language form one catalog.
Placeholders use ``str.format`` names, so a translation may reorder them.

The language is chosen once per process: ``--lang``, then ``TAS_IMPORT_LANG``, then the
POSIX locale variables (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), then English.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "cs")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

_current_language = DEFAULT_LANGUAGE


@cache
def load_catalog(language: str) -> dict[str, str]:
    """Return msgid -> translation for every ``.po`` file of the language."""
    translations: dict[str, str] = {}
    for po_path in sorted((LOCALE_DIR / language).glob("*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        for message in catalog:
            message_id, text = message.id, message.string
            if not (isinstance(message_id, str) and isinstance(text, str)):
                continue  # a plural entry: the messages here use no plural forms
            if message_id and text and not message.fuzzy:
                translations[message_id] = text
    return translations


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """Pick the language from TAS_IMPORT_LANG or the POSIX locale variables."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("TAS_IMPORT_LANG", "").strip().lower()
    if explicit:
        return explicit if explicit in LANGUAGES else DEFAULT_LANGUAGE

    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "cs" if value.lower().startswith("cs") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def language_from_argv(argv: Sequence[str]) -> str | None:
    """Return the valid value of ``--lang`` in ``argv``, else None (detect it).

    The command lines read it before click parses, because click evaluates the
    translated help texts when the commands are built.
    """
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    return None


def set_language(language: str | None) -> str:
    """Switch the process to ``language`` (None: detect it) and return the one chosen."""
    global _current_language
    chosen = language_from_environment() if language is None else language.lower()
    if chosen not in LANGUAGES:
        raise ValueError(f"unsupported language {chosen!r}, expected one of {LANGUAGES}")
    _current_language = chosen
    return chosen


def current_language() -> str:
    return _current_language


def gettext(message: str, /, **params: object) -> str:
    """Translate ``message`` into the current language and fill in its placeholders."""
    text = message
    if _current_language != DEFAULT_LANGUAGE:
        text = load_catalog(_current_language).get(message, message)
    return text.format(**params) if params else text


_ = gettext
