"""The delivery loop against the real sandbox server over 127.0.0.1, with injected faults."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tas_import.client import DeliveryOutcome, RetryPolicy, TasClient
from tas_import.delivery import Delivery
from tas_import.ledger import Ledger, LedgerState, RowIdentity
from tas_import.rows import CoercedRow, PayloadValue, RowResult, Status
from tas_import.sandbox.embedded import run_sandbox
from tas_import.sandbox.faults import FaultPlan
from tas_import.sandbox.store import CaseStore
from tas_import.templates import Template, TemplateVariable

TEMPLATE = 27
TOKEN = "sandbox-token-for-tests"
TEMPLATES = {
    TEMPLATE: Template(
        TEMPLATE,
        "Nástup zaměstnance",
        {"employeeNumber": TemplateVariable("text"), "salary": TemplateVariable("number")},
    )
}
# Short waits keep the fault tests fast; the shares of faults stay realistic.
FAST_RETRY = RetryPolicy(attempts=6, max_seconds=30.0, base_delay=0.01, max_delay=0.05)


def make_rows(count: int) -> list[CoercedRow]:
    return [
        CoercedRow(
            number, {"employeeNumber": f"E{number}", "salary": number * 100}, key=f"E{number}"
        )
        for number in range(2, 2 + count)
    ]


@contextmanager
def sandbox(tmp_path: Path, faults: FaultPlan | None = None) -> Iterator[str]:
    with run_sandbox(TEMPLATES, tmp_path / "cases.sqlite", TOKEN, faults) as url:
        yield url


def stored_cases(tmp_path: Path) -> list[dict[str, Any]]:
    store = CaseStore(tmp_path / "cases.sqlite")
    try:
        return store.list_cases()
    finally:
        store.close()


def fault_events(tmp_path: Path) -> list[dict[str, Any]]:
    store = CaseStore(tmp_path / "cases.sqlite")
    try:
        return store.list_faults()
    finally:
        store.close()


async def deliver_async(
    client: Any, ledger: Ledger, rows: list[CoercedRow], url: str, **options: Any
) -> tuple[dict[int, RowResult], Delivery]:
    delivery = Delivery(
        client,
        ledger,
        base_url=url,
        template=TEMPLATE,
        source_file="hr.csv",
        run_id="run-test",
        **options,
    )
    results: dict[int, RowResult] = {}
    async for result in delivery.run(rows):
        assert result.number not in results
        results[result.number] = result
    return results, delivery


def deliver(
    url: str,
    ledger: Ledger,
    rows: list[CoercedRow],
    *,
    token: str = TOKEN,
    timeout: float = 10.0,
    **options: Any,
) -> tuple[dict[int, RowResult], Delivery]:
    async def run() -> tuple[dict[int, RowResult], Delivery]:
        async with TasClient(
            url, token, timeout=timeout, retry=FAST_RETRY, max_connections=8
        ) as client:
            return await deliver_async(client, ledger, rows, url, **options)

    return asyncio.run(run())


def case_keys(tmp_path: Path) -> Counter[str]:
    return Counter(str(case["data"]["employeeNumber"]) for case in stored_cases(tmp_path))


def test_rows_created_once(tmp_path: Path) -> None:
    rows = make_rows(60)
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger, sandbox(tmp_path) as url:
        first, _ = deliver(url, ledger, rows, concurrency=8)
        second, _ = deliver(url, ledger, rows, concurrency=8)

    assert Counter(result.status for result in first.values()) == {Status.CREATED: 60}
    assert Counter(result.status for result in second.values()) == {Status.SKIPPED: 60}
    assert case_keys(tmp_path) == Counter(f"E{n}" for n in range(2, 62))


def test_every_fault_no_duplicates(tmp_path: Path) -> None:
    """Every fault kind at once, then the operator's follow-up until every row is created.

    Drops after the commit and slow answers leave `unknown` rows: the test looks up the
    sandbox's fault log as an operator would look in TAS, settles each unknown row as
    created or not created, and reruns. Retryable faults (429, 503) end `created` within
    one run; a 500 ends `failed` and the rerun sends it again.
    """
    rows = make_rows(150)
    plan = FaultPlan(
        latency_ms=2,
        error_500=0.05,
        busy_503=0.05,
        throttle_429=0.05,
        drop_before_store=0.05,
        drop_after_commit=0.05,
        slow_after_commit=0.03,
        slow_seconds=1.5,
        retry_after_seconds=0,
        seed=7,
    )
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger, sandbox(tmp_path, plan) as url:
        first, _ = deliver(url, ledger, rows, concurrency=8, timeout=0.5)
        events = fault_events(tmp_path)

        committed = {
            str(event["data"]["employeeNumber"]): event["case_id"]
            for event in events
            if event["fault"] in ("drop-after-commit", "slow-after-commit")
        }
        for key in committed:
            assert first[int(key[1:])].status is Status.UNKNOWN, key

        retried = {
            str(event["data"]["employeeNumber"])
            for event in events
            if event["fault"] in ("busy-503", "throttle-429")
        }
        hit_final_fault = {
            str(event["data"]["employeeNumber"])
            for event in events
            if event["fault"] in ("error-500", "drop-before-store") or event["case_id"]
        }
        for key in retried - hit_final_fault:
            assert first[int(key[1:])].status is Status.CREATED, key

        # The operator's check in TAS: a committed case is settled as created, anything
        # else that is unknown was verified as not stored.
        unknown = list(ledger.entries(state=LedgerState.UNKNOWN))
        assert len(unknown) == sum(r.status is Status.UNKNOWN for r in first.values())
        for entry in unknown:
            case_id = committed.get(entry.identity.row_key)
            ledger.settle(entry.entry_id, created=case_id is not None, case_id=str(case_id))

        for _attempt in range(10):
            results, _ = deliver(url, ledger, rows, concurrency=8, timeout=5.0)
            if all(r.status in (Status.CREATED, Status.SKIPPED) for r in results.values()):
                break
            for entry in ledger.entries(state=LedgerState.UNKNOWN):
                # Later drops after a commit: settle them the same way.
                later = {
                    str(event["data"]["employeeNumber"]): event["case_id"]
                    for event in fault_events(tmp_path)
                    if event["case_id"]
                }
                case_id = later.get(entry.identity.row_key)
                ledger.settle(entry.entry_id, created=case_id is not None, case_id=str(case_id))

    assert case_keys(tmp_path) == Counter(f"E{n}" for n in range(2, 152))
    assert len([r for r in first.values() if r.status is Status.UNKNOWN]) > 0


class TokenExpiresAfter:
    """Sends the first ``count`` requests with the good token, the rest with an expired one."""

    def __init__(self, good: TasClient, expired: TasClient, count: int) -> None:
        self.good = good
        self.expired = expired
        self.remaining = count

    async def start_process(
        self, process_id: int, data: Mapping[str, PayloadValue]
    ) -> DeliveryOutcome:
        self.remaining -= 1
        client = self.good if self.remaining >= 0 else self.expired
        return await client.start_process(process_id, data)


def test_expired_token_stops_run(tmp_path: Path) -> None:
    rows = make_rows(40)
    plan = FaultPlan(latency_ms=5)

    async def run(url: str, ledger: Ledger) -> tuple[dict[int, RowResult], Delivery]:
        async with (
            TasClient(url, TOKEN, retry=FAST_RETRY, max_connections=4) as good,
            TasClient(url, "expired-token", retry=FAST_RETRY, max_connections=4) as expired,
        ):
            client = TokenExpiresAfter(good, expired, 10)
            return await deliver_async(client, ledger, rows, url, concurrency=4)

    with Ledger.open(tmp_path / "ledger.sqlite") as ledger, sandbox(tmp_path, plan) as url:
        first, delivery = asyncio.run(run(url, ledger))
        after_expiry = len(stored_cases(tmp_path))
        rerun, _ = deliver(url, ledger, rows, concurrency=4)

    counts = Counter(result.status for result in first.values())
    assert delivery.stop_reason is not None
    assert counts[Status.CREATED] == 10
    assert counts[Status.NOT_ATTEMPTED] == 30
    assert after_expiry == 10
    assert Counter(result.status for result in rerun.values()) == {
        Status.SKIPPED: 10,
        Status.CREATED: 30,
    }
    assert case_keys(tmp_path) == Counter(f"E{n}" for n in range(2, 42))


def test_server_down_stops_run(tmp_path: Path) -> None:
    with sandbox(tmp_path) as url:
        pass  # the port is free again: nothing listens there now

    rows = make_rows(50)
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        results, delivery = deliver(
            url, ledger, rows, concurrency=2, max_connection_failures=3
        )
        sent = list(ledger.entries())

    counts = Counter(result.status for result in results.values())
    assert delivery.stop_reason is not None
    assert counts[Status.FAILED] <= 4
    assert counts[Status.FAILED] + counts[Status.NOT_ATTEMPTED] == 50
    assert all(entry.state is LedgerState.FAILED for entry in sent)
    assert RowIdentity.of(url, TEMPLATE, "E51") not in {entry.identity for entry in sent}
