"""The progress bar on stderr: rows done, rate, time left and counts per status.

The bar appears only when stderr is a terminal. Under cron, in a pipe or with stderr
redirected to a log file it prints nothing, so logs stay free of carriage returns.
"""

from __future__ import annotations

import sys
from collections import Counter
from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

from tas_import.i18n import _
from tas_import.rows import RowResult, Status


class Progress:
    """Count row outcomes and show them on a tqdm bar when ``enabled``.

    ``total`` is the number of rows expected (None when unknown: the bar then shows
    the count and rate without a time left). ``enabled=None`` means "when stderr is a
    terminal".
    """

    def __init__(
        self,
        total: int | None,
        enabled: bool | None = None,
        *,
        stream: TextIO | None = None,
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.counts: Counter[Status] = Counter()
        self._bar: tqdm[Any] | None = None

        if self.enabled:
            self._bar = tqdm(
                total=total,
                file=self.stream,
                unit=" " + _("rows"),
                dynamic_ncols=True,
                leave=True,
            )

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def update(self, result: RowResult) -> None:
        """Count one finished row and advance the bar."""
        self.counts[result.status] += 1
        if self._bar is None:
            return

        # The keywords match the status column of the results sheet. tqdm redraws at
        # most every 0.1 s, so refreshing only with update() keeps the cost per row low.
        self._bar.set_postfix(self._postfix(), refresh=False)
        self._bar.update(1)

    def update_many(self, status: Status, count: int) -> None:
        """Count ``count`` rows that finished with ``status`` and advance the bar."""
        if count <= 0:
            return
        self.counts[status] += count
        if self._bar is not None:
            self._bar.set_postfix(self._postfix(), refresh=False)
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _postfix(self) -> dict[str, int]:
        return {status.value: count for status in Status if (count := self.counts[status])}


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
