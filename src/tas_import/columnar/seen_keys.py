"""Repeated row keys within one file, found batch by batch in columnar memory."""

from __future__ import annotations

import polars as pl

_SEED = 20260101


class SeenKeys:
    """The keys of the valid rows so far, each with the first row that had it.

    The same decisions as :class:`tas_import.keys.DuplicateKeys`, for whole batches. The
    known keys are kept with a 64-bit hash in series that are only ever appended to. A
    batch looks its hashes up by scanning the known hashes, which polars does in a few
    nanoseconds per key. Each hit is confirmed by comparing the keys themselves, so a
    hash collision never makes a repeat. About 30 bytes per short key: a million rows
    need about 30 MB and no temporary file.
    """

    def __init__(self) -> None:
        # Appended to in place: polars keeps each batch as a chunk, so nothing is copied.
        self._hashes = pl.Series("hash", [], dtype=pl.UInt64)
        self._keys = pl.Series("key", [], dtype=pl.String)
        self._rows = pl.Series("row", [], dtype=pl.Int32)

    def repeats(self, batch: pl.Series, numbers: list[int]) -> dict[int, int]:
        """Return position -> first row, for each key of ``batch`` that came before.

        A key comes before when an earlier batch had it or an earlier position of this
        one. The keys not seen before are remembered with their row ``numbers``.
        """
        frame = pl.DataFrame({
            "hash": batch.hash(seed=_SEED),
            "key": batch.rename("key"),
            "row": pl.Series(numbers, dtype=pl.Int32),
        })
        earlier = self._earlier_rows(frame)
        first = frame.get_column("key").is_first_distinct()
        new = first & ~earlier.is_not_null()
        added = frame.filter(new)
        self._hashes.append(added.get_column("hash"))
        self._keys.append(added.get_column("key"))
        self._rows.append(added.get_column("row"))
        if new.all():
            return {}

        return self._repeated_rows(frame, earlier, new)

    def _earlier_rows(self, frame: pl.DataFrame) -> pl.Series:
        """Return, per row of ``frame``, the first row of its key in an earlier batch, or null."""
        hits = self._hashes.is_in(frame.get_column("hash").implode()).arg_true()
        if hits.is_empty():
            return pl.repeat(None, frame.height, dtype=pl.Int32, eager=True)
        known = pl.DataFrame([self._keys.gather(hits), self._rows.gather(hits)])
        matched = frame.select("key").join(known, on="key", how="left", maintain_order="left")
        return matched.get_column("row")

    @staticmethod
    def _repeated_rows(frame: pl.DataFrame, earlier: pl.Series, new: pl.Series) -> dict[int, int]:
        """Return position -> first row for each row of ``frame`` that is not ``new``."""
        keys = frame.get_column("key").to_list()
        rows = frame.get_column("row").to_list()
        earlier_rows = earlier.to_list()
        first_rows: dict[str, int] = {}
        repeats: dict[int, int] = {}
        for position, is_new in enumerate(new.to_list()):
            if is_new:
                first_rows[keys[position]] = rows[position]
        for position in (~new).arg_true().to_list():
            row = earlier_rows[position]
            repeats[position] = row if row is not None else first_rows[keys[position]]
        return repeats
