"""An inbox folder: the spreadsheets in it, in name order, and archiving finished ones."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from tas_import.errors import UsageError
from tas_import.i18n import _

logger = logging.getLogger(__name__)

SPREADSHEET_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}


def is_results_file(path: Path) -> bool:
    """Tell whether ``path`` is a results sheet written by an earlier run (never imported again)."""
    return ".results" in path.suffixes


def source_stem(path: Path) -> str:
    """Return the name of the file a results sheet was written for: ``a`` for ``a.results.csv``."""
    name = path.name
    return name[: name.rindex(".results")]


def inbox_files(folder: Path) -> list[Path]:
    """Return the spreadsheets of ``folder`` in name order.

    A results sheet is imported only when the file it was written for is not in the
    folder: HR staff drop a fixed results sheet into the inbox, while the results that a
    run wrote beside its input must not be imported again. Office lock files
    (``~$name.xlsx``) and hidden files are left alone because another program is
    writing them.
    """
    spreadsheets = [
        path
        for path in sorted(folder.iterdir(), key=lambda item: item.name)
        if path.is_file()
        and path.suffix.lower() in SPREADSHEET_SUFFIXES
        and not path.name.startswith((".", "~$"))
    ]
    names = {path.name for path in spreadsheets}
    stems = {path.name[: -len(path.suffix)] for path in spreadsheets}

    files = []
    for path in spreadsheets:
        if is_results_file(path) and source_stem(path) in stems | names:
            logger.info("inbox %s: %s is the results of another file there", folder, path.name)
            continue
        files.append(path)
    logger.info("inbox %s: %d files", folder, len(files))
    return files


def input_files(path: Path) -> list[Path]:
    """Return the one file named, or the files of an inbox folder (possibly none).

    An empty inbox is the normal state of most nights, so it is no error.
    """
    if path.is_dir():
        return inbox_files(path)
    if not path.exists():
        raise UsageError(_("File not found: '{path}'.", path=path))
    return [path]


def archive(paths: list[Path], archive_dir: Path) -> list[Path]:
    """Move ``paths`` into ``archive_dir``; a name already there gets a time stamp suffix."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    moved: list[Path] = []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for path in paths:
        target = archive_dir / path.name
        if target.exists():
            target = archive_dir / f"{path.stem}.{stamp}{path.suffix}"
        shutil.move(str(path), target)
        logger.info("archived %s to %s", path, target)
        moved.append(target)
    return moved
