from __future__ import annotations

from pathlib import Path

from tas_import.mapping import SCHEMA_PATH, render_mapping_schema

REPOSITORY = Path(__file__).resolve().parents[2]


def test_schema_file_current() -> None:
    # Regenerate with: PYTHONPATH=src python -m tas_import.mapping
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_mapping_schema()


def test_example_mappings_have_schema_line() -> None:
    examples = [*(REPOSITORY / "mappings").glob("*.yaml"), Path(__file__).parent / "data" /
                "full.yaml"]
    for example in examples:
        first_line = example.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema="), example
