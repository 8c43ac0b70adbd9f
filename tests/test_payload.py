"""The start-process JSON body: exact Decimal numbers, UTF-8 text, no floats."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tas_import.payload import encode_start_process


def test_decimal_stays_exact() -> None:
    body = encode_start_process(27, {"salary": Decimal("1234.50")})

    assert b'"salary":1234.50' in body
    assert b'"tiny":0.10.1' not in body


def test_long_decimal_not_rounded() -> None:
    body = encode_start_process(27, {"amount": Decimal("12345678901234567890.123456789")})

    assert b'"amount":12345678901234567890.123456789' in body


def test_shape_and_integer() -> None:
    body = encode_start_process(27, {"count": 3, "name": "x"})

    assert json.loads(body) == {"processId": 27, "data": {"count": 3, "name": "x"}}


def test_non_ascii_kept_as_utf8() -> None:
    body = encode_start_process(27, {"fullName": "Žofie Nováková"})

    assert "Žofie Nováková".encode() in body
    assert b"\\u" not in body


def test_float_rejected() -> None:
    with pytest.raises(TypeError, match="salary"):
        encode_start_process(27, {"salary": 1234.5})


def test_nan_rejected() -> None:
    with pytest.raises(ValueError, match="salary"):
        encode_start_process(27, {"salary": Decimal("NaN")})


def test_unsupported_type_rejected() -> None:
    with pytest.raises(TypeError, match="when"):
        encode_start_process(27, {"when": object()})
