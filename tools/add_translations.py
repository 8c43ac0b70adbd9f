"""Append Czech translations to a catalog file in src/tas_import/locale/cs/.

Usage: python tools/add_translations.py CATALOG.po TRANSLATIONS.json
TRANSLATIONS.json maps each English msgid to its Czech text. Entries the catalog already
has are left alone; new ones are appended with babel's PO escaping, so quotes and line
breaks come out right and the rest of the file stays as it is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import escape, read_po

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: cs\\n"\n'


def known_ids(catalog_path: Path) -> set[str]:
    with catalog_path.open("rb") as po_file:
        catalog = read_po(po_file, locale="cs")
    return {message.id for message in catalog if isinstance(message.id, str)}


def main(catalog_path: Path, translations_path: Path) -> None:
    translations: dict[str, str] = json.loads(translations_path.read_text(encoding="utf-8"))
    if not catalog_path.exists():
        catalog_path.write_text(HEADER, encoding="utf-8")

    existing = known_ids(catalog_path)
    entries = [
        f"\nmsgid {escape(message_id)}\nmsgstr {escape(text)}\n"
        for message_id, text in translations.items()
        if message_id not in existing
    ]
    with catalog_path.open("a", encoding="utf-8") as po_file:
        po_file.writelines(entries)
    print(f"{catalog_path}: {len(entries)} entries added")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
