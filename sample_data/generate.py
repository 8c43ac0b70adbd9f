"""Generate the bundled sample: a Czech HR onboarding workbook and the same rows as CSV.

The workbook has real Excel date cells and number cells; the CSV is saved the way Czech
Excel saves "CSV (oddělený středníkem)": cp1250, `;` separator, decimal comma, dates as
dd.mm.yyyy. A few rows are deliberately invalid so that a run shows both outcomes.
The output is deterministic (fixed seed), so regenerating changes no committed byte
except the workbook's zip timestamps.

Run: python sample_data/generate.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent

HEADERS = [
    "Osobní číslo",
    "Jméno",
    "Příjmení",
    "E-mail",
    "Datum nástupu",
    "Oddělení",
    "Pozice",
    "Mzda",
    "Úvazek",
    "Zkušební doba",
    "Poznámka",
]

FIRST_NAMES = [
    "Jiří", "Jan", "Petr", "Josef", "Pavel", "Martin", "Tomáš", "Jaroslav", "Miroslav",
    "Zdeněk", "Václav", "Michal", "František", "Lukáš", "Jakub", "Marie", "Jana", "Eva",
    "Hana", "Anna", "Lenka", "Kateřina", "Lucie", "Věra", "Alena", "Petra", "Veronika",
    "Tereza", "Zuzana", "Markéta",
]
LAST_NAMES = [
    ("Novák", "Nováková"), ("Svoboda", "Svobodová"), ("Novotný", "Novotná"),
    ("Dvořák", "Dvořáková"), ("Černý", "Černá"), ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"), ("Veselý", "Veselá"), ("Horák", "Horáková"),
    ("Němec", "Němcová"), ("Pokorný", "Pokorná"), ("Marek", "Marková"),
    ("Pospíšil", "Pospíšilová"), ("Hájek", "Hájková"), ("Jelínek", "Jelínková"),
    ("Růžička", "Růžičková"), ("Beneš", "Benešová"), ("Fiala", "Fialová"),
    ("Sedláček", "Sedláčková"), ("Doležal", "Doležalová"), ("Zeman", "Zemanová"),
    ("Kolář", "Kolářová"), ("Šťastný", "Šťastná"), ("Krejčí", "Krejčí"),
]
FEMALE_FIRST_NAMES = set(FIRST_NAMES[15:])
DEPARTMENTS = {
    "HR": ["Personalista", "Mzdová účetní", "Specialista náboru"],
    "IT": ["Vývojář", "Správce sítě", "Analytik", "Tester"],
    "Finance": ["Účetní", "Controller", "Fakturantka"],
    "Výroba": ["Operátor výroby", "Mistr", "Technolog"],
    "Obchod": ["Obchodní zástupce", "Key account manažer"],
}
ROW_COUNT = 60

# Deliberate mistakes, by data row index (0-based), each the kind HR staff really make.
MISTAKES = {
    7: ("Datum nástupu", "31.02.2027", "a date that does not exist"),
    15: ("Oddělení", "Marketing", "a department the template does not offer"),
    23: ("Osobní číslo", None, "a missing required employee number"),
    31: ("Mzda", "dohodou", "a salary written as a word"),
    44: ("Zkušební doba", "možná", "a yes/no value that is neither"),
}


def ascii_fold(text: str) -> str:
    table = str.maketrans("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ", "acdeeinorstuuyzACDEEINORSTUUYZ")
    return text.translate(table)


def make_rows(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for index in range(ROW_COUNT):
        first = rng.choice(FIRST_NAMES)
        male, female = rng.choice(LAST_NAMES)
        last = female if first in FEMALE_FIRST_NAMES else male
        department = rng.choice(sorted(DEPARTMENTS))
        row: dict[str, object] = {
            "Osobní číslo": f"{10000 + index * 7:06d}",
            "Jméno": first,
            "Příjmení": last,
            "E-mail": f"{ascii_fold(first).lower()}.{ascii_fold(last).lower()}@firma.cz",
            "Datum nástupu": dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(0, 180)),
            "Oddělení": department,
            "Pozice": rng.choice(DEPARTMENTS[department]),
            "Mzda": Decimal(rng.randrange(3200000, 9800000, 50)) / 100,
            "Úvazek": rng.choice([Decimal("1"), Decimal("1"), Decimal("1"), Decimal("0.5")]),
            "Zkušební doba": rng.choice(["ano", "ano", "ne"]),
            "Poznámka": rng.choice(["", "", "", "Nástup na pobočce Brno", "Home office 2 dny"]),
        }
        mistake = MISTAKES.get(index)
        if mistake:
            row[mistake[0]] = mistake[1]
        rows.append(row)
    return rows


def write_workbook(rows: list[dict[str, object]], path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Nástupy"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)

    for row in rows:
        values = [float(v) if isinstance(v, Decimal) else v for v in row.values()]
        sheet.append([None if v == "" else v for v in values])

    for cells in sheet.iter_rows(min_row=2):
        cells[0].number_format = "@"  # employee numbers are text: leading zeros matter
        cells[4].number_format = "d.m.yyyy"
        cells[7].number_format = "# ##0.00"
    for letter, width in zip("ABCDEFGHIJK", [13, 12, 14, 30, 14, 10, 22, 11, 8, 14, 26]):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)


def czech_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return "" if value is None else str(value)


def write_czech_csv(rows: list[dict[str, object]], path: Path) -> None:
    # newline="" and lineterminator="\r\n": Windows line ends, as Excel writes them.
    with path.open("w", encoding="cp1250", newline="") as csv_file:
        writer = csv.writer(csv_file, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([czech_text(value) for value in row.values()])


def write_templates(path: Path) -> None:
    departments = ", ".join(sorted(DEPARTMENTS))
    path.write_text(
        "# Templates of the sandbox TAS server for the bundled sample.\n"
        "templates:\n"
        "  27:\n"
        "    name: Nástup zaměstnance\n"
        "    variables:\n"
        "      employeeNumber: text\n"
        "      firstName: text\n"
        "      lastName: text\n"
        "      email: text\n"
        "      startDate: date\n"
        f"      department: {{type: lov, values: [{departments}]}}\n"
        "      position: text\n"
        "      salary: number\n"
        "      fte: number\n"
        "      probation: {type: lov, values: [\"true\", \"false\"]}\n"
        "      note: text\n",
        encoding="utf-8",
    )


def main() -> None:
    rows = make_rows(random.Random(20261204))
    write_workbook(rows, HERE / "onboarding.xlsx")
    write_czech_csv(rows, HERE / "onboarding.csv")
    write_templates(HERE / "templates.yaml")
    print(f"wrote {ROW_COUNT} rows to {HERE / 'onboarding.xlsx'} and {HERE / 'onboarding.csv'}")


if __name__ == "__main__":
    main()
