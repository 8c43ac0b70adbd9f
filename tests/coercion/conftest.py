from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tas_import.coercion import Coercer
from tas_import.mapping import Mapping
from tas_import.rows import CoercedRow, SourceRow

CoerceOne = Callable[..., CoercedRow]


@pytest.fixture
def coerce_one() -> CoerceOne:
    """Coerce one cell (column "C") through a one-variable mapping named "v"."""

    def run(value: Any, defaults: dict[str, Any] | None = None, **variable: Any) -> CoercedRow:
        mapping = Mapping.model_validate({
            "template": 1,
            "defaults": defaults or {},
            "variables": {"v": {"column": "C", **variable}},
        })
        coercer = Coercer(mapping, {"C": "c"})
        return coercer.coerce_batch([SourceRow(2, {"c": value})])[0]

    return run
