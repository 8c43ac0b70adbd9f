"""Repeated row keys within one file, found batch by batch in columnar memory."""

from __future__ import annotations

import polars as pl

_SEED = 20260101


class SeenKeys:
    """The keys of the valid rows so far, each with the first row that had it.

    The same decisions as :class:`tas_import.keys.DuplicateKeys`, for whole batches. A
    frame of 64-bit key hashes, sorted, finds the candidates; each candidate is confirmed
    by comparing the keys themselves, so a hash collision never makes a repeat. About
    40 bytes per short key: a million rows need about 40 MB and no temporary file.
    """

    def __init__(self) -> None:
        # Sorted by hash; "position" points into _keys and _rows, which are in the order
        # the keys were first seen.
        self._index = pl.DataFrame(schema={"hash": pl.UInt64, "position": pl.Int64})
        self._keys = pl.Series("key", [], dtype=pl.String)
        self._rows = pl.Series("row", [], dtype=pl.Int64)

    def repeats(self, batch: pl.Series, numbers: list[int]) -> dict[int, int]:
        """Return position -> first row, for each key of ``batch`` that came before.

        A key comes before when an earlier batch had it or an earlier position of this
        one. The keys not seen before are remembered with their row ``numbers``.
        """
        hashes = batch.hash(seed=_SEED)
        earlier = self._earlier_rows(batch, hashes)
        first = batch.is_first_distinct()
        new = first.scatter(list(earlier), False) if earlier else first
        self._remember(batch.filter(new), hashes.filter(new),
                       pl.Series("row", numbers, dtype=pl.Int64).filter(new))
        if not earlier and first.all():
            return {}

        repeats = dict(earlier)
        for position in (~first).arg_true().to_list():
            repeats[position] = self._first_row(batch[position], hashes[position])
        return repeats

    def _earlier_rows(self, batch: pl.Series, hashes: pl.Series) -> dict[int, int]:
        """Return position -> first row for the keys that an earlier batch had."""
        known = self._index.get_column("hash")
        if known.is_empty():
            return {}
        places = known.search_sorted(hashes).clip(upper_bound=len(known) - 1)
        candidates = (known.gather(places) == hashes).arg_true().to_list()
        earlier = {}
        for position in candidates:
            row = self._first_row(batch[position], hashes[position])
            if row:
                earlier[position] = row
        return earlier

    def _first_row(self, key: str, key_hash: int) -> int:
        """Return the first row of ``key`` among the remembered keys, or 0."""
        known = self._index.get_column("hash")
        start = int(known.search_sorted(key_hash, side="left"))
        stop = int(known.search_sorted(key_hash, side="right"))
        for position in self._index.get_column("position").slice(start, stop - start):
            if self._keys[position] == key:
                return int(self._rows[position])
        return 0

    def _remember(self, keys: pl.Series, hashes: pl.Series, rows: pl.Series) -> None:
        start = len(self._keys)
        self._keys.append(keys.rename("key"))
        self._rows.append(rows)
        added = pl.DataFrame({
            "hash": hashes,
            "position": pl.int_range(start, start + len(keys), dtype=pl.Int64, eager=True),
        }).sort("hash")
        # Both frames are sorted: merging them takes linear time, unlike a new sort.
        self._index = self._index.merge_sorted(added, key="hash")
