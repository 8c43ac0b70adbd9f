"""The delivery loop: sends valid rows through the TAS client, guarded by the ledger.

Per row the ledger decides first. A row already ``created`` is skipped. A row whose
outcome is in doubt (``unknown``, or ``sending`` left by a crash) is reported ``unknown``
and is not sent unless the operator asked for ``--resend-unknown``. Every other row is
committed as ``sending`` before its POST and then as its outcome.

The loop keeps at most ``concurrency`` requests in flight, paces them to ``rate`` requests
per second, and reads the rows lazily, so a file of a million rows never sits in memory.
It stops sending at the first 401/403, or after ``max_connection_failures`` outcomes in a
row that never reached the server. The rows it did not send end ``not attempted``.

Ledger reads and writes run on the event loop thread. A commit took about 0.1 ms on the
development VM (2 cores, loaded by a sandbox at 150 requests/s). Handing each write to a
worker thread instead made every request wait 1 to 5 ms on the same VM.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Protocol

from tas_import.client import DeliveryOutcome
from tas_import.errors import AuthError, DeliveryError
from tas_import.i18n import _
from tas_import.keys import DuplicateKeys, duplicate_result, row_key
from tas_import.ledger import (
    Ledger,
    LedgerEntry,
    LedgerState,
    RowIdentity,
    normalise_base_url,
)
from tas_import.rows import CoercedRow, PayloadValue, RowResult, Status

__all__ = ["Delivery", "DuplicateKeys", "StartProcessClient"]

logger = logging.getLogger(__name__)


class StartProcessClient(Protocol):
    """The part of :class:`tas_import.client.TasClient` that the loop calls."""

    async def start_process(
        self, process_id: int, data: Mapping[str, PayloadValue]
    ) -> DeliveryOutcome: ...


def result_from_ledger(
    row: CoercedRow, entry: LedgerEntry | None, *, resend_unknown: bool
) -> RowResult | None:
    """Return what the ledger makes of the row without changing it, or None to send it."""
    if entry is None or entry.state in (LedgerState.FAILED, LedgerState.NOT_CREATED):
        return None
    if entry.state is LedgerState.CREATED:
        return RowResult(row.number, Status.SKIPPED, _skipped_message(entry), entry.case_id)
    if resend_unknown:
        return None
    return RowResult(row.number, Status.UNKNOWN, _unknown_guidance(entry))


class LedgerPreview:
    """Tell a dry-run which valid rows a real run would skip or hold back as unknown."""

    def __init__(
        self, ledger: Ledger, *, base_url: str, template: int, resend_unknown: bool
    ) -> None:
        self.ledger = ledger
        self.base_url = base_url
        self.template = template
        self.resend_unknown = resend_unknown

    def is_empty(self) -> bool:
        """Tell whether the ledger has no row of this template sent to this TAS."""
        return not self.ledger.has_rows(self.base_url, self.template)

    def result(self, row: CoercedRow) -> RowResult | None:
        """Return the row's result from the ledger, or None when a run would send it."""
        key = row_key(row)
        if key is None:
            return None
        entry = self.ledger.lookup(RowIdentity.of(self.base_url, self.template, key))
        return result_from_ledger(row, entry, resend_unknown=self.resend_unknown)


class Delivery:
    """Delivers the valid rows of one source file to one TAS template."""

    def __init__(
        self,
        client: StartProcessClient,
        ledger: Ledger,
        *,
        base_url: str,
        template: int,
        source_file: str,
        run_id: str,
        concurrency: int = 4,
        rate: float | None = None,
        resend_unknown: bool = False,
        max_connection_failures: int = 5,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        if max_connection_failures < 1:
            raise ValueError(
                f"max_connection_failures must be at least 1, not {max_connection_failures}"
            )

        self.client = client
        self.ledger = ledger
        self.base_url = base_url
        self._ledger_url = normalise_base_url(base_url)
        self.template = template
        self.source_file = source_file
        self.run_id = run_id
        self.concurrency = concurrency
        self.rate = rate
        self.resend_unknown = resend_unknown
        self.max_connection_failures = max_connection_failures

        self.stop_reason: str | None = None  # translated; set when the run stopped early
        self._not_attempted_message = ""
        self._connection_failures = 0
        self._next_send_at = 0.0
        self._in_flight: set[asyncio.Task[RowResult]] = set()
        self._in_flight_rows: dict[RowIdentity, int] = {}
        self._slots: asyncio.Semaphore | None = None
        self._ledger_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger")

    async def run(self, rows: Iterable[CoercedRow]) -> AsyncIterator[RowResult]:
        """Yield exactly one RowResult per given (valid) row, in completion order."""
        self._slots = asyncio.Semaphore(self.concurrency)
        self._ledger_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger")
        try:
            for row in rows:
                result = await self._start(row)
                if result is not None:
                    yield result

                for finished in self._collect_finished():
                    yield finished

            while self._in_flight:
                for finished in await self._wait_for_any():
                    yield finished
        finally:
            # Tasks are left only when the iteration ended early (the caller stopped, or a
            # ledger write failed). Their rows stay `sending` in the ledger, so the next run
            # reports them as unknown.
            for task in self._in_flight:
                task.cancel()
            await asyncio.gather(*self._in_flight, return_exceptions=True)
            self._in_flight.clear()
            # A write already started in the thread still completes: it cannot be undone.
            self._ledger_thread.shutdown(wait=True)

    async def _start(self, row: CoercedRow) -> RowResult | None:
        """Send the row in a new task and return None, or return its result at once."""
        if self.stop_reason is not None:
            return self._not_attempted(row)

        key = row_key(row)
        if key is None or row.data is None:
            raise ValueError(f"row {row.number} is invalid and must not reach delivery")
        identity = RowIdentity(self._ledger_url, self.template, key)

        first_row = self._in_flight_rows.get(identity)
        if first_row is not None:
            return duplicate_result(row.number, key, first_row)

        result = self._result_from_ledger(row, self.ledger.lookup(identity))
        if result is not None:
            return result

        # A slot is one request in flight: it is taken here and given back as soon as the
        # response (or error) arrives, so that committing the outcome does not hold it.
        assert self._slots is not None
        await self._slots.acquire()
        await self._pace()
        if self.stop_reason is not None:
            self._slots.release()
            return self._not_attempted(row)

        try:
            # Write-ahead: `sending` is committed before the request exists.
            await self._write_in_thread(
                functools.partial(
                    self.ledger.mark_sending,
                    identity,
                    source_file=self.source_file,
                    row_number=row.number,
                    run_id=self.run_id,
                )
            )
        except BaseException:
            self._slots.release()
            raise

        if self.stop_reason is not None:
            # The run stopped during the write. The row was never sent, so a rerun may
            # send it.
            try:
                await self._write_in_thread(functools.partial(
                    self.ledger.mark_failed, identity, self._not_attempted_message
                ))
            finally:
                self._slots.release()
            return self._not_attempted(row)

        self._in_flight_rows[identity] = row.number
        task = asyncio.create_task(self._send(row, row.data, identity))
        self._in_flight.add(task)
        return None

    def _result_from_ledger(
        self, row: CoercedRow, entry: LedgerEntry | None
    ) -> RowResult | None:
        """Return the result the ledger dictates, or None when the row is to be sent."""
        result = result_from_ledger(row, entry, resend_unknown=self.resend_unknown)
        doubtful = entry is not None and entry.state in (LedgerState.UNKNOWN, LedgerState.SENDING)
        if result is None and doubtful:
            assert entry is not None
            logger.info("resending row %s (ledger entry %s was %s)", row.number,
                        entry.entry_id, entry.state)
        if result is None or result.status is not Status.UNKNOWN:
            return result

        assert entry is not None
        if entry.state is LedgerState.SENDING:
            interrupted = _("The run {run_id} ended while sending this row.", run_id=entry.run_id)
            self._write(
                functools.partial(self.ledger.mark_interrupted, entry.identity, interrupted)
            )
            entry = self.ledger.lookup(entry.identity) or entry

        return RowResult(row.number, Status.UNKNOWN, _unknown_guidance(entry))

    async def _send(
        self, row: CoercedRow, data: Mapping[str, PayloadValue], identity: RowIdentity
    ) -> RowResult:
        try:
            return await self._send_and_record(row, data, identity)
        finally:
            # Only after the outcome is committed, because until then the ledger has `sending`.
            self._in_flight_rows.pop(identity, None)

    async def _send_and_record(
        self, row: CoercedRow, data: Mapping[str, PayloadValue], identity: RowIdentity
    ) -> RowResult:
        assert self._slots is not None
        try:
            outcome = await self._post(row, data)
            # Decide about stopping before the slot is free, so no further row starts.
            if isinstance(outcome, AuthError):
                self._stop_on_auth(outcome)
            else:
                self._count_connection_failure(outcome)
        finally:
            self._slots.release()

        if isinstance(outcome, AuthError):
            # TAS stores nothing on 401/403, so the row is `failed` and a rerun sends it.
            await self._write_in_thread(
                functools.partial(
                    self.ledger.mark_failed,
                    identity,
                    outcome.message,
                    http_status=outcome.status_code,
                )
            )
            return self._not_attempted(row)

        await self._write_in_thread(
            functools.partial(self.ledger.mark_outcome, identity, outcome)
        )

        if outcome.status is Status.UNKNOWN:
            entry = self.ledger.lookup(identity)
            message = outcome.message if entry is None else _settle_hint(outcome.message, entry)
            return RowResult(row.number, Status.UNKNOWN, message)
        return RowResult(row.number, outcome.status, outcome.message, outcome.case_id)

    async def _post(
        self, row: CoercedRow, data: Mapping[str, PayloadValue]
    ) -> DeliveryOutcome | AuthError:
        try:
            return await self.client.start_process(self.template, data)
        except AuthError as error:
            return error
        except DeliveryError as error:
            return DeliveryOutcome(Status.UNKNOWN, error.message)
        except Exception:
            # A bug, not a network fault; the request may have been sent, so it is a doubt.
            logger.exception("sending row %s failed unexpectedly", row.number)
            return DeliveryOutcome(
                Status.UNKNOWN, _("Internal error while sending; see the log for details.")
            )

    def _stop_on_auth(self, error: AuthError) -> None:
        if self.stop_reason is None:
            logger.warning("TAS rejected the token (HTTP %s); stopping the run", error.status_code)
            self.stop_reason = _(
                "TAS rejected the token (HTTP {status}): it is missing, expired or lacks the "
                "rights for template {template}. Rows not yet sent are 'not attempted'; a "
                "rerun with a valid token resumes where this run stopped.",
                status=error.status_code,
                template=self.template,
            )
            self._not_attempted_message = _(
                "Not sent: TAS rejected the token, so the run stopped. A rerun sends this row."
            )

    def _count_connection_failure(self, outcome: DeliveryOutcome) -> None:
        if outcome.reached_server:
            self._connection_failures = 0
            return

        self._connection_failures += 1
        if self._connection_failures < self.max_connection_failures or self.stop_reason:
            return

        # The client's URL, because the ledger's may name the sandbox database instead.
        url = str(getattr(self.client, "base_url", self.base_url))
        logger.warning(
            "%d consecutive requests did not reach %s; stopping the run",
            self._connection_failures,
            url,
        )
        self.stop_reason = _(
            "Stopped after {count} requests in a row could not reach TAS at {url}: the "
            "server seems to be down. Rows not yet sent are 'not attempted'; rerun when "
            "the server is back.",
            count=self._connection_failures,
            url=url,
        )
        self._not_attempted_message = _(
            "Not sent: TAS could not be reached, so the run stopped. A rerun sends this row."
        )

    def _not_attempted(self, row: CoercedRow) -> RowResult:
        return RowResult(row.number, Status.NOT_ATTEMPTED, self._not_attempted_message)

    async def _pace(self) -> None:
        """Wait until the next request may start under ``rate`` (no bursts)."""
        if self.rate is None:
            return
        now = time.monotonic()
        send_at = max(now, self._next_send_at)
        self._next_send_at = send_at + 1.0 / self.rate
        if send_at > now:
            await asyncio.sleep(send_at - now)

    def _collect_finished(self) -> list[RowResult]:
        finished = [task for task in self._in_flight if task.done()]
        self._in_flight.difference_update(finished)
        return [task.result() for task in finished]

    async def _wait_for_any(self) -> list[RowResult]:
        await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
        return self._collect_finished()

    async def _write_in_thread(self, change: Callable[[], object]) -> None:
        """Run one ledger write in the ledger's thread, and stop the run if it fails.

        An fsync takes about a millisecond. On the event loop, it would hold up every
        response that arrives meanwhile.
        """
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._ledger_thread, self._write, change)

    def _write(self, change: Callable[[], object]) -> None:
        """Run one ledger write, and stop the run if it fails.

        Sending on without a record could create cases that no rerun can find.
        """
        try:
            change()
        except sqlite3.Error as error:
            logger.error("ledger write failed: %s", error)
            raise DeliveryError(
                _("Cannot write the ledger {path}: {error}", path=self.ledger.path, error=error),
                hint=_(
                    "Free disk space or fix the file's permissions, then rerun; rows whose "
                    "outcome was not recorded are reported as unknown."
                ),
            ) from error


def _local_time(iso_time: str | None) -> str:
    if iso_time is None:
        return "?"
    return datetime.fromisoformat(iso_time).astimezone().strftime("%Y-%m-%d %H:%M")


def _skipped_message(entry: LedgerEntry) -> str:
    date = _local_time(entry.created_at or entry.updated_at)
    if entry.case_id is None:
        return _("created on {date}; TAS returned no case id", date=date)
    return _("created on {date} as case {case_id}", date=date, case_id=entry.case_id)


def _unknown_guidance(entry: LedgerEntry) -> str:
    """Explain an outcome left unknown by an earlier run, and how to settle it."""
    return _(
        "Outcome unknown since {date}: {reason} Check in TAS whether the case exists, then "
        "run 'tas-import ledger settle {entry_id}' or rerun with --resend-unknown.",
        date=_local_time(entry.updated_at),
        reason=_sentence(entry.message) or _("TAS did not answer."),
        entry_id=entry.entry_id,
    )


def _settle_hint(reason: str, entry: LedgerEntry) -> str:
    """Append to the client's reason for a new unknown outcome how to settle it."""
    return _(
        "{reason} Once you know, run 'tas-import ledger settle {entry_id}' or rerun with "
        "--resend-unknown.",
        reason=_sentence(reason),
        entry_id=entry.entry_id,
    )


def _sentence(text: str) -> str:
    text = text.strip()
    if text and not text.endswith((".", "!", "?")):
        return text + "."
    return text
