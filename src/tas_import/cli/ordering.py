"""Keep the results sheet in source order while delivery finishes rows out of order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from tas_import.rows import CellValue, RowResult

WriteResult = Callable[[Sequence[CellValue], RowResult], None]


class ResultsInOrder:
    """Buffer each row until it and every earlier row have a result, then write them.

    Memory stays bounded because delivery pulls rows lazily: only rows still in flight,
    and the rows read after the oldest of them, wait here.
    """

    def __init__(self, write: WriteResult) -> None:
        self._write = write
        self._order: deque[int] = deque()
        self._cells: dict[int, Sequence[CellValue]] = {}
        self._results: dict[int, RowResult] = {}

    def add(self, number: int, cells: Sequence[CellValue]) -> None:
        self._order.append(number)
        self._cells[number] = cells

    def resolve(self, result: RowResult) -> None:
        if result.number not in self._cells:
            raise KeyError(f"row {result.number} was never added or already written")
        self._results[result.number] = result
        self._flush()

    @property
    def waiting(self) -> int:
        return len(self._order)

    def _flush(self) -> None:
        while self._order and self._order[0] in self._results:
            number = self._order.popleft()
            self._write(self._cells.pop(number), self._results.pop(number))
