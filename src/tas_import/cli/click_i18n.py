"""Route click's own strings ("Usage:", "Missing option", ...) through our catalogs.

click translates its texts with the standard library's ``gettext`` under the default
domain, which tas-import does not install. Each click module binds that function to
its module-level name ``_`` at import, so pointing those names at the catalog lookup
makes ``--help`` and click's usage errors Czech too. The lookup returns the raw
translation because click fills in the placeholders itself.
"""

from __future__ import annotations

import importlib

from tas_import.i18n import current_language, load_catalog

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
)


def translate_click_message(message: str) -> str:
    if current_language() == "en":
        return message
    return load_catalog(current_language()).get(message, message)


def localize_click() -> None:
    """Make click look its messages up in the tas-import catalogs (idempotent)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translate_click_message  # type: ignore[attr-defined]
