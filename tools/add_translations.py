"""Append Czech translations to a catalog file in src/tas_import/locale/cs/.

Usage: python tools/add_translations.py CATALOG.po TRANSLATIONS.json
TRANSLATIONS.json maps each English msgid to its Czech text. Existing entries are kept;
babel writes the PO escaping, so multi-line and quoted messages come out right.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(catalog_path: Path, translations_path: Path) -> None:
    if catalog_path.exists():
        with catalog_path.open("rb") as po_file:
            catalog = read_po(po_file, locale="cs")
    else:
        catalog = Catalog(locale="cs", project="tas-import", fuzzy=False)

    catalog.fuzzy = False
    translations: dict[str, str] = json.loads(translations_path.read_text(encoding="utf-8"))
    for message_id, text in translations.items():
        catalog.add(message_id, text)

    with catalog_path.open("wb") as po_file:
        write_po(po_file, catalog, width=0, omit_header=False, sort_output=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
