"""The results sheet: every input row once, with its outcome, as XLSX or CSV."""

from tas_import.results.cells import guard_csv_text, needs_formula_guard, unguard_csv_text
from tas_import.results.run import RunInfo
from tas_import.results.writer import RESULT_COLUMNS, ResultsWriter, default_results_path

__all__ = [
    "RESULT_COLUMNS",
    "ResultsWriter",
    "RunInfo",
    "default_results_path",
    "guard_csv_text",
    "needs_formula_guard",
    "unguard_csv_text",
]
