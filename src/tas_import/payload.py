"""The exact JSON body of a TAS start-process request.

``Decimal`` values are written as exact JSON numbers (``1234.50`` stays ``1234.50``), never
through ``float``; text keeps its non-ASCII characters as UTF-8.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import simplejson

from tas_import.rows import PayloadValue


def encode_start_process(process_id: int, data: Mapping[str, PayloadValue]) -> bytes:
    """Encode ``{"processId": ..., "data": {...}}`` as UTF-8 JSON bytes.

    Raises TypeError for a float or any value that is not str, int, bool or Decimal, and
    ValueError for a NaN or infinite Decimal: both mean a coercion bug, not bad input.
    """
    for name, value in data.items():
        _check_value(name, value)

    body = {"processId": process_id, "data": dict(data)}
    text = simplejson.dumps(
        body, use_decimal=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    return text.encode("utf-8")


def _check_value(name: str, value: PayloadValue) -> None:
    if isinstance(value, float):
        raise TypeError(f"variable {name!r}: float {value!r} would lose exactness, use Decimal")
    if not isinstance(value, (str, int, Decimal)):
        raise TypeError(f"variable {name!r}: unsupported payload type {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"variable {name!r}: {value} is not a finite number")
