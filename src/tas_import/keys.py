"""Row keys: what makes two rows "the same row" for the ledger, and duplicates within a file.

A row's key is the coerced values of the mapping's ``key`` columns (computed by coercion
into ``CoercedRow.key``). A mapping without ``key`` identifies a row by a hash of its whole
payload, so the same row in a later file is recognised but any changed value makes a new
row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import simplejson

from tas_import.i18n import _
from tas_import.rows import CoercedRow, PayloadValue, RowResult, Status

PAYLOAD_HASH_PREFIX = "sha256:"


def payload_hash(data: Mapping[str, PayloadValue]) -> str:
    """Return ``sha256:<hex>`` of the payload, independent of the variables' order.

    Decimals are written exactly as they are sent, so ``1.50`` and ``1.5`` differ, just
    as the two requests would.
    """
    text = simplejson.dumps(
        dict(data), use_decimal=True, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return PAYLOAD_HASH_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_key(row: CoercedRow) -> str | None:
    """Return the row's ledger key, or None for an invalid row without a key."""
    if row.key is not None:
        return row.key
    if row.data is None:
        return None
    return payload_hash(row.data)


class DuplicateKeys:
    """Rejects the second row of one file whose key an earlier row already has.

    Use one instance per file. Memory grows with the number of distinct keys, about
    150 bytes per key plus the key itself.
    """

    def __init__(self) -> None:
        self._first_rows: dict[str, int] = {}

    def check(self, row: CoercedRow) -> RowResult | None:
        """Return an ``invalid`` result for a valid row whose key came before, else None.

        Invalid rows are never rejected here (they already have their reason), but their
        keys are remembered, so a later valid row with the same key still points to them.
        """
        key = row_key(row)
        if key is None:
            return None

        first_row = self._first_rows.setdefault(key, row.number)
        if first_row == row.number or not row.is_valid:
            return None
        return duplicate_result(row.number, key, first_row)


def describe_key(key: str) -> str | None:
    """Return the key's values as the user typed them, or None for a payload hash."""
    if key.startswith(PAYLOAD_HASH_PREFIX):
        return None
    try:
        values = simplejson.loads(key, use_decimal=True)
    except simplejson.JSONDecodeError:
        return key
    if not isinstance(values, list):
        return key
    return ", ".join("" if value is None else str(value) for value in values)


def duplicate_result(number: int, key: str, first_row: int) -> RowResult:
    """Return the ``invalid`` result of a row whose key an earlier row already has."""
    values = describe_key(key)
    if values is None:
        message = _("same values in every column as row {row}", row=first_row)
    else:
        message = _("same key as row {row} ({key})", row=first_row, key=values)
    return RowResult(number, Status.INVALID, message)
