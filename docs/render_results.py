"""Render a sample results workbook to docs/results-sheet.png.

Writes a small results sheet with ResultsWriter, converts it to PDF with LibreOffice
headless and the first page (the data sheet) to PNG with pdftoppm. Both tools come from
Debian: ``apt-get install -y libreoffice-calc poppler-utils``.

    PYTHONPATH=src python docs/render_results.py [--lang cs] [--output docs/results-sheet.png]
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tas_import.i18n import set_language
from tas_import.results import ResultsWriter, RunInfo
from tas_import.rows import RowResult, Status

DOCS = Path(__file__).resolve().parent
HEADERS = ["Osobní číslo", "Jméno", "Příjmení", "Datum nástupu", "Mzda", "Oddělení"]
STARTED = datetime.datetime(2026, 3, 2, 7, 30)

CROP_MARGIN = 12  # white pixels kept around the table

SAMPLE_ROWS: list[tuple[list[object], RowResult]] = [
    (["10231", "Jana", "Nováková", datetime.date(2026, 4, 1), 42500, "HR"],
     RowResult(2, Status.CREATED, case_id="51204")),
    (["10232", "Petr", "Dvořák", datetime.date(2026, 4, 1), 51000, "IT"],
     RowResult(3, Status.CREATED, case_id="51205")),
    (["10233", "Lucie", "Černá", "31.4.2026", 38900, "Finance"],
     RowResult(4, Status.INVALID, "Datum nástupu: '31.4.2026' is not a date in the format "
                                  "DD.MM.YYYY")),
    (["10234", "Tomáš", "Procházka", datetime.date(2026, 4, 15), 46000, "Marketing"],
     RowResult(5, Status.INVALID, "Oddělení: 'Marketing' is not one of HR, IT, Finance")),
    (["10235", "Eva", "Šťastná", datetime.date(2026, 5, 1), 44300, "HR"],
     RowResult(6, Status.SKIPPED, "created on 2026-03-01 as case 51102", case_id="51102")),
    (["10236", "Martin", "Kučera", datetime.date(2026, 5, 1), 47800, "IT"],
     RowResult(7, Status.FAILED, "TAS answered 400: variable 'salary' is not numeric")),
    (["10237", "Veronika", "Růžičková", datetime.date(2026, 5, 4), 39900, "Finance"],
     RowResult(8, Status.UNKNOWN, "No response within 30 s: check TAS before sending again")),
    (["10238", "Jakub", "Veselý", datetime.date(2026, 5, 4), 45200, "=HYPERLINK(\"x\")"],
     RowResult(9, Status.INVALID, "Oddělení: '=HYPERLINK(\"x\")' is not one of HR, IT, "
                                  "Finance")),
    (["10239", "Tereza", "Marková", datetime.date(2026, 6, 1), 43100, "HR"],
     RowResult(10, Status.NOT_ATTEMPTED, "Not sent: TAS rejected the token (401)")),
]


def write_sample(folder: Path) -> Path:
    info = RunInfo(
        input_path=folder / "nastupy-2026.xlsx",
        template=27,
        run_id="20260302-073000-4f1c",
        started_at=STARTED,
        tool_version="0.1.0",
        dry_run=False,
    )
    with ResultsWriter(folder / "nastupy-2026.results.xlsx", HEADERS, info) as writer:
        for cells, result in SAMPLE_ROWS:
            writer.write(cells, result)
        return writer.close(STARTED + datetime.timedelta(seconds=14))


def render(workbook: Path, output: Path, resolution: int) -> None:
    folder = workbook.parent
    # A private LibreOffice profile keeps the run independent of the user's settings.
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = workbook.with_suffix(".pdf")
    left, top, width, height = content_box(pdf, folder / "full", resolution)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
         "-x", str(left - CROP_MARGIN), "-y", str(top - CROP_MARGIN),
         "-W", str(width + 2 * CROP_MARGIN), "-H", str(height + 2 * CROP_MARGIN),
         str(pdf), str(folder / "page")],
        check=True, timeout=60,
    )
    shutil.copyfile(folder / "page.png", output)


def content_box(pdf: Path, stem: Path, resolution: int) -> tuple[int, int, int, int]:
    """Return left, top, width and height in pixels of what is drawn on the first page.

    Without -png, pdftoppm writes a binary PPM (P6): a short text header, then 3 bytes
    per pixel. The scan finds the rows and columns that are not white, so the PNG shows
    the table without the blank rest of the page.
    """
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
         str(pdf), str(stem)],
        check=True, timeout=60,
    )
    data = stem.with_suffix(".ppm").read_bytes()
    magic, width_text, height_text, _maximum, pixels = data.split(maxsplit=4)
    if magic != b"P6":
        raise ValueError(f"unexpected pdftoppm output {magic!r}")
    stride = int(width_text) * 3

    drawn_rows = []
    for y in range(int(height_text)):
        row = pixels[y * stride:(y + 1) * stride]
        stripped = row.strip(b"\xff")
        if stripped:
            first = (len(row) - len(row.lstrip(b"\xff"))) // 3
            drawn_rows.append((y, first, len(row.rstrip(b"\xff")) // 3))

    top, bottom = drawn_rows[0][0], drawn_rows[-1][0]
    left = min(first for _y, first, _last in drawn_rows)
    right = max(last for _y, _first, last in drawn_rows)
    return left, top, right - left + 1, bottom - top + 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["en", "cs"], default="en")
    parser.add_argument("--output", type=Path, default=DOCS / "results-sheet.png")
    parser.add_argument("--resolution", type=int, default=150, help="PNG resolution in DPI")
    arguments = parser.parse_args()

    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y libreoffice-calc poppler-utils",
                  file=sys.stderr)
            return 1

    set_language(arguments.lang)
    with tempfile.TemporaryDirectory() as folder:
        workbook = write_sample(Path(folder))
        render(workbook, arguments.output, arguments.resolution)
    print(arguments.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
