"""The delivery loop with a scripted client: ledger decisions, bounds, pacing and stops.

These tests drive the loop's logic through a fake ``StartProcessClient``; the tests in
``test_delivery_sandbox.py`` send real requests to the sandbox server.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tas_import.client import DeliveryOutcome
from tas_import.delivery import Delivery
from tas_import.errors import AuthError, DeliveryError
from tas_import.ledger import Ledger, LedgerState, RowIdentity
from tas_import.rows import CoercedRow, PayloadValue, RowResult, Status

BASE_URL = "http://127.0.0.1:9"
TEMPLATE = 27

Script = Callable[[int, Mapping[str, PayloadValue]], DeliveryOutcome]


def created(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
    return DeliveryOutcome(Status.CREATED, "", case_id=str(1000 + call), http_status=200)


class FakeClient:
    """Returns start_process outcomes from a script, counting calls and requests in flight."""

    def __init__(
        self, script: Script = created, delay: float | Callable[[int], float] = 0.0
    ) -> None:
        self.script = script
        self.delay = delay
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.started_at: list[float] = []

    async def start_process(
        self, process_id: int, data: Mapping[str, PayloadValue]
    ) -> DeliveryOutcome:
        self.calls.append(str(data["employeeNumber"]))
        call = len(self.calls)
        self.started_at.append(time.monotonic())
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay(call) if callable(self.delay) else self.delay)
            return self.script(call, data)
        finally:
            self.in_flight -= 1


def make_rows(count: int, start: int = 2) -> list[CoercedRow]:
    return [
        CoercedRow(number, {"employeeNumber": f"E{number}"}, key=f"E{number}")
        for number in range(start, start + count)
    ]


def identity(number: int) -> RowIdentity:
    return RowIdentity.of(BASE_URL, TEMPLATE, f"E{number}")


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.sqlite") as opened:
        yield opened


def make_delivery(client: FakeClient, ledger: Ledger, **options: object) -> Delivery:
    return Delivery(
        client,
        ledger,
        base_url=BASE_URL,
        template=TEMPLATE,
        source_file="hr.csv",
        run_id="run-test",
        **options,  # type: ignore[arg-type]
    )


async def collect(results: AsyncIterator[RowResult]) -> dict[int, RowResult]:
    by_row: dict[int, RowResult] = {}
    async for result in results:
        assert result.number not in by_row, f"row {result.number} got two results"
        by_row[result.number] = result
    return by_row


def deliver(delivery: Delivery, rows: Iterable[CoercedRow]) -> dict[int, RowResult]:
    return asyncio.run(collect(delivery.run(rows)))


def statuses(results: dict[int, RowResult]) -> dict[int, Status]:
    return {number: result.status for number, result in sorted(results.items())}


def test_all_rows_created(ledger: Ledger) -> None:
    results = deliver(make_delivery(FakeClient(), ledger), make_rows(20))
    assert set(statuses(results).values()) == {Status.CREATED}
    assert len(results) == 20
    assert all(entry.state is LedgerState.CREATED for entry in ledger.entries())


def test_created_rows_skipped_on_rerun(ledger: Ledger) -> None:
    deliver(make_delivery(FakeClient(), ledger), make_rows(5))
    client = FakeClient()
    results = deliver(make_delivery(client, ledger), make_rows(5))

    assert client.calls == []
    assert set(statuses(results).values()) == {Status.SKIPPED}
    assert "as case 100" in results[2].message
    assert results[2].case_id is not None


def test_failed_rows_sent_again(ledger: Ledger) -> None:
    def reject(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        return DeliveryOutcome(Status.FAILED, "unknown variable", None, 400)

    first = deliver(make_delivery(FakeClient(reject), ledger), make_rows(3))
    assert set(statuses(first).values()) == {Status.FAILED}

    client = FakeClient()
    second = deliver(make_delivery(client, ledger), make_rows(3))
    assert len(client.calls) == 3
    assert set(statuses(second).values()) == {Status.CREATED}


def test_unknown_rows_not_resent(ledger: Ledger) -> None:
    def time_out(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        return DeliveryOutcome(Status.UNKNOWN, "TAS did not answer within 30 s.")

    first = deliver(make_delivery(FakeClient(time_out), ledger), make_rows(3))
    assert set(statuses(first).values()) == {Status.UNKNOWN}
    assert "--resend-unknown" in first[2].message

    client = FakeClient()
    second = deliver(make_delivery(client, ledger), make_rows(3))
    assert client.calls == []
    assert set(statuses(second).values()) == {Status.UNKNOWN}
    assert "did not answer" in second[2].message


def test_resend_unknown_sends_them(ledger: Ledger) -> None:
    def time_out(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        return DeliveryOutcome(Status.UNKNOWN, "TAS did not answer within 30 s.")

    deliver(make_delivery(FakeClient(time_out), ledger), make_rows(3))
    client = FakeClient()
    results = deliver(make_delivery(client, ledger, resend_unknown=True), make_rows(3))
    assert len(client.calls) == 3
    assert set(statuses(results).values()) == {Status.CREATED}


def test_sending_left_by_crash_is_unknown(ledger: Ledger) -> None:
    ledger.mark_sending(identity(2), source_file="hr.csv", row_number=2, run_id="run-crashed")
    client = FakeClient()
    results = deliver(make_delivery(client, ledger), make_rows(1))

    assert client.calls == []
    assert results[2].status is Status.UNKNOWN
    entry = ledger.lookup(identity(2))
    assert entry is not None
    assert entry.state is LedgerState.UNKNOWN
    assert "run-crashed" in entry.message


def test_settled_not_created_is_resent(ledger: Ledger) -> None:
    ledger.mark_sending(identity(2), source_file="hr.csv", row_number=2, run_id="run-crashed")
    ledger.settle(ledger.lookup(identity(2)).entry_id, created=False, case_id=None)  # type: ignore[union-attr]
    client = FakeClient()
    results = deliver(make_delivery(client, ledger), make_rows(1))
    assert client.calls == ["E2"]
    assert results[2].status is Status.CREATED


def test_settled_created_is_skipped(ledger: Ledger) -> None:
    ledger.mark_sending(identity(2), source_file="hr.csv", row_number=2, run_id="run-crashed")
    ledger.settle(ledger.lookup(identity(2)).entry_id, created=True, case_id="555")  # type: ignore[union-attr]
    client = FakeClient()
    results = deliver(make_delivery(client, ledger), make_rows(1))
    assert client.calls == []
    assert results[2].status is Status.SKIPPED
    assert "as case 555" in results[2].message


def test_concurrency_is_bounded(ledger: Ledger) -> None:
    client = FakeClient(delay=0.01)
    deliver(make_delivery(client, ledger, concurrency=3), make_rows(30))
    assert client.max_in_flight == 3


def test_rate_limits_request_starts(ledger: Ledger) -> None:
    client = FakeClient()
    deliver(make_delivery(client, ledger, rate=50.0, concurrency=8), make_rows(11))
    gaps = [later - earlier for earlier, later in itertools.pairwise(client.started_at)]
    assert client.started_at[-1] - client.started_at[0] >= 0.19
    assert min(gaps) >= 0.015


def test_rows_read_lazily(ledger: Ledger) -> None:
    consumed = 0

    def endless_rows() -> Iterator[CoercedRow]:
        nonlocal consumed
        for number in itertools.count(2):
            consumed += 1
            yield CoercedRow(number, {"employeeNumber": f"E{number}"}, key=f"E{number}")

    async def first_results(count: int) -> None:
        results = make_delivery(FakeClient(delay=0.001), ledger, concurrency=4).run(
            endless_rows()
        )
        received = 0
        async for _result in results:
            received += 1
            if received == count:
                break
        await results.aclose()  # type: ignore[attr-defined]

    asyncio.run(first_results(50))
    # Up to `concurrency` requests in flight, as many more committing their outcome, and
    # the row waiting for a slot.
    assert consumed <= 50 + 2 * 4 + 1


def test_auth_error_stops_run(ledger: Ledger) -> None:
    def expire_at_fifth(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        if call >= 5:
            raise AuthError("TAS rejected the token (HTTP 401)", status_code=401)
        return created(call, data)

    client = FakeClient(expire_at_fifth)
    delivery = make_delivery(client, ledger, concurrency=1)
    results = deliver(delivery, make_rows(10))

    assert len(client.calls) == 5
    assert [results[n].status for n in range(2, 6)] == [Status.CREATED] * 4
    assert [results[n].status for n in range(6, 12)] == [Status.NOT_ATTEMPTED] * 6
    assert delivery.stop_reason is not None
    assert "401" in delivery.stop_reason


def test_auth_error_row_is_resent(ledger: Ledger) -> None:
    def reject_token(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        raise AuthError("TAS rejected the token (HTTP 401)", status_code=401)

    deliver(make_delivery(FakeClient(reject_token), ledger, concurrency=1), make_rows(3))
    entry = ledger.lookup(identity(2))
    assert entry is not None
    assert entry.state is LedgerState.FAILED
    assert entry.http_status == 401
    assert ledger.lookup(identity(3)) is None

    client = FakeClient()
    results = deliver(make_delivery(client, ledger), make_rows(3))
    assert client.calls == ["E2", "E3", "E4"]
    assert set(statuses(results).values()) == {Status.CREATED}


def test_auth_error_lets_in_flight_finish(ledger: Ledger) -> None:
    def expire_at_third(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        if call == 3:
            raise AuthError("TAS rejected the token (HTTP 403)", status_code=403)
        return created(call, data)

    # The third call is rejected at once, while the first two are still in flight. The
    # fourth row is being marked at that moment: it is sent only if its mark was
    # committed before the rejection arrived, which depends on the disk.
    client = FakeClient(expire_at_third, delay=lambda call: 0.0 if call == 3 else 0.1)
    results = deliver(make_delivery(client, ledger, concurrency=4), make_rows(20))

    calls = len(client.calls)
    assert calls in (3, 4)
    counts = list(statuses(results).values())
    assert counts.count(Status.CREATED) == calls - 1
    assert counts.count(Status.NOT_ATTEMPTED) == 20 - (calls - 1)
    created_in_ledger = list(ledger.entries(state=LedgerState.CREATED))
    assert len(created_in_ledger) == calls - 1


def test_stop_during_sending_mark(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row whose sending mark was being written when the run stopped is not sent."""

    def reject_first(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        raise AuthError("TAS rejected the token (HTTP 401)", status_code=401)

    original = ledger.mark_sending

    def slow_mark_sending(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.05)  # long enough for the first response to arrive meanwhile
        original(*args, **kwargs)

    monkeypatch.setattr(ledger, "mark_sending", slow_mark_sending)
    client = FakeClient(reject_first)
    results = deliver(make_delivery(client, ledger, concurrency=2), make_rows(3))

    assert client.calls == ["E2"]
    assert list(statuses(results).values()) == [Status.NOT_ATTEMPTED] * 3
    second = ledger.lookup(identity(3))
    assert second is not None
    assert second.state is LedgerState.FAILED


def test_server_down_stops_run(ledger: Ledger) -> None:
    def refuse(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        return DeliveryOutcome(Status.FAILED, "Cannot connect", reached_server=False)

    client = FakeClient(refuse)
    delivery = make_delivery(client, ledger, concurrency=1, max_connection_failures=3)
    results = deliver(delivery, make_rows(10))

    assert len(client.calls) == 3
    assert list(statuses(results).values()) == [Status.FAILED] * 3 + [Status.NOT_ATTEMPTED] * 7
    assert delivery.stop_reason is not None
    assert BASE_URL in delivery.stop_reason


def test_reaching_server_resets_failure_count(ledger: Ledger) -> None:
    def every_third_reaches(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        if call % 3 == 0:
            return created(call, data)
        return DeliveryOutcome(Status.FAILED, "Cannot connect", reached_server=False)

    client = FakeClient(every_third_reaches)
    delivery = make_delivery(client, ledger, concurrency=1, max_connection_failures=3)
    deliver(delivery, make_rows(12))
    assert len(client.calls) == 12
    assert delivery.stop_reason is None


def test_same_key_in_flight_is_invalid(ledger: Ledger) -> None:
    rows = [
        CoercedRow(2, {"employeeNumber": "E2"}, key="K"),
        CoercedRow(3, {"employeeNumber": "E3"}, key="K"),
    ]
    client = FakeClient(delay=0.05)
    results = deliver(make_delivery(client, ledger, concurrency=4), rows)
    assert results[2].status is Status.CREATED
    assert results[3].status is Status.INVALID
    assert "row 2" in results[3].message


def test_unexpected_client_error_is_unknown(ledger: Ledger) -> None:
    def crash(call: int, data: Mapping[str, PayloadValue]) -> DeliveryOutcome:
        raise RuntimeError("bug in the client")

    results = deliver(make_delivery(FakeClient(crash), ledger), make_rows(2))
    assert set(statuses(results).values()) == {Status.UNKNOWN}
    entry = ledger.lookup(identity(2))
    assert entry is not None
    assert entry.state is LedgerState.UNKNOWN


def test_rows_without_key_use_payload_hash(ledger: Ledger) -> None:
    rows = [CoercedRow(2, {"employeeNumber": "E2"}), CoercedRow(3, {"employeeNumber": "E3"})]
    deliver(make_delivery(FakeClient(), ledger), rows)
    client = FakeClient()
    again = [CoercedRow(7, {"employeeNumber": "E2"}), CoercedRow(8, {"employeeNumber": "E9"})]
    results = deliver(make_delivery(client, ledger), again)
    assert results[7].status is Status.SKIPPED
    assert client.calls == ["E9"]


def test_ledger_write_failure_stops_run(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ledger, "mark_sending", disk_full)
    client = FakeClient()
    with pytest.raises(DeliveryError, match="Cannot write the ledger"):
        deliver(make_delivery(client, ledger), make_rows(3))
    assert client.calls == []
